// ubn wallet without a chain: amounts parsed exactly, argument mistakes caught before any key or
// node is touched, and the real CLI process against an RPC server over an in-memory node, found
// through a devnet pointer file the way `npm run devnet` leaves one.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addressBytesOf,
  addressOf,
  encryptKey,
  formatAddress,
  generateKeyPair,
  saveKeyFile,
} from "../../crypto/index.ts";
import { formatIsc, parseIsc } from "../../node/cli/wallet/amount.ts";
import type { DevnetPointer } from "../../node/cli/wallet/devnet-pointer.ts";
import { wsUrlOf } from "../../rpc/client.ts";
import { type RpcServer, startRpcServer } from "../../rpc/server.ts";
import { decodeTransaction } from "../../vm/index.ts";
import { FakeNodeApi, filled, hexOf } from "../rpc/fake-node-api.ts";
import { runUbn } from "./run-ubn.ts";

const ISC = 10n ** 18n;

describe("ISC amounts", () => {
  it("parse to base units exactly, with up to 18 decimals", () => {
    expect(parseIsc("1.5")).toBe(15n * 10n ** 17n);
    expect(parseIsc("0.000000000000000001")).toBe(1n);
    expect(parseIsc("1000000000")).toBe(1_000_000_000n * ISC);
    expect(parseIsc("0.1")).toBe(10n ** 17n); // where a float would give 0.1000000000000000055...
    expect(parseIsc("123456789.123456789123456789")).toBe(123456789123456789123456789n);
    expect(parseIsc("2.")).toBe(2n * ISC);
    expect(parseIsc(" 7 ")).toBe(7n * ISC);
  });

  it("refuse anything else, saying why", () => {
    for (const bad of ["", "-1", "+1", "1e18", "1,5", "1_000", "0x10", ".5", "1.2.3", "abc", "NaN", "Infinity"])
      expect(() => parseIsc(bad), bad).toThrow(/an ISC amount like 1.5/);
    expect(() => parseIsc("0.0000000000000000001")).toThrow(/19 decimals; ISC has 18/);
    expect(() => parseIsc(`${2n ** 128n}`)).toThrow(/larger than any balance/);
  });

  it("format back without trailing zeros", () => {
    expect(formatIsc(15n * 10n ** 17n)).toBe("1.5");
    expect(formatIsc(0n)).toBe("0");
    expect(formatIsc(1n)).toBe("0.000000000000000001");
    expect(formatIsc(1_000_000_000n * ISC)).toBe("1000000000");
    for (const s of ["0.1", "42", "3.000000000000000007"]) expect(formatIsc(parseIsc(s))).toBe(s);
  });
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ubn-cli-wallet-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A home with no devnet pointer and an RPC URL where nothing listens. */
const lonely = () => ({ UBN_HOME: join(dir, "empty-home"), UBN_RPC: "http://127.0.0.1:1" });
const ADDRESS = formatAddress(filled(20, 7));

describe("ubn wallet: argument errors (exit 2, before any key or node)", () => {
  it("lists the wallet commands and has --help on each", async () => {
    const top = await runUbn(["--help"]);
    for (const c of ["wallet balance", "wallet send", "wallet tx", "wallet status", "wallet watch"])
      expect(top.stdout).toContain(c);
    for (const c of ["balance", "send", "tx", "status", "watch"]) {
      const r = await runUbn(["wallet", c, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: ubn wallet ${c}`);
    }
  });

  it("says what is missing or malformed in send", async () => {
    const cases: [string[], RegExp][] = [
      [["--amount", "1"], /--to ADDRESS is required/],
      [["--to", ADDRESS], /--amount ISC is required/],
      [["--to", ADDRESS, "--amount", "1.5.1"], /an ISC amount like 1.5/],
      [["--to", ADDRESS, "--amount", "0"], /--amount must be more than 0/],
      [["--to", ADDRESS, "--amount", "1", "--fee=-1"], /--fee must be an ISC amount/],
      [["--to", ADDRESS, "--amount", "1", "--wait", "mined"], /--wait must be one of accepted, included, finalized/],
      [["--to", ADDRESS, "--amount", "1", "--timeout", "500"], /--timeout must be whole seconds from 1 to 120/],
      [["--to", ADDRESS, "--amount", "1", "--nonce", "x"], /--nonce must be a whole number/],
      [["--to", ADDRESS, "--amount", "1"], /--from KEY is required/],
      [["--to", `${ADDRESS.slice(0, -1)}q`, "--amount", "1", "--from", "k"], /--to: .*checksum/i],
      [["--to", "bob", "--amount", "1", "--from", "k"], /--to "bob" is neither an isc1... address nor a key/],
    ];
    for (const [args, message] of cases) {
      const r = await runUbn(["wallet", "send", ...args], lonely());
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it("checks hashes, URLs and positionals", async () => {
    const badHash = await runUbn(["wallet", "tx", "0x1234"], lonely());
    expect(badHash.code).toBe(2);
    expect(badHash.stderr).toContain("HASH must be 0x and 64 hex digits");
    const badUrl = await runUbn(["wallet", "status", "--rpc", "localhost:8545"], lonely());
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain("must start with http:// or https://");
    const noFrom = await runUbn(["wallet", "balance"], lonely());
    expect(noFrom.code).toBe(2);
    expect((await runUbn(["wallet", "balance", "a", "b"], lonely())).code).toBe(2);
  });

  it("reports an unreachable node with a code scripts can branch on", async () => {
    const r = await runUbn(["wallet", "status", "--json"], lonely());
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr).error.code).toBe("RPC_UNREACHABLE");
    expect(r.stderr).toContain("127.0.0.1:1");
  });
});

/** The in-memory node, keeping what was sent. */
class WalletFakeNode extends FakeNodeApi {
  sent: Uint8Array[] = [];
  override async sendRawTransaction(tx: Uint8Array) {
    this.sent.push(tx);
    return super.sendRawTransaction(tx);
  }
}

describe("ubn wallet against a node found through the devnet pointer", () => {
  let node: WalletFakeNode;
  let server: RpcServer;
  let home: string;
  let faucetAddress: string;
  const recipient = formatAddress(filled(20, 9));

  beforeAll(async () => {
    node = new WalletFakeNode();
    server = await startRpcServer(node, { port: 0 });
    home = join(dir, "home");
    const keystore = join(dir, "devnet", "keystore");
    const faucet = generateKeyPair();
    faucetAddress = addressOf(faucet.publicKey);
    node.accounts.set(hexOf(addressBytesOf(faucet.publicKey)), {
      balance: 3n * ISC,
      nonce: 4n,
      staked: 0n,
      unbonding: 0n,
      height: 26n,
    });
    await saveKeyFile(keystore, await encryptKey(faucet.secretKey, "devnet", "faucet", { n: 1 << 4, r: 8, p: 1 }));
    const pointer: DevnetPointer = {
      pid: process.pid, // alive for as long as the test runs
      chainId: "ubn-test",
      home: join(dir, "devnet"),
      rpc: server.url,
      ws: wsUrlOf(server.url),
      keystore,
      faucet: "faucet",
      password: "devnet",
    };
    await mkdir(home, { recursive: true });
    await writeFile(join(home, "devnet.json"), JSON.stringify(pointer));
  });
  afterAll(async () => {
    await server.close();
  });

  const env = () => ({ UBN_HOME: home, UBN_RPC: "" });

  it("sends with no flags but --to and --amount: faucet key, devnet password, nonce and fee from the node", async () => {
    const r = await runUbn(["wallet", "send", "--to", recipient, "--amount", "1.5", "--json"], env());
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      from: faucetAddress,
      to: recipient,
      amount: (15n * 10n ** 17n).toString(),
      amountIsc: "1.5",
      fee: "120",
      nonce: "4",
      status: "unknown",
    });
    const tx = decodeTransaction(node.sent.at(-1) as Uint8Array);
    expect(out.hash).toBe(hexOf(filled(32, (node.sent.at(-1) as Uint8Array)[0] as number)));
    expect(tx.chainId).toBe("ubn-test");
    expect(tx.nonce).toBe(4n);
    expect(tx.fee).toBe(120n); // the node's suggestion
    expect(tx.payload).toEqual({ type: "transfer", to: filled(20, 9), amount: 15n * 10n ** 17n });
  });

  it("shows a balance in ISC, by address or key name", async () => {
    node.accounts.set(hexOf(filled(20, 9)), {
      balance: 15n * 10n ** 17n,
      nonce: 0n,
      staked: 0n,
      unbonding: 0n,
      height: 30n,
    });
    const human = await runUbn(["wallet", "balance", recipient], env());
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(`${recipient}: 1.5 ISC`);
    const json = JSON.parse((await runUbn(["wallet", "balance", "--json", recipient], env())).stdout);
    expect(json).toMatchObject({ balance: "1500000000000000000", balanceIsc: "1.5", height: "30" });
    const faucet = JSON.parse((await runUbn(["wallet", "balance", "faucet", "--json"], env())).stdout);
    expect(faucet.address).toBe(faucetAddress);
    node.accounts.delete(hexOf(filled(20, 9)));
  });

  it("prefers --rpc and $UBN_RPC over the devnet", async () => {
    const viaEnv = await runUbn(["wallet", "status", "--json"], { ...env(), UBN_RPC: "http://127.0.0.1:1" });
    expect(viaEnv.code).toBe(1);
    expect(viaEnv.stderr).toContain("127.0.0.1:1");
    const viaFlag = await runUbn(["wallet", "status", "--json", "--rpc", server.url], {
      ...env(),
      UBN_RPC: "http://127.0.0.1:1",
    });
    expect(viaFlag.code, viaFlag.stderr).toBe(0);
    expect(JSON.parse(viaFlag.stdout)).toMatchObject({ chainId: "ubn-test", height: "26", source: "--rpc" });
    const viaDevnet = JSON.parse((await runUbn(["wallet", "status", "--json"], env())).stdout);
    expect(viaDevnet.source).toMatch(/^the devnet/);
  });

  it("shows a transaction and says when the node knows none", async () => {
    const unknown = await runUbn(["wallet", "tx", hexOf(filled(32, 0xee)), "--json"], env());
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stderr).error.code).toBe("TX_NOT_FOUND");
    const hash = filled(32, 0xed);
    node.statuses.set(hexOf(hash), { hash, status: "included", height: 27n, blockHash: filled(32, 27), index: 0 });
    const included = await runUbn(["wallet", "tx", hexOf(hash)], env());
    expect(included.code, included.stderr).toBe(0);
    expect(included.stdout).toContain("included in block 27");
  });

  it("ignores the pointer of a devnet that is gone", async () => {
    const staleHome = join(dir, "stale-home");
    await mkdir(staleHome, { recursive: true });
    const gone = { pid: 2 ** 22 + 12345, chainId: "x", home: "x", ws: "x", keystore: "x", faucet: "f", password: "p" };
    await writeFile(join(staleHome, "devnet.json"), JSON.stringify({ ...gone, rpc: server.url }));
    const r = await runUbn(["wallet", "status", "--json"], { UBN_HOME: staleHome, UBN_RPC: "" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("127.0.0.1:8545");
  });
});
