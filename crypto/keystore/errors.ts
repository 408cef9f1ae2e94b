import { CodedError } from "../coded-error.ts";
export const KeystoreErrorCode = {
  wrongPassword: "KEYSTORE_WRONG_PASSWORD",
  corrupt: "KEYSTORE_CORRUPT",
  notFound: "KEYSTORE_NOT_FOUND",
  ambiguous: "KEYSTORE_AMBIGUOUS",
  exists: "KEYSTORE_EXISTS",
  badName: "KEYSTORE_BAD_NAME",
} as const;
export type KeystoreErrorCode = (typeof KeystoreErrorCode)[keyof typeof KeystoreErrorCode];

export class KeystoreError extends CodedError<KeystoreErrorCode> {
  override name = "KeystoreError";
}
