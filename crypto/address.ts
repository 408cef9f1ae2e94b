// Account addresses: bech32m with prefix "isc" over the first 20 bytes of a tagged SHA-256 of
// the Ed25519 public key. The checksum catches any single mistyped character for certain, so
// a wallet can refuse a wrong address before it signs anything.
import { Bech32Error, decodeBech32m, encodeBech32m } from "./bech32m.ts";
import { truncateForMessage } from "./bytes.ts";
import { CodedError } from "./coded-error.ts";
import { PUBLIC_KEY_LENGTH } from "./ed25519/keys.ts";
import { taggedHash } from "./hash.ts";

export const ADDRESS_PREFIX = "isc";
export const ADDRESS_LENGTH = 20;

export const AddressErrorCode = {
  wrongPrefix: "ADDRESS_WRONG_PREFIX",
  badLength: "ADDRESS_BAD_LENGTH",
  badEncoding: "ADDRESS_BAD_ENCODING",
  badChecksum: "ADDRESS_BAD_CHECKSUM",
} as const;
export type AddressErrorCode = (typeof AddressErrorCode)[keyof typeof AddressErrorCode];

export class AddressError extends CodedError<AddressErrorCode> {
  override name = "AddressError";
  constructor(code: AddressErrorCode, input: string, reason: string) {
    super(code, `invalid address "${truncateForMessage(input)}": ${reason}`);
  }
}

/** The 20-byte account id of a public key. */
export function addressBytesOf(publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== PUBLIC_KEY_LENGTH) throw new RangeError(`public key must be ${PUBLIC_KEY_LENGTH} bytes`);
  return taggedHash("UBN/address/v1", publicKey).subarray(0, ADDRESS_LENGTH);
}

export function addressOf(publicKey: Uint8Array): string {
  return formatAddress(addressBytesOf(publicKey));
}

export function formatAddress(bytes: Uint8Array): string {
  if (bytes.length !== ADDRESS_LENGTH) throw new RangeError(`address must be ${ADDRESS_LENGTH} bytes`);
  return encodeBech32m(ADDRESS_PREFIX, bytes);
}

/** Parses an "isc1..." address; throws AddressError saying what is wrong. */
export function parseAddress(text: string): Uint8Array {
  let decoded: { prefix: string; payload: Uint8Array };
  try {
    decoded = decodeBech32m(text.trim());
  } catch (e) {
    if (!(e instanceof Bech32Error)) throw e;
    const code = e.code === "BECH32_BAD_CHECKSUM" ? AddressErrorCode.badChecksum : AddressErrorCode.badEncoding;
    throw new AddressError(code, text, e.message);
  }
  if (decoded.prefix !== ADDRESS_PREFIX) {
    throw new AddressError(
      AddressErrorCode.wrongPrefix,
      text,
      `prefix is "${decoded.prefix}", UBN addresses start with "${ADDRESS_PREFIX}1"`,
    );
  }
  if (decoded.payload.length !== ADDRESS_LENGTH) {
    throw new AddressError(
      AddressErrorCode.badLength,
      text,
      `holds ${decoded.payload.length} bytes, an address holds ${ADDRESS_LENGTH}`,
    );
  }
  return decoded.payload;
}

export function isAddress(text: string): boolean {
  try {
    parseAddress(text);
    return true;
  } catch {
    return false;
  }
}
