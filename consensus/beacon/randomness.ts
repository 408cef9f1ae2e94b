// Per-epoch randomness for committee assignment, from proposer reveals.
//
// Every beacon block carries its proposer's reveal: the Ed25519 signature over
// revealMessage(chainId, epoch of the block). Ed25519 signatures are deterministic (RFC 8032),
// so a proposer has exactly one valid reveal per epoch and cannot grind for a better one; the
// only influence left is to withhold it by not proposing, which costs the block reward and
// gives one bit of choice (the known limit of RANDAO-style schemes). Reveals are folded into a
// running mix, and the committees of epoch e + 1 are drawn with committeeSeed(mix, e + 1) from
// the mix as it stands after the last block of epoch e (see beacon-state.ts).
import { concatBytes, encode, sha256, struct, taggedHash, text, u64, verifyNative } from "../../crypto/index.ts";
import { ConsensusError, ConsensusErrorCode } from "../errors.ts";

const revealInputCodec = struct("RevealInput", { chainId: text(64), epoch: u64 });

export const MIX_LENGTH = 32;
export const REVEAL_LENGTH = 64;

/** What a proposer signs as its reveal for `epoch`. */
export function revealMessage(chainId: string, epoch: bigint): Uint8Array {
  return taggedHash("UBN/beacon/reveal/v1", encode(revealInputCodec, { chainId, epoch }));
}

/** True when `reveal` is `publicKey`'s signature over the epoch's reveal message; never throws. */
export function checkReveal(publicKey: Uint8Array, chainId: string, epoch: bigint, reveal: Uint8Array): boolean {
  if (publicKey.length !== 32 || reveal.length !== REVEAL_LENGTH) return false;
  try {
    return verifyNative(publicKey, revealMessage(chainId, epoch), reveal);
  } catch {
    return false;
  }
}

/** The mix before any reveal: bound to the genesis so two networks never share committees. */
export function genesisMix(genesisHash: Uint8Array): Uint8Array {
  return taggedHash("UBN/beacon/mix-genesis/v1", genesisHash);
}

/** The mix after one more reveal. The reveal is hashed first so the mix input has a fixed shape. */
export function mixReveal(mix: Uint8Array, reveal: Uint8Array): Uint8Array {
  if (mix.length !== MIX_LENGTH) fail(`a mix is ${MIX_LENGTH} bytes, got ${mix.length}`);
  if (reveal.length !== REVEAL_LENGTH) fail(`a reveal is ${REVEAL_LENGTH} bytes, got ${reveal.length}`);
  return taggedHash("UBN/beacon/mix/v1", concatBytes(mix, sha256(reveal)));
}

/** The shuffle seed for the committees of `epoch`. */
export function committeeSeed(mix: Uint8Array, epoch: bigint): Uint8Array {
  if (mix.length !== MIX_LENGTH) fail(`a mix is ${MIX_LENGTH} bytes, got ${mix.length}`);
  return taggedHash("UBN/beacon/committee-seed/v1", concatBytes(mix, u64BigEndian(epoch)));
}

/** 8 bytes, big-endian: a fixed-width encoding, so the seed input has one shape for every epoch. */
export function u64BigEndian(value: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, value));
  return out;
}

function fail(why: string): never {
  throw new ConsensusError(ConsensusErrorCode.invalidBlock, `beacon randomness: ${why}`);
}
