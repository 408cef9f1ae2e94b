// Human-readable lines for what the wallet prints: amounts in ISC, payload fields with
// addresses in their isc1 form.
import { formatAddress, fromHex } from "../../../crypto/index.ts";
import type { ClientAccount, ClientReceipt, ClientTransaction, ClientTxStatus } from "../../../rpc/client.ts";
import { isData, isQuantity } from "../../../rpc/encoding.ts";
import { formatIsc } from "./amount.ts";

export const isc = (units: bigint) => `${formatIsc(units)} ISC`;

export function short(hex: string): string {
  return hex.length > 20 ? `${hex.slice(0, 10)}...${hex.slice(-8)}` : hex;
}

export function statusLine(s: ClientTxStatus): string {
  if (s.height === null) return s.status;
  return `${s.status} in block ${s.height}${s.blockHash === null ? "" : ` (${short(s.blockHash)})`}${s.index === null ? "" : `, index ${s.index}`}`;
}

/** A payload field for people: 20 bytes as an address, amounts in ISC, other quantities as numbers. */
function payloadValue(key: string, value: unknown): string {
  if (typeof value === "string" && isData(value) && value.length === 42) return formatAddress(fromHex(value));
  if (typeof value === "string" && isQuantity(value))
    return /amount|stake|value|fee/i.test(key) ? isc(BigInt(value)) : BigInt(value).toString();
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function transactionLines(t: ClientTransaction, receipt: ClientReceipt | null): string[] {
  const lines = [
    `transaction ${t.hash}`,
    `  status     ${statusLine(t.status)}`,
    `  type       ${t.type}`,
    `  from       ${t.sender}`,
  ];
  for (const [k, v] of Object.entries(t.payload)) lines.push(`  ${k.padEnd(10)} ${payloadValue(k, v)}`);
  lines.push(`  fee        ${isc(t.fee)}`, `  nonce      ${t.nonce}`);
  if (t.sponsor !== null) lines.push(`  sponsor    ${t.sponsor}`);
  if (receipt !== null) {
    const result =
      receipt.status === "success" ? "success" : `failed: ${receipt.failure?.code} ${receipt.failure?.message ?? ""}`;
    lines.push(
      `  result     ${result}`,
      `  fee paid   ${isc(receipt.feePaid)}${receipt.gasless ? " (by the sponsor)" : ""}`,
    );
    for (const e of receipt.events) lines.push(`  event      ${e.kind} ${e.fields.join(" ")}`);
  }
  return lines;
}

export function accountLines(address: string, a: ClientAccount): string[] {
  const lines = [`${address}: ${isc(a.balance)}`, `  nonce      ${a.nonce}`];
  if (a.staked > 0n) lines.push(`  staked     ${isc(a.staked)}`);
  if (a.unbonding > 0n) lines.push(`  unbonding  ${isc(a.unbonding)}`);
  lines.push(`  at height  ${a.height}`);
  return lines;
}

/** An account for --json: amounts in base units (decimal strings) and in ISC. */
export function accountJson(address: string, a: ClientAccount) {
  return {
    address,
    balance: a.balance,
    balanceIsc: formatIsc(a.balance),
    nonce: a.nonce,
    staked: a.staked,
    unbonding: a.unbonding,
    height: a.height,
  };
}

/** "success", or "failed: CODE why" (the why left out when the node gives only the code). */
export function resultText(status: "success" | "failed", failure: { code: string; message: string } | null): string {
  if (status === "success") return "success";
  if (failure === null) return "failed";
  return failure.message === failure.code || failure.message === ""
    ? `failed: ${failure.code}`
    : `failed: ${failure.code} ${failure.message}`;
}
