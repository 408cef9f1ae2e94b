// The indexed heap against a sorted array: any mix of push, remove and re-rank keeps the top
// equal to the minimum and every element's heapIndex true.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Heap } from "../../../node/mempool/heap.ts";

interface Item {
  id: number;
  rank: number;
  heapIndex: number;
}

const step = fc.oneof(
  fc.record({ kind: fc.constant("push" as const), rank: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ kind: fc.constant("remove" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("rerank" as const), pick: fc.nat(), rank: fc.integer({ min: 0, max: 20 }) }),
);

describe("Heap", () => {
  it("keeps the minimum on top through pushes, removals and re-ranks", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), (steps) => {
        const before = (a: Item, b: Item) => a.rank < b.rank || (a.rank === b.rank && a.id < b.id);
        const heap = new Heap<Item>(before);
        const inside: Item[] = [];
        let nextId = 0;
        for (const s of steps) {
          if (s.kind === "push") {
            const item = { id: nextId++, rank: s.rank, heapIndex: -1 };
            heap.push(item);
            inside.push(item);
          } else if (inside.length > 0) {
            const item = inside[s.pick % inside.length] as Item;
            if (s.kind === "remove") {
              heap.remove(item);
              heap.remove(item); // a second removal is a no-op
              inside.splice(inside.indexOf(item), 1);
              expect(item.heapIndex).toBe(-1);
            } else {
              item.rank = s.rank;
              heap.update(item);
            }
          }
          const sorted = [...inside].sort((a, b) => (before(a, b) ? -1 : 1));
          expect(heap.peek()).toBe(sorted[0]);
          expect(new Set(inside.map((i) => i.heapIndex)).size).toBe(inside.length);
        }
      }),
    );
  });
});
