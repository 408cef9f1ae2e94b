// The actions one input to the engine produces, collected in order, with the message counts of
// the engine's stats kept as they go out.
import type { Action, ValidatorId } from "./interface.ts";
import { encodeMessage, type Message } from "./messages.ts";
import type { EngineStats } from "./stats.ts";

export class Outbox {
  private readonly stats: EngineStats;
  private actions: Action[] = [];

  constructor(stats: EngineStats) {
    this.stats = stats;
  }

  push(action: Action): void {
    this.actions.push(action);
  }

  send(to: ValidatorId, m: Message): void {
    this.count(m);
    this.actions.push({ kind: "send", to, bytes: encodeMessage(m) });
  }

  broadcast(m: Message): void {
    this.count(m);
    this.actions.push({ kind: "broadcast", bytes: encodeMessage(m) });
  }

  /** Counts an input refused with `code` (a ConsensusErrorCode, or malformed). */
  drop(code: string): void {
    this.stats.dropped[code] = (this.stats.dropped[code] ?? 0) + 1;
  }

  /** The actions so far, in order; the outbox is empty afterwards. */
  take(): Action[] {
    const out = this.actions;
    this.actions = [];
    return out;
  }

  private count(m: Message): void {
    this.stats.messagesSent++;
    this.stats.sentByKind[m.kind]++;
  }
}
