// The virtual clock: a priority queue of events ordered by (time, sequence number). Time only
// moves when the next event is taken, so a run is a pure function of its seed; two events at the
// same instant run in the order they were scheduled. Nothing here reads the wall clock.

interface Entry<T> {
  time: number;
  seq: number;
  event: T;
}

function before<T>(x: Entry<T>, y: Entry<T>): boolean {
  return x.time < y.time || (x.time === y.time && x.seq < y.seq);
}

export class EventQueue<T> {
  private readonly heap: Entry<T>[] = [];
  private seq = 0;
  private nowMs = 0;

  /** Virtual time in ms: the time of the event taken last. */
  get now(): number {
    return this.nowMs;
  }

  get size(): number {
    return this.heap.length;
  }

  /** Schedules `event` `delayMs` after now (0 = at this instant, after everything already due). */
  after(delayMs: number, event: T): void {
    if (!(delayMs >= 0) || !Number.isFinite(delayMs)) throw new RangeError(`delay must be >= 0 ms, got ${delayMs}`);
    this.at(this.nowMs + delayMs, event);
  }

  /** Schedules `event` at absolute virtual time `timeMs` (never in the past). */
  at(timeMs: number, event: T): void {
    if (timeMs < this.nowMs) throw new RangeError(`cannot schedule at ${timeMs} ms, now is ${this.nowMs} ms`);
    const heap = this.heap;
    const entry: Entry<T> = { time: timeMs, seq: this.seq++, event };
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Entry<T>;
      if (!before(entry, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  /** Takes the earliest event and advances the clock to its time; undefined when empty. */
  pop(): { time: number; event: T } | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop() as Entry<T>;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= heap.length) break;
        const r = l + 1;
        const child = r < heap.length && before(heap[r] as Entry<T>, heap[l] as Entry<T>) ? r : l;
        if (!before(heap[child] as Entry<T>, last)) break;
        heap[i] = heap[child] as Entry<T>;
        i = child;
      }
      heap[i] = last;
    }
    this.nowMs = top.time;
    return { time: top.time, event: top.event };
  }

  /** Time of the earliest event, or undefined when empty. */
  peekTime(): number | undefined {
    return this.heap[0]?.time;
  }
}
