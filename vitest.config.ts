import { defineConfig } from "vitest/config";

// Two groups, run one after the other: the unit and simulation suites in parallel, then the
// end-to-end tests one file at a time. Each end-to-end file runs a network of real node
// processes; two of them at once, or one beside the CPU-bound simulator sweep, would compete
// for this machine's two cores and turn round timeouts into flaky failures.
const common = {
  // The CLI and end-to-end tests start real processes; give them room on a loaded machine.
  testTimeout: 60_000,
  hookTimeout: 60_000,
  setupFiles: ["test/setup/fast-check-seed.ts"],
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...common,
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: ["test/**/e2e/**", "**/node_modules/**"],
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...common,
          name: "e2e",
          include: ["test/**/e2e/**/*.test.ts"],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
