// The genesis hash: what every node of a chain must agree on before block 1. It is
//
//   taggedHash("UBN/genesis/v2", encode(genesisCodec, canonical form))
//
// where the canonical form sorts validators by public key bytes and accounts by address bytes
// (unsigned, lexicographic), so the order of entries in the JSON file, its whitespace and its
// member order do not change the hash, while any value does. Times are u64 milliseconds.
import { type CodecType, compareBytes, encode, taggedHash } from "../crypto/index.ts";
import { genesisCodec } from "./codec.ts";
import type { Genesis } from "./types.ts";

// v2: GenesisParams gained maxBlockTxs and maxBlockBytes (after rewards); v1 files lack them
// and are refused by the reader (required field is missing).
export const GENESIS_HASH_TAG = "UBN/genesis/v2";

type GenesisRecord = CodecType<typeof genesisCodec>;

/** The same genesis with validators and accounts in canonical order. */
export function canonicalGenesis(genesis: Genesis): Genesis {
  return {
    ...genesis,
    validators: [...genesis.validators].sort((a, b) => compareBytes(a.publicKey, b.publicKey)),
    accounts: [...genesis.accounts].sort((a, b) => compareBytes(a.address, b.address)),
  };
}

/** The canonical bytes that the genesis hash is taken over. */
export function encodeGenesis(genesis: Genesis): Uint8Array {
  return encode(genesisCodec, toRecord(canonicalGenesis(genesis)));
}

export function genesisHash(genesis: Genesis): Uint8Array {
  return taggedHash(GENESIS_HASH_TAG, encodeGenesis(genesis));
}

function toRecord(g: Genesis): GenesisRecord {
  const p = g.params;
  return {
    chainId: g.chainId,
    genesisTimeMs: BigInt(g.genesisTimeMs),
    shardCount: g.shardCount,
    validators: g.validators.map((v) => ({ publicKey: v.publicKey, stake: v.stake, name: v.name ?? null })),
    accounts: g.accounts.map((a) => ({ address: a.address, balance: a.balance })),
    params: {
      tokenDecimals: p.tokenDecimals,
      blockIntervalMs: p.blockIntervalMs,
      proposeTimeoutMs: p.proposeTimeoutMs,
      voteTimeoutMs: p.voteTimeoutMs,
      timeoutIncreaseMs: p.timeoutIncreaseMs,
      committeeSize: p.committeeSize,
      epochLength: p.epochLength,
      unbondingPeriodBlocks: p.unbondingPeriodBlocks,
      fees: {
        perByte: p.fees.perByte,
        transfer: p.fees.perType.transfer,
        stake: p.fees.perType.stake,
        unstake: p.fees.perType.unstake,
        registerValidator: p.fees.perType.register_validator,
      },
      rewards: { blockReward: p.rewards.blockReward, auditShareBps: p.rewards.auditShareBps },
      maxBlockTxs: p.maxBlockTxs,
      maxBlockBytes: p.maxBlockBytes,
    },
  };
}
