// What a transaction type provides: its tag on the wire, the codec of its body, its stateless
// checks and its execution. Adding a type (compute tasks, leases, encrypted fields) means adding
// one file that exports a TxHandler and listing it in registry.ts.
import type { Codec } from "../../crypto/index.ts";
import type { TxContext } from "../execution/tx-context.ts";
import type { TxType } from "../params.ts";

export interface TxHandler<B> {
  type: TxType;
  /** The type's number on the wire; never reused. */
  tag: number;
  body: Codec<B>;
  /** Checks that need no state; throws TxInvalid. A failing transaction invalidates its block. */
  check(body: B): void;
  /** Applies the transaction; throws TxFailure to fail it (fee kept, effects rolled back). */
  execute(ctx: TxContext, body: B): Promise<void>;
}
