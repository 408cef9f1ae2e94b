// A minimal JSON-RPC client over Node's global WebSocket, for the coverage test: calls by id,
// and every ubn_subscription notification kept in arrival order.
export interface JsonRpcAnswer {
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export interface Notification {
  subscription: string;
  result: unknown;
}

export class WsJsonRpc {
  readonly notifications: Notification[] = [];
  private readonly socket: WebSocket;
  private readonly pending = new Map<number, (answer: JsonRpcAnswer) => void>();
  private nextId = 1;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.addEventListener("message", (event) => this.receive(String(event.data)));
    socket.addEventListener("close", () => {
      for (const done of this.pending.values()) done({ error: { code: 0, message: "the WebSocket closed" } });
      this.pending.clear();
    });
  }

  static open(url: string): Promise<WsJsonRpc> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.addEventListener("open", () => resolve(new WsJsonRpc(socket)), { once: true });
      socket.addEventListener("error", () => reject(new Error(`cannot open a WebSocket to ${url}`)), { once: true });
    });
  }

  call(method: string, params: unknown[]): Promise<JsonRpcAnswer> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.socket.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    });
  }

  close(): void {
    this.socket.close();
  }

  private receive(text: string): void {
    const message = JSON.parse(text) as JsonRpcAnswer & { id?: number; method?: string; params?: Notification };
    if (message.method === "ubn_subscription" && message.params !== undefined) {
      this.notifications.push(message.params);
      return;
    }
    const done = message.id === undefined ? undefined : this.pending.get(message.id);
    if (done === undefined) return;
    this.pending.delete(message.id as number);
    done(message);
  }
}

export async function httpJsonRpc(url: string, method: string, params: unknown[]): Promise<JsonRpcAnswer> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const text = await res.text();
  try {
    return JSON.parse(text) as JsonRpcAnswer;
  } catch {
    throw new Error(`HTTP ${res.status} from ${method}, not JSON: ${text.slice(0, 200)}`);
  }
}
