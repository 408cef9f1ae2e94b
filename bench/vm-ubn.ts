// The UBN side of `ubn bench vm`: one block of N signed transfers through vm/executeBlock.
//
// Setup (untimed): N accounts from deterministic Ed25519 seeds, funded directly in a fresh state
// and committed; N transfers (tx i from account i to account i+1 mod N), signed over the VM's
// signing bytes and encoded as they travel on the wire. Signing goes through node:crypto, which
// is several times faster than noble here; the first transaction is also signed with the VM's
// signTransaction and must come out identical (Ed25519 signatures are deterministic).
// Timed: executeBlock on the encoded block (decoding, stateless checks, every signature through
// the BatchVerifier on all cores, execution, the state and receipts roots), then state.commit().

import { createPrivateKey, createPublicKey, sign as cryptoSign, type KeyObject } from "node:crypto";
import { addressBytesOf, type BatchVerifier, equalBytes, type SignedItem } from "../crypto/index.ts";
import { defaultGenesisParams } from "../genesis/params.ts";
import {
  type Account,
  type AuthenticatedState,
  accountKey,
  DEFAULT_MAX_BLOCK_TXS,
  decodeAccount,
  decodeTransaction,
  emptyAccount,
  encodeAccount,
  encodeTotals,
  encodeTransaction,
  encodeUnsigned,
  executeBlock,
  type Receipt,
  requiredFee,
  requiredFeeForSize,
  type SignedTx,
  senderSigningBytes,
  signTransaction,
  TOTALS_KEY,
  type UnsignedTx,
  unsignedBytesOf,
  type VmBlock,
  type VmParams,
} from "../vm/index.ts";

const CHAIN_ID = "ubn-bench-vm";
const ISC = 10n ** 18n;
const INITIAL_BALANCE = 1000n * ISC;
/** Offered above the required fee, so the proposer's tip path runs as in a real block. */
const TIP = 1_000_000_000n;
const PROPOSER = Uint8Array.from({ length: 20 }, (_, i) => 0xb0 + i);

/** A block made and signed before timing, executable any number of times on fresh state. */
export interface UbnBlock {
  txs: number;
  params: VmParams;
  /** Address of account i. */
  addresses: Uint8Array[];
  values: bigint[];
  fees: bigint[];
  /** What the proposer receives above the required fees, summed over the block. */
  tips: bigint;
  block: VmBlock;
}

export interface UbnRun {
  /** executeBlock plus commit. */
  ms: number;
  executeMs: number;
  commitMs: number;
  stateRoot: Uint8Array;
  receipts: Receipt[];
}

/** The genesis defaults (fees, reward), with the block size limit raised if N needs it. */
function benchParams(txs: number): VmParams {
  const p = defaultGenesisParams;
  return {
    chainId: CHAIN_ID,
    fees: { perByte: p.fees.perByte, perType: { ...p.fees.perType } },
    unbondingPeriodBlocks: BigInt(p.unbondingPeriodBlocks),
    blockReward: p.rewards.blockReward,
    maxBlockTxs: Math.max(DEFAULT_MAX_BLOCK_TXS, txs),
  };
}

// PKCS#8 header for a raw Ed25519 seed (RFC 8410), as in bench/util.ts.
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

interface BenchKey {
  seed: Uint8Array;
  privateKey: KeyObject;
  publicKey: Uint8Array;
}

function benchKey(i: number): BenchKey {
  const seed = Buffer.alloc(32);
  seed.writeUInt32BE(i, 0);
  seed.write("ubn-bench-vm", 4);
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  return { seed: new Uint8Array(seed), privateKey, publicKey: new Uint8Array(spki.subarray(spki.length - 32)) };
}

function signFast(unsigned: UnsignedTx, key: BenchKey): SignedTx {
  const signature = new Uint8Array(cryptoSign(null, senderSigningBytes(encodeUnsigned(unsigned)), key.privateKey));
  return { ...unsigned, signature, sponsorSignature: null };
}

function transferValue(i: number): bigint {
  return ISC + BigInt(i);
}

/** Keys and N signed, encoded transfers in one block. */
export function prepareUbnBlock(txs: number): UbnBlock {
  if (!Number.isInteger(txs) || txs < 2) throw new RangeError(`txs must be an integer >= 2, got ${txs}`);
  const params = benchParams(txs);
  const keys = Array.from({ length: txs }, (_, i) => benchKey(i));
  const addresses = keys.map((k) => addressBytesOf(k.publicKey));
  const values = Array.from({ length: txs }, (_, i) => transferValue(i));
  const fees: bigint[] = [];
  let tips = 0n;
  const encoded = keys.map((key, i) => {
    const unsigned: UnsignedTx = {
      chainId: CHAIN_ID,
      sender: key.publicKey,
      nonce: 0n,
      fee: 0n,
      sponsor: null,
      payload: { type: "transfer", to: addresses[(i + 1) % txs] as Uint8Array, amount: values[i] as bigint },
    };
    // The fee's own encoding is part of the size it pays for: iterate until it is stable.
    for (let fee = TIP, round = 0; unsigned.fee !== fee; round++) {
      if (round > 4) throw new Error("ubn: the fee did not settle");
      unsigned.fee = fee;
      fee = requiredFee(unsigned, params) + TIP;
    }
    const signed = signFast(unsigned, key);
    if (i === 0 && !equalBytes(signed.signature, signTransaction(unsigned, key.seed).signature)) {
      throw new Error("ubn: node:crypto and the VM's signTransaction disagree on a signature");
    }
    const bytes = encodeTransaction(signed);
    fees.push(unsigned.fee);
    tips += unsigned.fee - requiredFeeForSize("transfer", bytes.length, params);
    return bytes;
  });
  return {
    txs,
    params,
    addresses,
    values,
    fees,
    tips,
    block: { chainId: CHAIN_ID, height: 1n, proposer: PROPOSER, txs: encoded },
  };
}

/** Writes the N funded accounts and the supply totals, committed (untimed). */
export async function fundUbnState(state: AuthenticatedState, prepared: UbnBlock): Promise<void> {
  for (const address of prepared.addresses) {
    state.set(accountKey(address), encodeAccount({ ...emptyAccount(), balance: INITIAL_BALANCE }));
  }
  const genesisSupply = INITIAL_BALANCE * BigInt(prepared.txs);
  state.set(TOTALS_KEY, encodeTotals({ genesisSupply, minted: 0n, burned: 0n }));
  await state.commit();
}

/** The timed part: execute the block, then commit its writes. */
export async function runUbnBlock(
  state: AuthenticatedState,
  prepared: UbnBlock,
  verifier: BatchVerifier,
): Promise<UbnRun> {
  const start = performance.now();
  const result = await executeBlock(state, prepared.block, { params: prepared.params, verifier });
  const executed = performance.now();
  const committed = await state.commit();
  const end = performance.now();
  if (Buffer.compare(committed, result.stateRoot) !== 0) {
    throw new Error("ubn: the committed root differs from the root executeBlock returned");
  }
  return {
    ms: end - start,
    executeMs: executed - start,
    commitMs: end - executed,
    stateRoot: result.stateRoot,
    receipts: result.receipts,
  };
}

async function accountIn(state: AuthenticatedState, address: Uint8Array): Promise<Account> {
  const bytes = await state.get(accountKey(address));
  return bytes === undefined ? emptyAccount() : decodeAccount(bytes);
}

/**
 * Checks, after the run, that every receipt succeeded and that every account paid its transfer
 * and fee, received its predecessor's transfer and has nonce 1.
 */
export async function checkUbnState(state: AuthenticatedState, prepared: UbnBlock, run: UbnRun): Promise<void> {
  const n = prepared.txs;
  if (run.receipts.length !== n) throw new Error(`ubn: ${run.receipts.length} receipts for ${n} transactions`);
  const failed = run.receipts.findIndex((r) => !r.ok);
  if (failed >= 0) throw new Error(`ubn: transaction ${failed} failed: ${run.receipts[failed]?.failure}`);
  for (let i = 0; i < n; i++) {
    const account = await accountIn(state, prepared.addresses[i] as Uint8Array);
    const expected =
      INITIAL_BALANCE -
      (prepared.values[i] as bigint) -
      (prepared.fees[i] as bigint) +
      (prepared.values[(i + n - 1) % n] as bigint);
    if (account.nonce !== 1n || account.balance !== expected) {
      throw new Error(
        `ubn: account ${i} has nonce ${account.nonce} and balance ${account.balance}, expected 1 and ${expected}`,
      );
    }
  }
  const proposer = await accountIn(state, PROPOSER);
  const expectedProposer = prepared.tips + prepared.params.blockReward;
  if (proposer.balance !== expectedProposer) {
    throw new Error(`ubn: proposer balance ${proposer.balance}, expected ${expectedProposer}`);
  }
  if (Buffer.compare(state.root, run.stateRoot) !== 0) throw new Error("ubn: the state root changed after the run");
}

/** The block's N sender signatures as the VM verifies them, for a signatures-only measurement. */
export function signedItemsOf(prepared: UbnBlock): SignedItem[] {
  return prepared.block.txs.map((bytes) => {
    const tx = decodeTransaction(bytes);
    return { publicKey: tx.sender, message: senderSigningBytes(unsignedBytesOf(bytes, tx)), signature: tx.signature };
  });
}
