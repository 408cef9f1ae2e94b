// Shared fixtures for VM tests: deterministic keys, params, a genesis state, and the supply
// invariant read from the state itself.
import { addressBytesOf, type KeyPair, keyPairFromSeed } from "../../crypto/index.ts";
import {
  type Account,
  type AuthenticatedState,
  accountKey,
  decodeAccount,
  decodeTotals,
  emptyAccount,
  encodeAccount,
  encodeTotals,
  type SignedTx,
  signTransaction,
  TOTALS_KEY,
  type UnsignedTx,
  type VmParams,
} from "../../vm/index.ts";
import { newState } from "./state-factory.ts";

export const CHAIN = "ubn-test-1";

export const params: VmParams = {
  chainId: CHAIN,
  fees: { perByte: 2n, perType: { transfer: 100n, stake: 200n, unstake: 200n, register_validator: 1000n } },
  unbondingPeriodBlocks: 3n,
  blockReward: 50n,
  maxBlockTxs: 1000,
};

export function key(n: number): KeyPair {
  const seed = new Uint8Array(32);
  new DataView(seed.buffer).setUint32(0, n + 1);
  return keyPairFromSeed(seed);
}

export const addr = (n: number) => addressBytesOf(key(n).publicKey);

/** A state with accounts 0..n-1 holding `balance` each, committed. */
export async function fundedState(n: number, balance: bigint): Promise<AuthenticatedState> {
  const state = await newState();
  for (let i = 0; i < n; i++) state.set(accountKey(addr(i)), encodeAccount({ ...emptyAccount(), balance }));
  state.set(TOTALS_KEY, encodeTotals({ genesisSupply: BigInt(n) * balance, minted: 0n, burned: 0n }));
  await state.commit();
  return state;
}

export async function account(state: AuthenticatedState, address: Uint8Array): Promise<Account> {
  const bytes = await state.get(accountKey(address));
  return bytes ? decodeAccount(bytes) : emptyAccount();
}

/** genesis + minted - burned must equal everything held, summed over the given accounts. */
export async function supplyHolds(state: AuthenticatedState, addresses: Uint8Array[]): Promise<boolean> {
  const totals = decodeTotals((await state.get(TOTALS_KEY)) as Uint8Array);
  let held = 0n;
  for (const a of addresses) {
    const acc = await account(state, a);
    held += acc.balance + acc.staked + acc.unbonding;
  }
  return totals.genesisSupply + totals.minted - totals.burned === held;
}

export function tx(from: number, nonce: bigint, payload: UnsignedTx["payload"], overrides: Partial<UnsignedTx> = {}) {
  const unsigned: UnsignedTx = {
    chainId: CHAIN,
    sender: key(from).publicKey,
    nonce,
    fee: 10_000n,
    sponsor: null,
    payload,
    ...overrides,
  };
  return unsigned;
}

export function signed(
  from: number,
  nonce: bigint,
  payload: UnsignedTx["payload"],
  overrides: Partial<UnsignedTx> = {},
): SignedTx {
  return signTransaction(tx(from, nonce, payload, overrides), key(from).secretKey);
}
