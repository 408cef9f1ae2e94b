// A peer that sends garbage, oversized messages and forged signatures is scored down and
// disconnected by the validators, and the network keeps finalizing meanwhile.

import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeMessage } from "../../../consensus/index.ts";
import { addressBytesOf, generateKeyPair, toHex } from "../../../crypto/index.ts";
import { encodeTxBatch } from "../../../node/chain/tx-gossip.ts";
import { signedTransfer, transferSigner } from "../../../node/devnet/transfer.ts";
import { Network } from "../../../node/net/index.ts";
import { stopAfterAll, TestDevnet, waitFor } from "./devnet-harness.ts";

describe("a misbehaving peer", () => {
  let net: TestDevnet;
  let attacker: Network;
  beforeAll(async () => {
    net = await TestDevnet.create({ validators: 4 });
    attacker = await Network.create({
      secretKey: generateKeyPair().secretKey,
      listen: ["/ip4/127.0.0.1/tcp/0"],
      bootstrap: net.layout.nodes.map((n) => n.p2p),
    });
  });
  afterAll(
    stopAfterAll(
      () => net,
      async () => attacker?.stop(),
    ),
  );

  it("is disconnected, and the validators keep finalizing", { timeout: 120_000 }, async () => {
    const prefix = `/ubn/${net.layout.chainId}/shard-0`;
    const validators = net.layout.nodes.map((n) => n.publicKey);
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
});
