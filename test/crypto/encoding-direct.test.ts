// The codecs' direct writers against the generic route they bypass (toValue, the check of the
// whole value, the generic writer): the same bytes for every valid value, and for an invalid
// one the same error, since encode() then takes the generic route. Also the pooled outputs.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocateBytes } from "../../crypto/bytes.ts";
import {
  bool,
  type Codec,
  EncodingError,
  encode,
  encodeCanonical,
  fixedBytes,
  bytes as limitedBytes,
  list,
  optional,
  struct,
  text,
  u8,
  u16,
  u32,
  u64,
  u128,
  u256,
} from "../../crypto/encoding/index.ts";
import { accountKey, encodeAccount } from "../../vm/account.ts";
import { receiptCodec } from "../../vm/execution/receipt.ts";
import { signedTxCodec } from "../../vm/tx/transaction.ts";

/** What encode gave before codecs wrote directly. */
function generic<T>(codec: Codec<T>, value: T): Uint8Array {
  return encodeCanonical(codec.toValue(value));
}

function outcome(f: () => Uint8Array): { bytes: number[] } | { error: string } {
  try {
    return { bytes: [...f()] };
  } catch (e) {
    if (!(e instanceof EncodingError) && !(e instanceof TypeError)) throw e;
    return { error: `${e.name}: ${e.message}` };
  }
}

function sameBothWays<T>(codec: Codec<T>, value: T): void {
  expect(outcome(() => encode(codec, value))).toEqual(outcome(() => generic(codec, value)));
}

const big = (bits: number) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n });
const edgeBig = fc.constantFrom(0n, 127n, 128n, (1n << 63n) - 1n, 1n << 63n, (1n << 64n) - 1n, 1n << 64n, 1n << 127n);

const everyKind = struct("EveryKind", {
  a: u8,
  b: u16,
  c: u32,
  d: u64,
  e: u128,
  f: u256,
  g: bool,
  h: text(40),
  i: fixedBytes(4),
  j: limitedBytes(300),
  k: optional(u128),
  l: list(struct("Inner", { x: u64, y: optional(text(8)) }), 20),
});

describe("direct encoding", () => {
  it("writes the generic route's bytes for random values of every kind of field", () => {
    const arb = fc.record({
      a: fc.integer({ min: 0, max: 255 }),
      b: fc.integer({ min: 0, max: 65535 }),
      c: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      d: fc.oneof(
        big(64),
        edgeBig.filter((v) => v < 1n << 64n),
      ),
      e: fc.oneof(big(128), edgeBig),
      f: fc.oneof(big(256), edgeBig),
      g: fc.boolean(),
      h: fc.string({ maxLength: 40, unit: "grapheme" }).filter((s) => s.length <= 40),
      i: fc.uint8Array({ minLength: 4, maxLength: 4 }),
      j: fc.uint8Array({ maxLength: 300 }),
      k: fc.option(big(128), { nil: null }),
      l: fc.array(fc.record({ x: big(64), y: fc.option(fc.string({ maxLength: 8 }), { nil: null }) }), {
        maxLength: 20,
      }),
    });
    fc.assert(
      fc.property(arb, (v) => {
        expect([...encode(everyKind, v)]).toEqual([...generic(everyKind, v)]);
      }),
      { numRuns: 400 },
    );
  });

  it("falls back to the generic route, and its error, for values it cannot write", () => {
    const valid = {
      a: 1,
      b: 2,
      c: 3,
      d: 4n,
      e: 5n,
      f: 6n,
      g: true,
      h: "x",
      i: new Uint8Array(4),
      j: new Uint8Array(2),
      k: null,
      l: [],
    };
    const broken: Record<string, unknown>[] = [
      { a: 256 },
      { a: 1.5 },
      { c: -1 },
      { d: 1n << 64n },
      { e: -1n },
      { f: 1n << 256n },
      { d: 7 },
      { h: "\ud800" },
      { h: "x".repeat(41) },
      { i: new Uint8Array(5) },
      { j: new Uint8Array(301) },
      { j: [1, 2] },
      { k: 1 },
      { l: new Array(21).fill({ x: 1n, y: null }) },
      { l: [{ x: 1n, y: "\udc00" }] },
      { l: "not a list" },
    ];
    for (const change of broken) {
      const value = { ...valid, ...change } as typeof valid;
      expect(outcome(() => encode(everyKind, value))).toHaveProperty("error");
      sameBothWays(everyKind, value);
    }
    // bool's toValue passes anything on, and the generic route writes a 1 as the number it is:
    // the direct route declines and leaves it to that.
    sameBothWays(everyKind, { ...valid, g: 1 as unknown as boolean });
  });

  it("writes accounts, receipts and transactions as before", () => {
    fc.assert(
      fc.property(big(128), big(64), big(128), big(128), (balance, nonce, staked, unbonding) => {
        const account = { balance, nonce, staked, unbonding };
        expect([...encodeAccount(account)]).toEqual([
          ...encodeCanonical([account.balance, account.nonce, account.staked, account.unbonding]),
        ]);
      }),
      { numRuns: 200 },
    );
    const receipt = {
      txHash: new Uint8Array(32).fill(9),
      ok: false,
      failure: "insufficient_balance",
      feePaid: 10n ** 20n,
      events: [
        { kind: "transfer", fields: [accountKey(new Uint8Array(20)), 5n, (1n << 128n) - 1n] },
        { kind: "x", fields: [] },
      ],
    };
    sameBothWays(receiptCodec, receipt);
    // Fields a receipt's decoder would refuse are still written as the generic route writes them.
    sameBothWays(receiptCodec, { ...receipt, events: [{ kind: "big", fields: [1n << 300n] }] });
    const tx = {
      chainId: "ubn-test",
      sender: new Uint8Array(32).fill(1),
      nonce: 3n,
      fee: 10n ** 15n,
      sponsor: null,
      payload: { type: "transfer" as const, to: new Uint8Array(20).fill(2), amount: 10n ** 19n },
      signature: new Uint8Array(64).fill(3),
      sponsorSignature: null,
    };
    sameBothWays(signedTxCodec, tx);
    sameBothWays(signedTxCodec, { ...tx, payload: { ...tx.payload, type: "toString" } } as never);
    sameBothWays(signedTxCodec, { ...tx, payload: { ...tx.payload, amount: -1n } });
  });
});

describe("encoding outputs", () => {
  it("are fresh zeroed arrays that never overlap, pooled or not", () => {
    const sizes = [1, 64, 65, 100, 1024, 1025, 5000, 700, 700, 700];
    const made: Uint8Array[] = [];
    for (let round = 0; round < 40; round++) {
      for (const n of sizes) {
        const out = allocateBytes(n);
        expect(out.length).toBe(n);
        expect(out.every((b) => b === 0)).toBe(true);
        out.fill(round + 1);
        made.push(out);
      }
    }
    // Each array still holds what was written into it: no later one shared its bytes.
    let i = 0;
    for (let round = 0; round < 40; round++) {
      for (const _ of sizes) expect((made[i++] as Uint8Array).every((b) => b === round + 1)).toBe(true);
    }
  });
});
