// Fixtures for the mempool tests: an in-memory account table, a verify() backed by
// verifyNative, and encoded transactions with an exact tip over the required fee.
import { type SignedItem, toHex, verifyNative } from "../../../crypto/index.ts";
import {
  type AccountReader,
  type AccountView,
  type AddResult,
  Mempool,
  type MempoolOptions,
} from "../../../node/mempool/index.ts";
import {
  encodeTransaction,
  type Payload,
  requiredFee,
  type SignedTx,
  signTransaction,
  sponsorTransaction,
  type UnsignedTx,
} from "../../../vm/index.ts";
import { addr, key, params, tx } from "../../vm/helpers.ts";

export { addr, CHAIN, key, params } from "../../vm/helpers.ts";

/** verify() on this thread; counts calls and items so tests can see batching. */
export function inlineVerifier() {
  const calls: number[] = [];
  const verify = async (items: readonly SignedItem[]) => {
    calls.push(items.length);
    return items.map((it) => verifyNative(it.publicKey, it.message, it.signature));
  };
  return { verify, calls };
}

/** Accounts by address; absent ones read as empty. Counts reads. */
export class Accounts {
  private readonly table = new Map<string, AccountView>();
  reads = 0;

  constructor(entries: [number, Partial<AccountView>][] = []) {
    for (const [n, view] of entries) this.set(addr(n), view);
  }

  set(address: Uint8Array, view: Partial<AccountView>): void {
    this.table.set(toHex(address), { ...this.get(address), ...view });
  }

  get(address: Uint8Array): AccountView {
    return { ...(this.table.get(toHex(address)) ?? { balance: 0n, nonce: 0n }) };
  }

  readonly reader: AccountReader = async (address) => {
    this.reads++;
    return this.get(address);
  };
}

/** Accounts 0..n-1 with `balance` each and nonce 0. */
export function funded(n: number, balance = 10_000_000n): Accounts {
  return new Accounts(Array.from({ length: n }, (_, i) => [i, { balance }] as [number, Partial<AccountView>]));
}

export function newPool(opts: Partial<MempoolOptions> = {}) {
  const verifier = inlineVerifier();
  return { pool: new Mempool(opts, { params, verify: verifier.verify }), calls: verifier.calls };
}

export interface TxOptions {
  tip?: bigint;
  amount?: bigint;
  to?: number;
  /** Account index of the fee sponsor (signs too unless `sponsorSigns` is false). */
  sponsor?: number;
  sponsorSigns?: boolean;
  payload?: Payload;
  overrides?: Partial<UnsignedTx>;
}

/** The unsigned transaction with fee = required fee + tip exactly (the fee's own size counts). */
export function unsignedWithTip(from: number, nonce: bigint, o: TxOptions = {}): UnsignedTx {
  const payload = o.payload ?? { type: "transfer", to: addr(o.to ?? 99), amount: o.amount ?? 1n };
  const sponsor = o.sponsor === undefined ? null : key(o.sponsor).publicKey;
  let u = tx(from, nonce, payload, { sponsor, ...o.overrides });
  const tip = o.tip ?? 0n;
  for (let i = 0; i < 4; i++) {
    const fee = requiredFee(u, params) + tip;
    if (fee === u.fee) break;
    u = { ...u, fee };
  }
  return u;
}

export function signedTx(from: number, nonce: bigint, o: TxOptions = {}): SignedTx {
  const t = signTransaction(unsignedWithTip(from, nonce, o), key(from).secretKey);
  if (o.sponsor === undefined || o.sponsorSigns === false) return t;
  return sponsorTransaction(t, key(o.sponsor).secretKey);
}

/** An encoded signed transfer from account `from`. */
export function txBytes(from: number, nonce: bigint, o: TxOptions = {}): Uint8Array {
  return encodeTransaction(signedTx(from, nonce, o));
}

export function okHashes(results: AddResult[]): Uint8Array[] {
  return results.map((r) => {
    if (!r.ok) throw new Error(`expected admission, got ${r.error.code}: ${r.error.message}`);
    return r.hash;
  });
}

export function codes(results: AddResult[]): (string | null)[] {
  return results.map((r) => (r.ok ? null : r.error.code));
}
