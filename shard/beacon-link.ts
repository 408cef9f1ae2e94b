// What the beacon chain needs from the shard format: decoding a crosslink's header chain and
// checking it links (consensus/ does not know what a header is; beacon-state.ts takes this
// function as a parameter). A crosslink's digests are header hashes, which are also what a
// shard block's consensus hash commits to (body.ts shardPayloadDigest), so the commit proof
// of the newest header and the chain of headers name the same blocks.
import type { HeaderChainLinker } from "../consensus/beacon/beacon-state.ts";
import { decodeHeader, linkHeaderChain } from "./header.ts";

export const shardHeaderLinker: HeaderChainLinker = (shard, previous, headers) =>
  linkHeaderChain(
    { hash: previous.headerDigest, height: previous.height },
    shard,
    headers.map((bytes) => decodeHeader(bytes)),
  );
