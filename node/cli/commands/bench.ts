// ubn bench crypto: how many signatures this machine verifies per second, by each verifier.
import { formatCryptoBench, runCryptoBench } from "../../../bench/crypto.ts";
import { type Command, type CommandGroup, stringOption, UsageError } from "../command.ts";

const DEFAULT_SECONDS = 3;

function secondsOption(value: string | undefined): number {
  if (value === undefined) return DEFAULT_SECONDS;
  const seconds = Number(value);
  if (value.trim() === "" || !Number.isFinite(seconds) || seconds <= 0 || seconds > 600) {
    throw new UsageError(`--seconds must be a number of seconds between 0 and 600, got "${value}"`);
  }
  return seconds;
}

const cryptoBench: Command = {
  name: "crypto",
  summary: "measure signature verification throughput",
  usage: "[--seconds N] [--json]",
  options: { seconds: { type: "string" } },
  optionHelp: [["--seconds N", `time spent on each of the six figures (default ${DEFAULT_SECONDS})`]],
  details: [
    "Measures verifyNoble, noble's own verify, verifyNative (OpenSSL, keys cached) and the batch",
    "verifier on all cores, plus signing and SHA-256, over a pool of signatures from 1024 signers.",
    "A run takes six times --seconds plus about 10 s of setup. Other load on the machine lowers the figures.",
  ].join("\n"),
  async run(ctx) {
    const seconds = secondsOption(stringOption(ctx, "seconds"));
    ctx.out.note(`Measuring six figures, about ${seconds} s each...`);
    const result = await runCryptoBench({
      seconds,
      onMeasured: (figure, value, rme) => ctx.out.note(`  ${figure}: ${Math.round(value)} ±${rme.toFixed(1)}%`),
    });
    ctx.out.result(result, formatCryptoBench(result));
  },
};

export const benchCommands: CommandGroup = {
  name: "bench",
  summary: "measure this machine's throughput",
  commands: [cryptoBench],
};
