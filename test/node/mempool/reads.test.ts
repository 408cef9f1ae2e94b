// What RPC reads from the pool: a pooled transaction's bytes, and the nonce a sender's next
// transaction should carry once its pooled run is included (the "pending" tag).
import { describe, expect, it } from "vitest";
import { transactionHash } from "../../../vm/index.ts";
import { addr, funded, newPool, okHashes, txBytes } from "./helpers.ts";

const NOW = 1_000;

describe("mempool reads", () => {
  it("gives back a pooled transaction's bytes, and nothing for an unknown hash", async () => {
    const { pool } = newPool();
    const t = txBytes(0, 0n);
    okHashes(await pool.add([t], funded(1).reader, NOW));
    expect(pool.get(transactionHash(t))).toEqual(t);
    expect(pool.get(new Uint8Array(32))).toBeUndefined();
  });

  it("counts the contiguous pooled run from the account nonce, not transactions behind a gap", async () => {
    const { pool } = newPool();
    const accounts = funded(2);
    okHashes(
      await pool.add(
        [0n, 1n, 2n, 4n].map((n) => txBytes(0, n)),
        accounts.reader,
        NOW,
      ),
    );
    expect(pool.nextNonce(addr(0), 0n)).toBe(3n);
    // After a block took nonces 0 and 1 (the account nonce is 2), one pooled nonce follows.
    expect(pool.nextNonce(addr(0), 2n)).toBe(3n);
    expect(pool.nextNonce(addr(1), 5n)).toBe(5n);
  });
});
