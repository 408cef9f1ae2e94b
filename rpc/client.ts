// A small typed JSON-RPC client over fetch, for our CLI, tests and benchmarks, and for wallet
// authors (the wallet issue extends it with every method). Quantities come back as bigint,
// byte strings as Uint8Array; a JSON-RPC error is thrown as RpcError with its code and data.
import { fromHex, toHex } from "../crypto/index.ts";
import { RpcError, type RpcErrorCode } from "./errors.ts";

export interface ClientAccount {
  balance: bigint;
  nonce: bigint;
  staked: bigint;
  unbonding: bigint;
  height: bigint;
}

export interface ClientReceipt {
  txHash: string;
  height: bigint;
  blockHash: string;
  index: number;
  status: "success" | "failed";
  failure: { code: string; message: string } | null;
  feePaid: bigint;
}

export interface ClientBlock {
  height: bigint;
  hash: string;
  parentHash: string;
  stateRoot: string;
  timeMs: bigint;
  transactions: string[];
}

export class RpcClient {
  readonly url: string;
  private nextId = 1;

  constructor(url: string) {
    this.url = url;
  }

  async call<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    const id = this.nextId++;
    const res = await fetch(this.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id, method, params }),
    });
    const body = (await res.json()) as { result?: T; error?: { code: number; message: string; data?: unknown } };
    if (body.error !== undefined)
      throw new RpcError(body.error.code as RpcErrorCode, body.error.message, body.error.data);
    return body.result as T;
  }

  async sendRawTransaction(tx: Uint8Array): Promise<Uint8Array> {
    return fromHex(stripHex(await this.call<string>("ubn_sendRawTransaction", [`0x${toHex(tx)}`])), 32);
  }

  async blockNumber(): Promise<bigint> {
    return BigInt(await this.call<string>("ubn_blockNumber"));
  }

  async getAccount(address: string): Promise<ClientAccount> {
    const a = await this.call<Record<string, string>>("ubn_getAccount", [address]);
    return {
      balance: BigInt(a.balance as string),
      nonce: BigInt(a.nonce as string),
      staked: BigInt(a.staked as string),
      unbonding: BigInt(a.unbonding as string),
      height: BigInt(a.height as string),
    };
  }

  async getTransactionReceipt(hash: Uint8Array): Promise<ClientReceipt | null> {
    const r = await this.call<Record<string, unknown> | null>("ubn_getTransactionReceipt", [`0x${toHex(hash)}`]);
    if (r === null) return null;
    return {
      txHash: r.txHash as string,
      height: BigInt(r.height as string),
      blockHash: r.blockHash as string,
      index: Number(BigInt(r.index as string)),
      status: r.status as "success" | "failed",
      failure: (r.failure as ClientReceipt["failure"]) ?? null,
      feePaid: BigInt(r.feePaid as string),
    };
  }

  async getBlockByNumber(height: bigint): Promise<ClientBlock | null> {
    const b = await this.call<Record<string, unknown> | null>("ubn_getBlockByNumber", [`0x${height.toString(16)}`]);
    if (b === null) return null;
    return {
      height: BigInt(b.height as string),
      hash: b.hash as string,
      parentHash: b.parentHash as string,
      stateRoot: b.stateRoot as string,
      timeMs: BigInt(b.timeMs as string),
      transactions: b.transactions as string[],
    };
  }

  status(): Promise<Record<string, unknown>> {
    return this.call("ubn_status");
  }
}

function stripHex(s: string): string {
  return s.startsWith("0x") ? s.slice(2) : s;
}
