// `ubn node start` refuses, with a clear message and its own exit code, a home whose database
// another process holds or whose database is damaged, and changes nothing in either case.
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT_DB_CORRUPT, EXIT_DB_LOCKED } from "../../node/cli/commands/node.ts";
import { createDevnetLayout, DEVNET_PASSWORD, type DevnetLayout } from "../../node/devnet/layout.ts";
import { type RunningNode, startNodeProcess, stopNodeProcess } from "../../node/devnet/processes.ts";
import { runUbn } from "./run-ubn.ts";

/**
 * A fingerprint of every file under `dir`: names, sizes and contents. LevelDB's own info log
 * (LOG, LOG.old), which it writes on every open attempt, is left out: it holds no data.
 */
async function fingerprint(dir: string): Promise<string> {
  const h = createHash("sha256");
  for (const name of (await readdir(dir, { recursive: true })).sort()) {
    if (/(^|\/)LOG(\.old)?$/.test(name)) continue;
    const path = join(dir, name);
    const s = await stat(path);
    if (!s.isFile()) continue;
    h.update(`${name}:${s.size}:`);
    h.update(await readFile(path));
  }
  return h.digest("hex");
}

describe("ubn node start", () => {
  let home: string;
  let layout: DevnetLayout;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), "ubn-node-cli-"));
    layout = await createDevnetLayout(home, { validators: 4 });
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it("a second process on the same home stops with exit code 3 and touches nothing", async () => {
    const node = layout.nodes[0] as DevnetLayout["nodes"][number];
    let first: RunningNode | undefined;
    try {
      first = await startNodeProcess(node);
      const before = await fingerprint(join(node.home, "data"));
      const second = await runUbn(["node", "start", "--home", node.home], { UBN_PASSWORD: DEVNET_PASSWORD });
      expect(second.code).toBe(EXIT_DB_LOCKED);
      expect(second.stderr).toMatch(/in use|locked|another process/i);
      expect(await fingerprint(join(node.home, "data"))).toBe(before);
      // The first node still answers.
      const res = await fetch(`${first.rpc}/health`);
      expect(res.status).toBe(200);
      // Its start line names the Ed25519 library it verifies with (docs/node.md).
      const starting = (await readFile(first.log, "utf8")).split("\n").find((l) => l.includes('"node starting"'));
      expect(JSON.parse(starting ?? "{}").ed25519).toBe("ubn-addon");
    } finally {
      if (first !== undefined) await stopNodeProcess(first);
    }
    expect(await first?.exited).toBe(0);
  });

  it("a damaged database stops the node with exit code 4 and touches nothing", async () => {
    const node = layout.nodes[1] as DevnetLayout["nodes"][number];
    const first = await startNodeProcess(node);
    await stopNodeProcess(first);
    const data = join(node.home, "data");
    const manifest = (await readdir(data)).find((f) => f.startsWith("MANIFEST-"));
    expect(manifest).toBeDefined();
    await writeFile(join(data, manifest as string), "this is not a LevelDB manifest");
    const before = await fingerprint(node.home);
    const r = await runUbn(["node", "start", "--home", node.home], { UBN_PASSWORD: DEVNET_PASSWORD });
    expect(r.code).toBe(EXIT_DB_CORRUPT);
    expect(r.stderr).toMatch(/corrupt|damaged/i);
    expect(await fingerprint(node.home)).toBe(before);
  });

  it("a database of another chain is refused with exit code 4", async () => {
    const node = layout.nodes[2] as DevnetLayout["nodes"][number];
    const first = await startNodeProcess(node);
    await stopNodeProcess(first);
    const other = await mkdtemp(join(tmpdir(), "ubn-node-cli-other-"));
    try {
      const otherLayout = await createDevnetLayout(other, { validators: 4, chainId: "ubn-other" });
      await writeFile(join(node.home, "genesis.json"), await readFile(join(otherLayout.home, "genesis.json")));
      const r = await runUbn(["node", "start", "--home", node.home], { UBN_PASSWORD: DEVNET_PASSWORD });
      expect(r.code).toBe(EXIT_DB_CORRUPT);
      expect(r.stderr).toMatch(/belongs to chain ubn-devnet/);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
