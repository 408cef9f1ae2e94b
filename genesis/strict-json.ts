// A JSON parser that reports what JSON.parse hides: a member name used twice in one object.
// JSON.parse keeps the last value without a word, so a genesis file edited by hand could carry
// two "stake" fields and mean something other than what its reviewer read. Otherwise it
// accepts exactly RFC 8259 JSON (plus a leading byte-order mark, which editors add) and gives
// the same values as JSON.parse. Syntax errors say line and column.
import { childPath, ROOT_PATH } from "./errors.ts";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface DuplicateMember {
  /** Path of the repeated member, e.g. `validators[0].stake`. */
  path: string;
  name: string;
  line: number;
  column: number;
  firstLine: number;
  firstColumn: number;
}

export interface StrictJsonResult {
  /** The parsed value; for a repeated name the last value wins, as with JSON.parse. */
  value: JsonValue;
  duplicates: DuplicateMember[];
}

export class JsonSyntaxError extends Error {
  override name = "JsonSyntaxError";
  readonly line: number;
  readonly column: number;
  constructor(reason: string, line: number, column: number) {
    super(`invalid JSON at line ${line}, column ${column}: ${reason}`);
    this.line = line;
    this.column = column;
  }
}

const MAX_DEPTH = 64;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

export function parseStrictJson(text: string): StrictJsonResult {
  return new Parser(text).parseDocument();
}

class Parser {
  private readonly text: string;
  private pos = 0;
  private readonly duplicates: DuplicateMember[] = [];
  private lineStarts: number[] | undefined;

  constructor(text: string) {
    this.text = text;
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  parseDocument(): StrictJsonResult {
    this.skipWhitespace();
    const value = this.parseValue(ROOT_PATH, 0);
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail("unexpected text after the end of the document");
    return { value, duplicates: this.duplicates };
  }

  private parseValue(path: string, depth: number): JsonValue {
    const c = this.text[this.pos];
    switch (c) {
      case "{":
        return this.parseObject(path, depth + 1);
      case "[":
        return this.parseArray(path, depth + 1);
      case '"':
        return this.parseString();
      case "t":
        return this.parseLiteral("true", true);
      case "f":
        return this.parseLiteral("false", false);
      case "n":
        return this.parseLiteral("null", null);
      case undefined:
        return this.fail("unexpected end of input, expected a value");
      default:
        if (c === "-" || (c >= "0" && c <= "9")) return this.parseNumber();
        return this.fail(`unexpected character ${JSON.stringify(c)}, expected a value`);
    }
  }

  private parseObject(path: string, depth: number): { [key: string]: JsonValue } {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    this.pos++; // {
    const out: { [key: string]: JsonValue } = {};
    const seen = new Map<string, number>(); // name -> offset of its first occurrence
    this.skipWhitespace();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return out;
    }
    for (;;) {
      if (this.text[this.pos] !== '"') this.fail("expected a member name in double quotes");
      const offset = this.pos;
      const name = this.parseString();
      const memberPath = childPath(path, name);
      const first = seen.get(name);
      if (first === undefined) {
        seen.set(name, offset);
      } else {
        const [line, column] = this.lineColumn(offset);
        const [firstLine, firstColumn] = this.lineColumn(first);
        this.duplicates.push({ path: memberPath, name, line, column, firstLine, firstColumn });
      }
      this.skipWhitespace();
      this.expect(":");
      this.skipWhitespace();
      // defineProperty, not assignment: a member named "__proto__" must stay a plain member.
      Object.defineProperty(out, name, {
        value: this.parseValue(memberPath, depth),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.skipWhitespace();
      if (this.text[this.pos] === ",") {
        this.pos++;
        this.skipWhitespace();
        continue;
      }
      this.expect("}");
      return out;
    }
  }

  private parseArray(path: string, depth: number): JsonValue[] {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    this.pos++; // [
    const out: JsonValue[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.parseValue(childPath(path, out.length), depth));
      this.skipWhitespace();
      if (this.text[this.pos] === ",") {
        this.pos++;
        this.skipWhitespace();
        continue;
      }
      this.expect("]");
      return out;
    }
  }

  private parseString(): string {
    const start = this.pos;
    this.pos++; // opening quote
    let out = "";
    let chunkStart = this.pos;
    for (;;) {
      const code = this.text.charCodeAt(this.pos);
      if (Number.isNaN(code)) {
        this.pos = start;
        this.fail("unterminated string");
      }
      if (code === 0x22) break; // "
      if (code < 0x20) this.fail("control character in a string (write it as an escape such as \\n)");
      if (code !== 0x5c) {
        this.pos++;
        continue;
      }
      out += this.text.slice(chunkStart, this.pos);
      const e = this.text[this.pos + 1];
      if (e === "u") {
        const hex = this.text.slice(this.pos + 2, this.pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("bad \\u escape: expected four hex digits");
        out += String.fromCharCode(Number.parseInt(hex, 16));
        this.pos += 6;
      } else {
        const decoded = e === undefined ? undefined : ESCAPES[e];
        if (decoded === undefined) this.fail(`bad escape \\${e ?? ""}`);
        out += decoded;
        this.pos += 2;
      }
      chunkStart = this.pos;
    }
    out += this.text.slice(chunkStart, this.pos);
    this.pos++; // closing quote
    return out;
  }

  private parseNumber(): number {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m) return this.fail("malformed number");
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private parseLiteral<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail(`unexpected text, expected ${word}`);
    this.pos += word.length;
    return value;
  }

  private expect(c: string): void {
    if (this.text[this.pos] !== c) {
      const got = this.text[this.pos];
      this.fail(`expected "${c}", got ${got === undefined ? "end of input" : JSON.stringify(got)}`);
    }
    this.pos++;
  }

  private skipWhitespace(): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c !== " " && c !== "\t" && c !== "\n" && c !== "\r") return;
      this.pos++;
    }
  }

  /** 1-based line and column of an offset; only called on the error path. */
  private lineColumn(offset: number): [number, number] {
    if (this.lineStarts === undefined) {
      this.lineStarts = [0];
      for (let i = 0; i < this.text.length; i++) if (this.text.charCodeAt(i) === 0x0a) this.lineStarts.push(i + 1);
    }
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return [lo + 1, offset - (starts[lo] as number) + 1];
  }

  private fail(reason: string): never {
    const [line, column] = this.lineColumn(this.pos);
    throw new JsonSyntaxError(reason, line, column);
  }
}
