// createEngine: checks the host's options, restores the safety state, and hands inputs to the
// core. Configuration errors throw here, once, with what to fix; after that nothing the
// network or the host sends makes handle() throw.
import { fromHex, HexError, sha256 } from "../crypto/index.ts";
import { Core } from "./core.ts";
import { ConsensusError, ConsensusErrorCode } from "./errors.ts";
import type {
  Action,
  ConsensusEngine,
  CreateEngine,
  EngineModules,
  EngineOptions,
  Input,
  ValidatorId,
} from "./interface.ts";
import { MAX_CHAIN_ID_LENGTH } from "./messages.ts";
import { decodeSafetyState, initialSafetyState, SafetyRules } from "./safety.ts";
import type { EngineStats, EngineStatus } from "./stats.ts";

export type { EngineStats, EngineStatus };

/** The engine of the interface, plus counters for the simulator and benchmarks. */
export interface JolteonEngine extends ConsensusEngine {
  stats(): EngineStats;
  status(): EngineStatus;
  /** A timeout of the current round was counted (this validator's or another's). */
  roundUnderway(): boolean;
  /** The current round's leader and the next round's, who collects its votes. */
  roundLeaders(): { proposer: ValidatorId; collector: ValidatorId };
}

export function createEngine(opts: EngineOptions, modules: EngineModules): JolteonEngine {
  const selfKey = checkOptions(opts);
  const fresh = initialSafetyState(opts.chainId, opts.self, modules.validators.epoch, opts.genesisHash);
  const state = modules.persisted === undefined ? fresh : decodeSafetyState(modules.persisted);
  if (state.chainId !== opts.chainId || state.self !== opts.self) {
    throw new ConsensusError(
      ConsensusErrorCode.invalidPersistedState,
      `persisted safety state belongs to ${state.self} on ${state.chainId}, not ${opts.self} on ${opts.chainId}`,
    );
  }
  const resume = modules.resumeFrom;
  if (resume !== undefined && resume.height > state.committed.height) {
    // Committing is not a vote: moving the committed tip up to a block the host proved final
    // cannot make this validator sign anything it would not have signed otherwise.
    state.committed = { epoch: resume.epoch, round: resume.round, height: resume.height, hash: resume.hash };
  }
  const skipVoteSafetyCheck = modules.breakRules?.skipVoteSafetyCheck === true;
  const safety = new SafetyRules(state, modules.persisted ?? null, modules.signer, selfKey, skipVoteSafetyCheck);
  const core = new Core(
    {
      chainId: opts.chainId,
      genesisHash: opts.genesisHash,
      self: opts.self,
      selfKey,
      baseTimeoutMs: opts.baseTimeoutMs,
      maxTimeoutMs: opts.maxTimeoutMs,
      payloadDigest: opts.payloadDigest ?? sha256,
      validators: modules.validators,
      verify: modules.verify,
      signer: modules.signer,
    },
    safety,
  );
  let started = false;
  return {
    start(): Action[] {
      if (started) return [];
      started = true;
      return core.start();
    },
    handle(input: Input): Action[] {
      switch (input?.kind) {
        case "message":
          return core.onMessage(input.from, input.bytes);
        case "timer":
          return core.onTimer(input.id);
        case "payload":
          if (typeof input.round !== "bigint") return [];
          return core.onPayload(input.round, input.payload);
        case "no-payload":
          if (typeof input.round !== "bigint") return [];
          return core.onNoPayload(input.round);
        case "payload-verdict":
          if (!(input.blockHash instanceof Uint8Array)) return [];
          return core.onVerdict(input.blockHash, input.valid);
        case "validator-set":
          return core.onValidatorSet(input.set, input.fromHeight);
        default:
          return [];
      }
    },
    stats: () => structuredClone(core.stats),
    status: () => core.status(),
    roundUnderway: () => core.roundUnderway(),
    roundLeaders: () => core.roundLeaders(),
  };
}

createEngine satisfies CreateEngine;

function checkOptions(opts: EngineOptions): Uint8Array {
  const fail = (why: string): never => {
    throw new ConsensusError(ConsensusErrorCode.invalidOptions, why);
  };
  if (typeof opts.chainId !== "string" || opts.chainId.length === 0 || opts.chainId.length > MAX_CHAIN_ID_LENGTH) {
    fail(`chainId must be 1 to ${MAX_CHAIN_ID_LENGTH} characters`);
  }
  if (!(opts.genesisHash instanceof Uint8Array) || opts.genesisHash.length !== 32) fail("genesisHash must be 32 bytes");
  const base = opts.baseTimeoutMs;
  const max = opts.maxTimeoutMs;
  if (!Number.isSafeInteger(base) || base < 1 || !Number.isSafeInteger(max) || max < base) {
    fail(`timeouts must be whole milliseconds with 1 <= base (${base}) <= max (${max})`);
  }
  if (typeof opts.self !== "string" || opts.self !== opts.self.toLowerCase()) fail("self must be a lower-case hex id");
  try {
    return fromHex(opts.self, 32);
  } catch (e) {
    if (e instanceof HexError) return fail(`self is not a 32-byte hex public key: ${e.message}`);
    throw e;
  }
}
