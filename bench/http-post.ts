// The load client's one HTTP call: POST a JSON body and read the answer, over node:http with
// kept-alive connections. The client shares the machine with the nodes it measures, and
// fetch (undici, with its web streams) spent several times the CPU per request that this does.
import { Agent, request } from "node:http";

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

export function postJson(url: string, body: string, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if ((res.statusCode ?? 0) >= 400) reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
          else resolve(text);
        });
        res.on("error", reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** Closes the kept-alive connections so the process can exit. */
export function closeConnections(): void {
  agent.destroy();
}
