// A small command framework over node:util parseArgs: groups of subcommands, generated help,
// `--json` everywhere, and one place that turns errors into exit codes.
import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import { Output } from "./output.ts";

export interface CommandContext {
  /** Parsed option values (strings, booleans, or arrays for `multiple` options). */
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  out: Output;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  name: string;
  summary: string;
  /** Text after the command name in the usage line, e.g. "FILE --stake AMOUNT". */
  usage: string;
  options: ParseArgsOptionsConfig;
  /** One line per option, shown in --help: [flag, description]. */
  optionHelp: [string, string][];
  /** How many positionals the command takes: [min, max]. */
  positionals?: [number, number];
  details?: string;
  run(ctx: CommandContext): Promise<void>;
}

export interface CommandGroup {
  name: string;
  summary: string;
  commands: Command[];
  /**
   * The command run when the word after the group is absent or an option, so that
   * `ubn sim --seeds 1..9` means `ubn sim run --seeds 1..9`. Its help is the group's help.
   */
  default?: string;
}

/** A mistake in how the command was called: exit code 2, with a pointer to --help. */
export class UsageError extends Error {
  override name = "UsageError";
}

const COMMON_OPTIONS: ParseArgsOptionsConfig = {
  help: { type: "boolean", short: "h" },
  json: { type: "boolean" },
};

export function topLevelHelp(groups: CommandGroup[]): string {
  const lines = [
    "ubn: node and tools for the UBN chain",
    "",
    "Usage: ubn <command> <subcommand> [options]",
    "",
    "Commands:",
  ];
  for (const g of groups) {
    for (const c of g.commands) lines.push(`  ${commandPath(g, c).padEnd(26)}${c.summary}`);
  }
  lines.push("", "Every command takes --help, and --json for machine-readable output.");
  return lines.join("\n");
}

/** How a command is typed: "bench vm", or just "sim" for a group's default command. */
function commandPath(g: CommandGroup, c: Command): string {
  return g.default === c.name ? g.name : `${g.name} ${c.name}`;
}

function groupHelp(g: CommandGroup): string {
  const lines = [`ubn ${g.name}: ${g.summary}`, "", "Subcommands:"];
  for (const c of g.commands) lines.push(`  ${c.name.padEnd(16)}${c.summary}`);
  lines.push("", `Run 'ubn ${g.name} <subcommand> --help' for its options.`);
  return lines.join("\n");
}

function commandHelp(g: CommandGroup, c: Command): string {
  const path = commandPath(g, c);
  const lines = [`ubn ${path}: ${c.summary}`, "", `Usage: ubn ${path} ${c.usage}`.trimEnd()];
  const opts: [string, string][] = [
    ...c.optionHelp,
    ["--json", "machine-readable output"],
    ["-h, --help", "show this help"],
  ];
  lines.push("", "Options:");
  for (const [flag, text] of opts) lines.push(`  ${flag.padEnd(28)}${text}`);
  if (c.details) lines.push("", c.details);
  return lines.join("\n");
}

/** Runs the CLI and returns the process exit code. */
export async function runCli(argv: string[], groups: CommandGroup[], env: NodeJS.ProcessEnv): Promise<number> {
  const json = argv.includes("--json");
  const out = new Output(json);
  const [groupName, ...afterGroup] = argv;
  if (groupName === undefined || groupName === "--help" || groupName === "-h" || groupName === "help") {
    out.text(topLevelHelp(groups));
    return 0;
  }
  const group = groups.find((g) => g.name === groupName);
  if (!group) return out.usageError(`unknown command "${groupName}"; run 'ubn --help' for the list`);
  // A group with a default command takes options (or nothing) right after its name.
  const useDefault = group.default !== undefined && (afterGroup[0] === undefined || afterGroup[0].startsWith("-"));
  const [commandName, ...rest] = useDefault ? [group.default as string, ...afterGroup] : afterGroup;
  if (commandName === undefined || commandName === "--help" || commandName === "-h") {
    out.text(groupHelp(group));
    return commandName === undefined ? 2 : 0;
  }
  const command = group.commands.find((c) => c.name === commandName);
  if (!command)
    return out.usageError(`unknown command "ubn ${group.name} ${commandName}"; run 'ubn ${group.name} --help'`);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...COMMON_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    return out.usageError(`${(e as Error).message}; run 'ubn ${commandPath(group, command)} --help'`);
  }
  if (parsed.values.help) {
    out.text(commandHelp(group, command));
    return 0;
  }
  const [min, max] = command.positionals ?? [0, 0];
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    return out.usageError(`usage: ubn ${commandPath(group, command)} ${command.usage}`);
  }
  try {
    await command.run({ values: parsed.values, positionals: parsed.positionals, out, env });
    return 0;
  } catch (e) {
    if (e instanceof UsageError) return out.usageError(e.message);
    return out.failure(e);
  }
}

export function stringOption(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.values[name];
  return typeof v === "string" ? v : undefined;
}

export function requiredOption(ctx: CommandContext, name: string): string {
  const v = stringOption(ctx, name);
  if (v === undefined) throw new UsageError(`--${name} is required`);
  return v;
}
