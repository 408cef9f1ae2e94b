// ubn genesis init|add-validator|add-account|validate|hash: write and check the genesis file
// that every node of a chain starts from. The rules live in genesis/; this file reads and
// writes files, looks keys up in the keystore and prints.
import { randomBytes } from "node:crypto";
import { access, link, open, readFile, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import {
  AddressError,
  addressOf,
  findKeyFile,
  formatAddress,
  fromHex,
  HexError,
  PUBLIC_KEY_LENGTH,
  parseAddress,
  toHex,
} from "../../../crypto/index.ts";
import {
  addAccount,
  addValidator,
  DEFAULT_SHARD_COUNT,
  formatIsc,
  type Genesis,
  genesisToJson,
  initGenesis,
  parseAmount,
  parseGenesis,
  summarizeGenesis,
} from "../../../genesis/index.ts";
import {
  type Command,
  type CommandContext,
  type CommandGroup,
  requiredOption,
  stringOption,
  UsageError,
} from "../command.ts";
import { defaultKeystoreDir } from "../home.ts";

const keystoreHelp: [string, string] = [
  "--keystore DIR",
  "keystore for --key (default $UBN_HOME/keystore, ~/.ubn/keystore)",
];
const amountHelp = "AMOUNT is base units (2500) or whole ISC with the suffix isc (1000isc, 0.5isc)";

const init: Command = {
  name: "init",
  summary: "write a new genesis file with default parameters",
  usage: "--chain-id ID [--shards N] [--genesis-time ISO] [--out FILE] [--force]",
  options: {
    "chain-id": { type: "string" },
    shards: { type: "string" },
    "genesis-time": { type: "string" },
    out: { type: "string" },
    force: { type: "boolean" },
  },
  optionHelp: [
    ["--chain-id ID", "chain id: lower-case letters, digits and '-' (e.g. ubn-devnet-1)"],
    ["--shards N", `number of shard chains, 1-1024 (default ${DEFAULT_SHARD_COUNT})`],
    ["--genesis-time ISO", "start time, ISO-8601 UTC (default: now, to the second)"],
    ["--out FILE", "where to write (default genesis.json)"],
    ["--force", "overwrite FILE if it exists"],
  ],
  details: "Then add validators and accounts with 'ubn genesis add-validator' and 'ubn genesis add-account'.",
  async run(ctx) {
    const out = stringOption(ctx, "out") ?? "genesis.json";
    const shards = stringOption(ctx, "shards");
    const genesis = initGenesis({
      chainId: requiredOption(ctx, "chain-id"),
      shardCount: shards === undefined ? DEFAULT_SHARD_COUNT : parseCount(shards, "--shards"),
      ...optionalField("genesisTime", stringOption(ctx, "genesis-time")),
    });
    await writeAtomic(out, genesisToJson(genesis), ctx.values.force === true);
    const s = summarizeGenesis(genesis);
    ctx.out.result(
      { file: out, chainId: s.chainId, genesisTime: s.genesisTime, shardCount: s.shardCount },
      [
        `Wrote ${out}`,
        `  chain id:     ${s.chainId}`,
        `  genesis time: ${s.genesisTime}`,
        `  shards:       ${s.shardCount}`,
        `Next: ubn genesis add-validator ${out} --key NAME --stake 1000isc`,
      ].join("\n"),
    );
  },
};

const addValidatorCommand: Command = {
  name: "add-validator",
  summary: "add a validator with its stake",
  usage: "FILE (--public-key HEX | --key NAME|ADDRESS [--keystore DIR]) --stake AMOUNT [--name NAME]",
  options: {
    "public-key": { type: "string" },
    key: { type: "string" },
    keystore: { type: "string" },
    stake: { type: "string" },
    name: { type: "string" },
  },
  optionHelp: [
    ["--public-key HEX", "the validator's Ed25519 public key (64 hex characters)"],
    ["--key NAME|ADDRESS", "take the public key from a keystore key (no password needed)"],
    keystoreHelp,
    ["--stake AMOUNT", "bonded stake, > 0"],
    ["--name NAME", "a label for people (default: the key's name with --key)"],
  ],
  positionals: [1, 1],
  details: amountHelp,
  async run(ctx) {
    const file = ctx.positionals[0] as string;
    const genesis = await readGenesis(file);
    const stake = amountOption(ctx, "stake", genesis);
    const source = exactlyOne(ctx, "public-key", "key");
    let publicKey: Uint8Array;
    let name = stringOption(ctx, "name");
    if (source === "key") {
      const key = await keyFromKeystore(ctx);
      publicKey = key.publicKey;
      name ??= key.name;
    } else {
      publicKey = publicKeyOption(requiredOption(ctx, "public-key"));
    }
    const next = addValidator(genesis, { publicKey, stake, ...optionalField("name", name) });
    await writeAtomic(file, genesisToJson(next), true);
    const hex = toHex(publicKey);
    const count = next.validators.length;
    ctx.out.result(
      { file, name: name ?? null, publicKey: hex, stake, validators: count },
      [
        `Added validator ${name === undefined ? hex : `${name} (${hex})`}`,
        `  stake: ${formatIsc(stake, genesis.params.tokenDecimals)} (${stake} base units)`,
        `  ${file} now has ${count} validator${count === 1 ? "" : "s"}`,
      ].join("\n"),
    );
  },
};

const addAccountCommand: Command = {
  name: "add-account",
  summary: "add an account with its starting balance",
  usage: "FILE (--address ADDR | --key NAME|ADDRESS [--keystore DIR]) --balance AMOUNT",
  options: {
    address: { type: "string" },
    key: { type: "string" },
    keystore: { type: "string" },
    balance: { type: "string" },
  },
  optionHelp: [
    ["--address ADDR", "the account's isc1... address"],
    ["--key NAME|ADDRESS", "take the address from a keystore key (no password needed)"],
    keystoreHelp,
    ["--balance AMOUNT", "starting balance, >= 0"],
  ],
  positionals: [1, 1],
  details: amountHelp,
  async run(ctx) {
    const file = ctx.positionals[0] as string;
    const genesis = await readGenesis(file);
    const balance = amountOption(ctx, "balance", genesis);
    const source = exactlyOne(ctx, "address", "key");
    const address =
      source === "key" ? (await keyFromKeystore(ctx)).address : addressOption(requiredOption(ctx, "address"));
    const next = addAccount(genesis, { address, balance });
    await writeAtomic(file, genesisToJson(next), true);
    const count = next.accounts.length;
    ctx.out.result(
      { file, address, balance, accounts: count },
      [
        `Added account ${address}`,
        `  balance: ${formatIsc(balance, genesis.params.tokenDecimals)} (${balance} base units)`,
        `  ${file} now has ${count} account${count === 1 ? "" : "s"}`,
      ].join("\n"),
    );
  },
};

const validate: Command = {
  name: "validate",
  summary: "check a genesis file and print its totals and hash",
  usage: "FILE",
  options: {},
  optionHelp: [],
  positionals: [1, 1],
  details: "Exits 1 and lists every problem on stderr if the file breaks any rule (see docs/genesis.md).",
  async run(ctx) {
    const file = ctx.positionals[0] as string;
    const genesis = await readGenesis(file, true);
    const s = summarizeGenesis(genesis);
    const d = genesis.params.tokenDecimals;
    ctx.out.result(
      { valid: true, file, ...s },
      [
        "valid",
        `  chain id:     ${s.chainId}`,
        `  genesis time: ${s.genesisTime}`,
        `  shards:       ${s.shardCount}`,
        `  validators:   ${s.validators}, total stake ${formatIsc(s.totalStake, d)}`,
        `  accounts:     ${s.accounts} (per shard: ${s.accountsPerShard.join(", ")}), total ${formatIsc(s.totalBalance, d)}`,
        `  total supply: ${formatIsc(s.totalSupply, d)} (${s.totalSupply} base units)`,
        `  hash:         ${s.hash}`,
      ].join("\n"),
    );
  },
};

const hash: Command = {
  name: "hash",
  summary: "print the genesis hash (after validating the file)",
  usage: "FILE",
  options: {},
  optionHelp: [],
  positionals: [1, 1],
  details: "The hash ignores the order of validators and accounts and the JSON layout; see docs/genesis.md.",
  async run(ctx) {
    const file = ctx.positionals[0] as string;
    const { hash } = summarizeGenesis(await readGenesis(file, true));
    ctx.out.result({ hash }, hash);
  },
};

export const genesisCommands: CommandGroup = {
  name: "genesis",
  summary: "create, edit and check the genesis file",
  commands: [init, addValidatorCommand, addAccountCommand, validate, hash],
};

/** Reads and checks a genesis file; `complete` also requires at least one validator. */
async function readGenesis(file: string, complete = false): Promise<Genesis> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error(`no genesis file at ${file}; create one with 'ubn genesis init --chain-id ID --out ${file}'`);
    }
    throw e;
  }
  return parseGenesis(text, { source: file, allowNoValidators: !complete });
}

function amountOption(ctx: CommandContext, name: string, genesis: Genesis): bigint {
  const text = requiredOption(ctx, name);
  try {
    return parseAmount(text, genesis.params.tokenDecimals);
  } catch (e) {
    throw new UsageError(`--${name}: ${(e as Error).message}`);
  }
}

function publicKeyOption(text: string): Uint8Array {
  try {
    return fromHex(text.trim(), PUBLIC_KEY_LENGTH);
  } catch (e) {
    if (e instanceof HexError) throw new UsageError(`--public-key: ${e.message}`);
    throw e;
  }
}

function addressOption(text: string): string {
  try {
    return formatAddress(parseAddress(text));
  } catch (e) {
    if (e instanceof AddressError) throw new UsageError(`--address: ${e.message}`);
    throw e;
  }
}

function exactlyOne<A extends string, B extends string>(ctx: CommandContext, a: A, b: B): A | B {
  const hasA = stringOption(ctx, a) !== undefined;
  const hasB = stringOption(ctx, b) !== undefined;
  if (hasA === hasB) throw new UsageError(`pass exactly one of --${a} and --${b}`);
  return hasA ? a : b;
}

/** The public key and address of a keystore key, read from the file's clear-text header. */
async function keyFromKeystore(ctx: CommandContext): Promise<{ name: string; publicKey: Uint8Array; address: string }> {
  const dir = stringOption(ctx, "keystore") ?? defaultKeystoreDir(ctx.env);
  const file = await findKeyFile(dir, requiredOption(ctx, "key"));
  const publicKey = fromHex(file.publicKey, PUBLIC_KEY_LENGTH);
  // The header is only authenticated when the key is decrypted; check it is self-consistent.
  if (addressOf(publicKey) !== file.address) {
    throw new Error(`key file for ${file.address} in ${dir} is damaged: its public key belongs to another address`);
  }
  return { name: file.name, publicKey, address: file.address };
}

function parseCount(text: string, flag: string): number {
  if (!/^[0-9]{1,9}$/.test(text)) throw new UsageError(`${flag} must be a whole number, got "${text.slice(0, 40)}"`);
  return Number(text);
}

function optionalField<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

/**
 * Writes through a temporary file in the same directory, flushed to disk, then renamed into
 * place, so a crash leaves the old file or the new one, never half of one. Without
 * `overwrite`, the final step is a hard link, which fails if the file appeared meanwhile.
 */
async function writeAtomic(path: string, text: string, overwrite: boolean): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
  const handle = await open(tmp, "wx", 0o644).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") throw new Error(`cannot write ${path}: directory ${dirname(path)} does not exist`);
    throw e;
  });
  try {
    await handle.writeFile(text, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  const exists = () => new Error(`${path} already exists; pass --force to overwrite it`);
  try {
    if (overwrite) {
      await rename(tmp, path);
      return;
    }
    try {
      await link(tmp, path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EEXIST") throw exists();
      if (code !== "EPERM" && code !== "ENOTSUP" && code !== "ENOSYS") throw e;
      // A file system without hard links: check, then rename (not race-free, but close).
      if (await fileExists(path)) throw exists();
      await rename(tmp, path);
    }
  } finally {
    await unlink(tmp).catch(() => {}); // gone already after a rename
  }
}

function fileExists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
