// The shard payload inside a stored consensus block.
import { blockCodec } from "../../consensus/index.ts";
import { decode } from "../../crypto/index.ts";
import { decodePayload, type ShardPayload } from "../../shard/payload.ts";

export function decodeBlockPayload(encodedBlock: Uint8Array): ShardPayload {
  return decodePayload(decode(blockCodec, encodedBlock).payload);
}
