// select(): priority across senders, strict nonce order within a sender from the account nonce,
// fees payable at every step, and the limits. What it returns must execute as a valid block.
import { describe, expect, it } from "vitest";
import type { AccountReader } from "../../../node/mempool/index.ts";
import { READ_CHUNK } from "../../../node/mempool/select.ts";
import { decodeTransaction, executeBlock, senderAddress } from "../../../vm/index.ts";
import { account, fundedState } from "../../vm/helpers.ts";
import { Accounts, addr, CHAIN, funded, newPool, okHashes, params, signedTx, txBytes } from "./helpers.ts";

const NOW = 1_000;
const LIMITS = { maxTxs: 1_000, maxBytes: 1_000_000 };
const describeTx = (bytes: Uint8Array) => {
  const t = decodeTransaction(bytes);
  return `${addrIndex(senderAddress(t))}:${t.nonce}`;
};
const addrIndex = (a: Uint8Array) => [0, 1, 2, 3, 4, 5].find((i) => addr(i).every((b, j) => b === a[j]));
const senderIndex = (bytes: Uint8Array, senders = 6) => {
  const a = senderAddress(decodeTransaction(bytes));
  return Array.from({ length: senders }, (_, i) => i).find((i) => addr(i).every((b, j) => b === a[j]));
};

describe("select", () => {
  it("takes the best head across senders, each sender strictly in nonce order", async () => {
    const { pool } = newPool();
    const accounts = funded(3);
    okHashes(
      await pool.add(
        [
          txBytes(0, 0n, { tip: 10n }),
          txBytes(0, 1n, { tip: 1_000n }),
          txBytes(0, 2n, { tip: 5n }),
          txBytes(1, 1n, { tip: 400n }), // arrives before its nonce 0
          txBytes(1, 0n, { tip: 500n }),
          txBytes(2, 0n, { tip: 700n }),
        ],
        accounts.reader,
        NOW,
      ),
    );
    const out = await pool.select(LIMITS, accounts.reader);
    // Sender 0's nonce 1 (tip 1,000) waits behind its nonce 0 (tip 10), the lowest head.
    expect(out.map(describeTx)).toEqual(["2:0", "1:0", "1:1", "0:0", "0:1", "0:2"]);
  });

  it("starts exactly at the account nonce and stops at the first gap", async () => {
    const { pool } = newPool();
    const accounts = funded(2);
    okHashes(
      await pool.add([0n, 1n, 2n, 3n, 5n, 6n].map((n) => txBytes(0, n)).concat([txBytes(1, 1n)]), accounts.reader, NOW),
    );
    // The chain moved on to nonce 2 for sender 0; sender 1's nonce 0 never arrived.
    accounts.set(addr(0), { nonce: 2n });
    const out = await pool.select(LIMITS, accounts.reader);
    expect(out.map(describeTx)).toEqual(["0:2", "0:3"]);
  });

  it("stops a sender once its running balance cannot pay the next fee (fees and amounts count)", async () => {
    const { pool } = newPool();
    const t = signedTx(0, 0n, { amount: 1_000n });
    const accounts = new Accounts([[1, { balance: 10_000_000n }]]);
    // Enough for two transfers of 1,000 with their fees, and one unit short of a third fee.
    accounts.set(addr(0), { balance: 2n * (t.fee + 1_000n) + t.fee - 1n });
    const mine = [0n, 1n, 2n, 3n].map((n) => txBytes(0, n, { amount: 1_000n }));
    okHashes(await pool.add([...mine, txBytes(1, 0n)], accounts.reader, NOW));
    const out = await pool.select(LIMITS, accounts.reader);
    expect(out.map(describeTx).sort()).toEqual(["0:0", "0:1", "1:0"]);
  });

  it("charges a sponsor for every sender it pays for, best priority first", async () => {
    const { pool } = newPool();
    const fee = signedTx(0, 0n, { sponsor: 5 }).fee;
    const accounts = new Accounts([[5, { balance: 3n * fee }]]);
    okHashes(
      await pool.add(
        [
          txBytes(0, 0n, { sponsor: 5 }),
          txBytes(1, 0n, { sponsor: 5, tip: 50n }),
          txBytes(2, 0n, { sponsor: 5, tip: 20n }),
        ],
        accounts.reader,
        NOW,
      ),
    );
    // The sponsor holds three fees of the cheapest; the two tipped ones cost a bit more.
    const out = await pool.select(LIMITS, accounts.reader);
    expect(out.map(describeTx)).toEqual(["1:0", "2:0"]);
  });

  it("stops at maxTxs and skips a sender whose next transaction would pass maxBytes", async () => {
    const { pool } = newPool();
    const accounts = funded(6);
    const big = txBytes(0, 0n, { sponsor: 5, tip: 90_000n }); // best priority, but the largest
    const small = [txBytes(1, 0n, { tip: 30n }), txBytes(1, 1n, { tip: 30n }), txBytes(2, 0n, { tip: 20n })];
    okHashes(await pool.add([big, ...small], accounts.reader, NOW));
    const smallSize = small[0]?.length ?? 0;
    expect(big.length).toBeGreaterThan(smallSize);

    // The big one is skipped, and the best small one still goes in.
    const byBytes = await pool.select({ maxTxs: 10, maxBytes: big.length - 1 }, accounts.reader);
    expect(byBytes.map(describeTx)).toEqual(["1:0"]);
    const afterBig = await pool.select({ maxTxs: 10, maxBytes: big.length + smallSize - 1 }, accounts.reader);
    expect(afterBig.map(describeTx)).toEqual(["0:0"]);
    const byCount = await pool.select({ maxTxs: 2, maxBytes: 1_000_000 }, accounts.reader);
    expect(byCount.map(describeTx)).toEqual(["0:0", "1:0"]);
    expect(await pool.select({ maxTxs: 0, maxBytes: 1_000_000 }, accounts.reader)).toEqual([]);
  });

  it("reads accounts a chunk of senders at a time, as far as the block reaches", async () => {
    const n = READ_CHUNK + 44;
    const { pool } = newPool();
    const accounts = funded(n);
    okHashes(
      await pool.add(
        Array.from({ length: n }, (_, i) => txBytes(i, 0n, { tip: BigInt(i) })),
        accounts.reader,
        NOW,
      ),
    );
    let reads = 0;
    const counting: AccountReader = (a) => {
      reads++;
      return accounts.reader(a);
    };
    const out = await pool.select({ maxTxs: 5, maxBytes: 1_000_000 }, counting);
    expect(out.map((b) => senderIndex(b, n))).toEqual([n - 1, n - 2, n - 3, n - 4, n - 5]);
    // Before, every sender's account was read for a block of 5.
    expect(reads).toBe(READ_CHUNK);
    // A block that takes them all reads them all, once each.
    reads = 0;
    expect(await pool.select(LIMITS, counting)).toHaveLength(n);
    expect(reads).toBe(n);
  });

  it("charges a sponsor that also sends from one balance, whichever it is first read as", async () => {
    const { pool } = newPool();
    const fee = signedTx(0, 0n, { sponsor: 5 }).fee;
    const accounts = funded(5);
    // Account 5 can pay three fees (its transfers move 1 unit each, hence the 2 spare units).
    accounts.set(addr(5), { balance: 3n * fee + 2n });
    okHashes(
      await pool.add(
        [
          txBytes(0, 0n, { sponsor: 5, tip: 0n }),
          txBytes(1, 0n, { sponsor: 5, tip: 0n }),
          txBytes(5, 0n, { amount: 1n }),
          txBytes(5, 1n, { amount: 1n }),
        ],
        accounts.reader,
        NOW,
      ),
    );
    const out = await pool.select(LIMITS, accounts.reader);
    // Three fees in all: the sponsored two and 5's own nonce 0 (the order reading every
    // account first gave too); its nonce 1 finds the shared balance spent.
    expect(out.map(describeTx)).toEqual(["0:0", "1:0", "5:0"]);
  });

  it("returns transactions that execute as a valid block on the state it read", async () => {
    const state = await fundedState(6, 40_000n);
    const reader: AccountReader = async (a) => account(state, a);
    const { pool } = newPool();
    const txs: Uint8Array[] = [];
    for (let sender = 0; sender < 5; sender++) {
      for (let n = 0n; n < 6n; n++) {
        // Amounts large enough that balances run out part way; some fees paid by account 5.
        const sponsor = (sender + Number(n)) % 3 === 0 ? 5 : undefined;
        txs.push(txBytes(sender, n, { amount: 9_000n, tip: BigInt(sender * 7 + Number(n)), sponsor }));
      }
    }
    okHashes(await pool.add(txs, reader, NOW));
    const out = await pool.select(LIMITS, reader);
    // Balances run out part way, so some of each sender's run is left out.
    expect(out.length).toBeGreaterThan(10);
    expect(out.length).toBeLessThan(txs.length);
    const result = await executeBlock(state, { chainId: CHAIN, height: 1n, proposer: null, txs: out }, { params });
    expect(result.receipts).toHaveLength(out.length);
  });
});
