import { describe, expect, it } from "vitest";
import { formatIsc, GenesisError, parseAmount, parseDecimalString, U128_MAX } from "../../genesis/index.ts";

describe("parseAmount (CLI input)", () => {
  it("reads plain integers as base units", () => {
    expect(parseAmount("0", 18)).toBe(0n);
    expect(parseAmount("2500", 18)).toBe(2500n);
    expect(parseAmount(" 42 ", 18)).toBe(42n);
    expect(parseAmount(U128_MAX.toString(), 18)).toBe(U128_MAX);
  });

  it("reads the isc suffix as whole tokens scaled by the decimals", () => {
    expect(parseAmount("1000isc", 18)).toBe(1000n * 10n ** 18n);
    expect(parseAmount("0.5ISC", 18)).toBe(5n * 10n ** 17n);
    expect(parseAmount("1.5 Isc", 6)).toBe(1_500_000n);
    expect(parseAmount("0.000000000000000001isc", 18)).toBe(1n);
    expect(parseAmount("7isc", 0)).toBe(7n);
  });

  it("refuses more fractional digits than the token has", () => {
    expect(() => parseAmount("0.0000000000000000001isc", 18)).toThrow(/19 digits after the point, but ISC has 18/);
    expect(() => parseAmount("1.5isc", 0)).toThrow(/1 digits after the point/);
  });

  it("refuses malformed and out-of-range amounts with GENESIS_BAD_AMOUNT", () => {
    for (const bad of ["", "-1", "-1isc", "1.5", "1e18", "+5", "0x10", "1,000", "isc", ".5isc", "1.isc", "5 tokens"]) {
      let err: unknown;
      try {
        parseAmount(bad, 18);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(GenesisError);
      expect((err as GenesisError).code).toBe("GENESIS_BAD_AMOUNT");
      expect((err as GenesisError).message).toContain(`"${bad}"`);
    }
    expect(() => parseAmount("-3", 18)).toThrow(/cannot be negative/);
    expect(() => parseAmount((U128_MAX + 1n).toString(), 18)).toThrow(/u128 maximum/);
    expect(() => parseAmount("1000000000000000000000isc", 18)).toThrow(/u128 maximum/);
  });
});

describe("parseDecimalString (the file's one spelling)", () => {
  it("accepts digits without leading zeros", () => {
    expect(parseDecimalString("0")).toEqual({ ok: true, value: 0n });
    expect(parseDecimalString("1000000000000000000")).toEqual({ ok: true, value: 10n ** 18n });
  });

  it("says why anything else is refused", () => {
    const cases: [string, RegExp][] = [
      ["", /empty/],
      ["1e18", /exponent/],
      ["1.5", /fraction/],
      ["-0", /negative/],
      ["-5", /negative/],
      ["+1", /leading "\+"/],
      ["007", /leading zeros/],
      [" 1", /digits 0-9 only/],
      ["1_000", /digits 0-9 only/],
      ["9".repeat(41), /more than any u128/],
    ];
    for (const [input, reason] of cases) {
      const r = parseDecimalString(input);
      expect(r.ok, input).toBe(false);
      if (!r.ok) expect(r.reason, input).toMatch(reason);
    }
  });
});

describe("formatIsc", () => {
  it("prints whole and fractional ISC without trailing zeros", () => {
    expect(formatIsc(0n, 18)).toBe("0 ISC");
    expect(formatIsc(15n * 10n ** 17n, 18)).toBe("1.5 ISC");
    expect(formatIsc(1n, 18)).toBe("0.000000000000000001 ISC");
    expect(formatIsc(1000n, 0)).toBe("1000 ISC");
  });
});
