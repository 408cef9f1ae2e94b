// The load client's HTTP call: answers come back whole, connections are reused, and an HTTP
// error or a silent server is an error rather than a hang.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeConnections, postJson } from "../../bench/http-post.ts";

let server: Server;
let url: string;
const sockets = new Set<unknown>();

beforeAll(async () => {
  server = createServer((req, res) => {
    sockets.add(req.socket);
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      if (req.url === "/fail") {
        res.writeHead(500).end("broken");
        return;
      }
      if (req.url === "/silent") return;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ echo: JSON.parse(body) }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  closeConnections();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe("postJson", () => {
  it("returns the answer's text and reuses its connection", async () => {
    const big = "x".repeat(200_000);
    for (let i = 0; i < 5; i++) {
      expect(JSON.parse(await postJson(`${url}/`, JSON.stringify({ i, big })))).toEqual({ echo: { i, big } });
    }
    expect(sockets.size).toBe(1);
  });

  it("rejects on an HTTP error status, with the status in the message", async () => {
    await expect(postJson(`${url}/fail`, "{}")).rejects.toThrow(/HTTP 500/);
  });

  it("gives up on a server that never answers", async () => {
    await expect(postJson(`${url}/silent`, "{}", 200)).rejects.toThrow(/no answer within 200 ms/);
  });
});
