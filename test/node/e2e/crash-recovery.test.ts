// Crash faults with real processes and SIGKILL:
//   - one validator of four killed: the other three keep finalizing; restarted, it catches up
//     by fast sync and votes again (shown by finalizing with it as one of only three);
//   - two of four killed: finality stops, nothing conflicting is committed; restarted, finality
//     resumes and no committed transaction is lost.
import { afterEach, describe, expect, it } from "vitest";
import type { RpcClient } from "../../../rpc/index.ts";
import { anyFailed, TestDevnet, waitFor } from "./devnet-harness.ts";

/** A metric's value on the node's /metrics (the first series whose line starts with `series`), or null. */
async function metric(metricsUrl: string | null, series: string): Promise<number | null> {
  if (metricsUrl === null) return null;
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(series));
  return line === undefined ? null : Number(line.split(" ")[1]);
}

async function expectSameChain(net: TestDevnet, nodes: number[], upTo: bigint): Promise<void> {
  // A block final on one node may reach the others' stores a moment later.
  await waitFor(`nodes ${nodes} at height ${upTo}`, 20_000, async () => {
    const heights = await Promise.all(nodes.map((i) => net.height(i)));
    return heights.every((h) => h >= upTo) ? true : undefined;
  });
  for (let h = 1n; h <= upTo; h++) {
    const blocks = await Promise.all(nodes.map((i) => net.client(i).getBlockByNumber(h)));
    for (const b of blocks) {
      expect(b, `block ${h}`).not.toBeNull();
      expect(b?.hash, `block ${h}`).toBe(blocks[0]?.hash);
      expect(b?.stateRoot, `state root at ${h}`).toBe(blocks[0]?.stateRoot);
    }
  }
}

async function finalized(client: RpcClient, hash: Uint8Array, ms: number) {
  return waitFor("a transfer to be final", ms, async () => (await client.getTransactionReceipt(hash)) ?? undefined);
}

describe("crash faults", () => {
  let net: TestDevnet | undefined;
  afterEach(async ({ task }) => {
    await net?.stop({ failed: anyFailed(task) });
    net = undefined;
  });

  it("kill -9 one of four: the rest finalize; restarted, it fast-syncs and votes again", {
    timeout: 240_000,
  }, async () => {
    // Empty blocks on, so the chain moves while the validator is down and it has to sync; and
    // a node counts as behind after 3 blocks instead of 8, so that the outage below can be short
    // (with one validator down, about half the rounds time out and a block takes 1-3 s).
    net = await TestDevnet.create({
      validators: 4,
      config: (c) => {
        c.chain.emptyBlocks = true;
        c.chain.behindBlocks = 3;
      },
    });
    const n = net;
    await finalized(n.client(0), (await n.transfer(0)).hash, 20_000);

    await n.kill(3);
    const whileDown = await n.transfer(1);
    await finalized(n.client(1), whileDown.hash, 20_000);
    const before = await n.height(0);
    // Let the chain run past the point where the dead node counts as behind (behindBlocks, 3
    // here), so that it must fast-sync rather than catch up through consensus.
    await waitFor("6 more blocks", 120_000, async () => ((await n.height(0)) > before + 6n ? true : undefined));

    const restarted = await n.start(3);
    const target = await n.height(0);
    await waitFor("the restarted node at the tip", 30_000, async () =>
      (await n.height(3)) >= target ? true : undefined,
    );
    expect(await metric(restarted.metrics, "ubn_sync_blocks_total")).toBeGreaterThan(0);
    expect((await n.client(3).getAccount(whileDown.to)).balance).toBe(1000n);

    // With validator 0 gone, a quorum (3 of 4) needs validator 3's votes.
    await n.kill(0);
    const needsIt = await n.transfer(1);
    const receipt = await finalized(n.client(3), needsIt.hash, 30_000);
    expect(receipt.status).toBe("success");
    await expectSameChain(n, [1, 2, 3], receipt.height);
  });

  it("kill -9 two of four: finality stops without conflicts, and resumes with nothing lost", {
    timeout: 180_000,
  }, async () => {
    net = await TestDevnet.create({ validators: 4 });
    const n = net;
    const early = [];
    for (let i = 0; i < 5; i++) early.push(await n.transfer(i % 4));
    for (const t of early) await finalized(n.client(0), t.hash, 20_000);

    await Promise.all([n.kill(2), n.kill(3)]);
    // Blocks already certified may still commit; then nothing more can.
    await new Promise((r) => setTimeout(r, 1500));
    const stuckAt = await n.height(0);
    const pending = await n.transfer(0);
    await new Promise((r) => setTimeout(r, 4000));
    expect(await n.height(0)).toBe(stuckAt);
    expect(await n.height(1)).toBe(stuckAt);
    expect(await n.client(0).getTransactionReceipt(pending.hash)).toBeNull();

    await Promise.all([n.start(2), n.start(3)]);
    const receipt = await finalized(n.client(0), pending.hash, 60_000);
    expect(receipt.status).toBe("success");
    await waitFor("all four at the same height", 30_000, async () => {
      const hs = await Promise.all([0, 1, 2, 3].map((i) => n.height(i)));
      return hs.every((h) => h >= receipt.height) ? true : undefined;
    });
    await expectSameChain(n, [0, 1, 2, 3], receipt.height);
    for (const t of early) {
      for (const i of [0, 1, 2, 3]) expect(await n.client(i).getTransactionReceipt(t.hash), `node ${i}`).not.toBeNull();
    }
  });

  it("kill -9 all four: restarted, the chain continues from where it stood", { timeout: 180_000 }, async () => {
    net = await TestDevnet.create({ validators: 4 });
    const n = net;
    const before = [];
    for (let i = 0; i < 4; i++) before.push(await n.transfer(i));
    for (const t of before) await finalized(n.client(0), t.hash, 20_000);
    // Blocks above the committed tip (the ones the persisted highest QC names) exist only in
    // the validators' kept blocks now.
    await Promise.all([0, 1, 2, 3].map((i) => n.kill(i)));
    const restarted = await Promise.all([0, 1, 2, 3].map((i) => n.start(i)));
    // Nothing commits on the idle chain yet: the height metric still shows where each node stands.
    for (const [i, r] of restarted.entries()) {
      expect(await metric(r.metrics, 'ubn_chain_height{chain="shard-0"}'), `node ${i}`).toBe(Number(await n.height(i)));
    }
    const after = await n.transfer(2);
    const receipt = await finalized(n.client(2), after.hash, 60_000);
    expect(receipt.status).toBe("success");
    await waitFor("all four at the same height", 30_000, async () => {
      const hs = await Promise.all([0, 1, 2, 3].map((i) => n.height(i)));
      return hs.every((h) => h >= receipt.height) ? true : undefined;
    });
    await expectSameChain(n, [0, 1, 2, 3], receipt.height);
    for (const t of before) expect(await n.client(3).getTransactionReceipt(t.hash)).not.toBeNull();
  });
});
