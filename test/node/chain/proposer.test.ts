// The proposer keeps a request whose parent block has not arrived and builds once it has,
// instead of losing the round; it gives up after a bounded number of tries. With empty blocks
// off it proposes only what is needed, and tells the engine once when it has nothing.
import { describe, expect, it } from "vitest";
import { ChainError, ChainErrorCode } from "../../../node/chain/errors.ts";
import type { ChainExecutor } from "../../../node/chain/executor.ts";
import { Proposer } from "../../../node/chain/proposer.ts";
import type { Mempool } from "../../../node/mempool/mempool.ts";

const A = new Uint8Array(32).fill(0xaa);
const B = new Uint8Array(32).fill(0xbb);

/** A proposer over an executor that knows only the parents in `known`. */
function setup() {
  const known = new Set<number>();
  const builds: number[] = [];
  const errors: string[] = [];
  const executor = {
    uncommittedTxsUpTo: () => 0,
    build: async (parent: Uint8Array) => {
      builds.push(parent[0] as number);
      if (parent[0] === 0xee) throw new Error("disk on fire");
      if (!known.has(parent[0] as number)) {
        throw new ChainError(ChainErrorCode.outOfOrder, "asked to build on it, which is not known here");
      }
      return { payload: Uint8Array.of(parent[0] as number), dropped: [] };
    },
  } as unknown as ChainExecutor;
  const log = { info() {}, warn() {}, debug() {}, error: (_: object, msg: string) => errors.push(msg) };
  const proposer = new Proposer(
    { blockIntervalMs: 0, executionBudgetMs: 100, emptyBlocks: true, maxBlockTxs: 100, maxBlockBytes: 100_000 },
    {
      executor,
      mempool: { size: 0 } as unknown as Mempool,
      selfKey: new Uint8Array(32),
      now: () => Date.now(),
      onDropped() {},
      log,
    },
  );
  const answers: { round: bigint; payload: number }[] = [];
  const ask = (round: bigint, parent: Uint8Array) =>
    proposer.request({ round, parentHash: parent, height: 2n }, (p) =>
      answers.push({ round, payload: p[0] as number }),
    );
  return { known, builds, errors, proposer, answers, ask };
}

const settle = (ms = 60) => new Promise((r) => setTimeout(r, ms));

describe("a proposal on a parent that has not arrived", () => {
  it("is built once the parent block is seen", async () => {
    const t = setup();
    t.ask(5n, A);
    await settle();
    expect(t.answers).toEqual([]);
    expect(t.builds).toEqual([0xaa]);
    t.known.add(0xaa);
    t.proposer.blockSeen(A, Date.now());
    await settle();
    expect(t.answers).toEqual([{ round: 5n, payload: 0xaa }]);
    expect(t.errors).toEqual([]);
  });

  it("is dropped when the engine asks for another round", async () => {
    const t = setup();
    t.ask(5n, A);
    await settle();
    t.known.add(0xbb);
    t.ask(6n, B);
    await settle();
    t.known.add(0xaa);
    t.proposer.blockSeen(A, Date.now());
    await settle();
    expect(t.answers).toEqual([{ round: 6n, payload: 0xbb }]);
  });

  it("is tried again while a parent seen here is still on its way through validation, a bounded number of times", async () => {
    const t = setup();
    t.proposer.blockSeen(A, Date.now());
    t.ask(5n, A);
    await settle(1_500);
    expect(t.answers).toEqual([]);
    expect(t.builds.length).toBeGreaterThan(5);
    expect(t.builds.length).toBeLessThanOrEqual(41);
    expect(t.errors).toEqual(["could not build a block"]);
  });

  it("still reports any other failure at once", async () => {
    const t = setup();
    t.ask(5n, new Uint8Array(32).fill(0xee));
    await settle();
    expect(t.builds).toEqual([0xee]);
    expect(t.errors).toEqual(["could not build a block"]);
  });
});

describe("with empty blocks off", () => {
  function idleSetup(pendingTxs: number) {
    const answers: number[] = [];
    let declines = 0;
    const proposer = new Proposer(
      { blockIntervalMs: 0, executionBudgetMs: 100, emptyBlocks: false, maxBlockTxs: 100, maxBlockBytes: 100_000 },
      {
        executor: {
          uncommittedTxsUpTo: () => pendingTxs,
          build: async (parent: Uint8Array) => ({ payload: Uint8Array.of(parent[0] as number), dropped: [] }),
        } as unknown as ChainExecutor,
        mempool: { size: 0 } as unknown as Mempool,
        selfKey: new Uint8Array(32),
        now: () => Date.now(),
        onDropped() {},
        log: { info() {}, warn() {}, debug() {}, error() {} },
      },
    );
    proposer.request(
      { round: 7n, parentHash: A, height: 3n },
      (p) => answers.push(p[0] as number),
      () => declines++,
    );
    return { answers, proposer, declines: () => declines };
  }

  it("waits while nothing is pending, and says so once (the engine then announces its QC)", async () => {
    const t = idleSetup(0);
    await settle();
    t.proposer.poke();
    t.proposer.poke();
    await settle();
    expect(t.answers).toEqual([]);
    expect(t.declines()).toBe(1);
  });

  it("proposes while transactions wait in uncommitted blocks", async () => {
    const t = idleSetup(3);
    await settle();
    expect(t.answers).toEqual([0xaa]);
    expect(t.declines()).toBe(0);
  });
});
