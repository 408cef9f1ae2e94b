// Killing enough of one shard's committee halts that shard only: the other shard and the
// beacon chain keep finalizing, receipts for the halted shard wait, and once its validators
// are back it resumes and takes every waiting receipt exactly once. Epochs are short, and a
// first load moves both shards through committee hand-overs before the outage, so the
// restarted validators start from the epochs they stored and catch up, by fast sync, with a
// live shard that changed committees while they were down.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addressBytesOf, formatAddress, generateKeyPair } from "../../../crypto/index.ts";
import { shardOfAddress } from "../../../vm/cross-shard/shard-of.ts";
import { TestDevnet, waitFor } from "./devnet-harness.ts";

const S = 2;
const addressOn = (shard: number): Uint8Array => {
  for (;;) {
    const a = addressBytesOf(generateKeyPair().publicKey);
    if (shardOfAddress(a, S) === shard) return a;
  }
};

async function beaconHeight(metricsUrl: string): Promise<number> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith('ubn_chain_height{chain="beacon"}'));
  return line === undefined ? 0 : Number(line.split(" ")[1]);
}

describe("sharded devnet: a halted shard", () => {
  let net: TestDevnet;
  beforeAll(async () => {
    // Every validator executes every shard here, so that any survivor answers for both: this
    // test is about a halted shard, sharded.test.ts about following shards by committee.
    net = await TestDevnet.create({
      validators: 8,
      shards: S,
      params: { epochLength: 6 },
      config: (c) => {
        c.chain.followShards = "all";
      },
    });
  }, 120_000);
  afterAll(async () => {
    await net?.stop();
  });

  it("halts alone, and on restart takes the receipts that waited, exactly once", async () => {
    const live = shardOfAddress(net.faucet.address, S);
    const halted = 1 - live;
    // Warm-up: transfers to both shards until each has handed over to new committees twice,
    // then until every credit has landed (the halted shard is then idle when its members die).
    const warm: { to: Uint8Array; amount: bigint }[] = [];
    const started = Date.now();
    for (let i = 0; ; i++) {
      const to = addressOn(i % 2 === 0 ? live : halted);
      const amount = 100n + BigInt(i);
      await net.transfer(i % 8, amount, to);
      warm.push({ to, amount });
      const epochs = (await net.client(0).getShardLayout()).chains.map((c) => c.epoch);
      if (warm.length >= 8 && epochs.every((e) => e >= 2n)) break;
      if (warm.length >= 200 || Date.now() - started > 60_000)
        throw new Error(`after ${warm.length} transfers the shards are in epochs ${epochs}`);
      await new Promise((r) => setTimeout(r, 150));
    }
    await waitFor("every warm-up transfer credited", 60_000, async () => {
      for (const w of warm)
        if ((await net.client(0).getAccount(formatAddress(w.to))).balance !== w.amount) return undefined;
      return true;
    });
    await new Promise((r) => setTimeout(r, 1000));
    const layout = await net.client(0).getShardLayout();
    const members = (layout.chains[halted]?.committee ?? []).map((k) => k.slice(2));
    const memberNodes = net.layout.nodes.flatMap((n, i) => (members.includes(n.publicKey) ? [i] : []));
    expect(memberNodes.length).toBe(4);
    // Two of four members down: no quorum of 3 on that shard; the beacon keeps 6 of 8.
    const down = memberNodes.slice(0, 2);
    const up = net.layout.nodes.map((_, i) => i).filter((i) => !down.includes(i));
    const via = up[0] as number;
    for (const i of down) await net.kill(i);
    const haltedHeight = await net.client(via).blockNumber(halted);
    const beaconBefore = await beaconHeight(net.running[via]?.metrics as string);

    // Load during the outage: transfers within the live shard, and receipts to the halted one.
    const intra = [addressOn(live), addressOn(live)];
    const cross = [addressOn(halted), addressOn(halted), addressOn(halted)];
    // All through one node, so that they land in a block or two: committees are reshuffled
    // every epoch, and a live shard that went on through a hand-over could come to seat both
    // stopped validators and halt too (a fault of the outage, not of the node).
    const sent: { hash: Uint8Array; to: Uint8Array; amount: bigint }[] = [];
    for (const [i, to] of [...intra, ...cross].entries()) {
      const amount = 5000n + BigInt(i);
      const { hash } = await net.transfer(via, amount, to);
      sent.push({ hash, to, amount });
    }
    await waitFor("the live shard to finalize every transfer", 60_000, async () => {
      const rs = await Promise.all(sent.map((s) => net.client(via).getTransactionReceipt(s.hash)));
      return rs.every((r) => r?.status === "success") ? true : undefined;
    }).catch(async (e) => {
      // Committees are reshuffled every epoch: say whether the live shard's committee came to
      // seat both stopped validators (no quorum of 3 of 4: a halt the outage caused, not a bug).
      const c = (await net.client(via).getShardLayout()).chains[live];
      const seated = (c?.committee ?? []).map((k) => net.layout.nodes.findIndex((n) => n.publicKey === k.slice(2)));
      throw new Error(
        `${(e as Error).message}; live shard ${live} at height ${c?.height} epoch ${c?.epoch}, ` +
          `committee nodes ${seated}, stopped ${down}`,
      );
    });
    for (const to of intra) {
      const s = sent.find((x) => x.to === to);
      expect((await net.client(via).getAccount(formatAddress(to))).balance).toBe(s?.amount);
    }
    // The beacon went on; the halted shard did not move and credited nothing.
    // Six of eight beacon validators are up: enough for a quorum, but without leader reputation
    // each round led by a stopped validator ends in a timeout, so the beacon is slow, not stopped.
    const beaconHeights = () => Promise.all(up.map((i) => beaconHeight(net.running[i]?.metrics as string)));
    await waitFor(`the beacon to go on (from ${beaconBefore})`, 60_000, async () => {
      const hs = await beaconHeights();
      return Math.min(...hs) > beaconBefore + 3 ? true : undefined;
    }).catch(async (e) => {
      throw new Error(`${(e as Error).message}; beacon heights of the running nodes: ${await beaconHeights()}`);
    });
    expect(await net.client(via).blockNumber(halted)).toBe(haltedHeight);
    for (const to of cross) expect((await net.client(via).getAccount(formatAddress(to))).balance).toBe(0n);
    for (const s of sent.slice(intra.length)) {
      const r = await net.client(via).getTransactionReceipt(s.hash);
      expect(r?.credit).toEqual({ shard: BigInt(halted), height: null });
    }

    // Back: the shard resumes and every waiting receipt lands once.
    for (const i of down) await net.start(i);
    await waitFor("every waiting receipt credited", 90_000, async () => {
      for (const to of cross)
        if ((await net.client(via).getAccount(formatAddress(to))).balance === 0n) return undefined;
      return true;
    });
    // The restarted validators caught up with the live shard across the committees it changed
    // while they were down, and hold the same blocks.
    const liveTip = await net.client(via).blockNumber(live);
    await waitFor("the restarted validators at the live shard's height", 60_000, async () => {
      for (const i of down) if ((await net.client(i).blockNumber(live)) < liveTip) return undefined;
      return true;
    });
    for (let h = 1n; h <= liveTip; h++) {
      const blocks = await Promise.all([via, ...down].map((i) => net.client(i).getBlockByNumber(h, false, live)));
      for (const b of blocks) expect(b?.hash).toBe(blocks[0]?.hash);
    }
    // A little longer: a receipt taken twice would show as a doubled balance.
    await new Promise((r) => setTimeout(r, 3000));
    for (const s of sent.slice(intra.length)) {
      expect((await net.client(via).getAccount(formatAddress(s.to))).balance).toBe(s.amount);
      const r = await net.client(down[0] as number).getTransactionReceipt(s.hash);
      expect(r?.credit?.shard).toBe(BigInt(halted));
      expect(r?.credit?.height).toBeGreaterThan(haltedHeight);
    }
  }, 300_000);
});
