// A validator stores the block it votes for before the vote leaves: the consensus host waits for
// the kept blocks' writes (PendingBlocks.landed) before each safety-state write, which precedes
// every vote. Without it a crash of every validator in the few milliseconds between a vote and
// its block's write could lose a certified block that the persisted highest QCs name.
import { describe, expect, it } from "vitest";
import { type Action, blockCodec, type JolteonEngine } from "../../../consensus/index.ts";
import { decode, sha256 } from "../../../crypto/index.ts";
import { ConsensusHost, type ConsensusHostModules } from "../../../node/chain/consensus-host.ts";
import { PendingBlocks } from "../../../node/chain/pending-blocks.ts";
import type { KvOp, KvStore } from "../../../vm/index.ts";
import { MemoryKv } from "../../../vm/state/kv.ts";
import { CHAIN } from "../../consensus/engine/helpers.ts";
import { chain } from "../sync/sync-peers.ts";

/** A promise resolved from outside. */
function gate(): { promise: Promise<void>; open(): void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** A store whose writes land only once `hold` opens. */
class HeldKv implements KvStore {
  readonly inner = new MemoryKv();
  private readonly hold: Promise<void>;
  constructor(hold: Promise<void>) {
    this.hold = hold;
  }
  get(key: Uint8Array) {
    return this.inner.get(key);
  }
  async write(ops: readonly KvOp[]) {
    await this.hold;
    await this.inner.write(ops);
  }
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("a vote waits for the block it is for", () => {
  it("PendingBlocks.landed resolves once the writes started before it have landed", async () => {
    const held = gate();
    const pending = await PendingBlocks.load(new HeldKv(held.promise), Uint8Array.of(7), CHAIN, sha256, 0n);
    const [first] = chain(1);
    const adding = pending.add([decode(blockCodec, (first as { block: Uint8Array }).block)], 0n);
    let landed = false;
    const waiting = pending.landed().then(() => {
      landed = true;
    });
    await turn();
    expect(landed).toBe(false);
    held.open();
    await Promise.all([adding, waiting]);
    expect(landed).toBe(true);
    // Nothing on its way: at once.
    await pending.landed();
  });

  it("the host writes the safety state, and sends what follows it, only after the kept blocks land", async () => {
    const held = gate();
    const events: string[] = [];
    const actions: Action[] = [
      { kind: "persist", state: Uint8Array.of(1) },
      { kind: "send", to: "next-leader", bytes: Uint8Array.of(2) },
    ];
    const engine = {
      start: () => actions,
      handle: () => [],
      status: () => ({ round: 1n }),
      roundUnderway: () => false,
      roundLeaders: () => ({ proposer: "a", collector: "b" }),
    } as unknown as JolteonEngine;
    const quiet = { info() {}, warn() {}, debug() {}, error() {} };
    const modules = {
      createEngine: () => engine,
      keptBlocksLanded: () => held.promise.then(() => events.push("kept blocks landed")),
      safety: { read: async () => undefined, write: async () => void events.push("safety state written") },
      send: () => void events.push("vote sent"),
      now: () => Date.now(),
      log: quiet,
    } as unknown as ConsensusHostModules<unknown>;
    const host = new ConsensusHost<unknown>(modules);
    const started = host.start();
    await turn();
    expect(events).toEqual([]);
    held.open();
    await started;
    expect(events).toEqual(["kept blocks landed", "safety state written", "vote sent"]);
    await host.stop();
  });
});
