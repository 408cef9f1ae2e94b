// Which blocks the tree keeps across commits (consensus/block-tree.ts): the retained committed
// history and the descendants of the committed tip, nothing else. Pruning is incremental, so a
// random history of forks, commits and stray blocks is checked against a model that recomputes
// the kept set from scratch after every commit, the way the tree once did.
import { describe, expect, it } from "vitest";
import { BlockTree } from "../../consensus/block-tree.ts";
import type { Block, QuorumCert } from "../../consensus/messages.ts";
import { toHex } from "../../crypto/index.ts";

const RETAINED = 256;

let counter = 0;
function hashOf(): Uint8Array {
  counter++;
  const h = new Uint8Array(32);
  new DataView(h.buffer).setUint32(0, counter);
  h[31] = 0xb7;
  return h;
}

/** The fields of a block the tree reads; the rest of a Block does not matter here. */
function block(parent: Uint8Array, height: bigint, round: bigint, payloadBytes = 8): Block {
  const qc = { blockHash: parent } as unknown as QuorumCert;
  return { epoch: 0n, round, height, parent, payload: new Uint8Array(payloadBytes), qc } as unknown as Block;
}

const root = { hash: new Uint8Array(32), epoch: 0n, round: 0n, height: 0n };

/** The model: every block ever added, and the committed chain in order. */
class Model {
  readonly parent = new Map<string, string | null>();
  readonly committed: string[] = [toHex(root.hash)];
  readonly bytes = new Map<string, number>();

  constructor() {
    this.parent.set(toHex(root.hash), null);
    this.bytes.set(toHex(root.hash), 0);
  }

  kept(): Set<string> {
    // History: the last committed blocks within the count and byte bounds (the tip always).
    const history: string[] = [];
    let bytes = 0;
    for (let i = this.committed.length - 1; i >= 0; i--) {
      const hex = this.committed[i] as string;
      const b = this.bytes.get(hex) ?? 0;
      if (history.length > 0 && (history.length >= RETAINED || bytes + b > 64 << 20)) break;
      history.push(hex);
      bytes += b;
    }
    const keep = new Set(history);
    // Whether each block descends from the tip, remembered along the way.
    const tip = this.committed.at(-1) as string;
    const above = new Map<string, boolean>([[tip, true]]);
    const descends = (hex: string): boolean => {
      const path: string[] = [];
      let p: string | null | undefined = hex;
      let answer = false;
      for (; p !== null && p !== undefined; p = this.parent.get(p)) {
        const known = above.get(p);
        if (known !== undefined) {
          answer = known;
          break;
        }
        path.push(p);
      }
      for (const h of path) above.set(h, answer);
      return answer;
    };
    for (const hex of this.parent.keys()) if (descends(hex)) keep.add(hex);
    return keep;
  }
}

function expectSame(tree: BlockTree, model: Model): void {
  const keep = model.kept();
  const inTree = [...model.parent.keys()].filter((hex) => tree.get(hex) !== undefined);
  expect(new Set(inTree)).toEqual(keep);
  expect(tree.committedTip.hex).toBe(model.committed.at(-1));
  // Nor does the child index keep entries for blocks gone (it would grow without bound).
  const children = (tree as unknown as { children: Map<string, string[]> }).children;
  for (const [hex, cs] of children) {
    expect(keep.has(hex)).toBe(true);
    for (const c of cs) expect(keep.has(c)).toBe(true);
  }
}

describe("block tree pruning", () => {
  it("keeps the retained history and the tip's descendants through random forks, commits and strays", () => {
    // A small deterministic generator: the test is the same on every run.
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const tree = new BlockTree(root);
    const model = new Model();
    let round = 1n;
    for (let step = 0; step < 3000; step++) {
      const op = rand(10);
      const tip = tree.committedTip;
      // The tip and the blocks above it: where the core may build (strays are not).
      const open = [...model.parent.keys()].filter((hex) => {
        const n = tree.get(hex);
        return n !== undefined && (!n.committed || n === tip) && tree.descendsFrom(n, tip);
      });
      if (op < 6) {
        const parentHex = open[rand(open.length)] as string;
        const parent = tree.get(parentHex);
        if (parent === undefined) throw new Error("unreachable");
        const hash = hashOf();
        tree.add(block(parent.hash, parent.height + 1n, round++), hash, false);
        model.parent.set(toHex(hash), parentHex);
        model.bytes.set(toHex(hash), 8);
      } else if (op < 9) {
        const uncommitted = open.filter((hex) => hex !== tip.hex);
        if (uncommitted.length === 0) continue;
        const target = tree.get(uncommitted[rand(uncommitted.length)] as string);
        if (target === undefined) throw new Error("unreachable");
        const chain = tree.commitThrough(target).map((n) => n.hex);
        model.committed.push(...chain);
        expectSame(tree, model);
      } else {
        // A stray: a block on an older committed block, or on a block the tree never had.
        const committedHere = model.committed.filter((hex) => tree.get(hex) !== undefined && hex !== tip.hex);
        const onUnknown = rand(2) === 0 || committedHere.length === 0;
        const parentHash = onUnknown
          ? hashOf()
          : (tree.get(committedHere[rand(committedHere.length)] as string)?.hash as Uint8Array);
        const hash = hashOf();
        tree.add(block(parentHash, 1n, round++), hash, false);
        model.parent.set(toHex(hash), toHex(parentHash));
        model.bytes.set(toHex(hash), 8);
      }
    }
    // The run went past the retained history, and dropped forks and strays on the way.
    expect(model.committed.length).toBeGreaterThan(RETAINED + 50);
    expect(model.parent.size - model.kept().size - (model.committed.length - RETAINED)).toBeGreaterThan(500);
    expectSame(tree, model);
    expect(tree.uncommittedCount).toBe([...model.kept()].filter((hex) => !model.committed.includes(hex)).length);
  });

  it("drops the oldest committed blocks once the kept history passes its byte bound", () => {
    const tree = new BlockTree(root);
    const model = new Model();
    let parent = tree.committedTip;
    for (let i = 1; i <= 6; i++) {
      const hash = hashOf();
      // 20 MiB payloads (the tree reads only their length): three fit in 64 MiB, four do not.
      const node = tree.add(block(parent.hash, parent.height + 1n, BigInt(i), 20 << 20), hash, false);
      model.parent.set(node.hex, parent.hex);
      model.bytes.set(node.hex, 20 << 20);
      model.committed.push(...tree.commitThrough(node).map((n) => n.hex));
      parent = node;
      expectSame(tree, model);
    }
    const kept = model.committed.filter((hex) => tree.get(hex) !== undefined);
    expect(kept).toEqual(model.committed.slice(-3));
  });
});
