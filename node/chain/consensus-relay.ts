// Consensus messages between this node's engine and the network. Incoming ones pass cheap
// checks (consensus-gossip.ts) before they are queued for the engine, and the blocks they carry
// are kept (PendingBlocks). Outgoing broadcasts go on gossip, except repeats, which go straight
// to every validator: gossip drops a message it has seen (ids are hashes of the bytes), but the
// engine repeats a message on purpose (its timeout, each time the round timer fires) so that
// validators that were down or cut off get it. Sync requests for kept blocks are answered from
// them, for this node's engine and for peers'. A gossiped proposal is forwarded only once this
// node has validated its block (block-verdicts.ts).
import { createHash } from "node:crypto";
import { blockHash, decodeMessage, encodeMessage, type Message, type PayloadDigest } from "../../consensus/index.ts";
import { toHex } from "../../crypto/index.ts";
import { evictOldest } from "../evict-oldest.ts";
import type { Verdict } from "../net/interface.ts";
import type { ChainTip } from "./block-store.ts";
import { BlockVerdicts } from "./block-verdicts.ts";
import { checkConsensusMessage } from "./consensus-gossip.ts";
import type { PendingBlocks } from "./pending-blocks.ts";

export interface RelayNetwork {
  peers(): string[];
  publish(topic: string, data: Uint8Array): Promise<void>;
  send(peer: string, protocol: string, data: Uint8Array): Promise<void>;
}

export interface ConsensusRelayModules {
  /** The chain id consensus signs with. */
  chainId: string;
  /** What a block hash commits to of its payload (a shard block: its header). */
  payloadDigest: PayloadDigest;
  validatorIds: ReadonlySet<string>;
  topic: string;
  directProtocol: string;
  network: RelayNetwork;
  pending: PendingBlocks;
  tip(): ChainTip;
  /** Hands a message to the engine (null when this node runs none). */
  deliver: ((from: string, bytes: Uint8Array) => void) | null;
  /** Whether the engine runs now (not while the node catches up by fast sync). */
  engineRunning(): boolean;
  /** Changes each time the engine stops, so a new engine gets fresh local answers. */
  engineGeneration(): number;
  /** A proposal this node made: its block hash and payload. */
  proposed(hash: Uint8Array, round: bigint, payload: Uint8Array): void;
  log: { debug(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

const REMEMBERED_BROADCASTS = 1024;
/** How long a gossiped proposal waits for this node's verdict on its block before it is dropped. */
const PROPOSAL_VERDICT_TIMEOUT_MS = 2000;

export class ConsensusRelay {
  private readonly m: ConsensusRelayModules;
  /** Hashes of the messages this node gossiped. */
  private readonly published = new Set<string>();
  private readonly verdicts = new BlockVerdicts(PROPOSAL_VERDICT_TIMEOUT_MS);

  constructor(modules: ConsensusRelayModules) {
    this.m = modules;
  }

  /**
   * A message from the network; `peer` is the authenticated sender of a direct one. A gossiped
   * proposal's verdict (whether gossip forwards it) waits for this node's validation of its
   * block: accepted if the block is valid, otherwise ignored, which neither forwards it nor
   * blames the peer (a block this node refuses, for its clock or its view, may be fine).
   */
  receive(data: Uint8Array, via: "gossip" | "direct", peer?: string): Verdict | Promise<Verdict> {
    const deliver = this.m.deliver;
    if (deliver === null || !this.m.engineRunning()) return "ignore";
    const check = checkConsensusMessage(data, this.m.chainId, this.m.validatorIds, via, this.m.payloadDigest);
    if (!check.ok) {
      this.m.log.debug({ peer, reason: check.reason }, "invalid consensus message");
      return "reject";
    }
    this.keepBlocks(check.message);
    if (via === "direct" && peer !== undefined) {
      const answer = this.localSyncAnswer(data, null);
      if (answer !== null) this.sendTo(peer, answer);
    }
    // Direct messages come from an authenticated peer; gossip is attributed to its signer.
    deliver(via === "direct" ? (peer as string) : (check.author ?? peer ?? ""), data);
    if (via === "gossip" && check.blockHash !== undefined) {
      return this.verdicts.wait(toHex(check.blockHash)).then((valid) => (valid === true ? "accept" : "ignore"));
    }
    return "accept";
  }

  /** This node's engine validated a proposed block (re-executed its payload). */
  judged(blockHash: Uint8Array, valid: boolean): void {
    this.verdicts.judged(toHex(blockHash), valid);
  }

  /** Ends the waits of gossiped proposals (the node stops). */
  stop(): void {
    this.verdicts.stop();
  }

  /** The engine's broadcast. */
  broadcast(bytes: Uint8Array): void {
    // Our own engine's message: decoded for its blocks, not checked (that would verify our own
    // signature on every message we send).
    const m = decodeMessage(bytes);
    this.keepBlocks(m);
    if (m.kind === "proposal")
      this.m.proposed(blockHash(this.m.chainId, m.block, this.m.payloadDigest), m.block.round, m.block.payload);
    const id = createHash("sha256").update(bytes).digest("hex");
    if (this.published.has(id)) {
      for (const peer of this.m.network.peers()) if (this.m.validatorIds.has(peer)) this.sendTo(peer, bytes);
      return;
    }
    if (this.published.size >= REMEMBERED_BROADCASTS) evictOldest(this.published);
    this.published.add(id);
    void this.m.network.publish(this.m.topic, bytes).catch(() => {});
  }

  /**
   * The engine's message to one validator. A sync request for blocks this node kept (after a
   * restart, the engine no longer knows the blocks above its committed tip) is answered here
   * at once as well, as if by the validator asked.
   */
  send(to: string, bytes: Uint8Array): void {
    const local = this.localSyncAnswer(bytes, this.m.engineGeneration());
    if (local !== null) this.m.deliver?.(to, local);
    this.sendTo(to, bytes);
  }

  private sendTo(peer: string, bytes: Uint8Array): void {
    void this.m.network.send(peer, this.m.directProtocol, bytes).catch(() => {});
  }

  /** Keeps the blocks of proposals and sync responses (see PendingBlocks). */
  private keepBlocks(m: Message): void {
    const blocks = m.kind === "proposal" ? [m.block] : m.kind === "sync-response" ? m.blocks : [];
    if (blocks.length === 0) return;
    this.m.pending
      .add(blocks, this.m.tip().height)
      .catch((e) => this.m.log.warn({ err: String(e) }, "could not keep a block"));
  }

  /**
   * A sync response from the kept blocks to a sync request, or null. `engine` is set for our
   * own engine's request, which is answered once per block (KeptBlocks.answerOwn).
   */
  private localSyncAnswer(bytes: Uint8Array, engine: number | null): Uint8Array | null {
    if (this.m.pending.size === 0) return null;
    let m: Message;
    try {
      m = decodeMessage(bytes);
    } catch {
      return null;
    }
    if (m.kind !== "sync-request") return null;
    const hex = toHex(m.blockHash);
    const tip = this.m.tip().hash;
    const r =
      engine === null
        ? this.m.pending.syncResponse(hex, tip, m.maxBlocks)
        : this.m.pending.answerOwn(engine, hex, tip, m.maxBlocks);
    return r === null ? null : encodeMessage({ kind: "sync-response", ...r });
  }
}
