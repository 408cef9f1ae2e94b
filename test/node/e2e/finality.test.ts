// Four validator processes finalize transfers submitted over JSON-RPC, and every node reports
// the same block and state root at every height.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stopAfterAll, TestDevnet, waitFor } from "./devnet-harness.ts";

describe("devnet of 4 validators", () => {
  let net: TestDevnet;
  beforeAll(async () => {
    net = await TestDevnet.create({ validators: 4 });
  });
  afterAll(stopAfterAll(() => net));

  it("finalizes transfers sent to any node; all nodes agree on every block and state root", async () => {
    const sent: { hash: Uint8Array; to: string }[] = [];
    for (let i = 0; i < 12; i++) sent.push(await net.transfer(i % 4, 1000n + BigInt(i)));
    const receipts = await waitFor("every transfer to be final", 30_000, async () => {
      const all = await Promise.all(sent.map((s) => net.client(0).getTransactionReceipt(s.hash)));
      return all.every((r) => r !== null) ? all : undefined;
    });
    for (const r of receipts) expect(r?.status).toBe("success");
    const top = receipts.reduce((m, r) => (r !== null && r.height > m ? r.height : m), 0n);
    // Every node commits up to the last transfer's block.
    await waitFor("every node at the last transfer's height", 15_000, async () => {
      const heights = await Promise.all([0, 1, 2, 3].map((i) => net.height(i)));
      return heights.every((h) => h >= top) ? true : undefined;
    });
    for (let h = 1n; h <= top; h++) {
      const blocks = await Promise.all([0, 1, 2, 3].map((i) => net.client(i).getBlockByNumber(h)));
      const first = blocks[0];
      expect(first).not.toBeNull();
      for (const b of blocks) {
        expect(b?.hash).toBe(first?.hash);
        expect(b?.stateRoot).toBe(first?.stateRoot);
      }
    }
    // Each node's metrics count its three peers (connected while it started).
    for (const i of [0, 1, 2, 3]) {
      const text = await (await fetch(`${net.running[i]?.metrics}/metrics`)).text();
      expect(text.split("\n"), `node ${i}`).toContain("ubn_peers 3");
    }
    // The recipients' balances, read from each node.
    for (const [i, s] of sent.entries()) {
      for (const node of [0, 3]) expect((await net.client(node).getAccount(s.to)).balance).toBe(1000n + BigInt(i));
    }
  });
});
