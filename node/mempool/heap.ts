// A binary heap that can also remove or re-rank an element in place, in O(log n). Elements
// carry their own position (heapIndex, -1 when outside), so no side map is needed.

export interface HeapElement {
  heapIndex: number;
}

export class Heap<T extends HeapElement> {
  private readonly items: T[] = [];
  /** True if a must come out before b. */
  private readonly before: (a: T, b: T) => boolean;

  constructor(before: (a: T, b: T) => boolean) {
    this.before = before;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    item.heapIndex = this.items.length;
    this.items.push(item);
    this.up(item.heapIndex);
  }

  /** Takes the element out; a no-op if it is not in the heap. */
  remove(item: T): void {
    const i = item.heapIndex;
    if (i < 0 || this.items[i] !== item) return;
    const last = this.items.pop() as T;
    item.heapIndex = -1;
    if (last === item) return;
    this.items[i] = last;
    last.heapIndex = i;
    this.down(i);
    this.up(last.heapIndex);
  }

  /** Restores the order after the element's rank changed; pushes it if it is not in the heap. */
  update(item: T): void {
    const i = item.heapIndex;
    if (i < 0 || this.items[i] !== item) {
      this.push(item);
      return;
    }
    this.down(i);
    this.up(item.heapIndex);
  }

  private up(i: number): void {
    const item = this.items[i] as T;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = this.items[parentIndex] as T;
      if (!this.before(item, parent)) break;
      this.place(parent, i);
      i = parentIndex;
    }
    this.place(item, i);
  }

  private down(i: number): void {
    const item = this.items[i] as T;
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let child = l;
      if (r < n && this.before(this.items[r] as T, this.items[l] as T)) child = r;
      const c = this.items[child] as T;
      if (!this.before(c, item)) break;
      this.place(c, i);
      i = child;
    }
    this.place(item, i);
  }

  private place(item: T, i: number): void {
    this.items[i] = item;
    item.heapIndex = i;
  }
}
