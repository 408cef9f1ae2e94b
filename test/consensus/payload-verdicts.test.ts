// Proposals waiting for the host's verdict on their payload (consensus/payload-verdicts.ts).
import { describe, expect, it } from "vitest";
import { ConsensusErrorCode } from "../../consensus/errors.ts";
import { PayloadVerdicts } from "../../consensus/payload-verdicts.ts";
import { toHex } from "../../crypto/index.ts";
import { type Built, fixture, genesis, makeBlock, thrownCode } from "./engine/helpers.ts";

const fx = fixture(4);

function waiting(round: number): { hex: string; built: Built } {
  const built = makeBlock(fx, { round: BigInt(round), parent: null, qc: genesis(fx) });
  return { hex: toHex(built.hash), built };
}

function entry(built: Built) {
  return {
    proposal: { kind: "proposal" as const, block: built.block, tc: null, signature: new Uint8Array(64) },
    hash: built.hash,
  };
}

describe("payload verdicts", () => {
  it("hand back the waiting proposal on a valid verdict, once", () => {
    const v = new PayloadVerdicts();
    const { hex, built } = waiting(1);
    v.expect(hex, entry(built));
    expect(v.settle(hex, true).hash).toEqual(built.hash);
    expect(thrownCode(() => v.settle(hex, true))).toBe(ConsensusErrorCode.unknownVerdict);
  });

  it("remember a payload judged invalid and refuse it when it comes again", () => {
    const v = new PayloadVerdicts();
    const { hex, built } = waiting(1);
    v.expect(hex, entry(built));
    expect(thrownCode(() => v.settle(hex, false))).toBe(ConsensusErrorCode.invalidPayload);
    expect(thrownCode(() => v.expect(hex, entry(built)))).toBe(ConsensusErrorCode.invalidPayload);
  });

  it("hold at most 16 proposals, and forget those of earlier rounds", () => {
    const v = new PayloadVerdicts();
    const all = Array.from({ length: 17 }, (_, i) => waiting(i + 1));
    for (const w of all.slice(0, 16)) v.expect(w.hex, entry(w.built));
    const last = all[16] as (typeof all)[number];
    expect(thrownCode(() => v.expect(last.hex, entry(last.built)))).toBe(ConsensusErrorCode.capacity);
    v.dropBefore(9n);
    v.expect(last.hex, entry(last.built));
    expect(thrownCode(() => v.settle((all[0] as (typeof all)[number]).hex, true))).toBe(
      ConsensusErrorCode.unknownVerdict,
    );
    expect(v.settle((all[8] as (typeof all)[number]).hex, true).proposal.block.round).toBe(9n);
  });
});
