// ubn keys new|list|show: encrypted keys in a keystore directory.
import { join } from "node:path";
import {
  addressOf,
  assertKeyName,
  encryptKey,
  findKeyFile,
  generateKeyPair,
  listKeyFiles,
  saveKeyFile,
} from "../../../crypto/index.ts";
import { type Command, type CommandContext, type CommandGroup, stringOption } from "../command.ts";
import { defaultKeystoreDir } from "../home.ts";
import { readPassword } from "../password.ts";
import { keyPairOnShard, requestedShard } from "./keys-shard.ts";

const keystoreOption = { keystore: { type: "string" } } as const;
const keystoreHelp: [string, string] = [
  "--keystore DIR",
  "keystore directory (default $UBN_HOME/keystore, ~/.ubn/keystore)",
];

function keystoreDir(ctx: CommandContext): string {
  return stringOption(ctx, "keystore") ?? defaultKeystoreDir(ctx.env);
}

const newKey: Command = {
  name: "new",
  summary: "create a key, encrypted with a password",
  usage: "[--name NAME] [--keystore DIR] [--password-file FILE] [--shard K [--shards S | --genesis FILE]]",
  options: {
    ...keystoreOption,
    name: { type: "string" },
    "password-file": { type: "string" },
    shard: { type: "string" },
    shards: { type: "string" },
    genesis: { type: "string" },
  },
  optionHelp: [
    keystoreHelp,
    ["--name NAME", "a name to refer to the key by (default: key-N)"],
    ["--password-file FILE", "read the password from FILE (else $UBN_PASSWORD, else a prompt)"],
    ["--shard K", "make a key whose address lives on shard K (an account's shard is fixed by its address)"],
    ["--shards S", "the chain's shard count for --shard (default: from --genesis or $UBN_HOME/genesis.json)"],
    ["--genesis FILE", "read the shard count for --shard from this genesis file"],
  ],
  async run(ctx) {
    const onShard = await requestedShard(ctx);
    const dir = keystoreDir(ctx);
    const existing = await listKeyFiles(dir);
    const name = stringOption(ctx, "name") ?? nextFreeName(existing.map((k) => k.name));
    assertKeyName(name);
    if (existing.some((k) => k.name === name)) throw new Error(`a key named "${name}" already exists in ${dir}`);
    const password = await readPassword({
      passwordFile: stringOption(ctx, "password-file"),
      env: ctx.env,
      confirm: true,
    });
    const { secretKey, publicKey } =
      onShard === null ? generateKeyPair() : keyPairOnShard(onShard.shard, onShard.shardCount);
    const file = await encryptKey(secretKey, password, name);
    secretKey.fill(0);
    const path = await saveKeyFile(dir, file);
    const shardLine = onShard === null ? "" : `\n  shard:      ${onShard.shard} of ${onShard.shardCount}`;
    ctx.out.result(
      {
        name,
        address: addressOf(publicKey),
        publicKey: file.publicKey,
        file: path,
        ...(onShard === null ? {} : { shard: onShard.shard, shardCount: onShard.shardCount }),
      },
      `Created key "${name}"\n  address:    ${file.address}\n  public key: ${file.publicKey}${shardLine}\n  file:       ${path}`,
    );
  },
};

function nextFreeName(taken: string[]): string {
  for (let i = 1; ; i++) if (!taken.includes(`key-${i}`)) return `key-${i}`;
}

const listKeys: Command = {
  name: "list",
  summary: "list the keys in a keystore",
  usage: "[--keystore DIR]",
  options: { ...keystoreOption },
  optionHelp: [keystoreHelp],
  async run(ctx) {
    const dir = keystoreDir(ctx);
    const keys = (await listKeyFiles(dir)).map((k) => ({
      name: k.name,
      address: k.address,
      publicKey: k.publicKey,
      file: join(dir, `${k.address}.json`),
    }));
    const human =
      keys.length === 0 ? `No keys in ${dir}` : keys.map((k) => `${k.name.padEnd(16)} ${k.address}`).join("\n");
    ctx.out.result(keys, human);
  },
};

const showKey: Command = {
  name: "show",
  summary: "show one key's address and public key",
  usage: "NAME|ADDRESS [--keystore DIR]",
  options: { ...keystoreOption },
  optionHelp: [keystoreHelp],
  positionals: [1, 1],
  async run(ctx) {
    const dir = keystoreDir(ctx);
    const k = await findKeyFile(dir, ctx.positionals[0] as string);
    const data = { name: k.name, address: k.address, publicKey: k.publicKey, file: join(dir, `${k.address}.json`) };
    ctx.out.result(
      data,
      `name:       ${data.name}\naddress:    ${data.address}\npublic key: ${data.publicKey}\nfile:       ${data.file}`,
    );
  },
};

export const keysCommands: CommandGroup = {
  name: "keys",
  summary: "create and inspect encrypted keys",
  commands: [newKey, listKeys, showKey],
};
