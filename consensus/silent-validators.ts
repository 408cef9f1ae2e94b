// Which validators have gone silent, as far as this engine can tell from what it received: a
// validator led a round this engine took part in, or was to collect its votes, the round ended
// without a QC, and nothing of that round or a later one has come from the validator since (no
// proposal, vote or timeout it signed, no certificate it signed, no block it proposed). A live
// validator in a failed round times that round out too, and its timeout reaches everyone, so
// silence is what a crashed or cut-off validator looks like. A round that ended in a QC says
// nothing: its leader proposed and its collector formed the QC, whether or not their own
// messages reached this engine.
//
// Why: a round whose leader is down, or whose vote collector (the next round's leader) is,
// cannot end in a QC; with leaders drawn at random by stake that is close to half the rounds
// when one validator of four is down, and each waited out its full, backed-off timeout (1-3 s
// on the devnet). A validator cut off without its connections closing (a silent partition) was
// not caught by the host's rule for peers it saw disconnect. The engine gives such a round a
// short timeout instead (Core.enterRound). Timing a round out early is always safe; it only
// costs the round if the validator was up after all, and one message from it clears it.
//
// Deterministic: it learns only from the engine's inputs. Bounded: it holds entries for the
// validators of the epochs it saw, and forgets those that left (retain).
import { toHex } from "../crypto/index.ts";
import type { ValidatorId } from "./interface.ts";

export class SilentValidators {
  /** This engine's validator, never silent to itself. */
  private readonly self: ValidatorId;
  /** The highest round of anything this engine verified that the validator signed or proposed. */
  private readonly lastHeard = new Map<ValidatorId, bigint>();
  /** The last round this engine was in and saw end without a QC that the validator led or collected. */
  private readonly lastFailed = new Map<ValidatorId, bigint>();
  /** The highest rounds whose QC and TC signers were read (heardSigners). */
  private readonly signersRead = { qc: 0n, tc: 0n };

  constructor(self: ValidatorId) {
    this.self = self;
  }

  /** Something `validator` signed (or a block it proposed) in `round` was verified. */
  heard(validator: ValidatorId, round: bigint): void {
    const last = this.lastHeard.get(validator);
    if (last === undefined || round > last) this.lastHeard.set(validator, round);
  }

  /**
   * The signers of a verified certificate of `round` were up in it. Only certificates of rounds
   * above any read before are read: the same QC arrives with every proposal and timeout.
   * Returns whether it read them.
   */
  heardSigners(kind: "qc" | "tc", signers: readonly Uint8Array[], round: bigint): boolean {
    if (round <= this.signersRead[kind]) return false;
    this.signersRead[kind] = round;
    for (const s of signers) this.heard(toHex(s), round);
    return true;
  }

  /** This engine left `round` without a QC of it; `leader` led it and `collector` was to collect its votes. */
  roundFailed(round: bigint, leader: ValidatorId, collector: ValidatorId): void {
    for (const v of [leader, collector]) if (v !== this.self) this.lastFailed.set(v, round);
  }

  /** Whether nothing of the last failed round `validator` led or collected, or later, came from it. */
  silent(validator: ValidatorId): boolean {
    const failed = this.lastFailed.get(validator);
    if (failed === undefined) return false;
    const heard = this.lastHeard.get(validator);
    return heard === undefined || heard < failed;
  }

  /** Whether word from `validator` of `round` would end its silence. */
  clearedBy(validator: ValidatorId, round: bigint): boolean {
    return this.silent(validator) && round >= (this.lastFailed.get(validator) as bigint);
  }

  /** Forgets validators outside `current` (at an epoch change). */
  retain(current: ReadonlyMap<ValidatorId, unknown>): void {
    for (const map of [this.lastHeard, this.lastFailed]) {
      for (const id of map.keys()) if (!current.has(id)) map.delete(id);
    }
  }
}
