// Amounts of ISC. Inside the code they are bigint base units (1 ISC = 10^tokenDecimals base
// units). The genesis file writes them as plain decimal strings of base units, one spelling
// per value; people typing a CLI flag may also write whole ISC with the suffix "isc".
import { GenesisError, GenesisErrorCode } from "./errors.ts";
import { U128_MAX } from "./params.ts";

/** More digits than any u128 has; longer strings are refused before BigInt sees them. */
const MAX_DIGITS = 40;

export type DecimalResult = { ok: true; value: bigint } | { ok: false; reason: string };

/**
 * Parses the one spelling an amount has in the genesis file: digits only, no sign, no leading
 * zeros, no fraction, no exponent ("0", "1000000000000000000").
 */
export function parseDecimalString(text: string): DecimalResult {
  const fail = (reason: string): DecimalResult => ({ ok: false, reason });
  if (text.length === 0) return fail('is empty; write a whole number of base units such as "0"');
  if (/^[0-9]+$/.test(text)) {
    if (text.length > 1 && text.startsWith("0")) return fail(`"${short(text)}" has leading zeros`);
    if (text.length > MAX_DIGITS) return fail(`has ${text.length} digits, more than any u128 amount`);
    return { ok: true, value: BigInt(text) };
  }
  if (text.startsWith("-")) return fail(`"${short(text)}" is negative; amounts are never below zero`);
  if (text.startsWith("+")) return fail(`"${short(text)}" has a leading "+"; write the digits only`);
  if (/[eE]/.test(text) && /^[0-9.]+[eE][+-]?[0-9]+$/.test(text)) {
    return fail(`"${short(text)}" uses exponent notation; write all the digits of the base units`);
  }
  if (/^[0-9]*\.[0-9]*$/.test(text)) {
    return fail(`"${short(text)}" has a fraction; amounts are whole base units (1 ISC = 10^tokenDecimals base units)`);
  }
  return fail(`"${short(text)}" is not a decimal number; write digits 0-9 only`);
}

/**
 * Parses an amount typed by a person: a plain integer is base units ("2500"); a number with
 * the suffix "isc" (any case, "1000isc", "0.5 ISC") is whole ISC, scaled by 10^decimals.
 * Throws GenesisError (GENESIS_BAD_AMOUNT) saying what is wrong.
 */
export function parseAmount(text: string, decimals: number): bigint {
  const input = text.trim();
  const bad = (reason: string) =>
    new GenesisError(GenesisErrorCode.badAmount, `invalid amount "${short(text)}": ${reason}`, [
      { path: "amount", message: reason },
    ]);
  let value: bigint;
  const plain = /^[0-9]+$/.exec(input);
  const isc = /^([0-9]+)(?:\.([0-9]+))?\s*isc$/i.exec(input);
  if (plain) {
    if (input.length > MAX_DIGITS + 10) throw bad("too many digits");
    value = BigInt(input);
  } else if (isc) {
    const whole = isc[1] as string;
    const fraction = isc[2] ?? "";
    if (whole.length > MAX_DIGITS + 10) throw bad("too many digits");
    if (fraction.length > decimals) {
      throw bad(`${fraction.length} digits after the point, but ISC has ${decimals} decimals`);
    }
    value = BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
  } else if (input.startsWith("-")) {
    throw bad("amounts cannot be negative");
  } else {
    throw bad("write base units (1000000) or whole ISC with the suffix isc (1000isc, 0.5isc)");
  }
  if (value > U128_MAX) throw bad(`exceeds the u128 maximum ${U128_MAX} base units`);
  return value;
}

/** Base units as ISC for people: 1500000000000000000n, 18 -> "1.5 ISC". */
export function formatIsc(amount: bigint, decimals: number): string {
  const scale = 10n ** BigInt(decimals);
  const sign = amount < 0n ? "-" : "";
  const abs = amount < 0n ? -amount : amount;
  const whole = abs / scale;
  const fraction = decimals === 0 ? "" : (abs % scale).toString().padStart(decimals, "0").replace(/0+$/, "");
  return `${sign}${whole}${fraction ? `.${fraction}` : ""} ISC`;
}

function short(text: string): string {
  return text.length <= 50 ? text : `${text.slice(0, 50)}...`;
}
