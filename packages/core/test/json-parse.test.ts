// parseJson's errors and escapes, character by character: what a debugging
// engineer reads in the message, and the byte offset it points at.
import { describe, expect, test } from "vitest";
import {
  asJsonValue,
  DEFAULT_LIMITS,
  type JsonBounds,
  jsonBounds,
  parseJson,
} from "../src/index.js";
import { thrown } from "./thrown.js";

const BOUNDS = jsonBounds(DEFAULT_LIMITS);
/** Parses `text` as if it started at byte 100 of a frame. */
const parse = (text: string) => parseJson(text, BOUNDS, 100);

describe("syntax errors: code, message and offset", () => {
  test.each<[string, string, string, number]>([
    ["empty input", "", "unexpected end of input", 100],
    ["only whitespace", " ", "unexpected end of input", 101],
    ["an open array", "[", "unexpected end of input", 101],
    ["an open object", "{", "expected a member name, got end of input", 101],
    ["an unterminated string", '"abc', "unterminated string", 104],
    ["a control character in a string", '"a\u0001"', "control character U+0001 in a string", 102],
    ["U+001F in a member name", '{"a\u001f":1}', "control character U+001F in a string", 103],
    ["an unknown escape", '"\\x"', "invalid escape 'x'", 101],
    ["a short \\u escape", '"\\u12"', "a \\u escape needs four hex digits", 101],
    ["a \\u escape with G", '"\\u12G4"', "a \\u escape needs four hex digits", 101],
    ["'/' is not a hex digit", '"\\u0/00"', "a \\u escape needs four hex digits", 101],
    ["':' is not a hex digit", '"\\u00:0"', "a \\u escape needs four hex digits", 101],
    ["'@' is not a hex digit", '"\\u00@0"', "a \\u escape needs four hex digits", 101],
    ["'`' is not a hex digit", '"\\u00`0"', "a \\u escape needs four hex digits", 101],
    ["'g' is not a hex digit", '"\\u00g0"', "a \\u escape needs four hex digits", 101],
    ["a trailing comma in an array", "[1,]", "unexpected ']'", 103],
    ["a trailing comma in an object", '{"a":1,}', "expected a member name, got '}'", 107],
    ["a missing colon", '{"a" 1}', "expected ':', got '1'", 105],
    ["an unquoted name", "{a:1}", "expected a member name, got 'a'", 101],
    ["a missing comma", "[1 2]", "expected ',' or ']', got '2'", 103],
    ["a missing comma in an object", '{"a":1 "b":2}', "expected ',' or '}', got '\"'", 107],
    ["'~' is shown as itself", "[1 ~]", "expected ',' or ']', got '~'", 103],
    ["'!' is shown as itself", "[!]", "unexpected '!'", 101],
    ["DEL is shown as a code point", "[1\u007f]", "expected ',' or ']', got U+007F", 102],
    ["U+001F is shown as a code point", "[\u001f]", "unexpected U+001F", 101],
    [
      "a non-ASCII character (2 bytes before it count)",
      '["é"é]',
      "expected ',' or ']', got U+00E9",
      105,
    ],
    ["NUL", "[\u0000]", "unexpected U+0000", 101],
    ["a misspelt true", "tru", "unexpected 't'", 100],
    ["a misspelt null", "nul", "unexpected 'n'", 100],
    ["a lone minus", "-", "expected a digit, got end of input", 101],
    ["a minus and a letter", "-a", "expected a digit, got 'a'", 101],
    ["a leading zero", "01", "unexpected '1' after the JSON value", 101],
    ["a bare decimal point", "1.", "expected a digit after '.', got end of input", 102],
    ["an empty exponent", "1e", "expected a digit in the exponent, got end of input", 102],
    ["a signed empty exponent", "1e+", "expected a digit in the exponent, got end of input", 103],
    ["text after the value", '{"a":1}x', "unexpected 'x' after the JSON value", 107],
    ["a double out of range", "1E400", "number 1E400 is beyond the range of a double", 100],
  ])("%s", (_label, text, detail, offset) => {
    const e = thrown(() => parse(text));
    expect(e.code).toBe("invalid_json");
    expect(e.detail).toBe(detail);
    expect(e.offset).toBe(offset);
  });
});

describe("\\u escapes", () => {
  test.each<[string, string]>([
    ['"\\u00e9"', "é"],
    ['"\\u00E9"', "é"],
    ['"\\u00Ff"', "ÿ"],
    ['"\\u0Aa9"', "\u0aa9"],
    ['"\\uD83D\\uDE00"', "😀"],
    ['"\\uD83D\\uDC00"', "\u{1f400}"],
    ['"\\uDBFF\\uDFFF"', "\u{10ffff}"],
    ['"a\\uD800\\uDC00b"', "a\u{10000}b"],
    ['"\\/\\b\\f\\n\\r\\t\\"\\\\"', '/\b\f\n\r\t"\\'],
    ['"a\u007f"', "a\u007f"],
  ])("%s reads as the character", (text, value) => {
    expect(parse(text)).toBe(value);
  });

  test.each<[string, string, number]>([
    ["a high surrogate at the end", '"\\uD83D"', 101],
    ["a high surrogate and a letter", '"\\uD83Dx"', 101],
    ["a high surrogate and a non-surrogate escape", '"\\uD83D\\u0041"', 101],
    ["a high surrogate and a \\n", '"\\uD83D\\nDE00"', 101],
    ["a high surrogate, then 'xu'", '"\\uD83DxuDE00"', 101],
    ["a high surrogate and U+E000", '"\\uD83D\\uE000"', 101],
    ["a low surrogate first", '"\\uDE00"', 101],
    ["two low surrogates", '"\\uDC00\\uDC00"', 101],
    ["after other characters", '"ab\\uDFFF"', 103],
  ])("%s is a lone surrogate: invalid_utf8", (_label, text, offset) => {
    const e = thrown(() => parse(text));
    expect(e.code).toBe("invalid_utf8");
    expect(e.detail).toBe("a \\u escape is a lone surrogate, not a character");
    expect(e.offset).toBe(offset);
  });

  test("escapes in member names", () => {
    expect(parse('{"\\u0041b":1,"\\uD83D\\uDE00":2}')).toEqual({ Ab: 1, "😀": 2 });
  });
});

describe("member names", () => {
  test("a name listed twice in a large object (past 16 members) is found too", () => {
    const names = Array.from({ length: 40 }, (_, i) => `k${i}`);
    const text = `{${names.map((n) => `"${n}":1`).join(",")},"k7":2}`;
    const e = thrown(() => parse(text));
    expect(e.code).toBe("invalid_json");
    expect(e.detail).toBe('member name "k7" appears twice in one object');
    expect(e.offset).toBe(100 + text.lastIndexOf('"k7"'));
    // The same names in sibling objects are no duplicates.
    const siblings = `[${Array.from({ length: 3 }, () => `{${names.map((n) => `"${n}":1`).join(",")}}`).join(",")}]`;
    expect((parse(siblings) as unknown[]).length).toBe(3);
  });

  test("a name listed twice in a small object", () => {
    const e = thrown(() => parse('{"a":1,"b":{"a":1},"a":2}'));
    expect(e.detail).toBe('member name "a" appears twice in one object');
    expect(e.offset).toBe(119);
  });

  test("names that share a cache slot, or are prefixes of each other, are never mixed up", () => {
    // Many short names: some share a slot of the parser's name cache (256 slots).
    const names = Array.from({ length: 2000 }, (_, i) => `n${i.toString(36)}`);
    const text = `[${names.map((n) => `{"${n}":0,"${n}x":1}`).join(",")}]`;
    const parsed = parse(text) as Record<string, number>[];
    expect(parsed.map((o) => Object.keys(o))).toEqual(names.map((n) => [n, `${n}x`]));
    // Read twice: the second pass reads every name from the cache where it can.
    expect(parse(text)).toEqual(parsed);
  });
});

describe("text before and inside the value", () => {
  test("a byte order mark is refused (the JSON codec writes none)", () => {
    const e = thrown(() => parse("\ufeff{}"));
    expect(e.code).toBe("invalid_json");
    expect(e.detail).toBe("a byte order mark before the JSON text (the JSON codec has none)");
    expect(e.offset).toBe(100);
  });

  test.each([
    "0",
    "-0.0",
    "1.0",
    "1.9",
    "0.5",
    "1e0",
    "1E9",
    "9e-1",
    "123456789012345",
    "1234567890123456",
    "-12345678901234567890",
    "9007199254740993",
  ])("%s reads as JSON.parse reads it", (text) => {
    expect(Object.is(parse(text), JSON.parse(text))).toBe(true);
  });

  test.each<[string, string, number]>([
    ["1./", "expected a digit after '.', got '/'", 102],
    ["1.:", "expected a digit after '.', got ':'", 102],
    ["1e/", "expected a digit in the exponent, got '/'", 102],
    ["1e:", "expected a digit in the exponent, got ':'", 102],
    ["-/", "expected a digit, got '/'", 101],
    ["-:", "expected a digit, got ':'", 101],
  ])("%s: %s", (text, detail, offset) => {
    const e = thrown(() => parse(text));
    expect(e.detail).toBe(detail);
    expect(e.offset).toBe(offset);
  });

  test("a __proto__ member is an own, ordinary data property", () => {
    const value = parse('{"__proto__":1}') as object;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(value, "__proto__")).toEqual({
      value: 1,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  });
});

describe("asJsonValue: a JavaScript value that must be JSON", () => {
  const small: JsonBounds = { maxNesting: 2, maxMembers: 3, maxKeyLength: 4 };

  test.each<[string, unknown, string, string, string]>([
    [
      "a lone surrogate",
      { a: ["\ud800"] },
      "invalid_utf8",
      "string has a lone surrogate",
      "arg.a[0]",
    ],
    ["NaN", { a: Number.NaN }, "invalid_json", "NaN is not a JSON number", "arg.a"],
    [
      "Infinity",
      [Number.POSITIVE_INFINITY],
      "invalid_json",
      "Infinity is not a JSON number",
      "arg[0]",
    ],
    ["a bigint", { a: 1n }, "invalid_json", "a bigint is not a JSON value", "arg.a"],
    ["a function", { f: () => 1 }, "invalid_json", "a function is not a JSON value", "arg.f"],
    ["undefined", [undefined], "invalid_json", "undefined is not a JSON value", "arg[0]"],
    [
      "a Date",
      { d: new Date(0) },
      "invalid_json",
      "a Date is not a JSON value (plain objects only)",
      "arg.d",
    ],
    [
      "an object whose prototype has no constructor",
      { o: Object.create(Object.create(null)) },
      "invalid_json",
      "a non-plain object is not a JSON value (plain objects only)",
      "arg.o",
    ],
    [
      "a lone surrogate in a name",
      { "\udc00": 1 },
      "invalid_utf8",
      "member name has a lone surrogate",
      "arg.\udc00",
    ],
    [
      "a long member name",
      { abcde: 1 },
      "limit_exceeded",
      "a member name of 5 bytes is longer than maxKeyLength (4)",
      "arg.abcde",
    ],
    [
      "too deep",
      [[[1]]],
      "limit_exceeded",
      "nested deeper than 2 levels (the bound for maxDepth)",
      "arg[0][0]",
    ],
    [
      "too many members",
      [1, 2, 3, 4],
      "limit_exceeded",
      "more than 3 JSON members and elements (the bound for maxAttributes)",
      "arg[3]",
    ],
  ])("%s", (_label, value, code, detail, path) => {
    const e = thrown(() => asJsonValue(value, small, "arg"));
    expect({ code: e.code, detail: e.detail, path: e.path }).toEqual({ code, detail, path });
  });

  test("a circular reference, and the same object twice (no cycle)", () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    const e = thrown(() => asJsonValue(loop, BOUNDS, "x"));
    expect({ code: e.code, detail: e.detail, path: e.path }).toEqual({
      code: "invalid_json",
      detail: "a circular reference is not JSON",
      path: "x.self",
    });
    const shared = { a: 1 };
    expect(asJsonValue([shared, shared], BOUNDS)).toEqual([{ a: 1 }, { a: 1 }]);
    expect(asJsonValue(Object.assign(Object.create(null), { n: null }), BOUNDS)).toEqual({
      n: null,
    });
  });
});

describe("the parser's own bounds", () => {
  const small: JsonBounds = { maxNesting: 2, maxMembers: 3, maxKeyLength: 4 };

  test("nesting and member counts name the bound they come from", () => {
    const deep = thrown(() => parseJson("[[[1]]]", small, 0));
    expect({ code: deep.code, detail: deep.detail, offset: deep.offset }).toEqual({
      code: "limit_exceeded",
      detail: "JSON nested deeper than 2 levels (the bound for maxDepth)",
      offset: 2,
    });
    const many = thrown(() => parseJson('{"a":1,"b":2,"c":3,"d":4}', small, 0));
    expect({ code: many.code, detail: many.detail }).toEqual({
      code: "limit_exceeded",
      detail: "more than 3 JSON members and elements (the bound for maxAttributes)",
    });
    const objects = thrown(() => parseJson('{"a":{"b":{"c":1}}}', small, 0));
    expect(objects.detail).toBe("JSON nested deeper than 2 levels (the bound for maxDepth)");
  });
});
