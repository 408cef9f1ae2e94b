// The pointer a running `ubn devnet` leaves at $UBN_HOME/devnet.json (~/.ubn/devnet.json), so
// that `ubn wallet` in another terminal finds the node, the faucet key and its password with no
// flags. Written when every node is up, removed on stop; a pointer whose process is gone (a
// killed devnet) is ignored.
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ubnHome } from "../home.ts";

export interface DevnetPointer {
  /** The `ubn devnet` process; the pointer is stale once it is gone. */
  pid: number;
  chainId: string;
  /** The devnet's own directory (nodes, genesis, keystore). */
  home: string;
  /** The first node's JSON-RPC URL, and the same port over WebSocket. */
  rpc: string;
  ws: string;
  keystore: string;
  /** The funded key's name in `keystore`, and the password of every devnet key (public by design). */
  faucet: string;
  password: string;
}

export function devnetPointerPath(env: NodeJS.ProcessEnv): string {
  return join(ubnHome(env), "devnet.json");
}

export async function writeDevnetPointer(env: NodeJS.ProcessEnv, pointer: DevnetPointer): Promise<string> {
  const path = devnetPointerPath(env);
  await mkdir(ubnHome(env), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(pointer, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, path);
  return path;
}

/** Removes the pointer if it is still ours (a devnet started later may have replaced it). */
export async function removeDevnetPointer(env: NodeJS.ProcessEnv, pid = process.pid): Promise<void> {
  const current = await readPointerFile(devnetPointerPath(env));
  if (current !== null && current.pid === pid) await rm(devnetPointerPath(env), { force: true });
}

/** The pointer of a devnet that is running now, or null. */
export async function readDevnetPointer(env: NodeJS.ProcessEnv): Promise<DevnetPointer | null> {
  const pointer = await readPointerFile(devnetPointerPath(env));
  return pointer !== null && isAlive(pointer.pid) ? pointer : null;
}

async function readPointerFile(path: string): Promise<DevnetPointer | null> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, "utf8"));
  } catch {
    return null; // absent, or half-written by hand: no devnet to point at
  }
  const p = parsed as Partial<DevnetPointer>;
  const strings = [p.chainId, p.home, p.rpc, p.ws, p.keystore, p.faucet, p.password];
  if (!Number.isSafeInteger(p.pid) || strings.some((s) => typeof s !== "string")) return null;
  return p as DevnetPointer;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
