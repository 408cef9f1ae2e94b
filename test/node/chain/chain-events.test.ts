// The chain's events for RPC watchers, and its index of transactions in executed blocks that
// are not committed yet ("included").
import { describe, expect, it } from "vitest";
import { type ChainEvent, ChainEvents } from "../../../node/chain/chain-events.ts";
import type { CommittedInfo, ExecutedBlock } from "../../../node/chain/executor.ts";
import { genesisShardHeader } from "../../../shard/header.ts";
import type { Receipt } from "../../../vm/index.ts";

const h = (n: number) => new Uint8Array(32).fill(n);
const payloadOf = (txs: number[]) => ({
  header: genesisShardHeader(0, h(0), h(0)),
  body: { txs: txs.map((n) => Uint8Array.of(n)), inbound: [] },
});
const receipt = (n: number): Receipt => ({ txHash: h(n), ok: true, feePaid: 1n, events: [] }) as unknown as Receipt;

function executed(height: bigint, txs: number[]): ExecutedBlock {
  return {
    parentHex: "00",
    height,
    round: height,
    proposer: h(9),
    payload: payloadOf(txs),
    writes: [],
    receipts: txs.map(receipt),
    outbox: [],
  };
}

function committed(height: bigint, txs: number[]): CommittedInfo {
  return {
    tip: { height, hash: h(100 + Number(height)), epoch: 0n, round: height, stateRoot: h(0), timeMs: 0n },
    payload: payloadOf(txs),
    receipts: txs.map(receipt),
    writes: [],
    outbox: [],
    encoded: new Uint8Array(0),
    certificate: new Uint8Array(0),
  };
}

describe("ChainEvents", () => {
  it("indexes the transactions of executed blocks until their block (or a rival at that height) commits", () => {
    const events = new ChainEvents();
    events.executed(h(51), executed(5n, [1, 2]));
    events.executed(h(61), executed(6n, [3]));
    expect(events.includedAt(h(2))).toEqual({ height: 5n, blockHash: h(51), index: 1, tx: Uint8Array.of(2) });
    // Height 5 commits another block carrying only transaction 1: 2 is no longer included.
    events.committed(committed(5n, [1]));
    expect(events.includedAt(h(1))).toBeUndefined();
    expect(events.includedAt(h(2))).toBeUndefined();
    expect(events.includedAt(h(3))?.height).toBe(6n);
  });

  it("answers with the newest executed block that carries the transaction, asked before or after it executed", () => {
    const events = new ChainEvents();
    events.executed(h(51), executed(5n, [1, 2]));
    expect(events.includedAt(h(2))?.blockHash).toEqual(h(51));
    expect(events.includedAt(h(4))).toBeUndefined();
    // A rival block at height 5 carries 2 as well, and a child carries 4.
    events.executed(h(52), executed(5n, [2]));
    events.executed(h(62), executed(6n, [4]));
    expect(events.includedAt(h(2))).toEqual({ height: 5n, blockHash: h(52), index: 0, tx: Uint8Array.of(2) });
    expect(events.includedAt(h(4))?.height).toBe(6n);
    events.committed(committed(6n, []));
    expect(events.includedAt(h(4))).toBeUndefined();
  });

  it("tells every listener in order, skips empty admissions, and a failing listener hurts no one", () => {
    const events = new ChainEvents();
    const seen: ChainEvent["kind"][] = [];
    events.listen(() => {
      throw new Error("broken watcher");
    });
    const stop = events.listen((e) => seen.push(e.kind));
    events.accepted([]);
    events.accepted([h(1)]);
    events.executed(h(7), executed(1n, [1]));
    events.committed(committed(1n, [1]));
    events.mode("consensus");
    stop();
    events.mode("syncing");
    expect(seen).toEqual(["accepted", "executed", "committed", "mode"]);
  });
});
