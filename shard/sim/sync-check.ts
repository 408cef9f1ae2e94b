// The simulated nodes' fast sync: every SYNC_CHECK_MS each host compares its chain with the
// peers it can reach, and one whose chain has not moved since the last check while a peer holds
// more than SYNC_GAP blocks more fetches them (verified) and restarts its engine there.
import type { Network } from "../../consensus/sim/network.ts";
import type { ChainHost } from "./chain-host.ts";
import { BEACON_INDEX, type SimValidator } from "./validator.ts";

export const SYNC_CHECK_MS = 500;
// Any block: at an epoch hand-over, validators that missed the quorum certificate committing
// the epoch's last block stay one block behind for good (the members who committed it have
// moved to the next epoch and no longer answer the old one's messages; the new epoch's members
// among the laggards cannot start it). The host's sync is what gets them over it.
const SYNC_GAP = 0;

/** A validator's hosts, beacon first. */
export function hostsOf(v: SimValidator): ChainHost[] {
  return v.hosts ? [v.hosts.beacon, ...v.hosts.shards] : [];
}

/**
 * One sync check over all hosts per call. `catchUp` is scheduled for a host that should fetch
 * from `from` (the run delays it by a round trip).
 */
export function syncChecker(
  validators: readonly SimValidator[],
  network: Network,
  now: () => number,
  catchUp: (host: ChainHost, from: ChainHost) => void,
): () => void {
  const lastSeen = new Map<ChainHost, number>();
  return () => {
    for (const v of validators) {
      for (const host of hostsOf(v)) {
        const mine = host.committedHeight;
        const stalled = lastSeen.get(host) === mine;
        lastSeen.set(host, mine);
        if (!host.up || !stalled) continue;
        let best: ChainHost | null = null;
        for (const u of validators) {
          const peer = host.chain === BEACON_INDEX ? u.hosts?.beacon : u.hosts?.shards[host.chain];
          if (peer === undefined || u === v || !peer.up || !network.connected(v.index, u.index, now())) continue;
          if (peer.committedHeight > mine + SYNC_GAP && (best === null || peer.committedHeight > best.committedHeight))
            best = peer;
        }
        if (best !== null) catchUp(host, best);
      }
    }
  };
}
