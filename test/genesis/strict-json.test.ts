import { describe, expect, it } from "vitest";
import { JsonSyntaxError, parseStrictJson } from "../../genesis/index.ts";

function syntaxError(text: string): JsonSyntaxError {
  try {
    parseStrictJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return e;
    throw e;
  }
  throw new Error(`expected a syntax error for ${text}`);
}

describe("parseStrictJson", () => {
  it("gives the same values as JSON.parse", () => {
    const docs = [
      '{"a": 1, "b": [true, false, null], "c": {"d": "e"}}',
      "[]",
      "{}",
      '  "text with \\"quotes\\", \\\\ \\/ \\b\\f\\n\\r\\t and \\u00e9 \\ud83d\\ude00"  ',
      "-0.5e-3",
      "12345678901234567890",
      "[0, -1, 2.5, 1E3, 1e+2]",
      '{"nested": [[[{"x": [1, {"y": {}}]}]]]}',
    ];
    for (const doc of docs) {
      const { value, duplicates } = parseStrictJson(doc);
      expect(value).toEqual(JSON.parse(doc));
      expect(duplicates).toEqual([]);
    }
  });

  it("reports a duplicate member name with its path and both positions", () => {
    const { value, duplicates } = parseStrictJson('{\n  "a": 1,\n  "a": 2\n}');
    expect(value).toEqual({ a: 2 }); // the last wins, as with JSON.parse
    expect(duplicates).toEqual([{ path: "a", name: "a", line: 3, column: 3, firstLine: 2, firstColumn: 3 }]);
  });

  it("reports duplicates nested in objects and arrays", () => {
    const doc =
      '{"validators": [{"stake": "1"}, {"stake": "1", "stake": "2"}], "params": {"fees": {"perByte": "1", "perByte": "1"}}}';
    const { duplicates } = parseStrictJson(doc);
    expect(duplicates.map((d) => d.path)).toEqual(["validators[1].stake", "params.fees.perByte"]);
  });

  it("tells apart the same name in sibling objects (not a duplicate)", () => {
    expect(parseStrictJson('[{"a": 1}, {"a": 2}]').duplicates).toEqual([]);
  });

  it("quotes odd member names in paths", () => {
    const { duplicates } = parseStrictJson('{"x": {"a b": 1, "a b": 2}}');
    expect(duplicates[0]?.path).toBe('x["a b"]');
  });

  it("keeps __proto__ as a plain member", () => {
    const { value, duplicates } = parseStrictJson('{"__proto__": {"polluted": true}, "__proto__": 1}');
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value as object)).toEqual(["__proto__"]);
    expect(duplicates).toHaveLength(1);
  });

  it("accepts a leading byte-order mark", () => {
    expect(parseStrictJson('\ufeff{"a": 1}').value).toEqual({ a: 1 });
  });

  it("refuses what JSON refuses, with line and column", () => {
    const cases: [string, number, number][] = [
      ['{\n  "a": 1,\n}', 3, 1], // trailing comma
      ["{'a': 1}", 1, 2],
      ['{"a": 01}', 1, 8],
      ['{"a": 1} x', 1, 10],
      ['{"a": NaN}', 1, 7],
      ['{"a": "unterminated}', 1, 7],
      ['"tab\tinside"', 1, 5],
      ['"\\x"', 1, 2],
      ["", 1, 1],
      ["[1 2]", 1, 4],
      ['{"a" 1}', 1, 6],
    ];
    for (const [doc, line, column] of cases) {
      const e = syntaxError(doc);
      expect([e.line, e.column], doc).toEqual([line, column]);
      expect(e.message).toContain(`line ${line}, column ${column}`);
    }
  });

  it("bounds nesting depth", () => {
    expect(syntaxError(`${"[".repeat(100)}${"]".repeat(100)}`).message).toContain("nesting deeper than");
  });
});
