// Reading a request body with a hard cap, so a client cannot make the node buffer more than
// maxBytes however it frames the body (declared length or chunked).
import type { IncomingMessage } from "node:http";

/** Resolves to the body, or to null as soon as it is known to exceed maxBytes. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    req.on("data", (chunk: Buffer) => {
      if (settled) return; // past the cap: the rest is read and dropped until the socket closes
      size += chunk.length;
      if (size > maxBytes) {
        settled = true;
        chunks.length = 0;
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks, size));
    });
    req.on("error", (e) => {
      if (settled) return;
      settled = true;
      reject(e);
    });
    req.on("close", () => {
      if (settled) return;
      settled = true;
      reject(new Error("the client closed the connection before the body ended"));
    });
  });
}
