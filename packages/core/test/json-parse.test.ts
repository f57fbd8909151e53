// parseJson's errors and escapes, character by character: what a debugging
// engineer reads in the message, and the byte offset it points at.
import { describe, expect, test } from "vitest";
import { DEFAULT_LIMITS, jsonBounds, parseJson } from "../src/index.js";
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
