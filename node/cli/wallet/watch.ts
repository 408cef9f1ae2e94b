// `ubn wallet watch`: blocks as they are executed and as they become final and, for an address,
// each change of its account, pushed over WebSocket until Ctrl-C (or the node goes away).
import { type ClientAccount, type ClientBlock, RpcSocket, type Unsubscribe } from "../../../rpc/client.ts";
import { jsonReplacer, type Output } from "../output.ts";
import { accountJson, isc, short } from "./show.ts";

export interface WatchOptions {
  ws: string;
  address: string | undefined;
  out: Output;
  /** Resolves when the user asks to stop (SIGINT, SIGTERM). */
  stop: Promise<void>;
}

export async function watch(opts: WatchOptions): Promise<void> {
  const { out, address } = opts;
  const socket = await RpcSocket.connect(opts.ws);
  const emit = (data: Record<string, unknown>, human: string) => {
    if (out.json) process.stdout.write(`${JSON.stringify(data, jsonReplacer)}\n`);
    else out.text(human);
  };
  const head = (event: string, label: string) => (b: ClientBlock) =>
    emit(
      { event, height: b.height, hash: b.hash, transactions: b.transactions.length, timeMs: b.timeMs },
      `${label} ${b.height}  ${short(b.hash)}  ${b.transactions.length} tx`,
    );
  const account = (a: ClientAccount) =>
    emit(
      { event: "account", ...accountJson(address as string, a) },
      `account   ${address}: ${isc(a.balance)}, nonce ${a.nonce} (block ${a.height})`,
    );
  let failed: Error | undefined;
  const onError = (e: Error) => {
    failed ??= e;
  };
  const stops: Unsubscribe[] = [];
  try {
    if (address !== undefined) account(await socket.getAccount(address));
    stops.push(await socket.subscribe("newHeads", undefined, head("newHead", "new      "), onError));
    stops.push(await socket.subscribe("finalizedHeads", undefined, head("finalized", "finalized"), onError));
    if (address !== undefined) stops.push(await socket.subscribe("accountChanges", address, account, onError));
    if (!out.json) out.note(`watching ${opts.ws}${address === undefined ? "" : ` and ${address}`}; Ctrl-C stops`);
    const ended = await Promise.race([opts.stop.then(() => "stopped" as const), socket.closed]);
    if (ended !== "stopped") {
      throw (
        failed ?? new Error(`the node closed the connection (${ended.code}${ended.reason ? ` ${ended.reason}` : ""})`)
      );
    }
    await Promise.all(stops.map((s) => s()));
  } finally {
    await socket.close();
  }
}
