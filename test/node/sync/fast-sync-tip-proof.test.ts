// A node that catches up to a peer's tip by fast sync keeps the tip's commit proof with the
// tip's block, so that it can prove that tip to the nodes that sync from it in turn.
import { describe, expect, it } from "vitest";
import { chain, syncAtGenesis, tipProofOf } from "./sync-peers.ts";

describe("fast sync and the peer's tip proof", () => {
  it("applies the peer's tip with its proof and keeps that proof with the tip alone", async () => {
    const blocks = chain(5);
    const proof = tipProofOf(blocks);
    const { sync, proofs, penalties } = syncAtGenesis({ a: { tip: 5n, blocks, tipProof: proof } });
    expect(await sync.catchUp()).toBe(5n);
    expect([...proofs.keys()]).toEqual([5n]);
    expect(proofs.get(5n)).toEqual({ child: proof.child, above: proof.above, certificate: proof.certificate });
    expect(penalties).toEqual([]);
  });

  it("takes the one block a peer is ahead by when the peer proves it", async () => {
    // A full node one block behind the validators of an idle chain stayed there until the next
    // block: a peer one block ahead was not asked at all.
    const blocks = chain(1);
    const { sync, fetched } = syncAtGenesis({ a: { tip: 1n, blocks, tipProof: tipProofOf(blocks) } });
    expect(await sync.catchUp()).toBe(1n);
    expect(fetched).toEqual(["a"]);
    const unproven = syncAtGenesis({ a: { tip: 1n, blocks } });
    expect(await unproven.sync.catchUp()).toBe(0n);
    expect(unproven.fetched).toEqual(["a"]);
    expect(unproven.penalties).toEqual([]);
  });

  it("without a proof stops a block below the peer's tip and keeps none", async () => {
    const { sync, proofs } = syncAtGenesis({ a: { tip: 5n, blocks: chain(5) } });
    expect(await sync.catchUp()).toBe(4n);
    expect(proofs.size).toBe(0);
  });
});
