// A sharded devnet of real processes: 8 validators, 2 shards and the beacon chain. Transfers
// within a shard and across shards (both directions) become final; a cross-shard credit lands
// on the destination shard once its source block is crosslinked; every node agrees on every
// shard's blocks; and each shard's books balance on disk: the accounts it holds equal its
// genesis supply + minted - burned - sent to other shards + received from them, with nothing
// left in flight once the network is quiet. Meanwhile accounts bond and unbond stake on their
// shards and the beacon registry follows at each epoch, and a ninth node, whose key is not in
// the genesis, stakes its way onto a committee and proposes there (staking-script.ts).
// Validators 1-8 execute only the shards whose committees seat them (node 0, the devnet's RPC
// node, executes all): they stop and start following shards as committees change, refuse
// reads of the shards they do not follow, and pass transactions for them on.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addressBytesOf,
  concatBytes,
  decode,
  fixedBytes,
  formatAddress,
  fromHex,
  generateKeyPair,
  type KeyPair,
  list,
  struct,
  u64,
  utf8,
} from "../../../crypto/index.ts";
import { BlockStore } from "../../../node/chain/block-store.ts";
import { StagedKv } from "../../../node/chain/staged-kv.ts";
import { stopNodeProcess } from "../../../node/devnet/processes.ts";
import { signedTransfer, transferSigner } from "../../../node/devnet/transfer.ts";
import { LevelKv } from "../../../node/storage/level-kv.ts";
import { shardOfAddress } from "../../../vm/cross-shard/shard-of.ts";
import {
  accountKey,
  CROSS_TOTALS_KEY,
  decodeAccount,
  decodeCrossTotals,
  decodeTotals,
  SparseMerkleState,
  TOTALS_KEY,
} from "../../../vm/index.ts";
import { stopAfterAll, TestDevnet, waitFor } from "./devnet-harness.ts";
import { StakingScript } from "./staking-script.ts";

const S = 2;
/** The pending blocks' index as stored (node/chain/pending-blocks.ts). */
const pendingIndexCodec = list(struct("PendingEntry", { hash: fixedBytes(32), height: u64 }), 1024);
const keyOnShard = (shard: number): KeyPair => {
  for (;;) {
    const k = generateKeyPair();
    if (shardOfAddress(addressBytesOf(k.publicKey), S) === shard) return k;
  }
};

describe("sharded devnet: 8 validators and a joiner, 2 shards", () => {
  let net: TestDevnet;
  let alice: KeyPair;
  beforeAll(async () => {
    alice = generateKeyPair();
    net = await TestDevnet.create({
      validators: 8,
      joiners: 1,
      shards: S,
      // Short epochs (6 beacon blocks, 1-3 s) so that committees hand over during the test, and
      // unbonding of 20 shard blocks so that the staking script sees stake come back.
      params: { epochLength: 6, unbondingPeriodBlocks: 20 },
      accounts: [{ address: addressBytesOf(alice.publicKey), balance: 10n ** 24n }],
    });
  }, 120_000);
  afterAll(stopAfterAll(() => net));

  it("finalizes intra- and cross-shard transfers exactly once across committee hand-overs; every shard's books balance", async () => {
    const faucetShard = shardOfAddress(net.faucet.address, S);
    const aliceSigner = transferSigner(alice.secretKey);
    const aliceShard = shardOfAddress(aliceSigner.address, S);
    const sends: { from: "faucet" | "alice"; to: Uint8Array; amount: bigint; cross: boolean }[] = [];
    const nonces = { faucet: 0n, alice: 0n };
    const hashes: Uint8Array[] = [];
    // Value the faucet sent outside `sends` (the staking script funds validator-0).
    const funds: { to: Uint8Array; amount: bigint }[] = [];
    const staking = await StakingScript.open(net, {
      alice: aliceSigner,
      nonce: (who) => nonces[who]++,
      funded: (to, amount) => funds.push({ to, amount }),
    });
    const send = async (from: "faucet" | "alice", cross: boolean) => {
      const i = sends.length;
      // A shard that slows down (a seat not run, say) must fail the test by the loop's bound,
      // with what it saw, not by a sender running more than 64 nonces ahead of finality.
      const signerAddress = from === "faucet" ? net.faucet.address : aliceSigner.address;
      const final = (await net.client(0).getAccount(formatAddress(signerAddress))).nonce;
      if (nonces[from] - final > 32n) return;
      const own = from === "faucet" ? faucetShard : aliceShard;
      const to = addressBytesOf(keyOnShard(cross ? 1 - own : own).publicKey);
      const amount = (from === "faucet" ? 1000n : 2000n) + BigInt(i);
      sends.push({ from, to, amount, cross });
      const signer = from === "faucet" ? net.faucet : aliceSigner;
      const tx = signedTransfer(net.layout.chainId, signer, to, amount, nonces[from]++);
      // Any node takes any transaction: the RPC routes it to its sender's shard, and a node
      // that does not follow that shard now passes it on.
      hashes.push(await net.client(i % 8).sendRawTransaction(tx));
    };
    // Load: both senders, within and across shards in both directions, a pair every 150 ms,
    // until each shard has handed over to a new committee 3 times and the staking script is
    // through (shards only make blocks while there is work, so their epochs only move under
    // load). Bounded in count and time.
    const committees: string[][] = [[], []];
    // Per validator and shard, whether it was seen following the shard (true), not (false).
    const seenFollowing = new Map<string, Set<boolean>>();
    const started = Date.now();
    for (let i = 0; ; i++) {
      await send("faucet", i % 2 === 1);
      await send("alice", i % 4 < 2);
      const own = await net.client(1 + (i % 7)).getShardLayout();
      for (const c of own.chains) {
        const key = `${1 + (i % 7)}/${c.shard}`;
        seenFollowing.set(key, (seenFollowing.get(key) ?? new Set()).add(c.following));
      }
      const layout = await net.client(0).getShardLayout();
      for (const c of layout.chains) {
        const seen = committees[Number(c.shard)] as string[];
        const key = c.committee.join(",");
        if (seen.at(-1) !== key) seen.push(key);
      }
      await staking.advance(net.client(0), layout);
      const epochs = layout.chains.map((c) => c.epoch);
      if (sends.length >= 16 && epochs.every((e) => e >= 3n) && staking.done) break;
      if (sends.length >= 600 || Date.now() - started > 120_000) {
        throw new Error(
          `after ${sends.length} transfers in ${Date.now() - started} ms the shards are in epochs ${epochs}, staking at step ${staking.step} (${staking.seen})`,
        );
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    // The committee changed at least once on each shard (8 validators split 4 + 4 by a fresh
    // shuffle each epoch, then 9 split 5 + 4 once the joiner is in).
    for (const seen of committees) expect(seen.length).toBeGreaterThan(1);
    // Validators followed shards by committee: some validator was seen both following a shard
    // and not (it stopped, or started and caught up), and none followed every shard throughout.
    const both = [...seenFollowing.values()].filter((v) => v.size === 2).length;
    const never = [...seenFollowing.values()].filter((v) => v.size === 1 && v.has(false)).length;
    process.stdout.write(
      `following: ${both} (validator, shard) pairs seen both following and not, ${never} never following, of ${seenFollowing.size}\n`,
    );
    expect(both).toBeGreaterThan(0);
    // The joiner ran its seats: a block it proposed is final on the shard it was dealt, and
    // one on the beacon chain, whose own validator set took it in.
    expect(staking.joinerProposed).not.toBeNull();
    expect(staking.joinerBeacon).not.toBeNull();
    // The newcomer was counted in the registry but never seated (below the minimum stake).
    expect(staking.seen[0]).not.toMatch(/seated/);
    process.stdout.write(`staking: ${staking.seen.join("; ")}\n`);
    const receipts = await waitFor("every transfer final on its source shard", 60_000, async () => {
      const all = await Promise.all(
        [...hashes, ...staking.transactions].map((h) => net.client(0).getTransactionReceipt(h)),
      );
      return all.every((r) => r !== null) ? all : undefined;
    });
    for (const r of receipts) expect(r?.status).toBe("success");
    // Credits: read on the RPC node, routed to the recipient's shard; cross-shard ones land once crosslinked.
    await waitFor("every credit on its destination shard", 60_000, async () => {
      for (const s of sends) {
        if ((await net.client(0).getAccount(formatAddress(s.to))).balance !== s.amount) return undefined;
      }
      return true;
    });
    // A validator that does not follow a shard now refuses to read it, with the typed error.
    for (let i = 1; i < 8; i++) {
      const layout = await net.client(i).getShardLayout();
      const other = layout.chains.find((c) => !c.following);
      if (other === undefined) continue;
      const refused = await net
        .client(i)
        .blockNumber(Number(other.shard))
        .then(
          () => null,
          (e: { code?: number }) => e.code,
        );
      // It may have started following in between: then it answered.
      if (refused !== null) expect(refused).toBe(-32023);
    }
    // The wallet's view: one receipt per transfer, saying where a cross-shard credit landed.
    for (const [i, s] of sends.entries()) {
      const r = await net.client(0).getTransactionReceipt(hashes[i] as Uint8Array);
      const source = shardOfAddress(s.from === "faucet" ? net.faucet.address : aliceSigner.address, S);
      expect(r?.shard).toBe(BigInt(source));
      if (!s.cross) expect(r?.credit).toBeNull();
      else {
        expect(r?.credit?.shard).toBe(BigInt(1 - source));
        const credited = await net.client(0).getBlockByNumber(r?.credit?.height as bigint, false, 1 - source);
        expect(credited).not.toBeNull();
      }
    }
    // The layout names both shards and their committees: the 8 genesis validators and the joiner.
    const layout = await net.client(0).getShardLayout();
    expect(layout.shards).toBe(2n);
    // 9 validators split 5 + 4 in each epoch. Each shard hands over at its own height, so the
    // two committees shown may be of neighbouring epochs: the joiner may be on both or neither.
    for (const c of layout.chains) expect([4, 5]).toContain(c.committee.length);
    const joinerKey = `0x${net.layout.nodes[8]?.publicKey}`;
    if (layout.chains[0]?.epoch === layout.chains[1]?.epoch) {
      expect(layout.chains.filter((c) => c.committee.some((k) => k === joinerKey))).toHaveLength(1);
    }
    expect(layout.beacon?.registry.find((v) => v.publicKey === joinerKey)?.stake).toBe(1000n * 10n ** 18n);
    expect(layout.beacon?.consensus.validators.map((v) => v.publicKey)).toContain(joinerKey);
    expect(layout.beacon?.consensus.epoch).toBeGreaterThan(0n);
    // Blocks came from more than one committee: more than 4 validators proposed on each shard.
    for (let shard = 0; shard < S; shard++) {
      const tip = await net.client(0).blockNumber(shard);
      const proposers = new Set<string>();
      for (let h = 1n; h <= tip; h++) {
        const b = await net.client(0).getBlockByNumber(h, false, shard);
        if (b !== null) proposers.add(b.proposer);
      }
      expect(proposers.size).toBeGreaterThan(4);
    }

    // Every validator that follows a shard now holds the RPC node's blocks of it.
    for (let shard = 0; shard < S; shard++) {
      let compared = 0;
      for (let i = 1; i < 8; i++) {
        const tip = await net
          .client(i)
          .blockNumber(shard)
          .catch(() => null);
        if (tip === null) continue;
        for (let h = tip > 40n ? tip - 40n : 1n; h <= tip; h++) {
          const mine = await net
            .client(i)
            .getBlockByNumber(h, false, shard)
            .catch(() => undefined);
          if (mine === undefined) break;
          // The RPC node executes every shard and may not have committed h yet: it must within
          // a few seconds, and then hold the same block.
          const rpc = await waitFor(
            `the RPC node to commit shard ${shard} block ${h}`,
            10_000,
            async () => (await net.client(0).getBlockByNumber(h, false, shard)) ?? undefined,
          );
          expect(mine?.hash).toBe(rpc.hash);
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(0);
    }

    // The books, on disk: stop the RPC node (it executes every shard) and read each shard's
    // state at its tip.
    const node = net.running[0];
    if (node === null || node === undefined) throw new Error("node 0 is not running");
    await stopNodeProcess(node);
    net.running[0] = null;
    const level = await LevelKv.open(join(net.layout.nodes[0]?.home as string, "data"));
    try {
      const accounts = [net.faucet.address, aliceSigner.address, ...sends.map((s) => s.to)];
      // A block's reward and fees go to its proposer's address on the shard that made the block
      // (as in the simulator), so a validator's address holds value on every shard it serves.
      const validators = net.layout.nodes.filter((n) => n.validator).map((n) => addressBytesOf(fromHex(n.publicKey)));
      let sentOut = 0n;
      let receivedIn = 0n;
      for (let shard = 0; shard < S; shard++) {
        const state = await SparseMerkleState.open(
          new BlockStore(new StagedKv(level), Uint8Array.of(0x10, shard)).stateKv(),
        );
        let held = 0n;
        for (const a of [...accounts.filter((x) => shardOfAddress(x, S) === shard), ...validators]) {
          const bytes = await state.get(accountKey(a));
          if (bytes === undefined) continue;
          const acc = decodeAccount(bytes);
          held += acc.balance + acc.staked + acc.unbonding;
        }
        const totals = decodeTotals((await state.get(TOTALS_KEY)) as Uint8Array);
        const cross = decodeCrossTotals(await state.get(CROSS_TOTALS_KEY));
        expect(held).toBe(totals.genesisSupply + totals.minted - totals.burned - cross.sentOut + cross.receivedIn);
        sentOut += cross.sentOut;
        receivedIn += cross.receivedIn;
      }
      // The cross-shard transfers left and arrived: nothing in flight, nothing created. Stake
      // receipts carry no value: bonded stake stays on its shard.
      const crossFunds = funds.filter((f) => shardOfAddress(f.to, S) !== faucetShard);
      const crossAmount =
        sends.filter((s) => s.cross).reduce((n, s) => n + s.amount, 0n) + crossFunds.reduce((n, f) => n + f.amount, 0n);
      expect(sentOut).toBe(crossAmount);
      expect(receivedIn).toBe(crossAmount);

      // The beacon lets go of its kept blocks as they commit, as the shards do: its pending
      // index (docs/node.md, `P 07 "index"`) lists none at or below its committed tip. (It once
      // never did, and listed every beacon block up to the bound of 1,024.) One may remain from
      // the commit that the shutdown interrupted.
      const beacon = new BlockStore(new StagedKv(level), Uint8Array.of(0x11, 0x00));
      const beaconTip = (await beacon.tip())?.height ?? 0n;
      expect(beaconTip).toBeGreaterThan(10n);
      const index = await level.get(concatBytes(beacon.pendingPrefix(), utf8("index")));
      const kept = index === undefined ? [] : decode(pendingIndexCodec, index);
      expect(kept.filter((e) => e.height <= beaconTip).length).toBeLessThanOrEqual(1);
    } finally {
      await level.close();
    }

    // Restarted, node 0 recomputes the beacon's validator sets from the blocks it stored and
    // follows the beacon again under the same set as the others.
    await net.start(0);
    const before = (await net.client(2).getShardLayout()).beacon;
    await waitFor("node 0 back at the beacon tip", 60_000, async () => {
      const b = (await net.client(0).getShardLayout()).beacon;
      return b !== null && before !== null && b.height >= before.height ? b : undefined;
    });
    const after = [(await net.client(0).getShardLayout()).beacon, (await net.client(2).getShardLayout()).beacon];
    expect(after[0]?.consensus.epoch).toBe(after[1]?.consensus.epoch);
    expect(after[0]?.consensus.validators.map((v) => v.publicKey)).toEqual(
      after[1]?.consensus.validators.map((v) => v.publicKey),
    );

    // Restarted, a validator catches up on the shards it follows by fast sync and on the others
    // through its light follower: their headers are not stored, so it starts from the height
    // its store reached and must fetch them again. The load is over and the shards are idle, so
    // it must reach node 0's tips exactly: the newest block of an idle shard is proven final by
    // the commit proof peers serve with it (a child and its QC), not by a later block. One that
    // does not follow some shard now, if any.
    let pick = 2;
    for (let i = 1; i < 8; i++) {
      if ((await net.client(i).getShardLayout()).chains.some((c) => !c.following)) {
        pick = i;
        break;
      }
    }
    const restarted = net.running[pick];
    if (restarted === null || restarted === undefined) throw new Error(`node ${pick} is not running`);
    const held = (await net.client(pick).getShardLayout()).chains;
    await stopNodeProcess(restarted);
    net.running[pick] = null;
    await net.start(pick);
    const back = await waitFor(`node ${pick} holding both shards' blocks up to node 0's tips`, 60_000, async () => {
      const l = await net.client(pick).getShardLayout();
      const tips = (await net.client(0).getShardLayout()).chains;
      return l.chains.every((c, k) => c.height >= (held[k]?.height ?? 0n) && c.height >= (tips[k]?.height ?? 0n))
        ? l
        : undefined;
    });
    const rpcHeights = await Promise.all([0, 1].map((k) => net.client(0).blockNumber(k)));
    process.stdout.write(
      `node ${pick} restarted: held ${held.map((c) => `${c.height}${c.following ? "" : " (light)"}`)}, ` +
        `then ${back.chains.map((c) => `${c.height}${c.following ? "" : " (light)"}`)}; node 0 at ${rpcHeights}\n`,
    );
  }, 300_000);
});
