// `ubn genesis` end to end: real processes, a real keystore, files in a temporary directory.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const UBN = fileURLToPath(new URL("../../node/cli/ubn.ts", import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let dir: string;
let env: NodeJS.ProcessEnv;

function ubn(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [UBN, ...args], { cwd: dir, env, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function ok(...args: string[]): Promise<string> {
  const r = await ubn(...args);
  expect(r.code, `ubn ${args.join(" ")}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ubn-genesis-"));
  env = { ...process.env, UBN_HOME: join(dir, "home"), UBN_PASSWORD: "correct horse battery staple" };
  delete env.UBN_DEBUG;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("ubn genesis", () => {
  it("shows help", async () => {
    expect(await ok("genesis", "--help")).toContain("add-validator");
    const help = await ok("genesis", "init", "--help");
    expect(help).toContain("--chain-id ID");
    expect(help).toContain("--force");
  });

  it("builds, validates and hashes a genesis from keystore keys and raw values", async () => {
    const v1 = JSON.parse(await ok("keys", "new", "--name", "val-1", "--json"));
    const v2 = JSON.parse(await ok("keys", "new", "--name", "val-2", "--json"));

    const init = await ok("genesis", "init", "--chain-id", "ubn-devnet-1", "--genesis-time", "2026-11-22T00:00:00Z");
    expect(init).toContain("Wrote genesis.json");
    const again = await ubn("genesis", "init", "--chain-id", "ubn-devnet-1");
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already exists; pass --force");
    await ok("genesis", "init", "--chain-id", "ubn-devnet-1", "--genesis-time", "2026-11-22T00:00:00Z", "--force");

    expect(await ok("genesis", "add-validator", "genesis.json", "--key", "val-1", "--stake", "1000isc")).toContain(
      `Added validator val-1 (${v1.publicKey})`,
    );
    await ok(
      "genesis",
      "add-validator",
      "genesis.json",
      "--public-key",
      v2.publicKey,
      "--stake",
      "2500",
      "--name",
      "v2",
    );
    await ok("genesis", "add-account", "genesis.json", "--key", v1.address, "--balance", "0.5ISC");
    await ok("genesis", "add-account", "genesis.json", "--address", v2.address, "--balance", "42");

    const dup = await ubn("genesis", "add-validator", "genesis.json", "--key", "val-2", "--stake", "1");
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain(`validator ${v2.publicKey} is already in the genesis as validators[1] (v2)`);
    const badAmount = await ubn("genesis", "add-account", "genesis.json", "--key", "val-2", "--balance", "1.5");
    expect(badAmount.code).toBe(2);
    const both = await ubn(
      "genesis",
      "add-account",
      "genesis.json",
      "--key",
      "val-2",
      "--address",
      v2.address,
      "--balance",
      "1",
    );
    expect(both.stderr).toContain("exactly one of --address and --key");

    const json = JSON.parse(await readFile(join(dir, "genesis.json"), "utf8"));
    expect(json.validators).toEqual([
      { name: "val-1", publicKey: v1.publicKey, stake: "1000000000000000000000" },
      { name: "v2", publicKey: v2.publicKey, stake: "2500" },
    ]);
    expect(json.accounts).toEqual([
      { address: v1.address, balance: "500000000000000000" },
      { address: v2.address, balance: "42" },
    ]);
    expect((await readdir(dir)).filter((f) => f.includes(".tmp-"))).toEqual([]);

    const valid = await ok("genesis", "validate", "genesis.json");
    expect(valid).toMatch(/^valid\n/);
    expect(valid).toContain("validators:   2");
    expect(valid).toContain("total supply: 1000.500000000000002542 ISC");

    const hash1 = (await ok("genesis", "hash", "genesis.json")).trim();
    const hash2 = (await ok("genesis", "hash", "genesis.json")).trim();
    expect(hash1).toMatch(/^[0-9a-f]{64}$/);
    expect(hash2).toBe(hash1);
    expect(JSON.parse(await ok("genesis", "hash", "genesis.json", "--json"))).toEqual({ hash: hash1 });
    expect(valid).toContain(`hash:         ${hash1}`);

    // The same genesis with entries reordered and compacted has the same hash.
    json.validators.reverse();
    json.accounts.reverse();
    await writeFile(join(dir, "reordered.json"), JSON.stringify(json));
    expect((await ok("genesis", "hash", "reordered.json")).trim()).toBe(hash1);

    // A duplicate validator edited into the file is refused, naming the key.
    json.validators.push({ name: "copy", publicKey: v1.publicKey, stake: "1" });
    json.accounts[0].balance = "1e3";
    await writeFile(join(dir, "dup.json"), JSON.stringify(json, null, 2));
    const bad = await ubn("genesis", "validate", "dup.json");
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toContain("dup.json is invalid (2 problems)");
    expect(bad.stderr).toContain(`validators[2].publicKey: duplicate of validators[1] (val-1, ${v1.publicKey})`);
    expect(bad.stderr).toContain('accounts[0].balance: "1e3" uses exponent notation');
    const badJson = await ubn("genesis", "validate", "dup.json", "--json");
    expect(badJson.code).toBe(1);
    const error = JSON.parse(badJson.stderr).error;
    expect(error.code).toBe("GENESIS_INVALID");
    expect(error.message).toContain(v1.publicKey);
    expect((await ubn("genesis", "hash", "dup.json")).code).toBe(1);
  });

  it("explains a missing file and bad flags", async () => {
    const missing = await ubn("genesis", "validate", "nope.json");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no genesis file at nope.json");
    const shards = await ubn("genesis", "init", "--chain-id", "x", "--shards", "four", "--out", "x.json");
    expect(shards.code).toBe(2);
    expect(shards.stderr).toContain("--shards must be a whole number");
  });
});
