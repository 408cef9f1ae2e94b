// What the pool needs from the node, and what it answers.
import type { SignedItem } from "../../crypto/index.ts";
import type { VmParams } from "../../vm/index.ts";
import type { MempoolError } from "./errors.ts";

export interface MempoolModules {
  /** Chain id and fee schedule: the pool applies the same rules as a block. */
  params: VmParams;
  /** One boolean per item, in order: BatchVerifier.verify, or verifyNative on each item. */
  verify: (items: readonly SignedItem[]) => Promise<boolean[]>;
}

/** The two fields of an account the pool looks at. */
export interface AccountView {
  balance: bigint;
  nonce: bigint;
}

/** Reads the account as of the state the pool is checked against (latest committed or speculative). */
export type AccountReader = (address: Uint8Array) => Promise<AccountView>;

export type AddResult = { ok: true; hash: Uint8Array } | { ok: false; hash: Uint8Array | null; error: MempoolError };
