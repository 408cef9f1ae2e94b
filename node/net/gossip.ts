// Gossip: how gossipsub is configured for UBN, and how a topic's handler becomes its validator.
//
// Messages are unsigned at the gossipsub layer (StrictNoSign): ours carry their own signatures,
// so a libp2p signature, key and sequence number on each would be bytes and CPU for nothing.
// Without them a message's id is the SHA-256 of its bytes: the same bytes published twice, even
// on two topics, are one message and delivered once.
//
// The handler runs as gossipsub's topic validator, so a message is forwarded only after the
// handler accepted it, and gossipsub's own scoring sees every reject. Handlers should be quick
// (gossipsub asks for well under a second): peers that asked for a message wait on it. (The other route,
// asyncValidation + reportMessageValidationResult, is not on the GossipSub interface that
// @libp2p/gossipsub 17 exports.)
import { createHash } from "node:crypto";
import type { GossipSub, GossipsubOpts, Message, TopicValidatorFn } from "@libp2p/gossipsub";
import { StrictNoSign, TopicValidatorResult } from "@libp2p/gossipsub";
import { describeError, NetError, NetErrorCode } from "./errors.ts";
import { peerIdToHex } from "./identity.ts";
import type { GossipHandler, NetLogger, Verdict } from "./interface.ts";
import { GOSSIPSUB_MAX_RPC_BYTES } from "./options.ts";

/** Messages being judged at once; past this new ones are ignored rather than queued without end. */
const MAX_PENDING_VALIDATIONS = 1024;

export function messageId(msg: Message): Uint8Array {
  return createHash("sha256").update(msg.data).digest();
}

/**
 * @param appScore our score of a peer (by libp2p peer id string), fed into gossipsub's so a peer
 *   we penalized gets less of our gossip well before it is banned.
 */
export function gossipOptions(appScore: (peerId: string) => number): Partial<GossipsubOpts> {
  return {
    globalSignaturePolicy: StrictNoSign,
    msgIdFn: messageId,
    emitSelf: false,
    allowPublishToZeroTopicPeers: true,
    ignoreDuplicatePublishError: true,
    fallbackToFloodsub: false,
    doPX: false,
    // The cap on one inbound RPC frame, checked before decoding: what a gossipsub 17 peer can send
    // at most. Over it, gossipsub drops the peer's gossip stream for as long as the connection
    // lasts, so it must not be below what honest peers send; a single message over
    // maxGossipBytes inside an RPC is caught by the validator instead.
    maxInboundDataLength: GOSSIPSUB_MAX_RPC_BYTES,
    scoreParams: {
      appSpecificScore: appScore,
      appSpecificWeight: 1,
      // A local devnet runs every node on 127.0.0.1; colocation scoring would graylist them.
      IPColocationFactorWhitelist: new Set(["127.0.0.1"]),
    },
  };
}

export interface GossipDeps {
  maxGossipBytes: number;
  log: NetLogger;
  penalize(peer: string, reason: string, weight?: number): void;
}

export class GossipRouter {
  private readonly pubsub: GossipSub;
  private readonly deps: GossipDeps;
  private pending = 0;

  constructor(pubsub: GossipSub, deps: GossipDeps) {
    this.pubsub = pubsub;
    this.deps = deps;
  }

  subscribe(topic: string, handler: GossipHandler): void {
    if (this.pubsub.topicValidators.has(topic)) {
      throw new NetError(NetErrorCode.invalidArgument, `topic ${topic} already has a handler`);
    }
    this.pubsub.topicValidators.set(topic, this.validator(topic, handler));
    this.pubsub.subscribe(topic);
  }

  /** Leaves `topic`: its handler is dropped and peers stop sending us its messages. */
  unsubscribe(topic: string): void {
    this.pubsub.topicValidators.delete(topic);
    this.pubsub.unsubscribe(topic);
  }

  async publish(topic: string, data: Uint8Array): Promise<void> {
    if (data.length > this.deps.maxGossipBytes) {
      throw new NetError(
        NetErrorCode.tooLarge,
        `gossip message of ${data.length} bytes on ${topic} is over the cap of ${this.deps.maxGossipBytes}`,
      );
    }
    await this.pubsub.publish(topic, data);
  }

  private validator(topic: string, handler: GossipHandler): TopicValidatorFn {
    return async (peerId, msg) => {
      let from: string;
      try {
        from = peerIdToHex(peerId);
      } catch {
        return TopicValidatorResult.Reject;
      }
      if (msg.data.length > this.deps.maxGossipBytes) {
        this.deps.penalize(from, `gossip message of ${msg.data.length} bytes on ${topic}, over the cap`);
        return TopicValidatorResult.Reject;
      }
      if (this.pending >= MAX_PENDING_VALIDATIONS) {
        this.deps.log.debug({ topic, from }, "gossip validation queue full, message ignored");
        return TopicValidatorResult.Ignore;
      }
      this.pending++;
      let verdict: Verdict;
      try {
        verdict = await handler(from, msg.data);
      } catch (e) {
        this.deps.log.debug({ topic, from, err: describeError(e) }, "gossip handler failed, message ignored");
        return TopicValidatorResult.Ignore;
      } finally {
        this.pending--;
      }
      if (verdict === "reject") this.deps.penalize(from, `gossip message rejected on ${topic}`);
      return toValidatorResult(verdict);
    };
  }
}

function toValidatorResult(verdict: Verdict): TopicValidatorResult {
  switch (verdict) {
    case "accept":
      return TopicValidatorResult.Accept;
    case "reject":
      return TopicValidatorResult.Reject;
    default:
      // Anything else from a handler (a typo in plain JS) must not forward the message.
      return TopicValidatorResult.Ignore;
  }
}
