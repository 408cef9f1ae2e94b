// ubn wallet balance|send|tx|status|watch: a command-line wallet over the node's JSON-RPC.
// Where the node, the keys and the password come from: wallet/context.ts (in short: --rpc,
// $UBN_RPC, the running devnet, http://127.0.0.1:8545).
import { decryptKey, formatAddress, toHex } from "../../../crypto/index.ts";
import { type ClientTxStatus, RpcClient, RpcErrorCode, ubn, type WaitUntil } from "../../../rpc/client.ts";
import { type Command, type CommandContext, type CommandGroup, stringOption, UsageError } from "../command.ts";
import { formatIsc, parseIsc } from "../wallet/amount.ts";
import { findKey, fromKeyName, keyPassword, resolveAddress, walletContext } from "../wallet/context.ts";
import { explain, WalletRpcError } from "../wallet/errors.ts";
import { accountJson, accountLines, isc, resultText, statusLine, transactionLines } from "../wallet/show.ts";
import { signTransfer } from "../wallet/transfer.ts";
import { watch as watchNode } from "../wallet/watch.ts";

const nodeOptions = { rpc: { type: "string" }, keystore: { type: "string" } } as const;
const nodeHelp: [string, string][] = [
  ["--rpc URL", "the node (default $UBN_RPC, else the running devnet, else http://127.0.0.1:8545)"],
  ["--keystore DIR", "keystore (default: the devnet's, then $UBN_HOME/keystore)"],
];

const WAITS: readonly WaitUntil[] = ["accepted", "included", "finalized"];
/** The node waits at most 120 s for a status. */
const MAX_WAIT_SECONDS = 120;

const balance: Command = {
  name: "balance",
  summary: "show an account's balance and nonce",
  usage: "[ADDRESS|KEY] [--from KEY] [--rpc URL]",
  options: { ...nodeOptions, from: { type: "string" } },
  optionHelp: [["--from KEY", "the account of a keystore key (default: the devnet faucet)"], ...nodeHelp],
  positionals: [0, 1],
  async run(ctx) {
    const w = await walletContext(ctx);
    const given = ctx.positionals[0] ?? stringOption(ctx, "from");
    const address =
      given !== undefined
        ? await resolveAddress(w, given, "address")
        : (await findKey(w, fromKeyName(ctx, w))).file.address;
    const account = await explain(`reading ${address} from ${w.rpc}`, () => new RpcClient(w.rpc).getAccount(address));
    ctx.out.result(accountJson(address, account), accountLines(address, account).join("\n"));
  },
};

function waitOption(ctx: CommandContext): WaitUntil {
  const wait = stringOption(ctx, "wait") ?? "accepted";
  if (!(WAITS as readonly string[]).includes(wait))
    throw new UsageError(`--wait must be one of ${WAITS.join(", ")}, got "${wait}"`);
  return wait as WaitUntil;
}

function timeoutOption(ctx: CommandContext): number {
  const text = stringOption(ctx, "timeout");
  if (text === undefined) return 60;
  const seconds = Number(text);
  if (!/^\d+$/.test(text) || seconds < 1 || seconds > MAX_WAIT_SECONDS)
    throw new UsageError(`--timeout must be whole seconds from 1 to ${MAX_WAIT_SECONDS}, got "${text}"`);
  return seconds;
}

function nonceOption(ctx: CommandContext): bigint | undefined {
  const text = stringOption(ctx, "nonce");
  if (text === undefined) return undefined;
  if (!/^\d{1,20}$/.test(text) || BigInt(text) >= 1n << 64n)
    throw new UsageError(`--nonce must be a whole number below 2^64, got "${text}"`);
  return BigInt(text);
}

const send: Command = {
  name: "send",
  summary: "send ISC to an address, signed with a keystore key",
  usage: "--to ADDRESS --amount ISC [--from KEY] [--fee ISC] [--wait accepted|included|finalized]",
  options: {
    ...nodeOptions,
    to: { type: "string" },
    amount: { type: "string" },
    from: { type: "string" },
    fee: { type: "string" },
    nonce: { type: "string" },
    wait: { type: "string" },
    timeout: { type: "string" },
    "password-file": { type: "string" },
  },
  optionHelp: [
    ["--to ADDRESS", "the recipient: an isc1... address or a key name"],
    ["--amount ISC", "how much, in ISC with up to 18 decimals (1.5, 0.000001)"],
    ["--from KEY", "the sending key's name or address (default: the devnet faucet)"],
    ["--fee ISC", "the fee to offer (default: the node's suggestion from ubn_estimateFee)"],
    ["--nonce N", "the nonce (default: the next after the sender's pending transactions)"],
    ["--wait STATUS", "return once accepted (default), included in a block, or finalized"],
    ["--timeout S", `how long --wait may take, seconds (default 60, at most ${MAX_WAIT_SECONDS})`],
    ["--password-file FILE", "the key's password (else $UBN_PASSWORD, the devnet's, or a prompt)"],
    ...nodeHelp,
  ],
  details:
    "Prints the transaction hash; with --wait included or finalized also the block height.\n" +
    "Exit code 1 if the node refuses the transaction, the wait times out, or the transfer failed.",
  async run(ctx) {
    // Everything that can be checked without the node or the key is checked first.
    const to = stringOption(ctx, "to");
    const amountText = stringOption(ctx, "amount");
    if (to === undefined) throw new UsageError("--to ADDRESS is required");
    if (amountText === undefined) throw new UsageError("--amount ISC is required (e.g. --amount 1.5)");
    const amount = parseIsc(amountText, "--amount");
    if (amount === 0n) throw new UsageError("--amount must be more than 0");
    const feeText = stringOption(ctx, "fee");
    const fee = feeText === undefined ? undefined : parseIsc(feeText, "--fee");
    const wait = waitOption(ctx);
    const timeoutSeconds = timeoutOption(ctx);
    const nonce = nonceOption(ctx);
    const w = await walletContext(ctx);
    const recipient = await resolveAddress(w, to, "--to");
    const key = await findKey(w, fromKeyName(ctx, w));
    const secretKey = await decryptKey(key.file, await keyPassword(ctx, w, key));

    const client = new RpcClient(w.rpc);
    let signed: Awaited<ReturnType<typeof signTransfer>>;
    try {
      signed = await explain(`preparing the transfer on ${w.rpc}`, () =>
        signTransfer(client, secretKey, { to: recipient, amount, fee, nonce }),
      );
    } finally {
      secretKey.fill(0);
    }
    let hash = `0x${toHex(signed.hash)}`;
    if (!ctx.out.json && wait !== "accepted") ctx.out.note(`sending ${hash}, waiting until ${wait} ...`);
    try {
      hash = await explain(`sending ${hash}`, () =>
        client.sendTransaction(signed.raw, { waitUntil: wait, timeoutMs: timeoutSeconds * 1000 }),
      );
    } catch (e) {
      if (e instanceof WalletRpcError && e.rpcCode === RpcErrorCode.waitTimeout)
        throw Object.assign(
          new Error(
            `${hash} was sent but is not ${wait} after ${timeoutSeconds} s; follow it with 'ubn wallet tx ${hash}'`,
          ),
          { code: "TX_WAIT_TIMEOUT" },
        );
      throw e;
    }
    const status = await explain(`reading the status of ${hash}`, () => settledStatus(client, hash, wait));
    const result = {
      hash,
      from: formatAddress(signed.from),
      to: recipient,
      amount,
      amountIsc: formatIsc(amount),
      fee: signed.fee,
      nonce: signed.nonce,
      chainId: signed.chainId,
      status: status.status,
      height: status.height,
      blockHash: status.blockHash,
      result: status.result,
      failure: status.failure,
    };
    const lines = [
      `sent ${isc(amount)} to ${recipient}`,
      `  hash       ${hash}`,
      `  from       ${result.from}, nonce ${signed.nonce}`,
      `  fee        ${isc(signed.fee)}`,
      `  status     ${statusLine(status)}`,
    ];
    if (status.height !== null && status.status === "finalized") lines.push(`  finalized  at height ${status.height}`);
    if (status.result !== null) lines.push(`  result     ${resultText(status.result, status.failure)}`);
    ctx.out.result(result, lines.join("\n"));
    if (status.result === "failed")
      throw Object.assign(new Error(`${hash} was included, fee paid, but ${resultText("failed", status.failure)}`), {
        code: "TX_FAILED",
      });
  },
};

interface SettledStatus extends ClientTxStatus {
  result: "success" | "failed" | null;
  failure: { code: string; message: string } | null;
}

/** The status after sending; for a final transaction the receipt, which says whether it succeeded. */
async function settledStatus(client: RpcClient, hash: string, wait: WaitUntil): Promise<SettledStatus> {
  if (wait === "finalized") {
    const receipt = await client.getTransactionReceipt(hash as `0x${string}`);
    if (receipt !== null)
      return {
        hash: receipt.txHash,
        status: "finalized",
        height: receipt.height,
        blockHash: receipt.blockHash,
        index: receipt.index,
        result: receipt.status,
        failure: receipt.failure,
      };
  }
  const status = await client.getTransactionStatus(hash as `0x${string}`);
  return { ...status, result: null, failure: null };
}

const tx: Command = {
  name: "tx",
  summary: "show a transaction, its status and its receipt",
  usage: "HASH [--rpc URL]",
  options: { ...nodeOptions },
  optionHelp: nodeHelp,
  positionals: [1, 1],
  async run(ctx) {
    const hash = (ctx.positionals[0] as string).trim().toLowerCase();
    if (!/^0x[0-9a-f]{64}$/.test(hash))
      throw new UsageError(`HASH must be 0x and 64 hex digits, got "${hash.slice(0, 80)}"`);
    const w = await walletContext(ctx);
    const client = new RpcClient(w.rpc);
    const [transaction, receipt, statuses] = await explain(`reading ${hash} from ${w.rpc}`, () =>
      client.batch(
        ubn.getTransactionByHash(hash as `0x${string}`),
        ubn.getTransactionReceipt(hash as `0x${string}`),
        ubn.getTransactionStatuses([hash as `0x${string}`]),
      ),
    );
    const status = statuses[0] as ClientTxStatus;
    if (transaction === null && status.status === "unknown") {
      throw Object.assign(new Error(`${w.rpc} knows no transaction ${hash}`), { code: "TX_NOT_FOUND" });
    }
    const human =
      transaction === null
        ? `transaction ${hash}\n  status     ${statusLine(status)}`
        : transactionLines(transaction, receipt).join("\n");
    ctx.out.result({ hash, status, transaction, receipt }, human);
  },
};

const status: Command = {
  name: "status",
  summary: "show the node: chain, height, peers, sync",
  usage: "[--rpc URL]",
  options: { rpc: { type: "string" } },
  optionHelp: [nodeHelp[0] as [string, string]],
  async run(ctx) {
    const w = await walletContext(ctx);
    const client = new RpcClient(w.rpc);
    const s = await explain(`asking ${w.rpc} for its status`, () => client.getStatus());
    const data = { rpc: w.rpc, ws: w.ws, source: w.rpcSource, ...s };
    const lines = [
      `node       ${w.rpc} (${w.rpcSource})`,
      `chain      ${s.chainId}`,
      `height     ${s.height}  ${s.blockHash}`,
      `peers      ${s.peers}`,
      `syncing    ${s.syncing ? "yes" : "no"}`,
      `validator  ${s.validator ? "yes" : "no"}, round ${s.round}`,
      `mempool    ${s.mempoolSize} transactions`,
      `version    ${s.version}, node id ${s.nodeId}`,
    ];
    ctx.out.result(data, lines.join("\n"));
  },
};

const watchCommand: Command = {
  name: "watch",
  summary: "follow new and finalized blocks (and an account) until Ctrl-C",
  usage: "[ADDRESS|KEY] [--rpc URL]",
  options: { ...nodeOptions },
  optionHelp: nodeHelp,
  positionals: [0, 1],
  details: "Uses the node's WebSocket (the --rpc URL with ws://). With --json, one JSON object per line.",
  async run(ctx) {
    const w = await walletContext(ctx);
    const given = ctx.positionals[0];
    const address = given === undefined ? undefined : await resolveAddress(w, given, "address");
    const stop = new Promise<void>((resolve) => {
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    });
    await explain(`watching ${w.ws}`, () => watchNode({ ws: w.ws, address, out: ctx.out, stop }));
  },
};

export const walletCommands: CommandGroup = {
  name: "wallet",
  summary: "balances, transfers and transactions over a node's JSON-RPC",
  commands: [balance, send, tx, status, watchCommand],
};
