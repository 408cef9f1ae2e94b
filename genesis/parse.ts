// Text to Genesis: strict JSON (duplicate member names are errors), then the file's shape,
// then the rules. Every problem found on the way is reported together in one GenesisError.
import { type GenesisIssue, invalidGenesis, ROOT_PATH } from "./errors.ts";
import { genesisDraftFromJson } from "./from-json.ts";
import { JsonSyntaxError, parseStrictJson } from "./strict-json.ts";
import type { Genesis } from "./types.ts";
import { genesisIssues, type ValidateOptions } from "./validate.ts";

export interface ParseGenesisOptions extends ValidateOptions {
  /** Names the input in the error message, e.g. the file path. */
  source?: string;
}

export function parseGenesis(text: string, opts: ParseGenesisOptions = {}): Genesis {
  let parsed: ReturnType<typeof parseStrictJson>;
  try {
    parsed = parseStrictJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw invalidGenesis([{ path: ROOT_PATH, message: e.message }], opts.source);
    throw e;
  }
  const issues: GenesisIssue[] = parsed.duplicates.map((d) => ({
    path: d.path,
    message: `duplicate member "${d.name}" at line ${d.line}, column ${d.column} (first at line ${d.firstLine}, column ${d.firstColumn}); JSON.parse would silently keep the last one`,
  }));
  const draft = genesisDraftFromJson(parsed.value, issues);
  issues.push(...genesisIssues(draft, opts));
  if (issues.length > 0) throw invalidGenesis(issues, opts.source);
  // No issues means the reader found every required field well-formed.
  return draft as Genesis;
}
