// A full node that joins after 1,000 blocks reaches the tip by fast sync. The rate at which it
// applied them and the rate at which they were produced are printed (the closing note of the
// node issue quotes them); the test asserts behaviour only: it gets there, with the same state.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stopAfterAll, TestDevnet, waitFor } from "./devnet-harness.ts";

const BLOCKS = 1000n;

describe("fast sync of a new full node", () => {
  let net: TestDevnet | undefined;
  afterAll(stopAfterAll(() => net));

  it(`reaches the tip after ${BLOCKS} blocks`, { timeout: 300_000 }, async () => {
    // 20 ms blocks, empty ones too, so 1,000 blocks take about half a minute.
    net = await TestDevnet.create({
      validators: 4,
      fullNodes: 1,
      params: { blockIntervalMs: 20 },
      config: (c) => {
        c.chain.emptyBlocks = true;
      },
    });
    const n = net;
    const sent = await n.transfer(0, 4242n);
    await waitFor(`${BLOCKS} blocks`, 240_000, async () => ((await n.height(0)) >= BLOCKS ? true : undefined), 500);
    const first = await n.client(0).getBlockByNumber(1n);
    const last = await n.client(0).getBlockByNumber(BLOCKS);
    const producedPerSecond = Number(BLOCKS - 1n) / (Number((last?.timeMs ?? 0n) - (first?.timeMs ?? 0n)) / 1000);

    const full = await n.start(4);
    const target = await n.height(0);
    await waitFor(
      "the full node at the tip",
      120_000,
      async () => ((await n.height(4)) >= target ? true : undefined),
      50,
    );
    const [ours, theirs] = await Promise.all([
      n.client(4).getBlockByNumber(target),
      n.client(0).getBlockByNumber(target),
    ]);
    expect(ours?.hash).toBe(theirs?.hash);
    expect(ours?.stateRoot).toBe(theirs?.stateRoot);
    expect((await n.client(4).getAccount(sent.to)).balance).toBe(4242n);
    expect((await n.client(4).status()).validator).toBe(false);

    const log = await readFile(join(n.layout.nodes[4]?.home as string, "node.log"), "utf8");
    const done = log
      .split("\n")
      .filter((l) => l.includes('"fast sync done"'))
      .map((l) => JSON.parse(l) as { blocks: string; seconds: number; blocksPerSecond: number })[0];
    expect(done).toBeDefined();
    const ratio = (done?.blocksPerSecond ?? 0) / producedPerSecond;
    console.log(
      JSON.stringify({
        fast_sync_blocks: Number(done?.blocks),
        fast_sync_seconds: done?.seconds,
        sync_blocks_per_s: done?.blocksPerSecond,
        produced_blocks_per_s: Math.round(producedPerSecond * 10) / 10,
        ratio: Math.round(ratio * 10) / 10,
        full_node_metrics: full.metrics,
      }),
    );
  });
});
