import { describe, expect, it } from "vitest";
import { chargeOf, moduleOf, parsePerfScript, shares, threadKindOf } from "../../bench/perf-samples.ts";

// `perf script -F comm,pid,tid,ip,sym,dso` as it prints them (abridged stacks).
const SCRIPT = [
  "MainThread  1454/1454  ",
  "\t         1018ba1 v8::internal::Scavenger::ScavengeObject (/usr/bin/node)",
  "\t    7f53983a3494 JS:*update file:///work/main/vm/state/sparse-merkle-update.ts:173:18 (/tmp/perf-1454.map)",
  "",
  "MainThread  1454/1454  ",
  "\t    7f5cdebed978 JS:+'uint16BEDecode file:///work/main/node_modules/@chainsafe/libp2p-noise/dist/src/encoder.js:9:31 (/tmp/perf-1454.map)",
  "\t    7f5cdebdb382 JS:*decodeCanonical file:///work/main/crypto/encoding/canonical.ts:43:32 (/tmp/perf-1454.map)",
  "",
  "MainThread  1454/1454  ",
  "\t          e407e7 node::crypto::Hash::OneShotDigest (/usr/bin/node)",
  "\t    7fcadc40a654 JS:~hash node:internal/crypto/hash:294:14 (/tmp/perf-1454.map)",
  "\t    7fcadc40a699 JS:*sha256 file:///work/main/crypto/hash.ts:13:23 (/tmp/perf-1454.map)",
  "",
  "MainThread  1454/1454  ",
  "\tffffffff8a2b1c3d clear_page_erms ([kernel.kallsyms])",
  "\tffffffff8a2b1c3e asm_exc_page_fault ([kernel.kallsyms])",
  "\t          1ab2c3 __memmove_avx512_unaligned_erms (/usr/lib/x86_64-linux-gnu/libc.so.6)",
  "",
  "WorkerThread  1454/1556  ",
  "\t         197c986 fe_mul (/usr/bin/node)",
  "\t         1984b62 ossl_ed25519_verify (/usr/bin/node)",
  "",
  "libuv-worker  1454/1558  ",
  "\t         162278a uv__fs_work (/usr/bin/node)",
  "",
  "kworker/1:1H-kb    77/77",
  "\tffffffff8a000000 worker_thread ([kernel.kallsyms])",
  "",
  "swapper     0/0    ",
  "\tffffffff8a2b0000 default_idle ([kernel.kallsyms])",
  "",
].join("\n");

describe("perf samples", () => {
  it("parses each sample's process, thread and stack, leaf first", () => {
    const samples = parsePerfScript(SCRIPT);
    expect(samples.map((s) => [s.comm, s.pid, s.tid, s.frames.length])).toEqual([
      ["MainThread", 1454, 1454, 2],
      ["MainThread", 1454, 1454, 2],
      ["MainThread", 1454, 1454, 3],
      ["MainThread", 1454, 1454, 3],
      ["WorkerThread", 1454, 1556, 2],
      ["libuv-worker", 1454, 1558, 1],
      ["kworker/1:1H-kb", 77, 77, 1],
      ["swapper", 0, 0, 1],
    ]);
    expect(samples[0]?.frames[1]).toEqual({
      sym: "JS:*update file:///work/main/vm/state/sparse-merkle-update.ts:173:18",
      dso: "/tmp/perf-1454.map",
    });
  });

  it("charges a sample to the nearest JavaScript module, to the collector, or to native code", () => {
    const charged = parsePerfScript(SCRIPT).map(chargeOf);
    expect(charged.slice(0, 4)).toEqual(["gc", "npm:@chainsafe/libp2p-noise", "node:internal/crypto/hash", "kernel"]);
    expect(charged[4]).toBe("native:node");
    expect(charged[5]).toBe("libuv");
  });

  it("names modules by our file, package or Node id, and no module for native frames", () => {
    expect(moduleOf("JS:*'decodeCanonical file:///home/ci/ubn/crypto/encoding/canonical.ts:43:32")).toBe(
      "ubn:crypto/encoding/canonical.ts",
    );
    expect(moduleOf("JS:+pack file:///x/node_modules/msgpackr/pack.js:472:16")).toBe("npm:msgpackr");
    expect(moduleOf("JS:^Readable.push node:internal/streams/readable:394:35")).toBe("node:internal/streams/readable");
    expect(moduleOf("fe_mul")).toBeNull();
  });

  it("tells a process's threads apart and lists shares in descending order", () => {
    const kinds = parsePerfScript(SCRIPT).map(threadKindOf);
    expect(kinds.slice(0, 6)).toEqual(["main", "main", "main", "main", "workers", "libuv"]);
    expect(shares(["a", "b", "a", "c", "a", "b"], 2)).toEqual([
      { name: "a", share: 0.5 },
      { name: "b", share: 0.333 },
    ]);
  });
});
