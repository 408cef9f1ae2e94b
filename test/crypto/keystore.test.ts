import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  addressOf,
  decryptKey,
  encryptKey,
  findKeyFile,
  generateKeyPair,
  KeystoreError,
  listKeyFiles,
  saveKeyFile,
  toHex,
} from "../../crypto/index.ts";

// Low scrypt cost keeps the test quick; the format is the same at the default cost.
const FAST = { n: 1 << 12, r: 8, p: 1 };
const dirs: string[] = [];
async function tempDir() {
  const d = await mkdtemp(join(tmpdir(), "ubn-keystore-"));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function rejectsWith(p: Promise<unknown>, code: string) {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(KeystoreError);
  expect((e as KeystoreError).code).toBe(code);
}

describe("keystore", () => {
  it("encrypts and decrypts a key", async () => {
    const { secretKey, publicKey } = generateKeyPair();
    const file = await encryptKey(secretKey, "correct horse", "alice", FAST);
    expect(file.address).toBe(addressOf(publicKey));
    expect(await decryptKey(file, "correct horse")).toEqual(secretKey);
  });

  it("refuses a wrong password and an edited header", async () => {
    const { secretKey } = generateKeyPair();
    const file = await encryptKey(secretKey, "pw", "bob", FAST);
    await rejectsWith(decryptKey(file, "pW"), "KEYSTORE_WRONG_PASSWORD");
    const other = addressOf(generateKeyPair().publicKey);
    await rejectsWith(decryptKey({ ...file, address: other }, "pw"), "KEYSTORE_WRONG_PASSWORD");
    await rejectsWith(decryptKey({ ...file, crypto: { ...file.crypto, nonce: "zz" } }, "pw"), "KEYSTORE_CORRUPT");
  });

  it("never writes the secret key to disk in any form", async () => {
    const dir = await tempDir();
    const { secretKey } = generateKeyPair();
    const file = await encryptKey(secretKey, "pw", "carol", FAST);
    const path = await saveKeyFile(dir, file);
    const raw = await readFile(path);
    const text = raw.toString("utf8");
    expect(text).not.toContain(toHex(secretKey));
    expect(text).not.toContain(Buffer.from(secretKey).toString("base64"));
    expect(raw.includes(Buffer.from(secretKey))).toBe(false);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    // No temporary file is left behind.
    expect(await readdir(dir)).toEqual([`${file.address}.json`]);
  });

  it("lists, finds by name or address, and refuses duplicates", async () => {
    const dir = await tempDir();
    const a = await encryptKey(generateKeyPair().secretKey, "pw", "a", FAST);
    const b = await encryptKey(generateKeyPair().secretKey, "pw", "b", FAST);
    await saveKeyFile(dir, b);
    await saveKeyFile(dir, a);
    await writeFile(join(dir, "notes.json"), "{not json");
    expect((await listKeyFiles(dir)).map((k) => k.name)).toEqual(["a", "b"]);
    expect((await findKeyFile(dir, "b")).address).toBe(b.address);
    expect((await findKeyFile(dir, a.address)).name).toBe("a");
    await rejectsWith(findKeyFile(dir, "c"), "KEYSTORE_NOT_FOUND");
    await rejectsWith(saveKeyFile(dir, a), "KEYSTORE_EXISTS");
    const sameName = await encryptKey(generateKeyPair().secretKey, "pw", "a", FAST);
    await rejectsWith(saveKeyFile(dir, sameName), "KEYSTORE_EXISTS");
    expect(await listKeyFiles(join(dir, "missing"))).toEqual([]);
  });
});
