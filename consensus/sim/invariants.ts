// The properties every run is checked against. Each checker is a pure function of commit logs,
// so tests can feed it hand-made logs, and the runner calls the same functions at the end of a
// run.
//
//   Agreement: no two honest instances commit different blocks at the same height. Honest means
//     every instance except those of a twinned validator (its key signs on two instances at once,
//     which is Byzantine behaviour). A crashed-and-restarted validator stays honest.
//   Chain validity (checked for every instance, twins included): a log starts at height 1 on the
//     genesis hash, each commit's height is the previous one plus one and its parent is the
//     previous commit's hash.
//   Liveness: let GST be the time from which the network is stable (every partition healed,
//     every loss window closed, every crashed validator that will restart has restarted) and H
//     the highest height any honest instance had committed at GST. Every honest instance that is
//     up at the end of the run must commit a block above H no later than GST + W, where
//     W = LIVENESS_ROUNDS * (maxTimeoutMs + 2 * maxDelayMs): LIVENESS_ROUNDS rounds, each
//     waiting out at most the largest round timeout plus the two message delays that gather a
//     timeout certificate and carry it to the next leader.
//     Why a number of rounds: a block commits once three consecutive rounds have correct
//     leaders (the block's round, the round whose proposal certifies it, the round whose QC
//     certifies that child). The engine draws each round's leader from a hash of the round,
//     weighted by stake, so with a faulty share p of the stake (p <= 1/3) a run of R rounds
//     without three consecutive correct leaders has probability about 0.82^R at p = 1/3
//     (the largest root of x^3 = p x^2 + p q x + p q^2, q = 1 - p). At R = 60 that is under
//     1e-5 per run, so a liveness failure is an engine problem, not bad luck with leaders.

export interface CommitRecord {
  height: number;
  round: number;
  /** Hex of the block hash. */
  hash: string;
  /** Hex of the parent's hash. */
  parent: string;
  proposer: string;
  /** Virtual time of the commit, ms. */
  atMs: number;
}

export interface CommitLog {
  /** Instance index in the run (validators first, then the second instances of twins). */
  instance: number;
  /** Validator id (hex public key); twins share one. */
  id: string;
  honest: boolean;
  commits: CommitRecord[];
}

const short = (hex: string): string => hex.slice(0, 12);

/** Violations of chain validity in one log: gaps, repeats, commits that do not extend the chain. */
export function checkChainValidity(log: CommitLog, genesisHash: string): string[] {
  const problems: string[] = [];
  let height = 0;
  let hash = genesisHash;
  for (const c of log.commits) {
    if (c.height !== height + 1) {
      problems.push(
        `instance ${log.instance} committed height ${c.height} after height ${height} (expected ${height + 1})`,
      );
    }
    if (c.parent !== hash) {
      problems.push(
        `instance ${log.instance} committed ${short(c.hash)} at height ${c.height} with parent ${short(c.parent)}, ` +
          `which does not extend its previous commit ${short(hash)} at height ${height}`,
      );
    }
    height = c.height;
    hash = c.hash;
  }
  return problems;
}

/** Violations of agreement among the honest logs: two different blocks at one height. */
export function checkAgreement(logs: readonly CommitLog[]): string[] {
  const problems: string[] = [];
  const first = new Map<number, { hash: string; instance: number }>();
  for (const log of logs) {
    if (!log.honest) continue;
    for (const c of log.commits) {
      const seen = first.get(c.height);
      if (seen === undefined) first.set(c.height, { hash: c.hash, instance: log.instance });
      else if (seen.hash !== c.hash) {
        problems.push(
          `fork at height ${c.height}: instance ${seen.instance} committed ${short(seen.hash)}, ` +
            `instance ${log.instance} committed ${short(c.hash)}`,
        );
      }
    }
  }
  return problems;
}

export interface LivenessInput {
  logs: readonly CommitLog[];
  /** Instances that are up at the end of the run (crashed-for-good ones are not judged). */
  upAtEnd: readonly boolean[];
  gstMs: number;
  windowMs: number;
}

/** Rounds of the liveness window (see above). */
export const LIVENESS_ROUNDS = 60;

/** W of the liveness definition above. */
export function livenessWindowMs(maxTimeoutMs: number, maxDelayMs: number): number {
  return LIVENESS_ROUNDS * (maxTimeoutMs + 2 * maxDelayMs);
}

/** The highest height committed by an honest instance at or before `atMs` (0 if none). */
export function honestHeightAt(logs: readonly CommitLog[], atMs: number): number {
  let h = 0;
  for (const log of logs) {
    if (!log.honest) continue;
    for (const c of log.commits) if (c.atMs <= atMs && c.height > h) h = c.height;
  }
  return h;
}

/**
 * null when live; otherwise why not. Call it only on a run that lasted until every judged
 * instance made progress or until GST + W: a run stopped earlier has not had its chance.
 */
export function checkLiveness(input: LivenessInput): string | null {
  const { logs, upAtEnd, gstMs, windowMs } = input;
  const base = honestHeightAt(logs, gstMs);
  const deadline = gstMs + windowMs;
  const stuck: number[] = [];
  for (const log of logs) {
    if (!log.honest || !upAtEnd[log.instance]) continue;
    if (!log.commits.some((c) => c.height > base && c.atMs <= deadline)) stuck.push(log.instance);
  }
  if (stuck.length === 0) return null;
  return (
    `no new block above height ${base} by ${Math.round(deadline)} ms (GST ${Math.round(gstMs)} ms + ` +
    `window ${Math.round(windowMs)} ms) at honest instance(s) ${stuck.join(", ")}`
  );
}
