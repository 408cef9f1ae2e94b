// What this node's validation said of the blocks it was proposed, for the relay to wait on: a
// gossiped proposal is forwarded only once its block re-executed correctly here.
//
// Forwarding at once (after the signature check) sent most proposals twice more to each
// validator: a validator forwarded in the same turn it received, before the other validators'
// IDONTWANTs for the same message could arrive, so gossipsub's duplicate suppression never
// applied. Waiting for the block's execution (a few milliseconds) lets them arrive, and a
// proposal whose block is invalid is not relayed at all.
//
// A verdict that comes before anyone waits is kept for a while (the bounded `recent`), and a
// wait that gets no verdict in time ends with null: the engine never validates some proposals
// (a round already over, a parent this node does not have), and those are not forwarded.
// Waits are bounded too: a validator signing proposals by the thousand (for rounds that never
// come) must not hold gossip's validation slots, which transactions share; past the bound a
// proposal is not waited for, and so not forwarded.
import { evictOldest } from "../evict-oldest.ts";

const RECENT_VERDICTS = 256;
/** Blocks waited on at once; a live chain has a few (observers that never validate: ~20). */
export const MAX_WAITING_BLOCKS = 64;

export class BlockVerdicts {
  private readonly timeoutMs: number;
  private readonly recent = new Map<string, boolean>();
  private readonly waiting = new Map<string, ((valid: boolean | null) => void)[]>();

  constructor(timeoutMs: number) {
    this.timeoutMs = timeoutMs;
  }

  /** Resolves with the block's verdict, or null if none comes within the timeout. */
  wait(hashHex: string): Promise<boolean | null> {
    const known = this.recent.get(hashHex);
    if (known !== undefined) return Promise.resolve(known);
    if (this.waiting.size >= MAX_WAITING_BLOCKS && !this.waiting.has(hashHex)) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle(hashHex, done, null), this.timeoutMs);
      const done = (valid: boolean | null) => {
        clearTimeout(timer);
        resolve(valid);
      };
      const list = this.waiting.get(hashHex);
      if (list === undefined) this.waiting.set(hashHex, [done]);
      else list.push(done);
    });
  }

  /** This node's validation of a proposed block finished. */
  judged(hashHex: string, valid: boolean): void {
    if (this.recent.size >= RECENT_VERDICTS) evictOldest(this.recent);
    this.recent.set(hashHex, valid);
    const list = this.waiting.get(hashHex);
    if (list === undefined) return;
    this.waiting.delete(hashHex);
    for (const done of list) done(valid);
  }

  /** Ends every wait with null (the node stops). */
  stop(): void {
    for (const list of this.waiting.values()) for (const done of list) done(null);
    this.waiting.clear();
  }

  private settle(hashHex: string, done: (valid: boolean | null) => void, valid: boolean | null): void {
    const list = this.waiting.get(hashHex);
    if (list !== undefined) {
      const rest = list.filter((d) => d !== done);
      if (rest.length === 0) this.waiting.delete(hashHex);
      else this.waiting.set(hashHex, rest);
    }
    done(valid);
  }
}
