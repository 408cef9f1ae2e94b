// An idle chain (empty blocks off, the devnet's default) falls quiet: once nothing waits to be
// final, no round times out, because each validator holds its round timer until it has work or
// another validator starts the round (node/chain/host-timers.ts). A transfer wakes it, even
// when the leader that was waiting for one is dead: the others time that round out. A full node
// following the quiet chain holds its last block.
import { afterEach, describe, expect, it } from "vitest";
import { anyFailed, TestDevnet, waitFor } from "./devnet-harness.ts";

/** Longer than the devnet's longest round timeout (3 x its 1 s base), so a timing-out chain moves within it. */
const QUIET_MS = 5000;

async function rounds(net: TestDevnet): Promise<bigint[]> {
  return Promise.all([0, 1, 2, 3].map(async (i) => (await net.client(i).getStatus()).round));
}

describe("an idle chain", () => {
  let net: TestDevnet | undefined;
  afterEach(async ({ task }) => {
    await net?.stop({ failed: anyFailed(task) });
    net = undefined;
  });

  it("falls quiet, and a transfer wakes it even with the waiting leader killed", { timeout: 150_000 }, async () => {
    net = await TestDevnet.create({ validators: 4, fullNodes: 1 });
    const n = net;
    await n.start(4);
    const first = await n.transfer(0);
    await waitFor("the first transfer to be final", 20_000, async () => {
      return (await n.client(0).getTransactionReceipt(first.hash)) ?? undefined;
    });

    const quiet = await waitFor("no round to move on any node for 5 s", 60_000, async () => {
      const before = await rounds(n);
      await new Promise((r) => setTimeout(r, QUIET_MS));
      const after = await rounds(n);
      return after.every((r, i) => r === before[i]) ? after : undefined;
    });

    // A full node following the quiet chain holds its last block: a tip one block above its own
    // is proven by the validators' commit proof (before, it stayed a block behind until the next).
    const tip = await n.height(0);
    await waitFor(`the full node at the quiet chain's height ${tip}`, 3000, async () =>
      (await n.height(4)) === tip ? true : undefined,
    );
    expect((await n.client(4).getTransactionReceipt(first.hash))?.status).toBe("success");

    // The leader of the highest round is the one waiting for something to propose; the
    // validators in that round agree on who it is (drawn from the block they all hold).
    let top = 0n;
    for (const r of quiet) if (r > top) top = r;
    const statuses = await Promise.all([0, 1, 2, 3].map((i) => n.client(i).getStatus()));
    const named = new Set(statuses.filter((s) => s.round === top).map((s) => s.leader));
    expect(named.size).toBe(1);
    const leaderId = [...named][0]?.slice(2);
    const leader = n.layout.nodes.findIndex((node) => node.publicKey === leaderId);
    expect(leader).toBeGreaterThanOrEqual(0);
    await n.kill(leader);
    const via = (leader + 1) % 4;
    const woken = await n.transfer(via);
    const receipt = await waitFor("a transfer sent to the quiet chain to be final", 30_000, async () => {
      return (await n.client(via).getTransactionReceipt(woken.hash)) ?? undefined;
    });
    expect(receipt.status).toBe("success");
  });
});
