// Real libp2p nodes on 127.0.0.1 talking over TCP: ids, gossip, request/response, direct
// messages, bans, and finding a restarted peer again. Every wait is a bounded poll, and every
// node is stopped after its test.
import { randomBytes } from "node:crypto";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { generateKeyPairFromSeed } from "@libp2p/crypto/keys";
import type { StreamCloseEvent } from "@libp2p/interface";
import { tcp } from "@libp2p/tcp";
import { multiaddr } from "@multiformats/multiaddr";
import { ed25519 } from "@noble/curves/ed25519.js";
import { createLibp2p } from "libp2p";
import { afterEach, describe, expect, test } from "vitest";
import { toHex, utf8 } from "../../../crypto/index.ts";
import { encodeLength } from "../../../node/net/framing.ts";
import { NetError, type NetErrorCode, Network, type NetworkOptions, type Verdict } from "../../../node/net/index.ts";
import { MAX_GOSSIP_BYTES } from "../../../node/net/options.ts";

const LOOPBACK = "/ip4/127.0.0.1/tcp/0";
const nodes: Network[] = [];

afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
});

async function start(opts: Partial<NetworkOptions> = {}): Promise<Network> {
  const node = await Network.create({ secretKey: randomBytes(32), listen: [LOOPBACK], ...opts });
  nodes.push(node);
  return node;
}

/** Polls `cond` every 50 ms; fails the test after `ms`. */
async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `a`, and `b` bootstrapped to it, connected both ways. */
async function pair(aOpts: Partial<NetworkOptions> = {}, bOpts: Partial<NetworkOptions> = {}) {
  const a = await start(aOpts);
  const b = await start({ bootstrap: a.listenAddresses(), ...bOpts });
  await until("a and b to connect", () => a.peers().includes(b.id) && b.peers().includes(a.id));
  return { a, b };
}

async function errorCode(p: Promise<unknown>): Promise<NetErrorCode | string> {
  try {
    await p;
  } catch (e) {
    return e instanceof NetError ? e.code : `not a NetError: ${String(e)}`;
  }
  return "resolved";
}

/** Publishes fresh warm-up messages until `received` shows one arrived: the topic is wired up. */
async function warmUp(from: Network, topic: string, received: () => number): Promise<void> {
  const before = received();
  await until(`gossip on ${topic} to flow`, async () => {
    await from.publish(topic, utf8(`warm-up ${toHex(randomBytes(8))}`));
    await new Promise((r) => setTimeout(r, 100));
    return received() > before;
  });
}

describe("Network", () => {
  test("ids are the hex Ed25519 public keys; bootstrap connects and peers() lists both sides", async () => {
    const seed = randomBytes(32);
    const a = await start({ secretKey: seed });
    expect(a.id).toBe(toHex(ed25519.getPublicKey(seed)));
    expect(a.peerId).toMatch(/^12D3Koo/);
    const [address] = a.listenAddresses();
    expect(address).toMatch(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/[1-9][0-9]*/p2p/${a.peerId}$`));

    const events: string[] = [];
    a.onPeer((peer, event) => events.push(`${peer}:${event}`));
    const b = await start({ bootstrap: a.listenAddresses() });
    await until("peers to list each other", () => a.peers().includes(b.id) && b.peers().includes(a.id));
    expect(a.peers()).toEqual([b.id]);
    expect(events).toContain(`${b.id}:connect`);
    await b.stop();
    await until("a to see b leave", () => events.includes(`${b.id}:disconnect`));
    expect(a.peers()).toEqual([]);
  });

  test("bad options fail at create with NET_INVALID_ARGUMENT, a taken port with NET_START_FAILED", async () => {
    expect(await errorCode(Network.create({ secretKey: new Uint8Array(31) }))).toBe("NET_INVALID_ARGUMENT");
    const bad = Network.create({ secretKey: randomBytes(32), listen: [LOOPBACK], bootstrap: ["/ip4/127.0.0.1/tcp/1"] });
    expect(await errorCode(bad)).toBe("NET_INVALID_ARGUMENT");
    const a = await start();
    const taken = /\/tcp\/\d+/.exec(a.listenAddresses()[0] as string)?.[0];
    const clash = Network.create({ secretKey: randomBytes(32), listen: [`/ip4/127.0.0.1${taken}`] });
    expect(await errorCode(clash)).toBe("NET_START_FAILED");
  });

  describe("gossip", () => {
    test("reaches subscribers, through a forwarding peer, with the forwarder as `from`", async () => {
      const a = await start();
      const b = await start({ bootstrap: a.listenAddresses() });
      const c = await start({ bootstrap: a.listenAddresses() });
      const got = new Map<string, string[]>([
        ["a", []],
        ["b", []],
        ["c", []],
      ]);
      for (const [name, node] of [
        ["a", a],
        ["b", b],
        ["c", c],
      ] as const) {
        node.subscribe("blocks", (from, data) => {
          got.get(name)?.push(`${from}:${new TextDecoder().decode(data)}`);
          return "accept";
        });
      }
      await until("a to have both peers", () => a.peers().length === 2);
      // b and c only know a; a message from b reaches c because a validated and forwarded it.
      await warmUp(b, "blocks", () => got.get("c")?.length ?? 0);
      await b.publish("blocks", utf8("block 1"));
      await until(
        "block 1 to reach a and c",
        () => [...(got.get("a") ?? []), ...(got.get("c") ?? [])].filter((m) => m.endsWith("block 1")).length === 2,
      );
      expect(got.get("a")).toContain(`${b.id}:block 1`);
      expect(got.get("c")).toContain(`${a.id}:block 1`);
      expect(got.get("b")?.some((m) => m.endsWith("block 1"))).toBe(false); // no echo to ourselves
    });

    test("publishing with no peers is not an error", async () => {
      const a = await start();
      await a.publish("lonely", utf8("anyone?"));
      await a.publish("lonely", utf8("anyone?")); // the same bytes again: still no error
    });

    test("a rejected message penalizes its sender and is not passed on", async () => {
      const { a, b } = await pair();
      const verdicts: Verdict[] = [];
      b.subscribe("txs", (_from, data) => {
        const verdict: Verdict = new TextDecoder().decode(data).startsWith("bad") ? "reject" : "accept";
        verdicts.push(verdict);
        return verdict;
      });
      await warmUp(a, "txs", () => verdicts.length);
      expect(b.score(a.id)).toBe(0);
      await a.publish("txs", utf8("bad tx"));
      await until("b to penalize a", () => b.score(a.id) < 0);
      expect(verdicts).toContain("reject");
    });

    test("a message of the largest size gossipsub can carry arrives whole", async () => {
      const { a, b } = await pair();
      const got: Uint8Array[] = [];
      b.subscribe("blocks", (_from, data) => {
        got.push(data);
        return "accept";
      });
      await warmUp(a, "blocks", () => got.length);
      const block = randomBytes(MAX_GOSSIP_BYTES);
      await a.publish("blocks", block);
      await until("the big block to arrive", () => got.some((d) => d.length === block.length));
      expect(Buffer.from(got.find((d) => d.length === block.length) ?? []).equals(block)).toBe(true);
      // Beyond it gossipsub would silently drop the message, so publish refuses it.
      expect(await errorCode(a.publish("blocks", randomBytes(MAX_GOSSIP_BYTES + 1)))).toBe("NET_TOO_LARGE");
    });

    test("an oversized message is dropped before the handler and its sender penalized", async () => {
      const { a, b } = await pair({}, { maxGossipBytes: 1_000 });
      const sizes: number[] = [];
      b.subscribe("big", (_from, data) => {
        sizes.push(data.length);
        return "accept";
      });
      await warmUp(a, "big", () => sizes.length);
      await a.publish("big", randomBytes(5_000));
      await until("b to penalize a", () => b.score(a.id) < 0);
      expect(sizes.every((s) => s <= 1_000)).toBe(true);
      // And our own cap applies to what we publish.
      expect(await errorCode(b.publish("big", randomBytes(1_001)))).toBe("NET_TOO_LARGE");
    });
  });

  describe("request/response", () => {
    test("a request gets its response, and the handler sees who asked", async () => {
      const { a, b } = await pair();
      b.handle("/ubn/echo/1", async (from, request) => utf8(`${from}|${new TextDecoder().decode(request)}`));
      const response = await a.request(b.id, "/ubn/echo/1", utf8("hello"));
      expect(new TextDecoder().decode(response)).toBe(`${a.id}|hello`);
      const empty = await a.request(b.id, "/ubn/echo/1", new Uint8Array(0));
      expect(new TextDecoder().decode(empty)).toBe(`${a.id}|`);
      expect(await errorCode(a.request(b.id, "/ubn/nothing/1", utf8("?")))).toBe("NET_UNSUPPORTED_PROTOCOL");
      expect(await errorCode(a.request("zz", "/ubn/echo/1", utf8("?")))).toBe("NET_INVALID_ARGUMENT");
    });

    test("a big response within the caps, and a per-call cap below it", async () => {
      const { a, b } = await pair();
      const blob = randomBytes(3 * 1024 * 1024);
      b.handle("/ubn/blob/1", async () => blob);
      expect(Buffer.from(await a.request(b.id, "/ubn/blob/1", utf8("all"))).equals(blob)).toBe(true);
      const small = a.request(b.id, "/ubn/blob/1", utf8("all"), { maxResponseBytes: 1024 });
      expect(await errorCode(small)).toBe("NET_TOO_LARGE");
      expect(a.score(b.id)).toBe(0); // our own small cap is not the responder's fault
    });

    test("a failing handler resets the stream: the requester gets NET_RESET", async () => {
      const { a, b } = await pair();
      b.handle("/ubn/fail/1", async () => {
        throw new Error("boom");
      });
      expect(await errorCode(a.request(b.id, "/ubn/fail/1", utf8("x")))).toBe("NET_RESET");
    });

    test("a slow handler times the request out with NET_TIMEOUT", async () => {
      const { a, b } = await pair();
      let release = () => {};
      b.handle("/ubn/slow/1", () => new Promise<Uint8Array>((r) => (release = () => r(utf8("late")))));
      const started = Date.now();
      expect(await errorCode(a.request(b.id, "/ubn/slow/1", utf8("x"), { timeoutMs: 300 }))).toBe("NET_TIMEOUT");
      expect(Date.now() - started).toBeLessThan(3_000);
      release();
    });

    test("an oversized request is refused and its sender penalized", async () => {
      const { a, b } = await pair({}, { maxRequestBytes: 1_000 });
      let calls = 0;
      b.handle("/ubn/small/1", async () => {
        calls++;
        return utf8("ok");
      });
      expect(await errorCode(a.request(b.id, "/ubn/small/1", randomBytes(5_000)))).toBe("NET_RESET");
      await until("b to penalize a", () => b.score(a.id) < 0);
      expect(calls).toBe(0);
      // Our own cap is checked before anything is sent.
      expect(await errorCode(b.request(a.id, "/ubn/small/1", randomBytes(1_001)))).toBe("NET_TOO_LARGE");
    });

    test("our own per-peer budget refuses calls past the burst with NET_RATE_LIMITED", async () => {
      const { a, b } = await pair({ requestsPerSecond: 2 });
      b.handle("/ubn/ping/1", async () => utf8("pong"));
      // 2/s with a burst of 4: the fifth call in a row is refused before anything is sent.
      const results: string[] = [];
      for (let i = 0; i < 5; i++) results.push(await errorCode(a.request(b.id, "/ubn/ping/1", utf8("ping"))));
      expect(results).toEqual(["resolved", "resolved", "resolved", "resolved", "NET_RATE_LIMITED"]);
      expect(b.score(a.id)).toBe(0);
    });

    test("past the burst, the responder resets the stream and penalizes lightly", async () => {
      const { a, b } = await pair({}, { requestsPerSecond: 5 });
      b.handle("/ubn/ping/1", async () => utf8("pong"));
      const results: string[] = [];
      for (let i = 0; i < 14; i++) results.push(await errorCode(a.request(b.id, "/ubn/ping/1", utf8("ping"))));
      const firstFailure = results.findIndex((r) => r !== "resolved");
      expect(firstFailure).toBeGreaterThanOrEqual(10);
      expect(results.slice(firstFailure)).toContain("NET_RESET");
      expect(b.score(a.id)).toBeLessThan(0);
      expect(b.score(a.id)).toBeGreaterThan(-10); // light penalties: far from a ban
      expect(b.peers()).toContain(a.id);
    });
  });

  test("a direct message reaches the onDirect handler with the sender's id", async () => {
    const { a, b } = await pair();
    const got: string[] = [];
    b.onDirect("/ubn/vote/1", (from, data) => {
      got.push(`${from}:${new TextDecoder().decode(data)}`);
      return new TextDecoder().decode(data) === "forged" ? "reject" : "accept";
    });
    await a.send(b.id, "/ubn/vote/1", utf8("vote 7"));
    await until("the vote to arrive", () => got.length === 1);
    expect(got).toEqual([`${a.id}:vote 7`]);
    await a.send(b.id, "/ubn/vote/1", utf8("forged"));
    await until("b to penalize a for the forged vote", () => b.score(a.id) < 0);
    // Direct messages are not bound by gossipsub's limit: a whole 4 MiB block fits.
    const sizes: number[] = [];
    b.onDirect("/ubn/block/1", (_from, data) => {
      sizes.push(data.length);
      return "accept";
    });
    await a.send(b.id, "/ubn/block/1", randomBytes(4 * 1024 * 1024));
    await until("the block to arrive", () => sizes.length === 1);
    expect(sizes).toEqual([4 * 1024 * 1024]);
  });

  test("direct messages to a peer keep their order on one long-lived stream, reopened after a reset", async () => {
    const { a, b } = await pair();
    const got: number[] = [];
    b.onDirect("/ubn/seq/1", (_from, data) => {
      got.push(data[0] as number);
      return "accept";
    });
    // Sent without waiting for each other: the writes queue on the same stream.
    await Promise.all(Array.from({ length: 60 }, (_, i) => a.send(b.id, "/ubn/seq/1", Uint8Array.of(i))));
    await until("60 messages", () => got.length === 60);
    expect(got).toEqual(Array.from({ length: 60 }, (_, i) => i));
    // The stream broken under it (as when the peer's process dies), the next message opens a new one.
    const libp2p = (
      a as unknown as { node: { getConnections(): { streams: { protocol?: string; abort(e: Error): void }[] }[] } }
    ).node;
    const open = libp2p.getConnections().flatMap((c) => c.streams.filter((s) => s.protocol === "/ubn/seq/1"));
    expect(open).toHaveLength(1);
    for (const stream of open) stream.abort(new Error("test"));
    await until("the next message after the reset", async () => {
      await a.send(b.id, "/ubn/seq/1", Uint8Array.of(99)).catch(() => {});
      return got.includes(99);
    });
  });

  test("a peer announcing a 1 GiB request is cut off at once and penalized", async () => {
    const b = await start();
    b.handle("/ubn/echo/1", async (_from, request) => request);
    // A bare libp2p node, so the test can write a raw length prefix that Network never would.
    const seed = randomBytes(32);
    const raw = await createLibp2p({
      privateKey: await generateKeyPairFromSeed("Ed25519", seed),
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
    });
    try {
      const stream = await raw.dialProtocol(multiaddr(b.listenAddresses()[0] as string), "/ubn/echo/1");
      const closed = new Promise<StreamCloseEvent>((r) => stream.addEventListener("close", r, { once: true }));
      const started = Date.now();
      stream.send(encodeLength(2 ** 30));
      const event = await closed;
      expect(event.error).toBeDefined(); // a reset, not a clean close
      expect(Date.now() - started).toBeLessThan(2_000); // well inside the 5 s read deadline
      await until("b to penalize the sender", () => b.score(toHex(ed25519.getPublicKey(seed))) < 0);
    } finally {
      await raw.stop();
    }
  });

  test("penalized to the threshold: disconnected, and refused both ways during the ban", async () => {
    const { a, b } = await pair({}, { redialIntervalMs: 300 });
    a.handle("/ubn/ping/1", async () => utf8("pong"));
    b.handle("/ubn/ping/1", async () => utf8("pong"));
    a.penalize(b.id, "test: misbehaved", 30);
    expect(a.isBanned(b.id)).toBe(false);
    expect(a.peers()).toContain(b.id);
    a.penalize(b.id, "test: misbehaved again", 30);
    expect(a.isBanned(b.id)).toBe(true);
    await until("the connection to drop", () => !a.peers().includes(b.id) && !b.peers().includes(a.id));
    // b keeps redialing a (a is its bootstrap peer); a keeps refusing.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(a.peers()).not.toContain(b.id);
    expect(await errorCode(b.request(a.id, "/ubn/ping/1", utf8("ping")))).toBe("NET_NO_PEER");
    expect(await errorCode(a.request(b.id, "/ubn/ping/1", utf8("ping")))).toBe("NET_NO_PEER");
  });

  test("a peer that restarts on the same port is redialed by one that has it as bootstrap", async () => {
    const seed = randomBytes(32);
    const b = await start({ secretKey: seed });
    const bAddress = b.listenAddresses()[0] as string;
    const port = /\/tcp\/(\d+)\//.exec(bAddress)?.[1];
    const a = await start({ bootstrap: [bAddress], redialIntervalMs: 500 });
    await until("a to reach b", () => a.peers().includes(b.id));
    expect(a.departed(b.id)).toBe(false);
    await b.stop();
    await until("a to see b gone", () => !a.peers().includes(b.id));
    // Gone after being connected: departed, until it is back.
    await until("a to count b departed", () => a.departed(b.id));
    const b2 = await start({ secretKey: seed, listen: [`/ip4/127.0.0.1/tcp/${port}`] });
    expect(b2.id).toBe(b.id);
    await until("a to find b again", () => a.peers().includes(b.id) && b2.peers().includes(a.id));
    expect(a.departed(b.id)).toBe(false);
    // A peer never connected is not departed: not being connected says nothing about being up.
    expect(a.departed(toHex(ed25519.getPublicKey(randomBytes(32))))).toBe(false);
  });

  test("after stop, calls fail with NET_CLOSED", async () => {
    const { a, b } = await pair();
    await a.stop();
    expect(await errorCode(a.request(b.id, "/ubn/ping/1", utf8("ping")))).toBe("NET_CLOSED");
    expect(await errorCode(a.publish("t", utf8("x")))).toBe("NET_CLOSED");
    await a.stop(); // twice is fine
  });
});
