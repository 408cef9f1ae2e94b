// CI sweep, part 3 of 4: seeds 1000..1499 over every fault kind (see ci-scenarios.ts).
// Together the four parts are the 2,000 seeded scenarios the simulator runs on every CI build;
// each part spreads its runs over two worker threads.
import { beforeAll, describe, it } from "vitest";
import { expectLiveSweep, expectSafeSweep, type SweepResult, sweep } from "./ci-scenarios.ts";

describe("simulator sweep, seeds 1000..1499", () => {
  let r: SweepResult;
  beforeAll(async () => {
    r = await sweep(1000, 1500);
    console.log(`seeds 1000..1499: ${r.runs} runs, ${r.commits} blocks, ${(r.wallMs / 1000).toFixed(1)} s`);
  }, 170_000);

  it("keeps agreement and chain validity on 500 seeded runs, and the engine never throws", () => {
    expectSafeSweep(r, 500);
  });

  it("makes progress after GST on every run", () => {
    expectLiveSweep(r);
  });
});
