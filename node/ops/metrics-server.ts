// GET /metrics on a port of its own, so Prometheus can scrape a node whose RPC port is closed
// (or the other way around), and scraping never competes with wallets for the RPC limits.
import { createServer } from "node:http";
import { closeServer, listen } from "../../rpc/http-listen.ts";
import type { NodeMetrics } from "./metrics.ts";

export interface MetricsServerOptions {
  /** Default "127.0.0.1": metrics reveal load and peers, so exposing them is an explicit choice. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
}

export interface MetricsServer {
  /** Base URL; metrics are at `${url}/metrics`. */
  url: string;
  /** Stops the server; safe to call more than once. */
  close(): Promise<void>;
}

export async function startMetricsServer(metrics: NodeMetrics, opts: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?", 1)[0];
    if (path !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found: metrics are at /metrics\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" }).end("use GET\n");
      return;
    }
    metrics.render().then(
      (text) => {
        res.writeHead(200, { "content-type": metrics.contentType, "content-length": Buffer.byteLength(text) });
        res.end(text);
      },
      () => {
        // A failing collector (a default metric on an odd platform) must not take the scrape down
        // with an unhandled rejection; Prometheus records the failed scrape.
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end("metrics collection failed\n");
      },
    );
  });
  const url = await listen(server, opts.host ?? "127.0.0.1", opts.port);
  let closing: Promise<void> | undefined;
  return { url, close: () => (closing ??= closeServer(server)) };
}
