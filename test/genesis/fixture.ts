// A small valid genesis built from fixed seeds, as a JSON object the tests mutate.
import { expect } from "vitest";
import { addressOf, keyPairFromSeed, toHex } from "../../crypto/index.ts";
import {
  type GenesisError,
  type GenesisIssue,
  isGenesisError,
  type ParseGenesisOptions,
  parseGenesis,
} from "../../genesis/index.ts";

export function publicKeyOfSeed(n: number): Uint8Array {
  return keyPairFromSeed(new Uint8Array(32).fill(n)).publicKey;
}

export function publicKeyHex(n: number): string {
  return toHex(publicKeyOfSeed(n));
}

export function addressOfSeed(n: number): string {
  return addressOf(publicKeyOfSeed(n));
}

/** Tests poke at arbitrary JSON. */
export type Json = any;

export function validJson(): Json {
  return {
    chainId: "ubn-test-1",
    genesisTime: "2026-11-22T00:00:00.000Z",
    shardCount: 4,
    validators: [
      { name: "val-1", publicKey: publicKeyHex(1), stake: "1000000000000000000000" },
      { name: "val-2", publicKey: publicKeyHex(2), stake: "2000000000000000000000" },
    ],
    accounts: [
      { address: addressOfSeed(1), balance: "5000000000000000000" },
      { address: addressOfSeed(3), balance: "0" },
    ],
    params: {
      tokenDecimals: 18,
      blockIntervalMs: 1000,
      proposeTimeoutMs: 3000,
      voteTimeoutMs: 2000,
      timeoutIncreaseMs: 500,
      committeeSize: 4,
      epochLength: 32,
      unbondingPeriodBlocks: 1209600,
      maxBlockTxs: 20000,
      maxBlockBytes: 1000000,
      fees: {
        perByte: "1000000000",
        perType: {
          transfer: "1000000000000000",
          stake: "1000000000000000",
          unstake: "1000000000000000",
          register_validator: "1000000000000000000",
        },
      },
      rewards: { blockReward: "1000000000000000000", auditShareBps: 500 },
    },
  };
}

export function text(json: Json): string {
  return JSON.stringify(json, null, 2);
}

/** Parses and expects failure; returns the error. */
export function parseError(input: Json | string, opts?: ParseGenesisOptions): GenesisError {
  try {
    parseGenesis(typeof input === "string" ? input : text(input), opts);
  } catch (e) {
    if (isGenesisError(e)) return e;
    throw e;
  }
  throw new Error("expected the genesis to be refused");
}

/** The single issue at `path`, asserting that the message mentions every `needle`. */
export function expectIssue(err: GenesisError, path: string, ...needles: string[]): GenesisIssue {
  expect(err.code).toBe("GENESIS_INVALID");
  const matches = err.issues.filter((i) => i.path === path);
  expect(matches, `issues: ${err.message}`).toHaveLength(1);
  const issue = matches[0] as GenesisIssue;
  for (const n of needles) expect(issue.message).toContain(n);
  expect(err.message).toContain(`${path}: ${issue.message}`);
  return issue;
}
