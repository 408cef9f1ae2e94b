// The clients of a sharded run: funded accounts on every shard sending intra- and cross-shard
// transfers, one outstanding transaction per account (so nonces never gap), into a pool per
// shard that every proposer of that shard draws from. The pool stands in for the node's
// mempool and gossip (node/mempool), which are tested on their own; what the simulator checks
// is what the chains do with the transactions.

import type { Prng } from "../../consensus/sim/prng.ts";
import { addressBytesOf, type KeyPair, keyPairFromSeed, sha256, toHex, utf8 } from "../../crypto/index.ts";
import { shardOfAddress } from "../../vm/cross-shard/shard-of.ts";
import {
  accountKey,
  decodeAccount,
  encodeTransaction,
  SparseMerkleState,
  signTransaction,
  transactionHash,
} from "../../vm/index.ts";
import type { ShardExec } from "./ledger.ts";

export interface SimAccount {
  key: KeyPair;
  address: Uint8Array;
  shard: number;
  /** Nonce of the next transaction (committed transactions so far). */
  nonce: bigint;
  outstanding: string | null;
}

interface Pending {
  bytes: Uint8Array;
  account: SimAccount;
  nonce: bigint;
  destination: number;
  submittedMs: number;
}

/** Transactions per block a proposer takes at most. */
const BLOCK_TXS = 64;

export class SimLoad {
  readonly accounts: SimAccount[] = [];
  private readonly pools: Map<string, Pending>[];
  private readonly pending = new Map<string, Pending>();
  /** Submission times of cross-shard transfers by hash, until their credit is final. */
  private readonly crossInFlight = new Map<string, number>();
  submitted = 0;
  committed = 0;
  crossSubmitted = 0;
  readonly intraLatencies: number[] = [];
  readonly crossLatencies: number[] = [];

  readonly chainId: string;
  readonly shardCount: number;

  constructor(chainId: string, shardCount: number, perShard: number, seed: number) {
    this.chainId = chainId;
    this.shardCount = shardCount;
    this.pools = Array.from({ length: shardCount }, () => new Map());
    const counts = new Array<number>(shardCount).fill(0);
    for (let n = 0; counts.some((c) => c < perShard); n++) {
      const key = keyPairFromSeed(sha256(utf8(`ubn-sim account ${seed}/${n}`)));
      const address = addressBytesOf(key.publicKey);
      const shard = shardOfAddress(address, shardCount);
      if ((counts[shard] as number) >= perShard) continue;
      counts[shard] = (counts[shard] as number) + 1;
      this.accounts.push({ key, address, shard, nonce: 0n, outstanding: null });
    }
  }

  addressesOn(shard: number): Uint8Array[] {
    return this.accounts.filter((a) => a.shard === shard).map((a) => a.address);
  }

  /** One client action: a transfer from an idle account, cross-shard with probability `crossShare`. */
  submit(rng: Prng, crossShare: number, nowMs: number): void {
    const idle = this.accounts.filter((a) => a.outstanding === null);
    if (idle.length === 0) return;
    const from = rng.pick(idle);
    const cross = this.shardCount > 1 && rng.chance(crossShare);
    const targets = this.accounts.filter(
      (a) => a !== from && (cross ? a.shard !== from.shard : a.shard === from.shard),
    );
    if (targets.length === 0) return;
    const to = rng.pick(targets);
    const tx = signTransaction(
      {
        chainId: this.chainId,
        sender: from.key.publicKey,
        nonce: from.nonce,
        fee: 10_000n,
        sponsor: null,
        payload: { type: "transfer", to: to.address, amount: BigInt(rng.range(1, 1000)) },
      },
      from.key.secretKey,
    );
    const bytes = encodeTransaction(tx);
    const hex = toHex(transactionHash(bytes));
    const p: Pending = { bytes, account: from, nonce: from.nonce, destination: to.shard, submittedMs: nowMs };
    from.outstanding = hex;
    this.pending.set(hex, p);
    (this.pools[from.shard] as Map<string, Pending>).set(hex, p);
    this.submitted++;
    if (to.shard !== from.shard) this.crossSubmitted++;
  }

  /** The pool's transactions whose nonce is next on the state after `parent`, oldest first. */
  async candidates(shard: number, parent: ShardExec): Promise<Uint8Array[]> {
    const state = await SparseMerkleState.open(parent.kv);
    const out: Uint8Array[] = [];
    for (const p of (this.pools[shard] as Map<string, Pending>).values()) {
      if (out.length >= BLOCK_TXS) break;
      const bytes = await state.get(accountKey(p.account.address));
      const nonce = bytes === undefined ? 0n : decodeAccount(bytes).nonce;
      if (nonce === p.nonce) out.push(p.bytes);
    }
    return out;
  }

  /** A shard block became final (first honest commit of its height). */
  committedBlock(exec: ShardExec, nowMs: number): void {
    for (const bytes of exec.body.txs) {
      const hex = toHex(transactionHash(bytes));
      const p = this.pending.get(hex);
      if (p === undefined) continue;
      this.pending.delete(hex);
      this.pools[p.account.shard]?.delete(hex);
      p.account.nonce = p.nonce + 1n;
      p.account.outstanding = null;
      this.committed++;
      if (p.destination === p.account.shard) this.intraLatencies.push(nowMs - p.submittedMs);
      else this.crossInFlight.set(hex, p.submittedMs);
    }
    for (const bundle of exec.body.inbound) {
      for (const { receipt } of bundle.receipts) {
        const hex = toHex(receipt.origin);
        const t = this.crossInFlight.get(hex);
        if (t === undefined) continue;
        this.crossInFlight.delete(hex);
        this.crossLatencies.push(nowMs - t);
      }
    }
  }

  /** Transactions not final yet, and cross-shard transfers whose credit is not final yet. */
  get unsettled(): number {
    return this.pending.size + this.crossInFlight.size;
  }
}
