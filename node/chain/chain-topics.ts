// A chain's presence on the network: its gossip topics (transactions, consensus), its direct
// consensus protocol and the blocks protocol fast sync asks. The blocks and direct protocols
// are answered for the node's whole life; the topics are joined only while the node follows
// the chain (node/shards/shard-following.ts), so a validator not seated on a shard neither
// receives nor relays its transactions and votes.

import { EncodingError } from "../../crypto/index.ts";
import type { Verdict } from "../net/interface.ts";
import { blocksProtocol, serveBlocks } from "../sync/protocol.ts";
import type { BlockStore } from "./block-store.ts";
import type { ChainNetwork } from "./chain-ports.ts";

export interface ChainTopicsModules {
  network: ChainNetwork;
  chainId: string;
  /** The chain's name on the network: "shard-0". */
  name: string;
  store: BlockStore;
  tipHeight: () => bigint;
  onTx: (from: string, data: Uint8Array) => Verdict | Promise<Verdict>;
  onConsensus: (data: Uint8Array) => Verdict | Promise<Verdict>;
  onDirect: (from: string, data: Uint8Array) => Verdict | Promise<Verdict>;
}

export class ChainTopics {
  private readonly m: ChainTopicsModules;
  private joined = false;

  constructor(modules: ChainTopicsModules) {
    this.m = modules;
  }

  topic(kind: "tx" | "consensus"): string {
    return `/ubn/${this.m.chainId}/${this.m.name}/${kind}/1`;
  }

  get directProtocol(): string {
    return `/ubn/${this.m.chainId}/${this.m.name}/consensus-direct/1`;
  }

  get blocksProtocol(): string {
    return blocksProtocol(this.m.chainId, this.m.name);
  }

  /** Answers the blocks and direct protocols from now on. */
  serve(): void {
    const net = this.m.network;
    net.handle(this.blocksProtocol, async (from, req) => {
      try {
        return await serveBlocks(this.m.store, this.m.tipHeight(), req);
      } catch (e) {
        if (e instanceof EncodingError) net.penalize(from, "blocks request does not decode");
        throw e;
      }
    });
    net.onDirect(this.directProtocol, (from, data) => this.m.onDirect(from, data));
  }

  /** Reads the chain's transactions and consensus gossip (while the node follows the chain). */
  join(): void {
    if (this.joined) return;
    const net = this.m.network;
    net.subscribe(this.topic("tx"), (from, data) => this.m.onTx(from, data));
    net.subscribe(this.topic("consensus"), (_from, data) => this.m.onConsensus(data));
    this.joined = true;
  }

  leave(): void {
    const net = this.m.network;
    if (!this.joined || net.unsubscribe === undefined) return;
    net.unsubscribe(this.topic("tx"));
    net.unsubscribe(this.topic("consensus"));
    this.joined = false;
  }
}
