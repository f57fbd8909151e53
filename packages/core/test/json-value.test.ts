import {
  asJsonValue,
  DEFAULT_LIMITS,
  isEnvelopeError,
  type JsonBounds,
  jsonBounds,
  parseJson,
  resolveLimits,
} from "@envelope/core";
import fc from "fast-check";
import { describe, expect, test } from "vitest";

const BOUNDS = jsonBounds(DEFAULT_LIMITS);

/** JSON text with whitespace between tokens (strings are left alone), chosen by `pick`. */
function withWhitespace(text: string, pick: (i: number) => number): string {
  const ws = ["", "", "", " ", "\n", "\r", "\t", "  "];
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    out += c;
    if (inString) {
      if (c === "\\") out += text[++i]!;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if ("{}[],:".includes(c)) out += ws[pick(i) % ws.length]!;
  }
  return out;
}

function errorOf(run: () => unknown): { code: string; offset?: number; path?: string } {
  try {
    run();
  } catch (error) {
    if (!isEnvelopeError(error)) throw error;
    const out: { code: string; offset?: number; path?: string } = { code: error.code };
    if (error.offset !== undefined) out.offset = error.offset;
    if (error.path !== undefined) out.path = error.path;
    return out;
  }
  throw new Error("expected an EnvelopeError");
}

describe("parseJson agrees with JSON.parse on valid JSON", () => {
  test("random JSON texts (fast-check, any Unicode, random whitespace)", () => {
    const text = fc
      .tuple(
        fc.json({ depthSize: "medium", stringUnit: "binary" }),
        fc.array(fc.nat(), { minLength: 1 }),
      )
      .map(([t, picks]) => withWhitespace(t, (i) => picks[i % picks.length]!));
    fc.assert(
      fc.property(text, (t) => {
        const ours = parseJson(t, BOUNDS);
        expect(ours).toEqual(JSON.parse(t));
      }),
      { seed: 7, numRuns: 2000 },
    );
  });

  test.each([
    "0",
    "-0",
    "1E+2",
    "1e-2",
    "0.5e3",
    "-123456789012345678901234567890",
    "123456789012345",
    "9007199254740993",
    '"\\u00e9\\ud83d\\ude00\\/\\b\\f\\n\\r\\t\\"\\\\"',
    '"\\u0000"',
    '"\ufeff inside is kept"',
    " \t\n\r{ } ",
    '{"a":[],"b":{},"c":[{}]}',
    '{"__proto__":{"x":1},"constructor":2,"toString":3}',
    "[true,false,null]",
    '"\u2028\u2029"',
  ])("%s", (text) => {
    const ours = parseJson(text, BOUNDS);
    expect(ours).toEqual(JSON.parse(text));
    if (typeof ours === "number") expect(Object.is(ours, JSON.parse(text))).toBe(true);
  });

  test("a __proto__ member is an own member and never a prototype", () => {
    const value = parseJson('{"__proto__":{"polluted":1}}', BOUNDS) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("parseJson refuses what is not one JSON value", () => {
  test.each([
    ["empty", "", "invalid_json", 0],
    ["byte order mark", '\ufeff{"a":1}', "invalid_json", 0],
    ["trailing comma in array", "[1,]", "invalid_json", 3],
    ["trailing comma in object", '{"a":1,}', "invalid_json", 7],
    ["leading zero", "01", "invalid_json", 1],
    ["bare fraction", ".5", "invalid_json", 0],
    ["plus sign", "+1", "invalid_json", 0],
    ["dot without digits", "1.", "invalid_json", 2],
    ["exponent without digits", "1e+", "invalid_json", 3],
    ["NaN", "NaN", "invalid_json", 0],
    ["Infinity", "[Infinity]", "invalid_json", 1],
    ["single quotes", "['a']", "invalid_json", 1],
    ["unquoted name", "{a:1}", "invalid_json", 1],
    ["raw control character", '"a\u0001"', "invalid_json", 2],
    ["raw newline", '"a\nb"', "invalid_json", 2],
    ["unknown escape", '"\\x41"', "invalid_json", 1],
    ["short \\u escape", '"\\u12"', "invalid_json", 1],
    ["unterminated string", '"abc', "invalid_json", 4],
    ["unclosed array", "[1,2", "invalid_json", 4],
    ["second value", "{} {}", "invalid_json", 3],
    ["comment", "[1]//", "invalid_json", 3],
    ["offsets count UTF-8 bytes", '["é€😀",x]', "invalid_json", 13],
  ])("%s", (_name, text, code, offset) => {
    expect(errorOf(() => parseJson(text, BOUNDS, 0))).toEqual({ code, offset });
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  test.each([
    ["duplicate name", '{"a":1,"a":2}', "invalid_json", 7],
    ["duplicate after unescaping", '{"a":1,"\\u0061":2}', "invalid_json", 7],
    ["duplicate __proto__", '{"__proto__":1,"__proto__":2}', "invalid_json", 15],
    ["duplicate inherited name", '{"toString":1,"toString":2}', "invalid_json", 14],
    [
      "duplicate in an object of 20 members",
      `{${Array.from({ length: 20 }, (_, i) => `"k${i}":0`).join(",")},"k3":1}`,
      "invalid_json",
      151,
    ],
    [
      "inherited names in an object of 20 members",
      `{${Array.from({ length: 20 }, (_, i) => `"k${i}":0`).join(",")},"toString":1,"__proto__":1,"__proto__":2}`,
      "invalid_json",
      178,
    ],
    ["lone high surrogate", '"\\ud800"', "invalid_utf8", 1],
    ["lone low surrogate", '"a\\udc00"', "invalid_utf8", 2],
    ["high surrogate then a letter", '"\\ud800\\u0041"', "invalid_utf8", 1],
    ["number beyond a double", "[1e400]", "invalid_json", 1],
    ["negative number beyond a double", "-1e309", "invalid_json", 0],
  ])("%s (which JSON.parse accepts)", (_name, text, code, offset) => {
    expect(errorOf(() => parseJson(text, BOUNDS, 0))).toEqual({ code, offset });
    expect(() => JSON.parse(text)).not.toThrow();
  });

  test("offsets are moved by the text's position in the input", () => {
    expect(errorOf(() => parseJson('{"a":1,"a":2}', BOUNDS, 100))).toEqual({
      code: "invalid_json",
      offset: 107,
    });
  });

  test("messages quote at most an excerpt", () => {
    const long = "k".repeat(1000);
    try {
      parseJson(`{"${long}":1,"${long}":2}`, BOUNDS);
    } catch (error) {
      expect(String((error as Error).message).length).toBeLessThan(200);
    }
    expect.assertions(1);
  });
});

describe("parseJson bounds", () => {
  const small: JsonBounds = { maxNesting: 3, maxMembers: 4, maxKeyLength: 4 };
  test.each([
    ["nesting at the bound", "[[[1]]]", undefined],
    ["nesting past the bound", "[[[[1]]]]", { code: "limit_exceeded", offset: 3 }],
    ["members at the bound", '[1,{"a":2,"b":3}]', undefined],
    ["members past the bound", "[1,2,3,4,5]", { code: "limit_exceeded", offset: 9 }],
    ["member name of 4 bytes", '{"ab€":1}', { code: "limit_exceeded", offset: 1 }],
    ["member name of 4 bytes, ASCII", '{"abcd":1}', undefined],
    ["member name of 5 bytes", '{"abcde":1}', { code: "limit_exceeded", offset: 1 }],
  ])("%s", (_name, text, expected) => {
    if (expected === undefined) expect(parseJson(text, small)).toEqual(JSON.parse(text));
    else expect(errorOf(() => parseJson(text, small))).toEqual(expected);
  });

  test("bounds follow the limits", () => {
    expect(jsonBounds(resolveLimits({ maxDepth: 2, maxAttributes: 10, maxKeyLength: 7 }))).toEqual({
      maxNesting: 16,
      maxMembers: 4176,
      maxKeyLength: 7,
    });
  });

  test("a value 100,000 deep ends in limit_exceeded, not a stack overflow", () => {
    expect(errorOf(() => parseJson("[".repeat(100_000), BOUNDS)).code).toBe("limit_exceeded");
  });
});

describe("asJsonValue accepts JSON values only", () => {
  class Point {
    x = 1;
  }
  const circular: Record<string, unknown> = { a: [1] };
  (circular.a as unknown[]).push(circular);
  const sparse: unknown[] = [1];
  sparse[2] = 3;

  test.each([
    ["bigint", { a: 1n }, "invalid_json", "a"],
    ["undefined", { a: [undefined] }, "invalid_json", "a[0]"],
    ["function", { f: () => 1 }, "invalid_json", "f"],
    ["symbol", { s: Symbol("s") }, "invalid_json", "s"],
    ["NaN", [Number.NaN], "invalid_json", "[0]"],
    ["Infinity", { n: Number.POSITIVE_INFINITY }, "invalid_json", "n"],
    ["Date", { d: new Date(0) }, "invalid_json", "d"],
    ["Map", { m: new Map() }, "invalid_json", "m"],
    ["Uint8Array", { b: new Uint8Array(1) }, "invalid_json", "b"],
    ["class instance", { p: new Point() }, "invalid_json", "p"],
    ["circular", circular, "invalid_json", "a[1]"],
    ["hole in an array", sparse, "invalid_json", "[1]"],
    ["lone surrogate", { s: "a\ud800" }, "invalid_utf8", "s"],
    ["lone surrogate in a name", { "\udc00": 1 }, "invalid_utf8", "\udc00"],
  ])("%s -> %s at %s", (_name, value, code, path) => {
    expect(errorOf(() => asJsonValue(value, BOUNDS))).toEqual({ code, path });
  });

  test("plain objects (also without prototype), arrays and shared references are accepted", () => {
    const shared = { x: [1, "é", true, null] };
    const bare = Object.assign(Object.create(null) as object, { a: 1 });
    const value = { shared, again: shared, bare };
    expect(asJsonValue(value, BOUNDS)).toBe(value);
  });

  test("the same bounds as the parser, with the path in errors", () => {
    const small: JsonBounds = { maxNesting: 2, maxMembers: 3, maxKeyLength: 3 };
    expect(errorOf(() => asJsonValue({ a: { b: { c: 1 } } }, small, "body"))).toEqual({
      code: "limit_exceeded",
      path: "body.a.b",
    });
    expect(errorOf(() => asJsonValue([1, 2, 3, 4], small))).toEqual({
      code: "limit_exceeded",
      path: "[3]",
    });
    expect(errorOf(() => asJsonValue({ abcd: 1 }, small))).toEqual({
      code: "limit_exceeded",
      path: "abcd",
    });
  });
});
