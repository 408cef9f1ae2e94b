// An in-memory RpcNodeApi for the transport tests (server-*, ws-*, limits-*, rate-limit*,
// subscriptions*): every method answers from plain fields a test can change, and emit() plays
// the node's event stream to whoever subscribed. What is under test is the server, which knows
// the node only through this interface.
import type {
  RpcAccount,
  RpcBlock,
  RpcFeeEstimate,
  RpcHealth,
  RpcNodeApi,
  RpcNodeEvent,
  RpcNodeInfo,
  RpcPeer,
  RpcProof,
  RpcReceipt,
  RpcShardLayout,
  RpcStatus,
  RpcSyncing,
  RpcTransaction,
  RpcTxStatus,
} from "../../rpc/api.ts";

export const filled = (length: number, byte: number) => new Uint8Array(length).fill(byte);
export const hexOf = (bytes: Uint8Array) => `0x${Buffer.from(bytes).toString("hex")}`;

/** A block at `height` holding `transactions`, with a hash derived from the height. */
export function fakeBlock(height: bigint, transactions: Uint8Array[] = []): RpcBlock {
  const byte = Number(height % 251n);
  return {
    height,
    hash: filled(32, byte),
    parentHash: filled(32, (byte + 250) % 251),
    proposer: filled(32, 5),
    round: height + 1n,
    timeMs: 1_800_000_000_000n + height,
    stateRoot: filled(32, 2),
    receiptsRoot: filled(32, 6),
    transactions,
  };
}

export class FakeNodeApi implements RpcNodeApi {
  height = 26n;
  accounts = new Map<string, RpcAccount>();
  statuses = new Map<string, RpcTxStatus>();
  syncState: RpcSyncing = { syncing: false, startingBlock: 0n, currentBlock: 26n, highestBlock: 26n };
  peerList: RpcPeer[] = [{ id: "12D3KooWpeer1", addresses: ["/ip4/10.0.0.2/tcp/26656"] }];
  healthState: RpcHealth = { ok: true, detail: { height: 26n } };
  /** How many times getAccount was called (subscriptions read through it). */
  accountReads = 0;
  private readonly listeners = new Set<(event: RpcNodeEvent) => void>();

  /** Plays one event to every current listener, as the node would. */
  emit(event: RpcNodeEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  subscribe(listener: (event: RpcNodeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  chainId() {
    return "ubn-test";
  }
  async sendRawTransaction(tx: Uint8Array) {
    return filled(32, tx[0] ?? 0);
  }
  async getAccount(address: Uint8Array): Promise<RpcAccount> {
    this.accountReads++;
    return (
      this.accounts.get(hexOf(address)) ?? { balance: 0n, nonce: 0n, staked: 0n, unbonding: 0n, height: this.height }
    );
  }
  async getTransactionReceipt(_hash: Uint8Array): Promise<RpcReceipt | null> {
    return null;
  }
  blockNumber() {
    return this.height;
  }
  async getBlockByNumber(height: bigint) {
    return height === 0n || height > this.height ? null : fakeBlock(height);
  }
  async getBlockByHash(_hash: Uint8Array) {
    return null;
  }
  async getBlockTransactions(_height: bigint): Promise<RpcTransaction[] | null> {
    return null;
  }
  async getTransactionByHash(_hash: Uint8Array): Promise<RpcTransaction | null> {
    return null;
  }
  async getTransactionStatus(hash: Uint8Array): Promise<RpcTxStatus> {
    return this.statuses.get(hexOf(hash)) ?? { hash, status: "unknown", height: null, blockHash: null, index: null };
  }
  async estimateFee(_tx: Uint8Array | null): Promise<RpcFeeEstimate> {
    return { perByte: 1n, perType: { transfer: 10n }, minimum: 110n, suggested: 120n, bytes: 100 };
  }
  async getProof(_address: Uint8Array): Promise<RpcProof> {
    throw new Error("getProof is not faked");
  }
  syncing() {
    return this.syncState;
  }
  shardLayout(): RpcShardLayout {
    return { shards: 1, addressRule: "all addresses: shard 0", chains: [] };
  }
  peers() {
    return this.peerList;
  }
  nodeInfo(): RpcNodeInfo {
    return {
      id: "12D3KooWself",
      listenAddresses: ["/ip4/127.0.0.1/tcp/26656"],
      chainId: "ubn-test",
      genesisHash: filled(32, 9),
      version: "0.1.0",
      validator: false,
    };
  }
  status(): RpcStatus {
    return {
      chainId: "ubn-test",
      nodeId: "12D3KooWself",
      validator: false,
      shard: 0,
      height: this.height,
      blockHash: filled(32, 1),
      stateRoot: filled(32, 2),
      syncing: this.syncState.syncing,
      peers: this.peerList.length,
      mempoolSize: 0,
      round: 40n,
      leader: filled(32, 3),
      version: "0.1.0",
    };
  }
  health() {
    return this.healthState;
  }
}
