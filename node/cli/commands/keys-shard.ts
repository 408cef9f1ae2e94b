// `ubn keys new --shard K`: an account's shard is fixed by its address (genesis/shard.ts), so a
// key for shard K is found by drawing fresh keys until one's address lands there. Each draw
// lands on K with probability 1/shardCount, so this takes about shardCount draws.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { addressBytesOf, generateKeyPair } from "../../../crypto/index.ts";
import { parseGenesis } from "../../../genesis/parse.ts";
import { shardOfAddress } from "../../../genesis/shard.ts";
import { type CommandContext, stringOption, UsageError } from "../command.ts";
import { ubnHome } from "../home.ts";

/** Draws per shard before giving up: failing would take a broken random source. */
const DRAWS_PER_SHARD = 200;

export function keyPairOnShard(shard: number, shardCount: number): { secretKey: Uint8Array; publicKey: Uint8Array } {
  for (let i = 0; i < DRAWS_PER_SHARD * shardCount; i++) {
    const pair = generateKeyPair();
    if (shardOfAddress(addressBytesOf(pair.publicKey), shardCount) === shard) return pair;
    pair.secretKey.fill(0);
  }
  throw new Error(`no key for shard ${shard} of ${shardCount} after ${DRAWS_PER_SHARD * shardCount} tries`);
}

/**
 * The shard asked for with --shard, and the shard count it is taken against: --shards S, else
 * the genesis given with --genesis, else $UBN_HOME/genesis.json. Null without --shard.
 */
export async function requestedShard(ctx: CommandContext): Promise<{ shard: number; shardCount: number } | null> {
  const shardText = stringOption(ctx, "shard");
  if (shardText === undefined) return null;
  const shard = wholeNumber(shardText, "--shard");
  const countText = stringOption(ctx, "shards");
  let shardCount: number;
  if (countText !== undefined) shardCount = wholeNumber(countText, "--shards");
  else {
    const file = stringOption(ctx, "genesis") ?? join(ubnHome(ctx.env), "genesis.json");
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      throw new UsageError(`--shard needs the shard count: give --shards S or --genesis FILE (no genesis at ${file})`);
    }
    shardCount = parseGenesis(text, { source: file, allowNoValidators: true }).shardCount;
  }
  if (shardCount < 1) throw new UsageError("--shards must be at least 1");
  if (shard >= shardCount) throw new UsageError(`--shard ${shard} does not exist: shards are 0 to ${shardCount - 1}`);
  return { shard, shardCount };
}

function wholeNumber(text: string, flag: string): number {
  if (!/^[0-9]{1,4}$/.test(text)) throw new UsageError(`${flag} must be a whole number, got "${text.slice(0, 40)}"`);
  return Number(text);
}
