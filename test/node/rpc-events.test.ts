// The RPC event feed: one translation of each chain event for every RPC listener, in order.
import { describe, expect, test } from "vitest";
import { ChainEvents } from "../../node/chain/chain-events.ts";
import type { CommittedInfo } from "../../node/chain/executor.ts";
import { RpcEventFeed } from "../../node/rpc-events.ts";
import type { RpcBlock, RpcNodeEvent } from "../../rpc/index.ts";
import { genesisShardHeader } from "../../shard/header.ts";
import { accountKey } from "../../vm/index.ts";

const h = (n: number) => new Uint8Array(32).fill(n);

function committed(height: bigint, wrote: Uint8Array[]): CommittedInfo {
  return {
    tip: { height, hash: h(Number(height)), epoch: 0n, round: height, stateRoot: h(0), timeMs: 0n },
    payload: { header: genesisShardHeader(0, h(0), h(0)), body: { txs: [], inbound: [] } },
    receipts: [],
    writes: wrote.map((address) => ({ key: accountKey(address), value: Uint8Array.of(1) })),
    outbox: [],
    encoded: new Uint8Array(0),
    certificate: new Uint8Array(0),
  };
}

describe("RpcEventFeed", () => {
  test("reads a finalized head once for all listeners, in chain order, and stops listening with the last one", async () => {
    const events = new ChainEvents();
    const reads: bigint[] = [];
    const feed = new RpcEventFeed({
      events,
      blockAt: async (height) => {
        reads.push(height);
        await new Promise((r) => setTimeout(r, 5 - Number(height)));
        return { height } as unknown as RpcBlock;
      },
      syncing: () => ({ syncing: false, startingBlock: 0n, currentBlock: 0n, highestBlock: 0n }),
    });
    const a: RpcNodeEvent[] = [];
    const b: RpcNodeEvent[] = [];
    const stopA = feed.subscribe((e) => a.push(e));
    const stopB = feed.subscribe((e) => b.push(e));
    const alice = new Uint8Array(20).fill(1);
    events.committed(committed(1n, [alice]));
    events.accepted([h(9)]);
    events.committed(committed(2n, []));
    await new Promise((r) => setTimeout(r, 30));
    expect(reads).toEqual([1n, 2n]);
    expect(a.map((e) => e.kind)).toEqual(["finalizedHead", "txAccepted", "finalizedHead"]);
    expect(b).toEqual(a);
    expect(a[0]?.kind === "finalizedHead" && a[0].changed).toEqual([alice]);
    stopA();
    stopB();
    events.committed(committed(3n, []));
    await new Promise((r) => setTimeout(r, 20));
    expect(reads).toEqual([1n, 2n]);
  });
});
