// The base of every typed error in UBN: a message for people and a stable string code for
// programs (branching, metric labels, peer scoring). Each module declares its codes as an
// `as const` object and one subclass, so `catch (e) { if (e instanceof XError) ... e.code }`
// is all a caller needs.
//
// Some errors are verdicts or answers, not faults: a refused transaction, a JSON-RPC error
// reply. Their code and message say everything, nobody reads their stack, and capturing one
// costs about 6 us, which a node refusing a flood of transactions would pay once per
// transaction (twice: the pool's refusal, then the RPC reply). Those are built stackless.

export interface CodedErrorOptions extends ErrorOptions {
  /** Capture no stack trace (for verdicts and answers, see above). */
  stackless?: boolean;
}

export class CodedError<Code extends string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: CodedErrorOptions) {
    const limit = options?.stackless === true ? muteStackTraces() : Error.stackTraceLimit;
    try {
      super(message, options);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.code = code;
  }
}

/** An Error that captures no stack trace: the base of answers such as JSON-RPC errors (see above). */
export class StacklessError extends Error {
  constructor(message?: string, options?: ErrorOptions) {
    const limit = muteStackTraces();
    try {
      super(message, options);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}

/** Stops errors made from now on capturing a stack; returns the limit to restore afterwards. */
function muteStackTraces(): number {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  return limit;
}
