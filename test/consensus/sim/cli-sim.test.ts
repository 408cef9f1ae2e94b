// `ubn sim` and `ubn bench consensus` through the real command line.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runUbn } from "../../node/run-ubn.ts";

describe("ubn sim", () => {
  it("runs a range of seeds and prints the summary as JSON", async () => {
    const r = await runUbn([
      "sim",
      "--validators",
      "4",
      "--seeds",
      "1..6",
      "--faults",
      "mixed",
      "--views",
      "30",
      "--json",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ runs: 6, safety_violations: 0, liveness_failures: 0, errors: 0, failures: [] });
    expect(out.commits).toBeGreaterThan(6 * 10);
    expect(out.median_commit_latency_ms).toBeGreaterThan(0);
  });

  it("shows the sim options for `ubn sim --help`", async () => {
    const r = await runUbn(["sim", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: ubn sim [--validators N] [--seeds A..B] [--faults KIND]");
    expect(r.stdout).toContain("--faults KIND");
  });

  it("exits non-zero and prints the replay command when a run breaks safety", async () => {
    const found = await runUbn([
      "sim",
      "--seeds",
      "0..19",
      "--faults",
      "twins",
      "--validators",
      "4",
      "--break-rule",
      "skip-vote-safety-check",
    ]);
    expect(found.code).toBe(1);
    expect(found.stdout).toMatch(/seed \d+ safety: fork at height/);
    expect(found.stdout).toMatch(/replay: npx ubn sim --seeds \d+ .*--break-rule skip-vote-safety-check/);
    expect(found.stderr).toMatch(/run\(s\) failed/);
  });

  it("rejects a malformed seed range with a usage error", async () => {
    const r = await runUbn(["sim", "--seeds", "9..1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--seeds/);
  });
});

describe("ubn bench consensus", () => {
  it("reports each committee size and writes the SVG chart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ubn-bench-"));
    try {
      const out = join(dir, "chart.svg");
      const r = await runUbn(["bench", "consensus", "--validators", "4,7", "--views", "20", "--out", out, "--json"]);
      expect(r.code).toBe(0);
      const res = JSON.parse(r.stdout);
      expect(res.points.map((p: { validators: number }) => p.validators)).toEqual([4, 7]);
      for (const p of res.points) {
        expect(p.commit_latency_ms).toBeGreaterThan(0);
        expect(p.commit_latency_delays).toBeGreaterThan(1);
        expect(p.messages_per_block).toBeGreaterThan(0);
        expect(p.signature_verifications_per_block).toBeGreaterThan(0);
      }
      expect(res.chart).toBe(out);
      const svg = readFileSync(out, "utf8");
      expect(svg).toMatch(/^<svg /);
      expect(svg).toContain("committee size");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
