// The cost of one gossip message through our libp2p stack (TCP on loopback, Noise, Yamux,
// gossipsub), and what the Yamux window-update hysteresis (node/net/yamux-window.ts) saves:
// two Networks in this process, one publishing `messages` distinct messages of `size` bytes to
// the other, timed by this process's CPU (both ends), in alternating rounds with the library's
// window updates (one per data frame) and ours (one per half window). The first round of each
// kind is a warm-up and is not reported.
import { randomBytes } from "node:crypto";
import { YamuxStream } from "@chainsafe/libp2p-yamux/stream";
import { Network } from "../node/net/index.ts";
import { halfWindowSendWindowUpdate, librarySendWindowUpdate } from "../node/net/yamux-window.ts";
import { median } from "./util.ts";

export interface NetBenchOptions {
  messages: number;
  size: number;
  /** Timed rounds per kind. */
  rounds: number;
}

export const defaultNetBenchOptions: NetBenchOptions = { messages: 10_000, size: 1000, rounds: 3 };

export interface NetBenchResult {
  /** Median CPU microseconds per message, both ends, with window updates once per half window. */
  half_window_us_per_msg: number;
  /** The same with the library's window update after every data frame. */
  every_frame_us_per_msg: number;
  /** half_window / every_frame. */
  ratio: number;
  half_window_runs_us: number[];
  every_frame_runs_us: number[];
  messages: number;
  size: number;
}

const TOPIC = "/ubn-bench/net/1";

export async function runNetBench(o: NetBenchOptions, onRound?: (line: string) => void): Promise<NetBenchResult> {
  const a = await Network.create({ secretKey: randomBytes(32), listen: ["/ip4/127.0.0.1/tcp/0"] });
  const b = await Network.create({
    secretKey: randomBytes(32),
    listen: ["/ip4/127.0.0.1/tcp/0"],
    bootstrap: a.listenAddresses(),
  });
  let received = 0;
  b.subscribe(TOPIC, () => {
    received++;
    return "accept";
  });
  a.subscribe(TOPIC, () => "accept");
  const runs = { half: [] as number[], every: [] as number[] };
  try {
    await deadline("the two nodes to exchange gossip", 20_000, async () => {
      await a.publish(TOPIC, randomBytes(32));
      await sleep(100);
      return received > 0;
    });
    for (let round = 0; round <= o.rounds; round++) {
      for (const kind of ["every", "half"] as const) {
        YamuxStream.prototype.sendWindowUpdate = kind === "half" ? halfWindowSendWindowUpdate : librarySendWindowUpdate;
        received = 0;
        const start = process.cpuUsage();
        for (let i = 0; i < o.messages; i++) {
          await a.publish(TOPIC, randomBytes(o.size));
          // Let the receiver keep up, as a node's peers do, instead of queueing everything.
          if (i % 20 === 19) await sleep(1);
        }
        await deadline(`${o.messages} messages to arrive`, 60_000, async () => {
          await sleep(5);
          return received >= o.messages;
        });
        const used = process.cpuUsage(start);
        const us = (used.user + used.system) / o.messages;
        if (round > 0) runs[kind].push(Math.round(us * 10) / 10);
        onRound?.(
          `${round === 0 ? "warm-up" : `round ${round}`}, window update ${kind === "half" ? "per half window" : "per frame"}: ${us.toFixed(1)} us/message`,
        );
      }
    }
  } finally {
    YamuxStream.prototype.sendWindowUpdate = halfWindowSendWindowUpdate;
    await Promise.all([a.stop(), b.stop()]);
  }
  const half = median(runs.half);
  const every = median(runs.every);
  return {
    half_window_us_per_msg: half,
    every_frame_us_per_msg: every,
    ratio: Math.round((half / every) * 1000) / 1000,
    half_window_runs_us: runs.half,
    every_frame_runs_us: runs.every,
    messages: o.messages,
    size: o.size,
  };
}

export function formatNetBench(r: NetBenchResult): string {
  return [
    `gossip messages of ${r.size} bytes, ${r.messages} per round, CPU of both ends:`,
    `  window update per half window: ${r.half_window_us_per_msg} us/message (${r.half_window_runs_us.join(", ")})`,
    `  window update per data frame:  ${r.every_frame_us_per_msg} us/message (${r.every_frame_runs_us.join(", ")})`,
    `  ratio: ${r.ratio}`,
  ].join("\n");
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function deadline(what: string, ms: number, done: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
}
