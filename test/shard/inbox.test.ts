import { describe, expect, it } from "vitest";
import { toHex } from "../../crypto/index.ts";
import type { InboundBundle } from "../../shard/body.ts";
import { ShardErrorCode } from "../../shard/errors.ts";
import { headerHash, type ShardHeader } from "../../shard/header.ts";
import { checkInbound, type InboxContext } from "../../shard/inbox.ts";
import { bundleFor, outboxProof, verifyOutboxReceipt } from "../../shard/outbox.ts";
import type { CrossReceipt } from "../../vm/cross-shard/receipt.ts";
import { genesisOf, nextHeader, receipt } from "./fixtures.ts";

// Shard 1 and shard 2 send to shard 0.
const out1a = [receipt(1, 0, 0n), receipt(1, 2, 0n), receipt(1, 0, 1n)];
const h1a = nextHeader(genesisOf(1), out1a);
const out1b = [receipt(1, 0, 2n)];
const h1b = nextHeader(h1a, out1b);
const out2 = [receipt(2, 0, 0n), receipt(2, 1, 0n)];
const h2 = nextHeader(genesisOf(2), out2);
const crosslinked = new Set([h1a, h1b, h2].map((h) => toHex(headerHash(h))));

function ctx(expected: Record<number, bigint> = {}): InboxContext {
  return {
    destination: 0,
    expected: (source) => expected[source] ?? 0n,
    isCrosslinked: (_source, hash) => crosslinked.has(toHex(hash)),
  };
}
const code = (c: string) => expect.objectContaining({ code: c });
const seqs = (rs: CrossReceipt[]) => rs.map((r) => `${r.source}#${r.seq}`);

describe("outbox proofs", () => {
  it("prove each receipt against its header and nothing else", () => {
    for (const [i, r] of out1a.entries()) expect(verifyOutboxReceipt(h1a, r, outboxProof(out1a, i))).toBe(true);
    const p = outboxProof(out1a, 0);
    const r = out1a[0] as CrossReceipt;
    expect(verifyOutboxReceipt(h1a, { ...r, amount: r.amount + 1n }, p)).toBe(false);
    expect(verifyOutboxReceipt(h1a, { ...r, to: new Uint8Array(20).fill(9) }, p)).toBe(false);
    expect(verifyOutboxReceipt(h1a, { ...r, seq: 5n }, p)).toBe(false);
    expect(verifyOutboxReceipt(h1a, r, { ...p, index: 1 })).toBe(false);
    expect(verifyOutboxReceipt(h1b, r, p)).toBe(false);
    expect(verifyOutboxReceipt({ ...h1a, outboxCount: 1 }, out1a[2] as CrossReceipt, outboxProof(out1a, 2))).toBe(
      false,
    );
    const sibling = p.siblings.map((s, i) => (i === 0 ? s.map((x) => x ^ 1) : s));
    expect(verifyOutboxReceipt(h1a, r, { ...p, siblings: sibling })).toBe(false);
  });

  it("bundle a header's receipts for one destination from a seq on", () => {
    const b = bundleFor(h1a, out1a, 0, 1n, 10);
    expect(b.receipts.map((x) => x.receipt.seq)).toEqual([1n]);
    expect(bundleFor(h1a, out1a, 0, 0n, 1).receipts).toHaveLength(1);
  });
});

describe("inbound receipts", () => {
  const all: InboundBundle[] = [
    bundleFor(h1a, out1a, 0, 0n, 99),
    bundleFor(h2, out2, 0, 0n, 99),
    bundleFor(h1b, out1b, 0, 0n, 99),
  ];

  it("accepts in-order receipts from two sources over several bundles", () => {
    expect(seqs(checkInbound(all, ctx()))).toEqual(["1#0", "1#1", "2#0", "1#2"]);
    // A later block, after the destination advanced: only the rest is expected.
    expect(seqs(checkInbound([all[2] as InboundBundle], ctx({ 1: 2n })))).toEqual(["1#2"]);
  });

  it("refuses a replay, in the same block or a later one", () => {
    const twice = [all[0] as InboundBundle, all[0] as InboundBundle];
    expect(() => checkInbound(twice, ctx())).toThrow(code(ShardErrorCode.replayed));
    expect(() => checkInbound([all[0] as InboundBundle], ctx({ 1: 2n }))).toThrow(code(ShardErrorCode.replayed));
  });

  it("refuses reordered receipts and gaps", () => {
    const b = all[0] as InboundBundle;
    const reversed = { ...b, receipts: [...b.receipts].reverse() };
    expect(() => checkInbound([reversed], ctx())).toThrow(code(ShardErrorCode.outOfOrder));
    expect(() => checkInbound([all[2] as InboundBundle], ctx())).toThrow(code(ShardErrorCode.outOfOrder));
  });

  it("refuses forged proofs", () => {
    const b = all[0] as InboundBundle;
    const first = b.receipts[0] as InboundBundle["receipts"][number];
    const forge = (f: (x: typeof first) => typeof first) => [{ ...b, receipts: [f(first)] }];
    const forged = [
      forge((x) => ({ ...x, receipt: { ...x.receipt, amount: 10n ** 20n } })),
      forge((x) => ({ ...x, receipt: { ...x.receipt, to: new Uint8Array(20).fill(7) } })),
      forge((x) => ({ ...x, proof: { ...x.proof, index: 2 } })),
      forge((x) => ({ ...x, proof: { ...x.proof, siblings: x.proof.siblings.map((s) => s.map((v) => v ^ 0xff)) } })),
      // The right receipt against another crosslinked header.
      [{ header: h1b, receipts: [first] }],
    ];
    for (const f of forged) expect(() => checkInbound(f, ctx())).toThrow(code(ShardErrorCode.forgedProof));
    // A seq changed: the proof fails before the order check sees it.
    expect(() =>
      checkInbound(
        forge((x) => ({ ...x, receipt: { ...x.receipt, seq: 0n, kind: 3 } })),
        ctx(),
      ),
    ).toThrow(code(ShardErrorCode.forgedProof));
    // A lie about the outbox size makes it another header, which is not crosslinked.
    const lied: ShardHeader = { ...h1a, outboxCount: 1 };
    expect(() => checkInbound([{ header: lied, receipts: [first] }], ctx())).toThrow(
      code(ShardErrorCode.notCrosslinked),
    );
  });

  it("refuses a header that is not crosslinked, the wrong destination, a wrong source and an empty bundle", () => {
    const h = nextHeader(h1b, [receipt(1, 0, 3n)]);
    expect(() => checkInbound([bundleFor(h, [receipt(1, 0, 3n)], 0, 0n, 9)], ctx({ 1: 3n }))).toThrow(
      code(ShardErrorCode.notCrosslinked),
    );
    const toTwo = bundleFor(h1a, out1a, 2, 0n, 9);
    expect(() => checkInbound([toTwo], ctx())).toThrow(code(ShardErrorCode.wrongDestination));
    const b = all[1] as InboundBundle;
    expect(() => checkInbound([{ header: h1a, receipts: b.receipts }], ctx())).toThrow(
      code(ShardErrorCode.wrongSource),
    );
    expect(() => checkInbound([{ header: h1a, receipts: [] }], ctx())).toThrow(code(ShardErrorCode.emptyBundle));
  });
});
