// The first record of a node's database: which chain it belongs to. A home whose genesis.json
// was replaced (or a data directory copied from another chain) is refused instead of mixed.
import { decode, encode, fixedBytes, struct, text, u8 } from "../../crypto/index.ts";
import type { KvStore } from "../../vm/index.ts";

const META_KEY = Uint8Array.of(0x01);
const DB_FORMAT = 1;

const metaCodec = struct("DbMeta", { format: u8, chainId: text(64), genesisHash: fixedBytes(32) });

export interface DbMeta {
  chainId: string;
  genesisHash: Uint8Array;
}

export async function readDbMeta(kv: KvStore): Promise<DbMeta | undefined> {
  const b = await kv.get(META_KEY);
  if (b === undefined) return undefined;
  const m = decode(metaCodec, b);
  return { chainId: m.chainId, genesisHash: m.genesisHash };
}

export async function writeDbMeta(kv: KvStore, meta: DbMeta): Promise<void> {
  await kv.write([{ type: "put", key: META_KEY, value: encode(metaCodec, { format: DB_FORMAT, ...meta }) }]);
}
