// The load client's HTTP: JSON bodies POSTed over kept-alive connections with node:http. The
// client shares the machine with the nodes it measures, so every millisecond it spends is one
// the validators do not get: with fetch (undici, its parser in WebAssembly and its bodies as web
// streams) the client took 5.4% of all CPU at 2,000 tx/s, half of it inside undici.
import { Agent, request } from "node:http";

export class JsonPoster {
  // No cap on sockets: the load is open loop, so a batch must not queue behind an unanswered one.
  // A timeout, so that Node's agent closes an idle socket a second before the server's
  // `Keep-Alive: timeout=5` hint says the server will: without one it keeps idle sockets
  // forever, reuses first the one freed last, and so sent a burst down a socket left idle for
  // more than 5 s that the server was closing at that moment (ECONNRESET, the batch lost).
  private readonly agent = new Agent({ keepAlive: true, timeout: 30_000 });

  /**
   * POSTs `body` (JSON) to `url` and resolves with the answer's text whatever its status: a
   * JSON-RPC server answers a refused batch (429 over a rate limit) with the reasons in the body.
   */
  post(url: string, body: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: "POST",
          agent: this.agent,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  /** Closes the idle kept-alive connections. */
  close(): void {
    this.agent.destroy();
  }
}
