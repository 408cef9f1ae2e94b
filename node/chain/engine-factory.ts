// The consensus engine of one chain of this node, resumed from the chain's committed tip (the
// shard runners and the beacon runner make theirs the same way).
import { createEngine, type JolteonEngine, type PayloadDigest, type ValidatorSet } from "../../consensus/index.ts";
import type { ChainTip } from "./block-store.ts";
import { consensusSignatures } from "./consensus-signatures.ts";

export interface ChainEngineSpec {
  chainId: string;
  genesisHash: Uint8Array;
  self: string;
  baseTimeoutMs: number;
  maxTimeoutMs: number;
  payloadDigest?: PayloadDigest;
  validators: ValidatorSet;
  signer: (message: Uint8Array) => Uint8Array;
}

export function chainEngine(spec: ChainEngineSpec, tip: ChainTip, persisted: Uint8Array | undefined): JolteonEngine {
  const { validators, signer, ...config } = spec;
  return createEngine(config, {
    validators,
    signer,
    verify: (items) => items.map((it) => consensusSignatures.verify(it.publicKey, it.message, it.signature)),
    persisted,
    resumeFrom: { epoch: tip.epoch, round: tip.round, height: tip.height, hash: tip.hash },
  });
}
