// The encrypted key file. The secret key is sealed with AES-256-GCM under a key derived from
// the password by scrypt; the address and public key are bound in as associated data, so a
// file whose header was edited fails to open instead of signing for someone else.
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb } from "node:crypto";
import { promisify } from "node:util";
import { addressOf } from "../address.ts";
import { fromHex, toHex, utf8 } from "../bytes.ts";
import { publicKeyOf, SECRET_KEY_LENGTH } from "../ed25519/keys.ts";
import { KeystoreError, KeystoreErrorCode } from "./errors.ts";

const scrypt = promisify(scryptCb) as (
  password: string | Uint8Array,
  salt: Uint8Array,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

export const KEYSTORE_VERSION = 1;

export interface ScryptParams {
  n: number;
  r: number;
  p: number;
}

/** 2^17 takes about 0.3 s and 128 MiB here: slow for a guesser, quick for a person. */
export const defaultScryptParams: ScryptParams = { n: 1 << 17, r: 8, p: 1 };

export interface KeystoreFile {
  version: typeof KEYSTORE_VERSION;
  name: string;
  address: string;
  publicKey: string;
  crypto: {
    kdf: "scrypt";
    kdfParams: ScryptParams & { salt: string };
    cipher: "aes-256-gcm";
    nonce: string;
    ciphertext: string;
    tag: string;
  };
}

function associatedData(file: Pick<KeystoreFile, "address" | "publicKey">): Uint8Array {
  return utf8(`UBN-keystore-v1|${file.address}|${file.publicKey}`);
}

async function deriveKey(password: string, salt: Uint8Array, params: ScryptParams): Promise<Buffer> {
  return scrypt(password.normalize("NFKC"), salt, 32, {
    N: params.n,
    r: params.r,
    p: params.p,
    maxmem: 256 * params.n * params.r + (1 << 20),
  });
}

export async function encryptKey(
  secretKey: Uint8Array,
  password: string,
  name: string,
  params: ScryptParams = defaultScryptParams,
): Promise<KeystoreFile> {
  if (secretKey.length !== SECRET_KEY_LENGTH) throw new RangeError(`secret key must be ${SECRET_KEY_LENGTH} bytes`);
  const publicKey = publicKeyOf(secretKey);
  const header = { address: addressOf(publicKey), publicKey: toHex(publicKey) };
  const salt = randomBytes(32);
  const nonce = randomBytes(12);
  const key = await deriveKey(password, salt, params);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(associatedData(header));
  const ciphertext = Buffer.concat([cipher.update(secretKey), cipher.final()]);
  key.fill(0);
  return {
    version: KEYSTORE_VERSION,
    name,
    ...header,
    crypto: {
      kdf: "scrypt",
      kdfParams: { ...params, salt: toHex(salt) },
      cipher: "aes-256-gcm",
      nonce: toHex(nonce),
      ciphertext: toHex(ciphertext),
      tag: toHex(cipher.getAuthTag()),
    },
  };
}

export async function decryptKey(file: KeystoreFile, password: string): Promise<Uint8Array> {
  const c = file.crypto;
  let salt: Uint8Array;
  let nonce: Uint8Array;
  let ciphertext: Uint8Array;
  let tag: Uint8Array;
  try {
    salt = fromHex(c.kdfParams.salt);
    nonce = fromHex(c.nonce, 12);
    ciphertext = fromHex(c.ciphertext, SECRET_KEY_LENGTH);
    tag = fromHex(c.tag, 16);
  } catch (e) {
    throw new KeystoreError(
      KeystoreErrorCode.corrupt,
      `key file for ${file.address} is damaged: ${(e as Error).message}`,
    );
  }
  const key = await deriveKey(password, salt, c.kdfParams);
  const decipher = createDecipheriv("aes-256-gcm", key, nonce);
  decipher.setAAD(associatedData(file));
  decipher.setAuthTag(tag);
  let secretKey: Uint8Array;
  try {
    secretKey = Uint8Array.from(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
  } catch {
    throw new KeystoreError(
      KeystoreErrorCode.wrongPassword,
      `cannot open the key for ${file.address}: wrong password, or the file was altered`,
    );
  } finally {
    key.fill(0);
  }
  if (addressOf(publicKeyOf(secretKey)) !== file.address) {
    throw new KeystoreError(KeystoreErrorCode.corrupt, `key file for ${file.address} holds a different key`);
  }
  return secretKey;
}

/** Checks the shape of a parsed key file without opening it. */
export function isKeystoreFile(value: unknown): value is KeystoreFile {
  const v = value as KeystoreFile;
  return (
    typeof v === "object" &&
    v !== null &&
    v.version === KEYSTORE_VERSION &&
    typeof v.name === "string" &&
    typeof v.address === "string" &&
    typeof v.publicKey === "string" &&
    typeof v.crypto === "object" &&
    v.crypto !== null &&
    v.crypto.kdf === "scrypt" &&
    v.crypto.cipher === "aes-256-gcm" &&
    typeof v.crypto.kdfParams === "object" &&
    Number.isInteger(v.crypto.kdfParams.n) &&
    Number.isInteger(v.crypto.kdfParams.r) &&
    Number.isInteger(v.crypto.kdfParams.p)
  );
}
