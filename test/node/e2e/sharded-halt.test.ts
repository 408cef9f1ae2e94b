// Killing enough of one shard's committee halts that shard only: the other shard and the
// beacon chain keep finalizing, receipts for the halted shard wait, and once its validators
// are back it resumes and takes every waiting receipt exactly once. Epochs are short, and a
// first load moves both shards through committee hand-overs before the outage, so the
// restarted validators start from the epochs they stored and catch up, by fast sync, with a
// live shard that changed committees while they were down.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addressBytesOf, formatAddress, generateKeyPair } from "../../../crypto/index.ts";
import { shardOfAddress } from "../../../vm/cross-shard/shard-of.ts";
import { stopAfterAll, TestDevnet, waitFor } from "./devnet-harness.ts";

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
  afterAll(stopAfterAll(() => net));

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

    // The outage. Committees are reshuffled every epoch from all eight validators, so a live
    // shard that hands over while two are down seats both of them in about 3 draws of 14 and
    // halts too: a halt the outage caused, not a fault of the node, and the protocol's known
    // limit (docs/sharding.md). When that is what happened, and only then, the stopped
    // validators are brought back, every transfer of the attempt is checked credited once, and
    // the outage is tried again with another pair (at most 3 attempts).
    const nodeOf = (keys: readonly string[] | undefined) =>
      (keys ?? []).map((k) => net.layout.nodes.findIndex((n) => n.publicKey === k.slice(2)));
    const abandoned: { to: Uint8Array; amount: bigint }[] = [];
    let outage: Awaited<ReturnType<typeof startOutage>> | undefined;
    async function startOutage(attempt: number) {
      const layout = await net.client(0).getShardLayout();
      const memberNodes = nodeOf(layout.chains[halted]?.committee);
      expect(memberNodes.length).toBe(4);
      const liveSeats = nodeOf(layout.chains[live]?.committee);
      // Two of four members down: no quorum of 3 on that shard; the beacon keeps 6 of 8. Never
      // a pair the live shard seats both of now.
      const allPairs = memberNodes.flatMap((a, i) => memberNodes.slice(i + 1).map((b) => [a, b]));
      const apart = allPairs.filter((pair) => !pair.every((i) => liveSeats.includes(i)));
      const pairs = apart.length > 0 ? apart : allPairs;
      const down = pairs[attempt % pairs.length] as number[];
      const up = net.layout.nodes.map((_, i) => i).filter((i) => !down.includes(i));
      const via = up[0] as number;
      for (const i of down) await net.kill(i);
      const haltedHeight = await net.client(via).blockNumber(halted);
      const beaconBefore = await beaconHeight(net.running[via]?.metrics as string);
      // Load during the outage: transfers within the live shard, and receipts to the halted one,
      // all through one node so that they land in a block or two.
      const intra = [addressOn(live), addressOn(live)];
      const cross = [addressOn(halted), addressOn(halted), addressOn(halted)];
      const sent: { hash: Uint8Array; to: Uint8Array; amount: bigint }[] = [];
      for (const [i, to] of [...intra, ...cross].entries()) {
        const amount = 5000n + BigInt(attempt * 100 + i);
        const { hash } = await net.transfer(via, amount, to);
        sent.push({ hash, to, amount });
      }
      return { down, up, via, haltedHeight, beaconBefore, intra, cross, sent };
    }
    for (let attempt = 0; outage === undefined; attempt++) {
      const o = await startOutage(attempt);
      const outcome = await waitFor("the live shard to finalize every transfer", 60_000, async () => {
        const rs = await Promise.all(o.sent.map((s) => net.client(o.via).getTransactionReceipt(s.hash)));
        if (rs.every((r) => r?.status === "success")) return "finalized";
        const seats = nodeOf((await net.client(o.via).getShardLayout()).chains[live]?.committee);
        return o.down.every((i) => seats.includes(i)) ? "reseated" : undefined;
      });
      if (outcome === "finalized") {
        outage = o;
        break;
      }
      const c = (await net.client(o.via).getShardLayout()).chains[live];
      if (attempt >= 2) {
        throw new Error(
          `attempt ${attempt + 1}: the live shard ${live} came to seat both stopped validators ${o.down} ` +
            `(epoch ${c?.epoch}, committee nodes ${nodeOf(c?.committee)}), three times`,
        );
      }
      console.log(
        `attempt ${attempt + 1}: live shard ${live} entered epoch ${c?.epoch} seating both stopped ` +
          `validators ${o.down} (committee nodes ${nodeOf(c?.committee)}); restarting them and trying again`,
      );
      for (const i of o.down) await net.start(i);
      await waitFor("every transfer of the abandoned attempt credited", 90_000, async () => {
        for (const s of o.sent)
          if ((await net.client(o.via).getAccount(formatAddress(s.to))).balance !== s.amount) return undefined;
        return true;
      });
      abandoned.push(...o.sent);
    }
    const { down, up, via, haltedHeight, beaconBefore, intra, cross, sent } = outage;
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
    let heights: bigint[] = [];
    await waitFor("the restarted validators at the live shard's height", 60_000, async () => {
      heights = await Promise.all(down.map((i) => net.client(i).blockNumber(live)));
      return heights.every((h) => h >= liveTip) ? true : undefined;
    }).catch((e) => {
      throw new Error(`${(e as Error).message}: ${liveTip} at node ${via}, ${heights} at nodes ${down}`);
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
    for (const s of abandoned) expect((await net.client(via).getAccount(formatAddress(s.to))).balance).toBe(s.amount);
  }, 420_000);
});
