// One line per consensus message for `ubn sim --trace`: the network moves opaque bytes, but a
// person replaying a seed wants to read "proposal r12 h9 qc r11", not a digest.
import { toHex } from "../../crypto/index.ts";
import { decodeMessage } from "../messages.ts";

export function describeMessage(bytes: Uint8Array): string {
  let m: ReturnType<typeof decodeMessage>;
  try {
    m = decodeMessage(bytes);
  } catch {
    return `undecodable message (${bytes.length} bytes)`;
  }
  switch (m.kind) {
    case "proposal":
      return (
        `proposal r${m.block.round} h${m.block.height} qc r${m.block.qc.round}` +
        (m.tc ? ` tc r${m.tc.round}` : "") +
        ` "${new TextDecoder().decode(m.block.payload.subarray(0, 40))}"`
      );
    case "vote":
      return `vote r${m.round} h${m.height} ${toHex(m.blockHash).slice(0, 8)} by ${toHex(m.voter).slice(0, 8)}`;
    case "timeout":
      return `timeout r${m.round} high-qc r${m.highQc.round}${m.lastTc ? ` last-tc r${m.lastTc.round}` : ""}`;
    case "sync-request":
      return `sync-request ${toHex(m.blockHash).slice(0, 8)} max ${m.maxBlocks}`;
    case "sync-response":
      return `sync-response ${m.blocks.length} block(s)`;
    default:
      return `message of kind ${(m as { kind: string }).kind}`;
  }
}
