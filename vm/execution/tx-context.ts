// What a transaction type sees while it executes: copies of the accounts it touches and the
// records it writes, kept apart from the block until the transaction succeeds. A failed
// transaction's changes are simply never applied.
import { toHex } from "../../crypto/index.ts";
import type { Account } from "../account.ts";
import { decodeUnbondingQueue, encodeUnbondingQueue, unbondingQueueKey } from "../account.ts";
import type { CrossSend } from "../cross-shard/outbox.ts";
import type { VmParams } from "../params.ts";
import type { BlockState } from "./block-state.ts";
import type { Event } from "./receipt.ts";

export class TxContext {
  readonly sender: Uint8Array;
  readonly height: bigint;
  readonly params: VmParams;
  readonly events: Event[] = [];
  /** Hash of the transaction (the origin of any receipt it sends). */
  readonly origin: Uint8Array;
  /** Receipts to send if the transaction succeeds, in order (they get their seq then). */
  readonly sends: CrossSend[] = [];
  private readonly block: BlockState;
  private readonly accounts = new Map<string, { address: Uint8Array; account: Account }>();
  /** Made at the first raw write: most transactions (transfers) write none. */
  private raw: Map<string, { key: Uint8Array; value: Uint8Array | null }> | null = null;

  /** The sender's hex, the key its account has here and in the block. */
  private readonly senderId: string;

  constructor(
    block: BlockState,
    sender: Uint8Array,
    height: bigint,
    params: VmParams,
    origin: Uint8Array = new Uint8Array(32),
    senderId: string = toHex(sender),
  ) {
    this.block = block;
    this.senderId = senderId;
    this.origin = origin;
    this.sender = sender;
    this.height = height;
    this.params = params;
  }

  /** A mutable copy of the account; changes apply if the transaction succeeds. */
  async account(address: Uint8Array): Promise<Account> {
    const id = address === this.sender ? this.senderId : toHex(address);
    const mine = this.accounts.get(id);
    if (mine) return mine.account;
    const account = { ...(await this.block.accountById(id, address)) };
    this.accounts.set(id, { address, account });
    return account;
  }

  async getRaw(key: Uint8Array): Promise<Uint8Array | undefined> {
    const mine = this.raw?.get(toHex(key));
    if (mine) return mine.value ?? undefined;
    return this.block.getRaw(key);
  }

  putRaw(key: Uint8Array, value: Uint8Array | null): void {
    this.raw ??= new Map();
    this.raw.set(toHex(key), { key, value });
  }

  /** Pays `amount` back to `address`'s balance when the block at `height` executes. */
  async scheduleUnbonding(height: bigint, address: Uint8Array, amount: bigint): Promise<void> {
    const key = unbondingQueueKey(height);
    const existing = await this.getRaw(key);
    const queue = existing === undefined ? [] : decodeUnbondingQueue(existing);
    queue.push({ address, amount });
    this.putRaw(key, encodeUnbondingQueue(queue));
  }

  /** Queues a receipt to another chain; it is sent only if the transaction succeeds. */
  send(send: Omit<CrossSend, "origin">): void {
    this.sends.push({ ...send, origin: this.origin });
  }

  emit(kind: string, fields: (Uint8Array | bigint)[]): void {
    this.events.push({ kind, fields });
  }

  /** Applies the transaction's changes to the block. */
  apply(): void {
    for (const [id, { address, account }] of this.accounts) this.block.setAccountById(id, address, account);
    if (this.raw !== null) for (const { key, value } of this.raw.values()) this.block.putRaw(key, value);
  }
}
