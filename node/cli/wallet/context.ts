// Where `ubn wallet` finds its node, keys and password, in this order:
//   node:     --rpc URL > $UBN_RPC > the running devnet ($UBN_HOME/devnet.json) > http://127.0.0.1:8545
//   keys:     --keystore DIR > the devnet's keystore (when talking to the devnet), then $UBN_HOME/keystore
//   --from:   given > the devnet's faucet key (when talking to the devnet)
//   password: --password-file > $UBN_PASSWORD > the devnet's password (for a devnet key) > a prompt
import { join } from "node:path";
import {
  AddressError,
  findKeyFile,
  isAddress,
  KeystoreError,
  KeystoreErrorCode,
  type KeystoreFile,
  parseAddress,
} from "../../../crypto/index.ts";
import { wsUrlOf } from "../../../rpc/client.ts";
import { type CommandContext, stringOption, UsageError } from "../command.ts";
import { defaultKeystoreDir } from "../home.ts";
import { readPassword } from "../password.ts";
import { type DevnetPointer, devnetPointerPath, readDevnetPointer } from "./devnet-pointer.ts";

export const DEFAULT_RPC = "http://127.0.0.1:8545";

export interface WalletContext {
  rpc: string;
  ws: string;
  /** Where the URL came from, for `wallet status` and error messages. */
  rpcSource: string;
  /** The running devnet, when the wallet talks to it. */
  devnet: DevnetPointer | null;
  /** Keystores searched for a key name, in order. */
  keystores: string[];
}

export interface WalletKey {
  file: KeystoreFile;
  dir: string;
}

export async function walletContext(ctx: CommandContext): Promise<WalletContext> {
  const given = stringOption(ctx, "rpc");
  const fromEnv = ctx.env.UBN_RPC !== undefined && ctx.env.UBN_RPC !== "" ? ctx.env.UBN_RPC : undefined;
  const pointer = await readDevnetPointer(ctx.env);
  let rpc: string;
  let rpcSource: string;
  if (given !== undefined) [rpc, rpcSource] = [given, "--rpc"];
  else if (fromEnv !== undefined) [rpc, rpcSource] = [fromEnv, "$UBN_RPC"];
  else if (pointer !== null) [rpc, rpcSource] = [pointer.rpc, `the devnet: ${devnetPointerPath(ctx.env)}`];
  else [rpc, rpcSource] = [DEFAULT_RPC, "the default"];
  if (!/^https?:\/\/[^/]/i.test(rpc))
    throw new UsageError(`the node URL must start with http:// or https://, got "${rpc}" (from ${rpcSource})`);
  const devnet = pointer !== null && sameUrl(rpc, pointer.rpc) ? pointer : null;
  const keystore = stringOption(ctx, "keystore");
  const keystores =
    keystore !== undefined
      ? [keystore]
      : devnet !== null
        ? [devnet.keystore, defaultKeystoreDir(ctx.env)]
        : [defaultKeystoreDir(ctx.env)];
  return { rpc, ws: devnet !== null ? devnet.ws : wsUrlOf(rpc), rpcSource, devnet, keystores };
}

function sameUrl(a: string, b: string): boolean {
  const norm = (u: string) => u.toLowerCase().replace(/\/+$/, "");
  return norm(a) === norm(b);
}

/** --from, else the devnet's faucet; a usage error when neither is there. */
export function fromKeyName(ctx: CommandContext, w: WalletContext): string {
  const from = stringOption(ctx, "from");
  if (from !== undefined) return from;
  if (w.devnet !== null) return w.devnet.faucet;
  throw new UsageError("--from KEY is required (a key name or address in the keystore; see 'ubn keys list')");
}

/** A key by name or address, from the first keystore that has it. */
export async function findKey(w: WalletContext, nameOrAddress: string): Promise<WalletKey> {
  for (const dir of w.keystores) {
    try {
      return { file: await findKeyFile(dir, nameOrAddress), dir };
    } catch (e) {
      if (!(e instanceof KeystoreError && e.code === KeystoreErrorCode.notFound)) throw e;
    }
  }
  throw new KeystoreError(
    KeystoreErrorCode.notFound,
    `no key "${nameOrAddress.slice(0, 100)}" in ${w.keystores.join(" or ")}; see 'ubn keys list --keystore DIR'`,
  );
}

/**
 * An address as typed: an "isc1..." address, or the name of a key in the keystore. A string
 * that looks like an address but is damaged is reported as such, never looked up as a name.
 */
export async function resolveAddress(w: WalletContext, text: string, what: string): Promise<string> {
  if (isAddress(text)) return text.trim();
  if (text.trim().toLowerCase().startsWith("isc1")) {
    try {
      parseAddress(text);
    } catch (e) {
      if (e instanceof AddressError) throw new UsageError(`${what}: ${e.message}`);
      throw e;
    }
  }
  try {
    return (await findKey(w, text)).file.address;
  } catch (e) {
    if (e instanceof KeystoreError && e.code === KeystoreErrorCode.notFound)
      throw new UsageError(
        `${what} "${text.slice(0, 80)}" is neither an isc1... address nor a key in ${w.keystores.join(" or ")}`,
      );
    throw e;
  }
}

/** The key's password; a devnet key opens with the devnet's password unless one is given. */
export async function keyPassword(ctx: CommandContext, w: WalletContext, key: WalletKey): Promise<string> {
  const passwordFile = stringOption(ctx, "password-file");
  const envPassword = ctx.env.UBN_PASSWORD;
  const given = passwordFile !== undefined || (envPassword !== undefined && envPassword !== "");
  if (!given && w.devnet !== null && samePath(key.dir, w.devnet.keystore)) return w.devnet.password;
  return readPassword({ passwordFile, env: ctx.env, confirm: false });
}

function samePath(a: string, b: string): boolean {
  return join(a) === join(b);
}
