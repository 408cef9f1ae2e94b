// How a long sync shows itself: a bar redrawn on stderr when that is a terminal, otherwise a
// log line every few seconds (logs are JSON lines on stdout, and a bar would corrupt them).
export interface ProgressLogger {
  info(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

const LOG_EVERY_MS = 5000;
/** A catch-up shorter than this (a following node's routine few blocks) is logged at debug. */
const QUIET_BELOW_BLOCKS = 32n;
const BAR_WIDTH = 30;

export class SyncProgress {
  private readonly log: ProgressLogger;
  private readonly tty: boolean;
  private readonly now: () => number;
  private startHeight = 0n;
  private target = 0n;
  private startedAt = 0;
  private lastShown = 0;
  private active = false;
  private quiet = true;

  constructor(log: ProgressLogger, now: () => number, tty = process.stderr.isTTY === true) {
    this.log = log;
    this.now = now;
    this.tty = tty;
  }

  begin(from: bigint, target: bigint): void {
    if (!this.active) {
      this.startHeight = from;
      this.startedAt = this.now();
      this.active = true;
      this.quiet = target - from < QUIET_BELOW_BLOCKS;
      this.say({ from: String(from), target: String(target) }, "fast sync started");
    }
    this.target = target;
  }

  update(height: bigint): void {
    if (!this.active) return;
    const now = this.now();
    if (this.quiet) return;
    if (this.tty) {
      if (now - this.lastShown < 100) return;
      this.lastShown = now;
      const span = this.target - this.startHeight;
      const done = height - this.startHeight;
      const fraction = span > 0n ? Number(done) / Number(span) : 1;
      const filled = Math.max(0, Math.min(BAR_WIDTH, Math.round(fraction * BAR_WIDTH)));
      const bar = `${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}`;
      process.stderr.write(`\rsync [${bar}] ${height}/${this.target} ${this.rate(height, now).toFixed(0)} blocks/s `);
    } else if (now - this.lastShown >= LOG_EVERY_MS) {
      this.lastShown = now;
      this.log.info(
        { height: String(height), target: String(this.target), blocksPerSecond: Math.round(this.rate(height, now)) },
        "fast sync progress",
      );
    }
  }

  end(height: bigint): { blocks: bigint; seconds: number } {
    const seconds = (this.now() - this.startedAt) / 1000;
    const blocks = height - this.startHeight;
    if (this.active) {
      if (this.tty && !this.quiet) process.stderr.write("\n");
      this.say(
        {
          height: String(height),
          blocks: String(blocks),
          seconds,
          blocksPerSecond: seconds > 0 ? Math.round(Number(blocks) / seconds) : null,
        },
        "fast sync done",
      );
    }
    this.active = false;
    return { blocks, seconds };
  }

  private say(obj: object, msg: string): void {
    if (this.quiet) this.log.debug(obj, msg);
    else this.log.info(obj, msg);
  }

  private rate(height: bigint, now: number): number {
    const s = (now - this.startedAt) / 1000;
    return s > 0 ? Number(height - this.startHeight) / s : 0;
  }
}
