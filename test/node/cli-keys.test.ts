import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptKey, isKeystoreFile, parseAddress, publicKeyOf, toHex } from "../../crypto/index.ts";
import { shardOfAddress } from "../../genesis/shard.ts";
import { runUbn } from "./run-ubn.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ubn-cli-keys-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("ubn CLI: help", () => {
  it("lists the commands of every group, and names an unknown one", async () => {
    // Groups are loaded on demand (node/cli/ubn.ts); help and an unknown word load them all.
    const r = await runUbn(["--help"]);
    expect(r.code).toBe(0);
    for (const c of [
      "keys new",
      "keys list",
      "keys show",
      "node start",
      "devnet",
      "wallet send",
      "bench devnet",
      "sim",
    ])
      expect(r.stdout).toContain(c);
    const bad = await runUbn(["fly"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown command "fly"');
  });

  it("has --help on every keys command and refuses unknown ones", async () => {
    for (const c of ["new", "list", "show"]) {
      const r = await runUbn(["keys", c, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: ubn keys ${c}`);
    }
    const bad = await runUbn(["keys", "fly"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown command "ubn keys fly"');
    const badFlag = await runUbn(["keys", "list", "--colour"]);
    expect(badFlag.code).toBe(2);
  });
});

describe("ubn keys", () => {
  it("creates an encrypted key, lists and shows it", async () => {
    const keystore = join(dir, "ks");
    const created = await runUbn(["keys", "new", "--keystore", keystore, "--name", "alice", "--json"], {
      UBN_PASSWORD: "hunter2 but longer",
    });
    expect(created.code, created.stderr).toBe(0);
    const key = JSON.parse(created.stdout);
    expect(key.address).toMatch(/^isc1/);

    const listed = await runUbn(["keys", "list", "--keystore", keystore, "--json"]);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).map((k: { address: string }) => k.address)).toEqual([key.address]);

    const shown = await runUbn(["keys", "show", "alice", "--keystore", keystore]);
    expect(shown.stdout).toContain(key.address);
    expect(shown.stdout).toContain(key.publicKey);

    // The file opens with the password and holds the key for that address, but not in clear.
    const [fileName] = await readdir(keystore);
    const raw = await readFile(join(keystore, fileName as string), "utf8");
    const file = JSON.parse(raw);
    expect(isKeystoreFile(file)).toBe(true);
    const secret = await decryptKey(file, "hunter2 but longer");
    expect(toHex(publicKeyOf(secret))).toBe(key.publicKey);
    expect(raw).not.toContain(toHex(secret));
  });

  it("reads the password from a file and refuses to run without one", async () => {
    const keystore = join(dir, "ks2");
    const pwFile = join(dir, "pw.txt");
    await writeFile(pwFile, "from a file\n");
    const ok = await runUbn(["keys", "new", "--keystore", keystore, "--password-file", pwFile, "--json"]);
    expect(ok.code, ok.stderr).toBe(0);
    const file = JSON.parse(await readFile(JSON.parse(ok.stdout).file, "utf8"));
    await expect(decryptKey(file, "from a file")).resolves.toHaveLength(32);

    const none = await runUbn(["keys", "new", "--keystore", keystore]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--password-file|UBN_PASSWORD/);
  });

  it("refuses a duplicate name and reports a missing key as JSON with --json", async () => {
    const keystore = join(dir, "ks3");
    const env = { UBN_PASSWORD: "pw" };
    expect((await runUbn(["keys", "new", "--keystore", keystore, "--name", "bob"], env)).code).toBe(0);
    const dup = await runUbn(["keys", "new", "--keystore", keystore, "--name", "bob"], env);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('"bob" already exists');
    const missing = await runUbn(["keys", "show", "carol", "--keystore", keystore, "--json"]);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stderr).error.code).toBe("KEYSTORE_NOT_FOUND");
    const empty = await runUbn(["keys", "list", "--keystore", join(dir, "none")]);
    expect(empty.stdout).toContain("No keys");
  });
});

describe("ubn keys new --shard", () => {
  it("makes keys whose addresses live on the asked shard", async () => {
    const keystore = join(dir, "ks-shards");
    for (const shard of [0, 1, 2, 3]) {
      const r = await runUbn(
        [
          "keys",
          "new",
          "--keystore",
          keystore,
          "--name",
          `s${shard}`,
          "--shard",
          String(shard),
          "--shards",
          "4",
          "--json",
        ],
        { UBN_PASSWORD: "hunter2 but longer" },
      );
      expect(r.code, r.stderr).toBe(0);
      const key = JSON.parse(r.stdout);
      expect(key.shard).toBe(shard);
      expect(shardOfAddress(parseAddress(key.address), 4)).toBe(shard);
    }
  });

  it("takes the shard count from the genesis and refuses a shard that does not exist", async () => {
    const home = join(dir, "home-shards");
    await mkdir(home);
    const made = await runUbn([
      "genesis",
      "init",
      "--chain-id",
      "ubn-shard-keys",
      "--shards",
      "2",
      "--out",
      join(home, "genesis.json"),
    ]);
    expect(made.code, made.stderr).toBe(0);
    const env = { UBN_HOME: home, UBN_PASSWORD: "hunter2 but longer" };
    const ok = await runUbn(["keys", "new", "--shard", "1", "--json"], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(shardOfAddress(parseAddress(JSON.parse(ok.stdout).address), 2)).toBe(1);
    const missing = await runUbn(["keys", "new", "--shard", "2"], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--shard 2 does not exist: shards are 0 to 1");
    const noCount = await runUbn(["keys", "new", "--shard", "0"], { UBN_HOME: join(dir, "nowhere") });
    expect(noCount.code).toBe(2);
    expect(noCount.stderr).toContain("--shard needs the shard count");
  });
});
