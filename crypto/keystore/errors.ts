export const KeystoreErrorCode = {
  wrongPassword: "KEYSTORE_WRONG_PASSWORD",
  corrupt: "KEYSTORE_CORRUPT",
  notFound: "KEYSTORE_NOT_FOUND",
  ambiguous: "KEYSTORE_AMBIGUOUS",
  exists: "KEYSTORE_EXISTS",
  badName: "KEYSTORE_BAD_NAME",
} as const;
export type KeystoreErrorCode = (typeof KeystoreErrorCode)[keyof typeof KeystoreErrorCode];

export class KeystoreError extends Error {
  override name = "KeystoreError";
  readonly code: KeystoreErrorCode;
  constructor(code: KeystoreErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
