// Signature checks of a whole batch in one verify() call, so the worker threads of a
// BatchVerifier see one large job instead of many small ones. The messages are the block's
// (senderSigningBytes / sponsorSigningBytes over the unsigned bytes), so a signature the pool
// accepts is one a block accepts.
import type { SignedItem } from "../../crypto/index.ts";
import { senderMessageOf, sponsorMessageOf } from "../../vm/index.ts";
import type { MempoolModules } from "./interface.ts";
import type { Candidate } from "./screen.ts";

export type Signer = "sender" | "sponsor";

/** Per candidate: null if every signature verifies, else whose signature does not. */
export async function badSignatures(
  candidates: readonly Candidate[],
  verify: MempoolModules["verify"],
): Promise<(Signer | null)[]> {
  const items: SignedItem[] = [];
  const owners: { index: number; role: Signer }[] = [];
  candidates.forEach(({ bytes, tx }, index) => {
    items.push({ publicKey: tx.sender, message: senderMessageOf(bytes, tx), signature: tx.signature });
    owners.push({ index, role: "sender" });
    // screen() has refused a sponsor without its signature, so both are set or neither.
    if (tx.sponsor !== null && tx.sponsorSignature !== null) {
      items.push({ publicKey: tx.sponsor, message: sponsorMessageOf(bytes, tx), signature: tx.sponsorSignature });
      owners.push({ index, role: "sponsor" });
    }
  });
  const verdicts: (Signer | null)[] = candidates.map(() => null);
  if (items.length === 0) return verdicts;
  const ok = await verify(items);
  if (ok.length !== items.length)
    throw new Error(`verify answered ${ok.length} verdicts for ${items.length} signatures`);
  ok.forEach((valid, k) => {
    const { index, role } = owners[k] as (typeof owners)[number];
    if (!valid && verdicts[index] === null) verdicts[index] = role;
  });
  return verdicts;
}
