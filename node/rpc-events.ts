// The chain's events (node/chain/chain-events.ts) as the RPC server's events (RpcNodeEvent):
// an executed block becomes a new head, a commit a finalized head (read back from the store,
// with the addresses the block wrote), admissions and mode changes pass through, in chain order.
import { fromHex } from "../crypto/index.ts";
import type { RpcBlock, RpcNodeEvent, RpcSyncing } from "../rpc/index.ts";
import { StateBucket } from "../vm/index.ts";
import type { ChainEvent, ChainEvents } from "./chain/chain-events.ts";
import type { ExecutedBlock } from "./chain/executor.ts";

export interface RpcEventSources {
  events: ChainEvents;
  /** A committed block as RPC reports it. */
  blockAt(height: bigint): Promise<RpcBlock | null>;
  syncing(): RpcSyncing;
}

/**
 * One translation of the chain's events shared by every RPC listener (each WebSocket
 * connection, each ubn_sendRawTransaction waiting for finality): a finalized head is read from
 * the store once per block, not once per listener. It listens to the chain only while it has
 * listeners of its own.
 */
export class RpcEventFeed {
  private readonly src: RpcEventSources;
  private readonly listeners = new Set<(event: RpcNodeEvent) => void>();
  private stopChain: (() => void) | null = null;
  private queue: Promise<void> = Promise.resolve();

  constructor(src: RpcEventSources) {
    this.src = src;
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: (event: RpcNodeEvent) => void): () => void {
    this.listeners.add(listener);
    this.stopChain ??= this.src.events.listen((e) => this.translate(e));
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.stopChain !== null) {
        this.stopChain();
        this.stopChain = null;
      }
    };
  }

  private translate(e: ChainEvent): void {
    // In order: a finalized head waits for its store read before the next event goes out.
    this.queue = this.queue
      .then(async () => {
        const out = await toRpcEvent(this.src, e);
        if (out === null) return;
        for (const l of [...this.listeners]) {
          try {
            l(out);
          } catch {
            // One listener's failure is its own.
          }
        }
      })
      .catch(() => {});
  }
}

async function toRpcEvent(src: RpcEventSources, e: ChainEvent): Promise<RpcNodeEvent | null> {
  switch (e.kind) {
    case "executed":
      // Blocks executed only to reach a proposal's parent have no known round; their own
      // proposal, when it comes, reports them.
      return e.block.round === null ? null : { kind: "newHead", block: executedToRpc(e.hash, e.block) };
    case "committed": {
      const block = await src.blockAt(e.info.tip.height);
      if (block === null) return null;
      return { kind: "finalizedHead", block, changed: changedAddresses(e.info.writes) };
    }
    case "accepted":
      return { kind: "txAccepted", hashes: e.hashes };
    case "mode":
      return { kind: "syncing", syncing: src.syncing() };
  }
}

function executedToRpc(hash: Uint8Array, b: ExecutedBlock): RpcBlock {
  return {
    height: b.height,
    hash,
    parentHash: fromHex(b.parentHex),
    proposer: b.proposer,
    round: b.round ?? 0n,
    timeMs: b.payload.header.timeMs,
    stateRoot: b.payload.header.stateRoot,
    receiptsRoot: b.payload.header.receiptsRoot,
    transactions: b.receipts.map((r) => r.txHash),
  };
}

/** The addresses whose accounts a block wrote (its state writes under the account bucket). */
function changedAddresses(writes: readonly { key: Uint8Array }[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const w of writes) if (w.key.length === 21 && w.key[0] === StateBucket.account) out.push(w.key.subarray(1));
  return out;
}
