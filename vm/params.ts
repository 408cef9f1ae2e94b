// The protocol parameters the state machine reads. They come from the genesis (genesis/
// maps its file onto this shape); the VM itself knows nothing about files.
export const TX_TYPES = ["transfer", "stake", "unstake", "register_validator"] as const;
export type TxType = (typeof TX_TYPES)[number];

export interface VmParams {
  chainId: string;
  fees: {
    /** Base units per byte of the encoded signed transaction. */
    perByte: bigint;
    /** Base units added per transaction, by type. */
    perType: Record<TxType, bigint>;
  };
  /** Blocks between an unstake and the return of the funds to the balance. */
  unbondingPeriodBlocks: bigint;
  /** Minted to the block's proposer in every block that names one. */
  blockReward: bigint;
  /** A block with more transactions is invalid. */
  maxBlockTxs: number;
  /**
   * Which chain this state machine runs, when the network has several: a shard number or
   * BEACON_CHAIN (vm/cross-shard/receipt.ts). Absent: one chain holds every account.
   */
  chain?: { id: number; shardCount: number };
}

/** The default of the genesis parameter maxBlockTxs (genesis/params.ts); benchmarks use it too. */
export const DEFAULT_MAX_BLOCK_TXS = 20_000;
