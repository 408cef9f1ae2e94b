// The contract between the consensus engine and whatever hosts it (the node, the simulator,
// tests). The engine is a state machine in the style of etcd's raft library: the host feeds it
// inputs and carries out the actions it returns, in order. The engine never reads a clock,
// draws randomness, touches the network or the disk; everything of that kind is an action.
//
// Ordering contract for the host, per call to handle():
//   - a `persist` action must be durable before any `send`/`broadcast` that follows it in the
//     same list is released (a restarted validator must never sign two conflicting messages);
//   - `commit` actions arrive in chain order, each block exactly once per engine lifetime
//     (after a restart, the host skips commits at or below the height it already applied).

/** A validator's id: its Ed25519 public key in lower-case hex. */
export type ValidatorId = string;

export interface Validator {
  id: ValidatorId;
  publicKey: Uint8Array;
  /** Voting power; quorum is more than 2/3 of the total. */
  stake: bigint;
}

export interface ValidatorSet {
  epoch: bigint;
  /** Sorted by id; ids are unique. */
  validators: readonly Validator[];
}

/** Signs canonical bytes with this validator's key (the host holds the key). */
export type Signer = (message: Uint8Array) => Uint8Array;

/** Checks many signatures at once; one boolean per item, in order. Synchronous on purpose. */
export type BatchVerify = (
  items: readonly { publicKey: Uint8Array; message: Uint8Array; signature: Uint8Array }[],
) => boolean[];

export interface EngineOptions {
  chainId: string;
  /** Hash of the genesis block: the root every chain of blocks starts from (height 0, round 0). */
  genesisHash: Uint8Array;
  /** This validator's id; must be in the validator set. */
  self: ValidatorId;
  /** Timeout of a round after `n` consecutive timeouts: min(base * 2^n, max), in ms. */
  baseTimeoutMs: number;
  maxTimeoutMs: number;
  /** What block hashes commit to of a payload; sha256 of all of it unless given (see messages.ts). */
  payloadDigest?: (payload: Uint8Array) => Uint8Array;
}

/**
 * What the engine must find again after a restart, exactly as it last handed it out in a
 * `persist` action. Opaque to the host: store the bytes, give them back.
 */
export type SafetyStateBytes = Uint8Array;

export type TimerId = string;

/** A consensus message. Opaque to the host, which moves it between engines as bytes. */
export type MessageBytes = Uint8Array;

export type Input =
  /** A message from another validator (or from a twin of ourselves: same id, other instance). */
  | { kind: "message"; from: ValidatorId; bytes: MessageBytes }
  /** A timer set by a `set-timer` action has fired. */
  | { kind: "timer"; id: TimerId }
  /**
   * The host's payload for a round in which this validator leads (answer to `request-payload`).
   * Never empty: empty payloads are reserved for the suffix blocks of an epoch hand-over.
   */
  | { kind: "payload"; round: bigint; payload: Uint8Array }
  /**
   * The host has nothing to propose yet in a round it was asked for (it does not make empty
   * blocks): the engine announces its highest QC, which the others may need to commit what
   * this leader committed. The request stays open; a payload may still follow.
   */
  | { kind: "no-payload"; round: bigint }
  /** The host's verdict on a proposed payload (answer to `validate-payload`). */
  | { kind: "payload-verdict"; blockHash: Uint8Array; valid: boolean }
  /** The validator set of the next epoch, once known (from the beacon chain). */
  | { kind: "validator-set"; set: ValidatorSet; fromHeight: bigint };

export interface CommittedBlock {
  height: bigint;
  round: bigint;
  epoch: bigint;
  hash: Uint8Array;
  parent: Uint8Array;
  proposer: ValidatorId;
  payload: Uint8Array;
  /** Canonical bytes of the quorum certificate that certifies this block, for sync. */
  certificate: Uint8Array;
  /** Canonical bytes of the whole block (blockCodec), so a syncing node can recompute its hash. */
  encoded: Uint8Array;
  /**
   * On the last block of a commit: what proves this block final to a node that holds nothing
   * above it (fast sync, light followers).
   */
  proof?: CommitProof;
}

/**
 * A committed block's 2-chain proof: the blocks from its child up to the certified block that
 * committed it (canonical blockCodec bytes), and the QC that certifies the last of them. For a
 * plain commit that is the child alone, from the next round. For the last block of an epoch it
 * may run through the epoch's empty suffix blocks (block-tree.ts), whose last two are in
 * consecutive rounds. None of these blocks is final itself.
 */
export interface CommitProof {
  /** The committed block's child. */
  child: Uint8Array;
  /** The blocks above the child up to the certified one, oldest first: empty for a plain commit. */
  above: Uint8Array[];
  /** Certifies the last of child and above. */
  certificate: Uint8Array;
}

/** Suffix blocks a commit proof carries at most above the child; a longer run gets no proof. */
export const MAX_PROOF_BLOCKS_ABOVE = 16;

export type Action =
  | { kind: "persist"; state: SafetyStateBytes }
  | { kind: "send"; to: ValidatorId; bytes: MessageBytes }
  | { kind: "broadcast"; bytes: MessageBytes }
  | { kind: "commit"; block: CommittedBlock }
  /** Fire `id` after `delayMs` of host time; a new set-timer with the same id replaces the old one. */
  | { kind: "set-timer"; id: TimerId; delayMs: number }
  | { kind: "cancel-timer"; id: TimerId }
  /** This validator leads `round`: the host answers with a `payload` input. */
  | { kind: "request-payload"; round: bigint; parentHash: Uint8Array; height: bigint }
  /** Is this proposed payload valid on top of its parent? The host answers with `payload-verdict`. */
  | {
      kind: "validate-payload";
      blockHash: Uint8Array;
      parentHash: Uint8Array;
      height: bigint;
      /** The block's round (reported with the block, e.g. to RPC subscribers). */
      round: bigint;
      /** The block's proposer (its execution may pay the proposer). */
      proposer: ValidatorId;
      payload: Uint8Array;
    };

export interface ConsensusEngine {
  /** Actions to take when the engine starts (or restarts from persisted safety state). */
  start(): Action[];
  handle(input: Input): Action[];
}

export interface EngineModules {
  /** The validator set of the first epoch. */
  validators: ValidatorSet;
  signer: Signer;
  verify: BatchVerify;
  /** The bytes of the last `persist` action, when restarting; undefined on a first start. */
  persisted?: SafetyStateBytes;
  /**
   * A committed block the host already holds above the persisted committed tip (it caught up
   * by fast sync while the engine was stopped): the engine starts its block tree there instead.
   * Only the committed tip moves; every voting rule of the persisted state is kept as it was.
   */
  resumeFrom?: { epoch: bigint; round: bigint; height: bigint; hash: Uint8Array };
  /**
   * Test-only switches that break one safety rule each, so the simulator can show that its
   * checker catches the violation. Never set outside tests.
   */
  breakRules?: { skipVoteSafetyCheck?: boolean };
}

export type CreateEngine = (opts: EngineOptions, modules: EngineModules) => ConsensusEngine;
