// A keystore directory: one encrypted JSON file per key, named by address. Files are written
// to a temporary name and renamed so a crash never leaves half a key file, and they are
// readable by the owner only.
import { chmod, mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { KeystoreError, KeystoreErrorCode } from "./errors.ts";
import { isKeystoreFile, type KeystoreFile } from "./format.ts";

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function assertKeyName(name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new KeystoreError(
      KeystoreErrorCode.badName,
      `key name "${name.slice(0, 80)}" must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
}

export async function saveKeyFile(dir: string, file: KeystoreFile): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const existing = await listKeyFiles(dir);
  for (const k of existing) {
    if (k.address === file.address)
      throw new KeystoreError(KeystoreErrorCode.exists, `key ${file.address} already exists in ${dir}`);
    if (k.name === file.name)
      throw new KeystoreError(KeystoreErrorCode.exists, `a key named "${file.name}" already exists (${k.address})`);
  }
  const path = join(dir, `${file.address}.json`);
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
  return path;
}

/** All well-formed key files in the directory, sorted by name. Others are skipped. */
export async function listKeyFiles(dir: string): Promise<KeystoreFile[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  const files: KeystoreFile[] = [];
  for (const entry of entries.sort()) {
    if (!entry.endsWith(".json")) continue;
    try {
      const parsed: unknown = JSON.parse(await readFile(join(dir, entry), "utf8"));
      if (isKeystoreFile(parsed)) files.push(parsed);
    } catch {
      // Not a key file of ours; a keystore directory may hold other things.
    }
  }
  return files.sort((a, b) => a.name.localeCompare(b.name));
}

/** Finds a key by name or address. */
export async function findKeyFile(dir: string, nameOrAddress: string): Promise<KeystoreFile> {
  const files = await listKeyFiles(dir);
  const match = files.filter((f) => f.address === nameOrAddress || f.name === nameOrAddress);
  if (match.length === 0) {
    throw new KeystoreError(KeystoreErrorCode.notFound, `no key "${nameOrAddress.slice(0, 100)}" in ${dir}`);
  }
  if (match.length > 1) {
    throw new KeystoreError(KeystoreErrorCode.ambiguous, `"${nameOrAddress}" names more than one key in ${dir}`);
  }
  return match[0] as KeystoreFile;
}
