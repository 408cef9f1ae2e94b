// Test clients for the transport tests: a WebSocket client that records every message and can
// wait for one by content (never by time), and a raw HTTP request for headers fetch() will not
// send (Host).
import { request } from "node:http";
import WebSocket, { type ClientOptions } from "ws";

export type Json = any;

export class TestWs {
  readonly ws: WebSocket;
  readonly received: Json[] = [];
  /** Resolves when the connection closes, with the server's close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly waiters: { match: (m: Json) => boolean; resolve: (m: Json) => void }[] = [];
  private readonly taken = new Set<number>();
  private nextId = 1;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on("message", (data) => {
      const message = JSON.parse(String(data));
      const index = this.received.push(message) - 1;
      for (const w of [...this.waiters]) {
        if (!this.taken.has(index) && w.match(message)) {
          this.taken.add(index);
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(message);
        }
      }
    });
    this.closed = new Promise((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: String(reason) })));
  }

  /** Opens a connection; rejects with "HTTP <status>" when the server refuses the upgrade. */
  static open(url: string, options: ClientOptions = {}): Promise<TestWs> {
    const ws = new WebSocket(url.replace(/^http/, "ws"), options);
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve(new TestWs(ws)));
      ws.once("unexpected-response", (_req, res) => {
        reject(new Error(`HTTP ${res.statusCode}`));
        res.resume();
        ws.terminate();
      });
      ws.once("error", reject);
    });
  }

  send(message: Json): void {
    this.ws.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** The first message matching, received already (and not taken by an earlier wait) or later. */
  next(match: (m: Json) => boolean): Promise<Json> {
    const index = this.received.findIndex((m, i) => !this.taken.has(i) && match(m));
    if (index >= 0) {
      this.taken.add(index);
      return Promise.resolve(this.received[index]);
    }
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  /** Sends a request and resolves to its response. */
  call(method: string, params: unknown[] = []): Promise<Json> {
    const id = this.nextId++;
    this.send({ jsonrpc: "2.0", id, method, params });
    return this.next((m) => !Array.isArray(m) && m.id === id);
  }

  /** The result of a call that must succeed. */
  async result(method: string, params: unknown[] = []): Promise<Json> {
    const response = await this.call(method, params);
    if (response.error !== undefined) throw new Error(`${method} failed: ${JSON.stringify(response.error)}`);
    return response.result;
  }

  /** The next notification of a subscription. */
  notification(subscription: string): Promise<Json> {
    return this.next((m) => m.method === "ubn_subscription" && m.params.subscription === subscription).then(
      (m) => m.params.result,
    );
  }

  /** Every notification of a subscription received so far, in order. */
  notificationsOf(subscription: string): Json[] {
    return this.received
      .filter((m) => m.method === "ubn_subscription" && m.params.subscription === subscription)
      .map((m) => m.params.result);
  }

  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) {
      this.ws.close();
      await this.closed;
    }
  }
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: Json;
}

/** An HTTP request with exactly the headers given (fetch() would set its own Host). */
export function rawRequest(
  url: string,
  opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${opts.path ?? "/"}`,
      { method: opts.method ?? "POST", headers: opts.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: Json;
          try {
            body = text === "" ? undefined : JSON.parse(text);
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        });
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** A JSON-RPC POST with fetch; the response parsed. */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text === "" ? undefined : (JSON.parse(text) as Json) };
}

/** ubn_blockNumber over HTTP: what every test checks the server still answers after abuse. */
export async function stillAnswers(url: string): Promise<string> {
  const { status, body } = await postJson(url, { jsonrpc: "2.0", id: 1, method: "ubn_blockNumber", params: [] });
  if (status !== 200) throw new Error(`the server answered HTTP ${status}`);
  return body.result;
}
