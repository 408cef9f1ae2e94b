// The invariant checkers on hand-made commit logs: each must flag what it exists to flag.
import { describe, expect, it } from "vitest";
import {
  type CommitLog,
  type CommitRecord,
  checkAgreement,
  checkChainValidity,
  checkLiveness,
  honestHeightAt,
  LIVENESS_ROUNDS,
  livenessWindowMs,
} from "../../../consensus/sim/index.ts";

const G = "00".repeat(32);
const h = (tag: string): string => tag.padEnd(64, "0");

function chain(tags: string[], startMs = 100, stepMs = 100): CommitRecord[] {
  let parent = G;
  return tags.map((tag, i) => {
    const c = { height: i + 1, round: i + 1, hash: h(tag), parent, proposer: "p", atMs: startMs + i * stepMs };
    parent = c.hash;
    return c;
  });
}

const log = (instance: number, commits: CommitRecord[], honest = true): CommitLog => ({
  instance,
  id: `v${instance}`,
  honest,
  commits,
});

describe("checkChainValidity", () => {
  it("accepts a chain that starts on genesis and extends itself", () => {
    expect(checkChainValidity(log(0, chain(["a", "b", "c"])), G)).toEqual([]);
    expect(checkChainValidity(log(0, []), G)).toEqual([]);
  });

  it("flags a gap in heights", () => {
    const c = chain(["a", "b", "c"]);
    const gapped = [c[0], { ...(c[2] as CommitRecord), parent: (c[0] as CommitRecord).hash }] as CommitRecord[];
    const problems = checkChainValidity(log(3, gapped), G);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/instance 3 committed height 3 after height 1 \(expected 2\)/);
  });

  it("flags a commit that does not extend the previous one", () => {
    const c = chain(["a", "b"]);
    const bad = [c[0], { ...(c[1] as CommitRecord), parent: h("zz") }] as CommitRecord[];
    const problems = checkChainValidity(log(1, bad), G);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/does not extend its previous commit/);
  });

  it("flags a first commit that is not height 1 on genesis, and a repeated height", () => {
    expect(checkChainValidity(log(0, [{ ...(chain(["a"])[0] as CommitRecord), parent: h("x") }]), G)).toHaveLength(1);
    const c = chain(["a", "b"]);
    const repeated = [...c, { ...(c[1] as CommitRecord) }];
    expect(checkChainValidity(log(0, repeated), G).join()).toMatch(/height 2 after height 2/);
  });
});

describe("checkAgreement", () => {
  it("accepts honest logs that are prefixes of one chain", () => {
    const c = chain(["a", "b", "c", "d"]);
    expect(checkAgreement([log(0, c), log(1, c.slice(0, 2)), log(2, [])])).toEqual([]);
  });

  it("flags a fork between two honest nodes", () => {
    const left = chain(["a", "b", "c"]);
    const right = [left[0], ...chain(["a", "x", "y"]).slice(1)] as CommitRecord[];
    const problems = checkAgreement([log(0, left), log(1, right)]);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/fork at height 2: instance 0 committed b0000.*instance 1 committed x0000/);
  });

  it("ignores the commits of a twinned (faulty) identity", () => {
    expect(checkAgreement([log(0, chain(["a"])), log(4, chain(["z"]), false)])).toEqual([]);
  });
});

describe("checkLiveness", () => {
  const window = livenessWindowMs(1000, 50);

  it("W is LIVENESS_ROUNDS rounds of the largest timeout plus two delays", () => {
    expect(window).toBe(LIVENESS_ROUNDS * 1100);
  });

  it("passes when every honest node that is up commits above the GST height in time", () => {
    const c = chain(["a", "b", "c"], 100, 1000); // heights at 100, 1100, 2100 ms
    expect(honestHeightAt([log(0, c)], 1500)).toBe(2);
    const logs = [log(0, c), log(1, c), log(2, c.slice(0, 1)), log(3, [], false)];
    // Instance 2 is down at the end: not judged. Instance 3 is faulty: not judged.
    expect(checkLiveness({ logs, upAtEnd: [true, true, false, true], gstMs: 1500, windowMs: window })).toBeNull();
  });

  it("fails when an honest node that is up makes no progress after GST", () => {
    const c = chain(["a", "b", "c"], 100, 1000);
    const logs = [log(0, c), log(1, c.slice(0, 2))];
    const failure = checkLiveness({ logs, upAtEnd: [true, true], gstMs: 1500, windowMs: window });
    expect(failure).toMatch(/no new block above height 2 .* at honest instance\(s\) 1/);
  });

  it("fails when the new block comes after the window", () => {
    const c = chain(["a", "b"], 100, 70_000);
    const failure = checkLiveness({ logs: [log(0, c)], upAtEnd: [true], gstMs: 1000, windowMs: window });
    expect(failure).toMatch(/no new block above height 1 by 67000 ms/);
  });
});
