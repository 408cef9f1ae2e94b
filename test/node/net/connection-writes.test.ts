// One socket write per Noise frame (node/net/connection-writes.ts): the patch is in place on the
// pinned libraries, keeps the bytes as they were, and over a real connection no frame's 2-byte
// length leaves in a write of its own.
import { randomBytes } from "node:crypto";
import { Socket } from "node:net";
import { AbstractMultiaddrConnection } from "@libp2p/utils";
import { Uint8ArrayList } from "uint8arraylist";
import { afterEach, describe, expect, it, vi } from "vitest";
import { joined, joinedSend } from "../../../node/net/connection-writes.ts";
import { Network } from "../../../node/net/index.ts";

const nodes: Network[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
});

async function start(bootstrap: string[] = []): Promise<Network> {
  const node = await Network.create({ secretKey: randomBytes(32), listen: ["/ip4/127.0.0.1/tcp/0"], bootstrap });
  nodes.push(node);
  return node;
}

async function until(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("connection writes", () => {
  it("are patched on the pinned libraries", async () => {
    await import("../../../node/net/network.ts");
    expect(AbstractMultiaddrConnection.prototype.send).toBe(joinedSend);
  });

  it("join a list into one buffer with the same bytes, and pass one buffer through uncopied", () => {
    const prefix = Uint8Array.of(0x08, 0x16);
    const body = randomBytes(2070);
    const list = new Uint8ArrayList(prefix, body);
    const one = joined(list);
    expect(one.length).toBe(2072);
    expect(Buffer.from(one).equals(Buffer.concat([prefix, body]))).toBe(true);
    const plain = new Uint8Array(body);
    expect(joined(plain)).toBe(plain);
    expect(joined(new Uint8ArrayList(plain))).toBe(plain);
  });

  it("send each Noise frame of a real connection in one socket write", async () => {
    const a = await start();
    const b = await start(a.listenAddresses());
    await until("a and b to connect", () => a.peers().includes(b.id) && b.peers().includes(a.id));
    const received: number[] = [];
    b.onDirect("/ubn/test/1", (_from, data) => {
      received.push(data.length);
      return "accept";
    });
    const writes: number[] = [];
    const write = Socket.prototype.write;
    vi.spyOn(Socket.prototype, "write").mockImplementation(function (this: Socket, ...args: unknown[]) {
      const chunk = args[0];
      if (chunk instanceof Uint8Array) writes.push(chunk.length);
      return (write as (...a: unknown[]) => boolean).apply(this, args);
    });
    for (const size of [10, 200, 2_000, 70_000]) await a.send(b.id, "/ubn/test/1", randomBytes(size));
    await until("the messages to arrive", () => received.length === 4);
    expect(received).toEqual([10, 200, 2_000, 70_000]);
    // Without the patch every frame goes out as a 2-byte write, then its ciphertext.
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.filter((n) => n === 2)).toEqual([]);
  });
});
