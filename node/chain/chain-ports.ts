// What a chain runner (a shard's or the beacon's) takes from the node around it: the network,
// as node/net provides it, and a sink for its metrics (node/ops/chain-metrics.ts).
import type { Verdict } from "../net/interface.ts";
import type { ChainMode } from "./sync-switch.ts";

/** The parts of node/net's Network a chain uses. */
export interface ChainNetwork {
  readonly id: string;
  peers(): string[];
  subscribe(topic: string, handler: (from: string, data: Uint8Array) => Verdict | Promise<Verdict>): void;
  /** Leaves a topic (optional: test networks may not have it). */
  unsubscribe?(topic: string): void;
  publish(topic: string, data: Uint8Array): Promise<void>;
  handle(protocol: string, handler: (from: string, request: Uint8Array) => Promise<Uint8Array>): void;
  request(peer: string, protocol: string, request: Uint8Array, opts?: { timeoutMs?: number }): Promise<Uint8Array>;
  send(peer: string, protocol: string, data: Uint8Array): Promise<void>;
  onDirect(protocol: string, handler: (from: string, data: Uint8Array) => Verdict | Promise<Verdict>): void;
  penalize(peer: string, reason: string, weight?: number): void;
  /** Whether this node was connected to the peer and lost it (optional: test networks may not know). */
  departed?(peer: string): boolean;
}

export interface ChainMetricsSink {
  /** The committed height the chain stands at before its next commit (as it opens or restarts). */
  tip(height: bigint): void;
  committed(info: { height: bigint; txs: number; latencyMs: number | null }): void;
  mode(mode: ChainMode): void;
  mempool(txs: number, bytes: number): void;
  synced(blocks: number): void;
  /** The engine's round and its count of local timeouts (both only grow within a run). */
  consensus(now: { round: bigint; timeouts: number; shortRounds: number }): void;
}
