// Accounts and the other records of the state, with their keys. A key is a bucket byte plus
// an id; buckets are never reused for something else.
import { decode, encode, fixedBytes, list, struct, u64, u128, u256 } from "../crypto/index.ts";

export const StateBucket = {
  account: 0x01,
  totals: 0x02,
  validator: 0x03,
  unbondingQueue: 0x04,
  /** Next seq to emit towards a destination chain (vm/cross-shard/). */
  outboxNext: 0x05,
  /** Next seq expected from a source chain. */
  inboxNext: 0x06,
  /** Value that left and arrived by receipts. */
  crossTotals: 0x07,
  /** The consensus key an account registered (one per account; its stake backs that key). */
  keyOfOwner: 0x08,
} as const;

export interface Account {
  /** Spendable ISC, base units. */
  balance: bigint;
  /** Transactions sent so far; the next transaction must carry exactly this nonce. */
  nonce: bigint;
  /** Bonded ISC. */
  staked: bigint;
  /** ISC on its way back from stake to balance (see the unbonding queue). */
  unbonding: bigint;
}

export const emptyAccount = (): Account => ({ balance: 0n, nonce: 0n, staked: 0n, unbonding: 0n });

const accountCodec = struct("Account", { balance: u128, nonce: u64, staked: u128, unbonding: u128 });

export function encodeAccount(a: Account): Uint8Array {
  return encode(accountCodec, a);
}

export function decodeAccount(bytes: Uint8Array): Account {
  return decode(accountCodec, bytes);
}

export function accountKey(address: Uint8Array): Uint8Array {
  const key = new Uint8Array(1 + address.length);
  key[0] = StateBucket.account;
  key.set(address, 1);
  return key;
}

/** Supply bookkeeping, so the supply invariant can be checked from the state alone. */
export interface Totals {
  /** Everything the genesis allocated (balances and stakes). */
  genesisSupply: bigint;
  /** Created since genesis (block rewards). */
  minted: bigint;
  /** Destroyed since genesis (the required part of every fee). */
  burned: bigint;
}

const totalsCodec = struct("Totals", { genesisSupply: u256, minted: u256, burned: u256 });
export const TOTALS_KEY = Uint8Array.of(StateBucket.totals);

export function encodeTotals(t: Totals): Uint8Array {
  return encode(totalsCodec, t);
}

export function decodeTotals(bytes: Uint8Array): Totals {
  return decode(totalsCodec, bytes);
}

/** A registered validator: the consensus key, and the account that owns its stake. */
export interface ValidatorRecord {
  owner: Uint8Array;
  registeredAt: bigint;
}

const validatorCodec = struct("Validator", { owner: fixedBytes(20), registeredAt: u64 });

export function validatorKey(consensusKey: Uint8Array): Uint8Array {
  const key = new Uint8Array(33);
  key[0] = StateBucket.validator;
  key.set(consensusKey, 1);
  return key;
}

/** Where the consensus key `owner` registered is kept (the reverse of validatorKey). */
export function keyOfOwnerKey(owner: Uint8Array): Uint8Array {
  const key = new Uint8Array(1 + owner.length);
  key[0] = StateBucket.keyOfOwner;
  key.set(owner, 1);
  return key;
}

export function encodeValidator(v: ValidatorRecord): Uint8Array {
  return encode(validatorCodec, v);
}

export function decodeValidator(bytes: Uint8Array): ValidatorRecord {
  return decode(validatorCodec, bytes);
}

/** Unbonding releases due at one height: paid out when that block executes. */
export interface UnbondingEntry {
  address: Uint8Array;
  amount: bigint;
}

const queueCodec = list(struct("Unbonding", { address: fixedBytes(20), amount: u128 }), 1 << 20);

export function unbondingQueueKey(height: bigint): Uint8Array {
  const key = new Uint8Array(9);
  key[0] = StateBucket.unbondingQueue;
  new DataView(key.buffer).setBigUint64(1, height);
  return key;
}

export function encodeUnbondingQueue(entries: UnbondingEntry[]): Uint8Array {
  return encode(queueCodec, entries);
}

export function decodeUnbondingQueue(bytes: Uint8Array): UnbondingEntry[] {
  return decode(queueCodec, bytes);
}
