// A peer that sends garbage, oversized messages and forged signatures is scored down and
// disconnected by the validators, and the network keeps finalizing meanwhile. So is one that
// claims a far higher tip than the blocks it serves; one that claims it and then never answers
// a fetch does not take the validators out of consensus, nor hold up a full node that follows.

import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeMessage } from "../../../consensus/index.ts";
import { addressBytesOf, decode, encode, generateKeyPair, toHex } from "../../../crypto/index.ts";
import { encodeTxBatch } from "../../../node/chain/tx-gossip.ts";
import { signedTransfer, transferSigner } from "../../../node/devnet/transfer.ts";
import { Network } from "../../../node/net/index.ts";
import { blocksProtocol, blocksRequestCodec, blocksResponseCodec } from "../../../node/sync/protocol.ts";
import { stopAfterAll, TestDevnet, waitFor } from "./devnet-harness.ts";

/**
 * A peer that answers height probes with a tip of 1,000,000 and holds every fetch for blocks
 * until released, so each runs into the asker's timeout; `fetches` lists who asked.
 */
async function silentPeer(chainId: string, bootstrap: string[]) {
  const fetches: string[] = [];
  let release = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  const network = await Network.create({
    secretKey: generateKeyPair().secretKey,
    listen: ["/ip4/127.0.0.1/tcp/0"],
    bootstrap,
  });
  network.handle(blocksProtocol(chainId, "shard-0"), async (from, request) => {
    if (decode(blocksRequestCodec, request).maxBlocks > 0) {
      fetches.push(from);
      await held;
    }
    return encode(blocksResponseCodec, { tipHeight: 1_000_000n, blocks: [], tipProof: null });
  });
  return { network, fetches, release: () => release() };
}

describe("a misbehaving peer", () => {
  const validatorNodes = () => net.layout.nodes.filter((n) => n.validator);
  const validatorAddresses = () => validatorNodes().map((n) => n.p2p);
  let net: TestDevnet;
  let attacker: Network;
  let liar: Network | undefined;
  let silent: Network | undefined;
  let silentToFull: Network | undefined;
  beforeAll(async () => {
    // The full node (index 4) starts in the last test.
    net = await TestDevnet.create({ validators: 4, fullNodes: 1 });
    attacker = await Network.create({
      secretKey: generateKeyPair().secretKey,
      listen: ["/ip4/127.0.0.1/tcp/0"],
      bootstrap: validatorAddresses(),
    });
  });
  afterAll(
    stopAfterAll(
      () => net,
      async () => Promise.all([attacker?.stop(), liar?.stop(), silent?.stop(), silentToFull?.stop()]),
    ),
  );

  it("is disconnected, and the validators keep finalizing", { timeout: 120_000 }, async () => {
    const prefix = `/ubn/${net.layout.chainId}/shard-0`;
    const validators = validatorNodes().map((n) => n.publicKey);
    attacker.subscribe(`${prefix}/consensus/1`, () => "ignore");
    attacker.subscribe(`${prefix}/tx/1`, () => "ignore");
    await waitFor("the attacker connected to every validator", 20_000, async () =>
      validators.every((v) => attacker.peers().includes(v)) ? true : undefined,
    );
    // Let gossipsub learn the topic subscriptions of both sides.
    await new Promise((r) => setTimeout(r, 2000));

    const forgedVote = encodeMessage({
      kind: "vote",
      epoch: 0n,
      round: 5n,
      height: 3n,
      blockHash: new Uint8Array(32).fill(7),
      voter: Uint8Array.from(Buffer.from(validators[0] as string, "hex")),
      signature: new Uint8Array(64).fill(9),
    });
    const stranger = transferSigner(generateKeyPair().secretKey);
    const badTx = signedTransfer(net.layout.chainId, stranger, addressBytesOf(generateKeyPair().publicKey), 5n, 0n);
    badTx.set([(badTx.at(-10) as number) ^ 0xff], badTx.length - 10); // break the signature
    const attacks: Promise<unknown>[] = [];
    for (let i = 0; i < 8; i++) {
      const garbage = createHash("sha256").update(`garbage ${i}`).digest();
      attacks.push(attacker.publish(`${prefix}/consensus/1`, garbage));
      attacks.push(attacker.publish(`${prefix}/tx/1`, encodeTxBatch([badTx.slice(0, badTx.length - i - 1)])));
      for (const v of validators) {
        attacks.push(attacker.send(v, `${prefix}/consensus-direct/1`, forgedVote));
        attacks.push(attacker.send(v, `${prefix}/consensus-direct/1`, new Uint8Array(5 << 20)));
        attacks.push(attacker.request(v, `/ubn/${net.layout.chainId}/shard-0/blocks/1`, Uint8Array.of(0xc1, i)));
      }
    }
    await Promise.allSettled(attacks);
    await waitFor("every validator to drop the attacker", 30_000, async () =>
      attacker.peers().length === 0 ? true : undefined,
    );
    // Banned: a new dial is refused while the ban lasts.
    await new Promise((r) => setTimeout(r, 3000));
    expect(attacker.peers()).toEqual([]);

    const { hash } = await net.transfer(1);
    const receipt = await waitFor(
      "a transfer to be final",
      30_000,
      async () => (await net.client(2).getTransactionReceipt(hash)) ?? undefined,
    );
    expect(receipt.status).toBe("success");
    for (const i of [0, 1, 2, 3]) expect((await net.client(i).status()).peers).toBe("0x3");
    expect(toHex(hash)).toHaveLength(64);
  });

  it("that claims blocks it does not serve is disconnected, and the validators keep finalizing", {
    timeout: 120_000,
  }, async () => {
    // Every 2 s a validator asks its peers for their heights and leaves consensus for fast sync
    // when one is ahead. This peer says it is a million blocks ahead and then serves nothing.
    const validators = validatorNodes().map((n) => n.publicKey);
    const fetches: string[] = [];
    liar = await Network.create({
      secretKey: generateKeyPair().secretKey,
      listen: ["/ip4/127.0.0.1/tcp/0"],
      bootstrap: validatorAddresses(),
    });
    liar.handle(blocksProtocol(net.layout.chainId, "shard-0"), async (from, request) => {
      if (decode(blocksRequestCodec, request).maxBlocks > 0) fetches.push(from); // a fetch, not a height probe
      return encode(blocksResponseCodec, { tipHeight: 1_000_000n, blocks: [], tipProof: null });
    });
    const claimant = liar;
    await waitFor("the liar connected to every validator", 20_000, async () =>
      validators.every((v) => claimant.peers().includes(v)) ? true : undefined,
    );
    await waitFor("every validator to drop the liar", 45_000, async () =>
      claimant.peers().length === 0 ? true : undefined,
    );
    // They dropped it for what it served: each asked it for blocks first.
    expect(new Set(fetches)).toEqual(new Set(validators));

    const { hash } = await net.transfer(2);
    const receipt = await waitFor(
      "a transfer to be final",
      30_000,
      async () => (await net.client(3).getTransactionReceipt(hash)) ?? undefined,
    );
    expect(receipt.status).toBe("success");
  });

  it("that claims a far higher tip and never answers a fetch leaves the validators in consensus", {
    timeout: 120_000,
  }, async () => {
    // It answers height probes at once and lets every fetch run into the asker's 10 s timeout.
    // A timeout may be an honest peer under load, so it costs only a light penalty; the
    // validators must not stop their engines on its word while they wait for its blocks.
    const validators = validatorNodes().map((n) => n.publicKey);
    const { network: claimant, fetches, release } = await silentPeer(net.layout.chainId, validatorAddresses());
    silent = claimant;
    await waitFor("the silent peer connected to every validator", 20_000, async () =>
      validators.every((v) => claimant.peers().includes(v)) ? true : undefined,
    );
    await waitFor("every validator to ask the silent peer for blocks", 20_000, async () =>
      validators.every((v) => fetches.includes(v)) ? true : undefined,
    );
    const { hash } = await net.transfer(3);
    const receipt = await waitFor(
      "a transfer to be final while the silent peer's fetches hang",
      8_000,
      async () => (await net.client(0).getTransactionReceipt(hash)) ?? undefined,
    );
    expect(receipt.status).toBe("success");
    release();
    // Every validator looked, asked, and stayed: none logged leaving consensus in this file's
    // tests (the liar above is refused the same way, for what it served).
    for (const node of validatorNodes()) {
      const log = await readFile(join(node.home, "node.log"), "utf8");
      expect(log).toContain("none proved it: staying in consensus");
      expect(log).not.toContain("leaving consensus for fast sync");
    }
    for (const i of [0, 1, 2, 3]) expect((await net.client(i).status()).syncing).toBe(false);
  });

  it("that claims a far higher tip and never answers a fetch does not hold up a full node", {
    timeout: 120_000,
  }, async () => {
    // A full node runs a catch-up every 250 ms. At the tip, such a peer is the only one that
    // claims to be ahead, and each catch-up used to wait out its 10 s fetch timeout: transfers
    // reached the full node up to 10 s after the validators had committed them.
    await net.start(4);
    const full = net.layout.nodes[4]?.publicKey as string;
    await waitFor("the full node at the validators' height", 30_000, async () =>
      (await net.height(4)) >= (await net.height(0)) ? true : undefined,
    );
    const { network, fetches, release } = await silentPeer(
      net.layout.chainId,
      net.layout.nodes.map((n) => n.p2p),
    );
    silentToFull = network;
    await waitFor("the full node to ask the silent peer for blocks", 20_000, async () =>
      fetches.includes(full) ? true : undefined,
    );
    try {
      for (let k = 0; k < 3; k++) {
        const { hash } = await net.transfer(3);
        await waitFor(
          `transfer ${k} final at a validator`,
          8_000,
          async () => (await net.client(0).getTransactionReceipt(hash)) ?? undefined,
        );
        // A catch-up that waits for the silent peer asks the others again every second.
        await waitFor(
          `transfer ${k} at the full node`,
          3_000,
          async () => (await net.client(4).getTransactionReceipt(hash)) ?? undefined,
        );
      }
    } finally {
      release();
    }
  });
});
