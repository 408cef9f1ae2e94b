// Proposals waiting for the host's verdict on their payload before this validator votes, and
// the payloads it judged invalid (a proposal that brings one again is refused at once).
import { addBounded } from "./bounded-set.ts";
import { ConsensusError, ConsensusErrorCode } from "./errors.ts";
import type { Proposal } from "./messages.ts";

const MAX_AWAITING_VERDICT = 16;
const MAX_REJECTED = 1024;

export interface AwaitedVerdict {
  proposal: Proposal;
  hash: Uint8Array;
}

export class PayloadVerdicts {
  private readonly awaiting = new Map<string, AwaitedVerdict>();
  private readonly rejected = new Set<string>();

  /** The block `hex` waits for a verdict; refused if its payload was judged invalid, or too many wait. */
  expect(hex: string, waiting: AwaitedVerdict): void {
    if (this.rejected.has(hex)) {
      throw new ConsensusError(ConsensusErrorCode.invalidPayload, "payload already judged invalid");
    }
    if (this.awaiting.size >= MAX_AWAITING_VERDICT) {
      throw new ConsensusError(ConsensusErrorCode.capacity, "too many payloads awaiting a verdict");
    }
    this.awaiting.set(hex, waiting);
  }

  /** The host's verdict: the proposal that waited for it if valid; throws otherwise. */
  settle(hex: string, valid: boolean): AwaitedVerdict {
    const waiting = this.awaiting.get(hex);
    if (waiting === undefined)
      throw new ConsensusError(ConsensusErrorCode.unknownVerdict, "no payload awaits this verdict");
    this.awaiting.delete(hex);
    if (valid !== true) {
      addBounded(this.rejected, hex, MAX_REJECTED);
      throw new ConsensusError(ConsensusErrorCode.invalidPayload, "the host judged the payload invalid");
    }
    return waiting;
  }

  /** Forgets the proposals of rounds before `round`: no vote can be cast for them any more. */
  dropBefore(round: bigint): void {
    for (const [hex, w] of this.awaiting) if (w.proposal.block.round < round) this.awaiting.delete(hex);
  }

  /** A new epoch: nothing that waited can get a vote. */
  clear(): void {
    this.awaiting.clear();
  }
}
