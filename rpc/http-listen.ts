// Starting and stopping a node:http server as promises, shared by the RPC server and the node's
// other HTTP endpoints (metrics).
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

/** How long close() lets requests in progress finish before cutting their connections. */
const CLOSE_GRACE_MS = 1000;

/** Listens and resolves to the server's base URL (with the actual port when port was 0). */
export function listen(server: Server, host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const { address, port: actual } = server.address() as AddressInfo;
      const shown = address.includes(":") ? `[${address}]` : address;
      resolve(`http://${shown}:${actual}`);
    });
  });
}

/**
 * Stops accepting connections, closes idle keep-alive ones at once and the others after a short
 * grace, so a shutdown is never held up by a client that keeps its connection open.
 */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) {
      resolve();
      return;
    }
    const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
    cut.unref();
    server.close((e) => {
      clearTimeout(cut);
      if (e === undefined) resolve();
      else reject(e);
    });
    server.closeIdleConnections();
  });
}
