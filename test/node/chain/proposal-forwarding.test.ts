// A gossiped proposal is forwarded (verdict "accept") only once this node's validation of its
// block said valid; an invalid block, or none judged in time, is ignored: not forwarded, and
// the peer not blamed. Other consensus messages keep their immediate verdict.
import { afterEach, describe, expect, it, vi } from "vitest";
import { sha256, toHex } from "../../../crypto/index.ts";
import { BlockVerdicts, MAX_WAITING_BLOCKS } from "../../../node/chain/block-verdicts.ts";
import { ConsensusRelay } from "../../../node/chain/consensus-relay.ts";
import { PendingBlocks } from "../../../node/chain/pending-blocks.ts";
import { MemoryKv } from "../../../vm/state/kv.ts";
import {
  CHAIN,
  fixture,
  GENESIS,
  genesis,
  makeBlock,
  makeTimeout,
  proposalBytes,
  timeoutBytes,
} from "../../consensus/engine/helpers.ts";

afterEach(() => {
  vi.useRealTimers();
});

describe("block verdicts", () => {
  it("answers a wait with the verdict, given before or after it", async () => {
    const v = new BlockVerdicts(1000);
    const later = v.wait("aa");
    v.judged("aa", true);
    v.judged("bb", false);
    expect(await later).toBe(true);
    expect(await v.wait("bb")).toBe(false);
  });

  it("ends a wait without a verdict with null after the timeout, and on stop", async () => {
    vi.useFakeTimers();
    const v = new BlockVerdicts(1000);
    const timedOut = v.wait("aa");
    vi.advanceTimersByTime(1000);
    expect(await timedOut).toBeNull();
    const stopped = v.wait("bb");
    v.stop();
    expect(await stopped).toBeNull();
    // A verdict after the wait ended changes nothing and is kept for later waits.
    v.judged("aa", true);
    expect(await v.wait("aa")).toBe(true);
  });

  it("waits on a bounded number of blocks; past it, at once with null", async () => {
    const v = new BlockVerdicts(60_000);
    const waits = Array.from({ length: MAX_WAITING_BLOCKS }, (_, i) => v.wait(`b${i}`));
    expect(await v.wait("one too many")).toBeNull();
    // Another wait on a block already waited on is still taken.
    const again = v.wait("b0");
    v.judged("b0", true);
    expect(await again).toBe(true);
    expect(await waits[0]).toBe(true);
    v.stop();
    expect(await Promise.all(waits.slice(1))).toEqual(Array(MAX_WAITING_BLOCKS - 1).fill(null));
  });
});

async function relayFor() {
  const fx = fixture(4);
  const delivered: Uint8Array[] = [];
  const pending = await PendingBlocks.load(new MemoryKv(), new Uint8Array([9]), CHAIN, sha256, 0n);
  const relay = new ConsensusRelay({
    chainId: CHAIN,
    payloadDigest: sha256,
    validatorIds: new Set(fx.ids),
    topic: "t",
    directProtocol: "d",
    network: { peers: () => [], publish: async () => {}, send: async () => {} },
    pending,
    tip: () => ({ height: 0n, hash: GENESIS }) as ReturnType<ConstructorParameters<typeof ConsensusRelay>[0]["tip"]>,
    deliver: (_from, bytes) => delivered.push(bytes),
    engineRunning: () => true,
    engineGeneration: () => 0,
    proposed: () => {},
    log: { debug: () => {}, warn: () => {} },
  });
  return { fx, relay, delivered };
}

describe("forwarding gossiped proposals", () => {
  it("delivers a proposal at once and accepts it for forwarding once its block is judged valid", async () => {
    const { fx, relay, delivered } = await relayFor();
    const built = makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx) });
    const verdict = relay.receive(proposalBytes(fx, built), "gossip");
    expect(delivered).toHaveLength(1);
    expect(verdict).toBeInstanceOf(Promise);
    let settled = false;
    void Promise.resolve(verdict).then(() => {
      settled = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    relay.judged(built.hash, true);
    expect(await verdict).toBe("accept");
  });

  it("ignores a proposal whose block is invalid here, or that is never judged", async () => {
    const { fx, relay } = await relayFor();
    const bad = makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx) });
    const badVerdict = relay.receive(proposalBytes(fx, bad), "gossip");
    relay.judged(bad.hash, false);
    expect(await badVerdict).toBe("ignore");

    vi.useFakeTimers();
    const stale = makeBlock(fx, { round: 2n, parent: null, qc: genesis(fx) });
    const staleVerdict = relay.receive(proposalBytes(fx, stale), "gossip");
    vi.advanceTimersByTime(2000);
    expect(await staleVerdict).toBe("ignore");
  });

  it("keeps immediate verdicts for direct proposals, other gossip and forgeries", async () => {
    const { fx, relay } = await relayFor();
    const built = makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx) });
    expect(relay.receive(proposalBytes(fx, built), "direct", fx.ids[1])).toBe("accept");
    const timeout = timeoutBytes(makeTimeout(fx, 0, 1n, genesis(fx)));
    expect(relay.receive(timeout, "gossip")).toBe("accept");
    const forged = proposalBytes(fx, built, null, (fx.ids.indexOf(toHex(built.block.proposer)) + 1) % 4);
    expect(relay.receive(forged, "gossip")).toBe("reject");
  });
});
