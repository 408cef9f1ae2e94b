// executeBlock: the state transition of one shard block. Deterministic: no clock, no
// randomness, no iteration over unordered collections; integers are bigint.
//
// Order of work:
//   1. cheap checks of the whole block (chain id, size), then decode every transaction and run
//      its stateless checks;
//   2. verify every signature (sender and sponsor) in one batch, on the verifier's worker
//      threads if one is given, overlapping with steps 3-5;
//   3. pay out unbonding due at this height;
//   4. per transaction: nonce, fee, charge the fee, bump the nonce, run the payload (a failure
//      rolls back the payload only);
//   5. mint the block reward, record supply totals, compute the state and receipts roots.
// Any BlockError leaves the state exactly as it was (pending writes are discarded).
import {
  addressBytesOf,
  type BatchVerifier,
  EncodingError,
  type SignedItem,
  toHex,
  verifyNative,
} from "../../crypto/index.ts";
import { decodeTotals, encodeTotals, TOTALS_KEY, type Totals } from "../account.ts";
import { applyInbound } from "../cross-shard/inbound.ts";
import { BlockOutbox, homeChainOf } from "../cross-shard/outbox.ts";
import type { CrossReceipt } from "../cross-shard/receipt.ts";
import { CROSS_TOTALS_KEY, decodeCrossTotals, encodeCrossTotals } from "../cross-shard/records.ts";
import { BlockError, BlockErrorCode, TxFailure, TxInvalid } from "../errors.ts";
import type { VmParams } from "../params.ts";
import type { AuthenticatedState } from "../state/interface.ts";
import { handlerFor } from "../tx/registry.ts";
import {
  decodeTransaction,
  requiredFeeForSize,
  type SignedTx,
  senderMessageOf,
  sponsorMessageOf,
  transactionHash,
} from "../tx/transaction.ts";
import { BlockState } from "./block-state.ts";
import { type Receipt, receiptsRoot } from "./receipt.ts";
import { TxContext } from "./tx-context.ts";
import { releaseDueUnbonding } from "./unbonding.ts";

export interface VmBlock {
  chainId: string;
  height: bigint;
  /** Address that receives fee tips and the block reward; null burns tips and mints nothing. */
  proposer: Uint8Array | null;
  /** Encoded signed transactions, in execution order. */
  txs: readonly Uint8Array[];
  /** Receipts from other chains, already proven by the shard layer; applied before the transactions. */
  inbound?: readonly CrossReceipt[];
}

export interface ExecutionEnv {
  params: VmParams;
  /** Verifies signatures on worker threads; without it they are verified on this thread. */
  verifier?: BatchVerifier;
  /**
   * True for a transaction (its exact encoded bytes) whose signatures this process already
   * verified, e.g. when its mempool admitted it: a node then checks each signature once, not
   * once on admission and again in every block that carries it. `hash` is transactionHash(encodedTx).
   */
  alreadyVerified?: (encodedTx: Uint8Array, hash: Uint8Array) => boolean;
  /**
   * The transaction with this hash as this process already decoded it and passed it through
   * decodeAndCheck for this chain id (the mempool holds most of a block's transactions so),
   * or undefined: the block then takes that instead of decoding the same bytes again. The
   * home-shard check, which depends on the chain, still runs here.
   */
  decoded?: (hash: Uint8Array) => DecodedTx | undefined;
  /**
   * True when every transaction `decoded` returns has had its signatures verified by this
   * process too (a mempool admits a transaction only after checking them): those are then not
   * verified again, and alreadyVerified is asked only about the others.
   */
  decodedAreVerified?: boolean;
}

export interface BlockResult {
  stateRoot: Uint8Array;
  receipts: Receipt[];
  receiptsRoot: Uint8Array;
  /** Cross-shard receipts this block emitted, in order ([] on a single chain). */
  outbox: CrossReceipt[];
}

export interface DecodedTx {
  bytes: Uint8Array;
  tx: SignedTx;
  sender: Uint8Array;
  payer: Uint8Array;
}

export async function executeBlock(state: AuthenticatedState, block: VmBlock, env: ExecutionEnv): Promise<BlockResult> {
  try {
    return await execute(state, block, env);
  } catch (e) {
    state.discard();
    throw e;
  }
}

async function execute(state: AuthenticatedState, block: VmBlock, env: ExecutionEnv): Promise<BlockResult> {
  const { params } = env;
  if (block.chainId !== params.chainId) {
    throw new BlockError(
      BlockErrorCode.wrongChain,
      `block is for chain "${block.chainId}", this is "${params.chainId}"`,
    );
  }
  if (block.txs.length > params.maxBlockTxs) {
    throw new BlockError(BlockErrorCode.tooManyTxs, `${block.txs.length} transactions, at most ${params.maxBlockTxs}`);
  }
  // Hashed once here: the lookups below and the receipts need them.
  const hashes = block.txs.map(transactionHash);
  // Which transactions need no signature check here (see decodedAreVerified).
  const verified: boolean[] = new Array(block.txs.length).fill(false);
  const decoded = block.txs.map((bytes, i) => {
    const known = env.decoded?.(hashes[i] as Uint8Array);
    if (known === undefined) return decodeAndCheck(bytes, i, block.chainId, params.chain);
    checkHomeShard(known, i, params.chain);
    verified[i] = env.decodedAreVerified === true;
    return known;
  });
  const alreadyVerified = env.alreadyVerified;
  // Signatures are checked on the worker threads while this thread executes; nothing of the
  // block is kept unless both succeed. If execution fails first, its error is reported and
  // the verification result is dropped.
  const signatures = verifySignatures(
    decoded,
    (i) => verified[i] === true || alreadyVerified?.(block.txs[i] as Uint8Array, hashes[i] as Uint8Array) === true,
    env.verifier,
  );
  signatures.catch(() => {});

  const bs = new BlockState(state);
  const cross = decodeCrossTotals(await state.get(CROSS_TOTALS_KEY));
  const outbox = new BlockOutbox(params.chain?.id ?? 0, bs, cross);
  await releaseDueUnbonding(bs, block.height);
  const totalsBytes = await state.get(TOTALS_KEY);
  const totals: Totals = totalsBytes ? decodeTotals(totalsBytes) : { genesisSupply: 0n, minted: 0n, burned: 0n };

  await applyInbound(bs, block.inbound ?? [], params.chain, cross);

  const receipts: Receipt[] = [];
  for (let i = 0; i < decoded.length; i++) {
    const txHash = hashes[i] as Uint8Array;
    receipts.push(await applyTransaction(bs, decoded[i] as DecodedTx, txHash, i, block, params, totals, outbox));
  }

  if (block.proposer !== null && params.blockReward > 0n) {
    const proposer = await bs.account(block.proposer);
    bs.setAccount(block.proposer, { ...proposer, balance: proposer.balance + params.blockReward });
    totals.minted += params.blockReward;
  }
  bs.putRaw(TOTALS_KEY, encodeTotals(totals));
  // Written only once something crossed, so single-chain states (and their roots) are unchanged.
  if (cross.sentOut > 0n || cross.receivedIn > 0n) bs.putRaw(CROSS_TOTALS_KEY, encodeCrossTotals(cross));
  await signatures;
  bs.flush();
  return {
    stateRoot: await state.pendingRoot(),
    receipts,
    receiptsRoot: receiptsRoot(receipts),
    outbox: outbox.receipts,
  };
}

/**
 * Decodes one transaction and runs every check that needs no state and no signature
 * verification; throws BlockError (index i). The mempool admits through this same function, so
 * it never holds a transaction that would make a block invalid on these grounds.
 */
export function decodeAndCheck(
  bytes: Uint8Array,
  i: number,
  chainId: string,
  chain?: { id: number; shardCount: number },
): DecodedTx {
  let tx: SignedTx;
  try {
    tx = decodeTransaction(bytes);
  } catch (e) {
    if (e instanceof EncodingError) throw new BlockError(BlockErrorCode.txMalformed, e.message, i);
    throw e;
  }
  if (tx.chainId !== chainId) {
    throw new BlockError(BlockErrorCode.txWrongChain, `signed for chain "${tx.chainId}", block is "${chainId}"`, i);
  }
  if ((tx.sponsor === null) !== (tx.sponsorSignature === null)) {
    throw new BlockError(BlockErrorCode.txBadSignature, "a sponsor and the sponsor's signature go together", i);
  }
  const sender = addressBytesOf(tx.sender);
  const payer = tx.sponsor === null ? sender : addressBytesOf(tx.sponsor);
  try {
    if (tx.sponsor !== null && Buffer.compare(payer, sender) === 0) throw new TxInvalid("the sponsor is the sender");
    handlerFor(tx.payload).check(tx.payload);
  } catch (e) {
    if (e instanceof TxInvalid) throw new BlockError(BlockErrorCode.txInvalid, e.message, i);
    throw e;
  }
  const decoded = { bytes, tx, sender, payer };
  checkHomeShard(decoded, i, chain);
  return decoded;
}

/** An account's nonce and balance live on its own shard; only that shard may spend them. */
function checkHomeShard(
  { tx, sender, payer }: DecodedTx,
  i: number,
  chain: { id: number; shardCount: number } | undefined,
): void {
  for (const who of tx.sponsor === null ? [sender] : [sender, payer]) {
    const home = homeChainOf(chain, who);
    if (home !== null && home !== chain?.id) {
      throw new BlockError(BlockErrorCode.txWrongShard, `an account of shard ${home} spends on chain ${chain?.id}`, i);
    }
  }
}

async function verifySignatures(
  decoded: DecodedTx[],
  alreadyVerified: (i: number) => boolean,
  verifier: BatchVerifier | undefined,
): Promise<void> {
  const items: SignedItem[] = [];
  const owner: number[] = [];
  decoded.forEach(({ bytes, tx }, i) => {
    if (alreadyVerified(i)) return;
    items.push({ publicKey: tx.sender, message: senderMessageOf(bytes, tx), signature: tx.signature });
    owner.push(i);
    if (tx.sponsor !== null && tx.sponsorSignature !== null) {
      items.push({ publicKey: tx.sponsor, message: sponsorMessageOf(bytes, tx), signature: tx.sponsorSignature });
      owner.push(i);
    }
  });
  const ok = verifier
    ? await verifier.verify(items)
    : items.map((it) => verifyNative(it.publicKey, it.message, it.signature));
  const bad = ok.indexOf(false);
  if (bad >= 0) {
    const i = owner[bad] as number;
    const who = items[bad]?.publicKey === decoded[i]?.tx.sender ? "sender" : "sponsor";
    throw new BlockError(BlockErrorCode.txBadSignature, `the ${who}'s signature does not verify`, i);
  }
}

async function applyTransaction(
  bs: BlockState,
  { bytes, tx, sender, payer }: DecodedTx,
  txHash: Uint8Array,
  i: number,
  block: VmBlock,
  params: VmParams,
  totals: Totals,
  outbox: BlockOutbox,
): Promise<Receipt> {
  // Hex ids once: every lookup and write below is keyed by them.
  const senderId = toHex(sender);
  const payerId = payer === sender ? senderId : toHex(payer);
  const senderAccount = await bs.accountById(senderId, sender);
  if (senderAccount.nonce !== tx.nonce) {
    throw new BlockError(
      BlockErrorCode.txBadNonce,
      `nonce ${tx.nonce}, the sender's next nonce is ${senderAccount.nonce}`,
      i,
    );
  }
  const required = requiredFeeForSize(tx.payload.type, bytes.length, params);
  if (tx.fee < required) {
    throw new BlockError(BlockErrorCode.txFeeTooLow, `fee ${tx.fee} is below the required ${required}`, i);
  }
  const payerAccount = await bs.accountById(payerId, payer);
  if (payerAccount.balance < tx.fee) {
    throw new BlockError(
      BlockErrorCode.txCannotPayFee,
      `the fee payer holds ${payerAccount.balance}, fee is ${tx.fee}`,
      i,
    );
  }

  // The required part of the fee is burned; what is offered above it goes to the proposer.
  const paid = { ...payerAccount, balance: payerAccount.balance - tx.fee };
  bs.setAccountById(payerId, payer, paid);
  totals.burned += required;
  const tip = tx.fee - required;
  if (tip > 0n) {
    if (block.proposer === null) totals.burned += tip;
    else {
      const proposer = await bs.account(block.proposer);
      bs.setAccount(block.proposer, { ...proposer, balance: proposer.balance + tip });
    }
  }
  // Unsponsored (payer is sender) and no tip to a proposer who is the sender: the account just
  // written is the one to bump, without another lookup.
  const afterFee =
    payer === sender && (tip === 0n || block.proposer === null) ? paid : await bs.accountById(senderId, sender);
  bs.setAccountById(senderId, sender, { ...afterFee, nonce: afterFee.nonce + 1n });

  const ctx = new TxContext(bs, sender, block.height, params, txHash, senderId);
  try {
    await handlerFor(tx.payload).execute(ctx, tx.payload);
  } catch (e) {
    if (e instanceof TxFailure) return { txHash, feePaid: tx.fee, ok: false, failure: e.code, events: [] };
    throw e;
  }
  ctx.apply();
  for (const send of ctx.sends) await outbox.emit(send);
  return { txHash, feePaid: tx.fee, ok: true, failure: null, events: ctx.events };
}
