// Keeping in touch with the bootstrap peers: each is dialed at start and again on every tick
// while we have no connection to it. A peer that restarts (same key, same address) is found again
// within one interval, whichever side went away; there is no discovery protocol to fall back on.
import type { Libp2p, PeerId } from "@libp2p/interface";
import { peerIdFromString } from "@libp2p/peer-id";
import { type Multiaddr, multiaddr } from "@multiformats/multiaddr";
import { describeError, NetError, NetErrorCode } from "./errors.ts";
import { isEd25519, peerIdToHex } from "./identity.ts";
import type { NetLogger } from "./interface.ts";

export interface BootstrapTarget {
  address: Multiaddr;
  peerId: PeerId;
  /** Hex id. */
  peer: string;
}

/** Parses "/ip4/.../tcp/.../p2p/<peerId>" addresses; throws NET_INVALID_ARGUMENT naming the bad one. */
export function parseBootstrap(addresses: readonly string[]): BootstrapTarget[] {
  return addresses.map((text) => {
    let address: Multiaddr;
    let peerId: PeerId;
    try {
      address = multiaddr(text);
      const p2p = address.getComponents().find((c) => c.name === "p2p")?.value;
      if (p2p === undefined) throw new Error("it does not end in /p2p/<peer id>");
      peerId = peerIdFromString(p2p);
    } catch (e) {
      throw new NetError(NetErrorCode.invalidArgument, `bootstrap address "${text}": ${describeError(e)}`, {}, e);
    }
    if (!isEd25519(peerId)) {
      throw new NetError(
        NetErrorCode.invalidArgument,
        `bootstrap address "${text}": the peer id is not an Ed25519 key`,
      );
    }
    return { address, peerId, peer: peerIdToHex(peerId) };
  });
}

export interface RedialerDeps {
  intervalMs: number;
  dialTimeoutMs: number;
  isBanned(peer: string): boolean;
  log: NetLogger;
}

export class Redialer {
  private readonly node: Libp2p;
  private readonly targets: readonly BootstrapTarget[];
  private readonly deps: RedialerDeps;
  private readonly dialing = new Set<string>();
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | undefined;

  constructor(node: Libp2p, targets: readonly BootstrapTarget[], deps: RedialerDeps) {
    this.node = node;
    this.targets = targets;
    this.deps = deps;
  }

  start(): void {
    if (this.targets.length === 0) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.deps.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.stopping.abort();
  }

  private tick(): void {
    for (const target of this.targets) {
      if (this.dialing.has(target.peer) || this.deps.isBanned(target.peer)) continue;
      if (this.node.getConnections(target.peerId).length > 0) continue;
      this.dialing.add(target.peer);
      const signal = AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.deps.dialTimeoutMs)]);
      this.node
        .dial(target.address, { signal })
        .catch((e) => {
          if (!this.stopping.signal.aborted) {
            this.deps.log.debug({ peer: target.peer, err: describeError(e) }, "bootstrap dial failed, will retry");
          }
        })
        .finally(() => this.dialing.delete(target.peer));
    }
  }
}
