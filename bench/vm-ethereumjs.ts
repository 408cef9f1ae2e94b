// The baseline of `ubn bench vm`: one block of N signed value transfers executed by
// @ethereumjs/vm, as an Ethereum client would execute a block it received.
//
// Setup (untimed): N funded accounts from deterministic keys, N signed EIP-1559 transfers (tx i
// from account i to account i+1 mod N), serialized into one block with a valid transaction trie.
// Timed: decoding the block bytes, then `runBlock` with `generate: true`, which validates the
// block data (every signature by sender recovery, the transaction trie), runs every transaction
// (nonce, balance, gas and fee checks, the transfer, the tip to the coinbase) and computes the
// state root of the in-memory Merkle Patricia trie (the default MerkleStateManager).
// Only header validation is skipped: it needs the parent header, which a lone block lacks.

import { createHash } from "node:crypto";
import { type Block, createBlock, createBlockFromRLP, genTransactionsTrieRoot } from "@ethereumjs/block";
import { Common, Hardfork, Mainnet } from "@ethereumjs/common";
import { createFeeMarket1559Tx, type FeeMarket1559Tx } from "@ethereumjs/tx";
import { type Address, createAccount, createAddressFromPrivateKey, createAddressFromString } from "@ethereumjs/util";
import { createVM, runBlock, type VM } from "@ethereumjs/vm";

const HARDFORK = Hardfork.Prague;
const GAS_PER_TRANSFER = 21_000n;
const BASE_FEE = 1_000_000_000n; // 1 gwei
const TIP = 1_000_000_000n; // 1 gwei to the coinbase per unit of gas
const INITIAL_BALANCE = 10n ** 18n;
const COINBASE = "0x00000000000000000000000000000000c014ba5e";

/** A block made and signed before timing, executable any number of times on fresh state. */
export interface EthereumjsBlock {
  txs: number;
  hardfork: string;
  addresses: Address[];
  /** Value of transfer i (from account i to account i+1 mod N). */
  values: bigint[];
  /** The block as RLP bytes, as it would arrive from the network. */
  bytes: Uint8Array;
}

export interface EthereumjsRun {
  ms: number;
  stateRoot: Uint8Array;
  gasUsed: bigint;
}

function common(): Common {
  return new Common({ chain: Mainnet, hardfork: HARDFORK });
}

/** The secp256k1 key of account i: SHA-256 of a fixed label and i (always below the curve order in practice). */
function privateKey(i: number): Uint8Array {
  return new Uint8Array(createHash("sha256").update(`ubn-bench-vm-ethereumjs-${i}`).digest());
}

function transferValue(i: number): bigint {
  return 1_000_000n + BigInt(i);
}

/** Keys, accounts and N signed transfers in one block; signing takes a few seconds for 10,000. */
export async function prepareEthereumjsBlock(txs: number): Promise<EthereumjsBlock> {
  if (!Number.isInteger(txs) || txs < 2) throw new RangeError(`txs must be an integer >= 2, got ${txs}`);
  const c = common();
  const keys = Array.from({ length: txs }, (_, i) => privateKey(i));
  const addresses = keys.map((k) => createAddressFromPrivateKey(k));
  const values = Array.from({ length: txs }, (_, i) => transferValue(i));
  const signed: FeeMarket1559Tx[] = keys.map((key, i) =>
    createFeeMarket1559Tx(
      {
        chainId: c.chainId(),
        nonce: 0n,
        maxPriorityFeePerGas: TIP,
        maxFeePerGas: BASE_FEE + TIP,
        gasLimit: GAS_PER_TRANSFER,
        to: addresses[(i + 1) % txs],
        value: values[i],
      },
      { common: c },
    ).sign(key),
  );
  const block = createBlock(
    {
      header: {
        number: 1n,
        timestamp: 1_700_000_000n,
        gasLimit: GAS_PER_TRANSFER * BigInt(txs) + 1_000_000n,
        baseFeePerGas: BASE_FEE,
        coinbase: createAddressFromString(COINBASE),
        transactionsTrie: await genTransactionsTrieRoot(signed),
        parentBeaconBlockRoot: new Uint8Array(32),
        blobGasUsed: 0n,
        excessBlobGas: 0n,
      },
      transactions: signed,
    },
    { common: c },
  );
  return { txs, hardfork: HARDFORK, addresses, values, bytes: block.serialize() };
}

/** A VM whose state holds the N funded accounts, with their trie already built (untimed). */
export async function freshEthereumjsVm(prepared: EthereumjsBlock): Promise<VM> {
  const vm = await createVM({ common: common() });
  for (const address of prepared.addresses) {
    await vm.stateManager.putAccount(address, createAccount({ nonce: 0n, balance: INITIAL_BALANCE }));
  }
  await vm.stateManager.getStateRoot();
  return vm;
}

/** The timed part: decode the block, validate and run it, compute the state root. */
export async function runEthereumjsBlock(vm: VM, prepared: EthereumjsBlock): Promise<EthereumjsRun> {
  const start = performance.now();
  const block: Block = createBlockFromRLP(prepared.bytes, { common: vm.common });
  const result = await runBlock(vm, { block, generate: true, skipHeaderValidation: true });
  const ms = performance.now() - start;
  const failed = result.results.findIndex((r) => r.execResult.exceptionError !== undefined);
  if (failed >= 0)
    throw new Error(
      `ethereumjs: transaction ${failed} failed: ${result.results[failed]?.execResult.exceptionError?.error}`,
    );
  if (result.results.length !== prepared.txs) {
    throw new Error(`ethereumjs: ${result.results.length} of ${prepared.txs} transactions ran`);
  }
  return { ms, stateRoot: result.stateRoot, gasUsed: result.gasUsed };
}

/**
 * Checks, after the run, that every account paid its transfer and fee, received its
 * predecessor's transfer and has nonce 1, and that the coinbase received every tip.
 */
export async function checkEthereumjsState(vm: VM, prepared: EthereumjsBlock, run: EthereumjsRun): Promise<void> {
  const n = prepared.txs;
  if (run.gasUsed !== GAS_PER_TRANSFER * BigInt(n)) {
    throw new Error(`ethereumjs: block used ${run.gasUsed} gas, expected ${GAS_PER_TRANSFER * BigInt(n)}`);
  }
  const fee = GAS_PER_TRANSFER * (BASE_FEE + TIP);
  for (let i = 0; i < n; i++) {
    const address = prepared.addresses[i] as Address;
    const account = await vm.stateManager.getAccount(address);
    const expected =
      INITIAL_BALANCE - (prepared.values[i] as bigint) - fee + (prepared.values[(i + n - 1) % n] as bigint);
    if (account?.nonce !== 1n || account.balance !== expected) {
      throw new Error(
        `ethereumjs: account ${i} (${address}) has nonce ${account?.nonce} and balance ${account?.balance}, expected 1 and ${expected}`,
      );
    }
  }
  const coinbase = await vm.stateManager.getAccount(createAddressFromString(COINBASE));
  if (coinbase?.balance !== GAS_PER_TRANSFER * TIP * BigInt(n)) {
    throw new Error(
      `ethereumjs: coinbase balance ${coinbase?.balance}, expected ${GAS_PER_TRANSFER * TIP * BigInt(n)}`,
    );
  }
  const root = await vm.stateManager.getStateRoot();
  if (Buffer.compare(root, run.stateRoot) !== 0) throw new Error("ethereumjs: the state root changed after the run");
}
