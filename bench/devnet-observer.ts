// The devnet benchmark's view of finality: every final block of every shard, in height order,
// each with the time this process learned of it.
//
// On one shard the node pushes each final block over a WebSocket (the finalizedHeads
// subscription) and a poll once a second only fills gaps (a block the push skipped or one that
// came before it was subscribed). Polling every 25 ms instead (a blockNumber call 40 times a
// second and each new block fetched) cost about 5% of the validators' CPU per transaction at
// 2,000 tx/s (docs/benchmarks.md), load the network under test should not carry; a push also
// times a block when it is final, not when the next poll finds it. Sharded networks are polled
// every 25 ms, per shard (the subscription covers the node's default chain only).
import { type ClientBlock, type RpcClient, RpcSocket, wsUrlOf } from "../rpc/index.ts";

const FAST_POLL_MS = 25;
const GAP_POLL_MS = 1000;

export type BlockSeen = (shard: number, block: ClientBlock, seenAt: number) => void;

export class BlockObserver {
  private readonly client: RpcClient;
  private readonly shards: number;
  private readonly onBlock: BlockSeen;
  private readonly heights: bigint[] = [];
  /** Per shard, the work on it in order (a push and a poll never interleave). */
  private readonly queues: Promise<void>[] = [];
  private socket: RpcSocket | null = null;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private wake: (() => void) | null = null;

  /** @param onBlock called once per final block, in height order per shard. */
  constructor(client: RpcClient, shards: number, onBlock: BlockSeen) {
    this.client = client;
    this.shards = shards;
    this.onBlock = onBlock;
  }

  /**
   * Starts following from the current heights. `tick` runs after each round of polls (the
   * benchmark's other periodic reads).
   */
  async start(tick: () => Promise<void> = async () => {}): Promise<void> {
    for (let k = 0; k < this.shards; k++) {
      this.heights.push(await this.client.blockNumber(k));
      this.queues.push(Promise.resolve());
    }
    if (this.shards === 1) await this.subscribe();
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        for (let k = 0; k < this.shards; k++) await this.enqueue(k, () => this.poll(k));
        await tick();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.socket === null ? FAST_POLL_MS : GAP_POLL_MS);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
      }
    })();
  }

  /** Whether final blocks come pushed over the WebSocket (else polled every 25 ms). */
  get pushing(): boolean {
    return this.socket !== null;
  }

  /** Stops after the current round; blocks seen so far have all been reported. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await Promise.all(this.queues);
    await this.socket?.close();
    this.socket = null;
  }

  private async subscribe(): Promise<void> {
    try {
      const socket = await RpcSocket.connect(wsUrlOf(this.client.url));
      await socket.subscribe(
        "finalizedHeads",
        undefined,
        (block) => {
          const seenAt = Date.now();
          void this.enqueue(0, () => this.pushed(block, seenAt));
        },
        () => this.fallBack(),
      );
      void socket.closed.then(() => this.fallBack());
      this.socket = socket;
    } catch {
      // No WebSocket: the fast polls see every block anyway.
      this.socket = null;
    }
  }

  /** The push stopped (socket closed, a notification unreadable): poll fast from now on. */
  private fallBack(): void {
    this.socket = null;
    this.wake?.();
  }

  private async pushed(block: ClientBlock, seenAt: number): Promise<void> {
    const next = (this.heights[0] as bigint) + 1n;
    if (block.height < next) return;
    // Something came before it unseen: fetch the gap first, so blocks stay in order.
    if (block.height > next) await this.poll(0, block.height - 1n);
    if (block.height !== (this.heights[0] as bigint) + 1n) return;
    this.heights[0] = block.height;
    this.onBlock(0, block, seenAt);
  }

  /** Reports the blocks above the last one reported, up to `upTo` or the node's height. */
  private async poll(k: number, upTo?: bigint): Promise<void> {
    const top = upTo ?? (await this.client.blockNumber(k).catch(() => this.heights[k] as bigint));
    for (let h = (this.heights[k] as bigint) + 1n; h <= top; h++) {
      const b = await this.client.getBlockByNumber(h, false, k).catch(() => null);
      if (b === null) break;
      this.heights[k] = h;
      this.onBlock(k, b, Date.now());
    }
  }

  private enqueue(k: number, work: () => Promise<void>): Promise<void> {
    const next = (this.queues[k] as Promise<void>).then(work).catch(() => {});
    this.queues[k] = next;
    return next;
  }
}
