// ISC amounts as people type them ("1.5") <-> base units (10^18 per ISC), exactly: decimal
// strings are split and scaled as integers, never passed through a float.
import { UsageError } from "../command.ts";

export const ISC_DECIMALS = 18;
const ISC = 10n ** BigInt(ISC_DECIMALS);
/** Amounts and fees are u128 on the wire. */
const MAX_AMOUNT = (1n << 128n) - 1n;

const AMOUNT = /^(\d+)(?:\.(\d*))?$/;

/**
 * "1.5" -> 1500000000000000000n. Digits with at most 18 after the point; no sign, exponent or
 * thousands separators (a typo there would move money). `what` names the option in errors.
 */
export function parseIsc(text: string, what = "--amount"): bigint {
  const trimmed = text.trim();
  const m = AMOUNT.exec(trimmed);
  if (m === null)
    throw new UsageError(
      `${what} must be an ISC amount like 1.5 or 0.001 (digits and one '.'), got "${text.slice(0, 40)}"`,
    );
  const whole = m[1] as string;
  const fraction = m[2] ?? "";
  if (fraction.length > ISC_DECIMALS)
    throw new UsageError(
      `${what} has ${fraction.length} decimals; ISC has ${ISC_DECIMALS} (1 base unit = 0.${"0".repeat(17)}1)`,
    );
  const units = BigInt(whole) * ISC + BigInt(fraction.padEnd(ISC_DECIMALS, "0") || "0");
  if (units > MAX_AMOUNT) throw new UsageError(`${what} is larger than any balance can be`);
  return units;
}

/** 1500000000000000000n -> "1.5"; 0n -> "0"; the fraction without trailing zeros. */
export function formatIsc(units: bigint): string {
  const sign = units < 0n ? "-" : "";
  const abs = units < 0n ? -units : units;
  const whole = abs / ISC;
  const fraction = (abs % ISC).toString().padStart(ISC_DECIMALS, "0").replace(/0+$/, "");
  return `${sign}${whole}${fraction === "" ? "" : `.${fraction}`}`;
}
