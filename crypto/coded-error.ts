// The base of every typed error in UBN: a message for people and a stable string code for
// programs (branching, metric labels, peer scoring). Each module declares its codes as an
// `as const` object and one subclass, so `catch (e) { if (e instanceof XError) ... e.code }`
// is all a caller needs.
export class CodedError<Code extends string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
