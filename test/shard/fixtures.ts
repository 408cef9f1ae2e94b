// Headers, outboxes and receipts for the shard format tests.
import { sha256, utf8 } from "../../crypto/index.ts";
import { bodyHash, EMPTY_BODY } from "../../shard/body.ts";
import { genesisShardHeader, headerHash, type ShardHeader } from "../../shard/header.ts";
import { outboxRoot } from "../../shard/outbox.ts";
import { type CrossReceipt, NO_VALIDATOR, ReceiptKind } from "../../vm/cross-shard/receipt.ts";

export function receipt(source: number, destination: number, seq: bigint, amount = 100n + seq): CrossReceipt {
  return {
    source,
    destination,
    seq,
    kind: ReceiptKind.transfer,
    origin: sha256(utf8(`tx ${source}>${destination}#${seq}`)),
    from: new Uint8Array(20).fill(source + 1),
    to: new Uint8Array(20).fill(destination + 1),
    amount,
    validator: NO_VALIDATOR,
  };
}

export function genesisOf(shard: number): ShardHeader {
  return genesisShardHeader(shard, sha256(utf8(`state of ${shard}`)), bodyHash(EMPTY_BODY));
}

/** The header after `parent` committing to `outbox`. */
export function nextHeader(parent: ShardHeader, outbox: readonly CrossReceipt[]): ShardHeader {
  return {
    ...parent,
    height: parent.height + 1n,
    parent: headerHash(parent),
    stateRoot: sha256(utf8(`state ${parent.shard} ${parent.height + 1n}`)),
    outboxRoot: outboxRoot(outbox),
    outboxCount: outbox.length,
  };
}
