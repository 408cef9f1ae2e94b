// The value checks of a sharded run, fed with each shard block as it becomes final (its first
// commit by an honest validator), in each shard's order:
//   - delivery: a receipt a destination takes must be the next one from its source, and one the
//     source finalized, byte for byte (exactly once, in order, unforged);
//   - supply: at every cut (the newest final block of every shard), the value held on all
//     shards plus the receipts finalized by their source and not yet by their destination
//     equals genesis plus minted minus burned over all shards.
// The in-flight value is computed from the receipts themselves, not from the chains' own
// sentOut/receivedIn counters, so a chain that miscounted would show as drift.
import { toHex } from "../../crypto/index.ts";
import { type CrossReceipt, encodeReceipt } from "../../vm/cross-shard/receipt.ts";

/** What the audit needs of a final shard block. */
export interface AuditedBlock {
  height: bigint;
  outbox: readonly CrossReceipt[];
  /** Receipts the block took, in order. */
  inbound: readonly CrossReceipt[];
  /** Value held on the shard after the block, and genesis + minted - burned there. */
  held: bigint;
  issued: bigint;
}

export class SupplyAudit {
  readonly violations: string[] = [];
  checks = 0;
  delivered = 0;
  private readonly shards: number;
  private readonly held: bigint[];
  private readonly issued: bigint[];
  /** sent[s][d]: receipts s finalized for d, by seq (encoded), and their amounts. */
  private readonly sent: string[][][];
  private readonly amounts: bigint[][][];
  /** next[s][d]: the seq d takes next from s. */
  private readonly next: number[][];

  constructor(genesis: readonly { held: bigint; issued: bigint }[]) {
    this.shards = genesis.length;
    this.held = genesis.map((g) => g.held);
    this.issued = genesis.map((g) => g.issued);
    const grid = <T>(make: () => T) =>
      Array.from({ length: this.shards }, () => Array.from({ length: this.shards }, make));
    this.sent = grid(() => []);
    this.amounts = grid(() => []);
    this.next = Array.from({ length: this.shards }, () => new Array<number>(this.shards).fill(0));
  }

  /** Value finalized by sources and not yet by destinations. */
  get inFlight(): bigint {
    let total = 0n;
    for (let s = 0; s < this.shards; s++) {
      for (let d = 0; d < this.shards; d++) {
        const amounts = this.amounts[s]?.[d] as bigint[];
        for (let i = this.next[s]?.[d] as number; i < amounts.length; i++) total += amounts[i] as bigint;
      }
    }
    return total;
  }

  finalized(shard: number, b: AuditedBlock): void {
    for (const r of b.outbox) {
      const seqs = this.sent[shard]?.[r.destination];
      if (seqs === undefined || r.source !== shard) {
        this.violations.push(`shard ${shard} block ${b.height} emitted a receipt of ${r.source} for ${r.destination}`);
        continue;
      }
      if (BigInt(seqs.length) !== r.seq) {
        this.violations.push(`shard ${shard} emitted #${r.seq} for ${r.destination}, the next was #${seqs.length}`);
      }
      seqs.push(toHex(encodeReceipt(r)));
      this.amounts[shard]?.[r.destination]?.push(r.amount);
    }
    for (const r of b.inbound) {
      const where = `shard ${shard} block ${b.height} took receipt ${r.source}>${r.destination} #${r.seq}`;
      const row = this.next[r.source];
      if (row === undefined || r.destination !== shard) {
        this.violations.push(`${where}: not for this shard`);
        continue;
      }
      const want = row[shard] as number;
      const emitted = this.sent[r.source]?.[shard]?.[Number(r.seq)];
      if (BigInt(want) !== r.seq) this.violations.push(`${where}, the next was #${want}`);
      else if (emitted !== toHex(encodeReceipt(r))) this.violations.push(`${where}, which its source never finalized`);
      else {
        row[shard] = want + 1;
        this.delivered++;
      }
    }
    this.held[shard] = b.held;
    this.issued[shard] = b.issued;
    let held = 0n;
    let issued = 0n;
    for (let k = 0; k < this.shards; k++) {
      held += this.held[k] as bigint;
      issued += this.issued[k] as bigint;
    }
    const inFlight = this.inFlight;
    this.checks++;
    if (held + inFlight !== issued) {
      this.violations.push(
        `supply drift after shard ${shard} block ${b.height}: held ${held} + in flight ${inFlight} != issued ${issued}`,
      );
    }
  }
}
