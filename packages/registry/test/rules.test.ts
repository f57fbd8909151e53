// The value-rule helpers the registry exports: code point counting, how
// messages show values, and every rule one value breaks (ruleViolations),
// on fields read from a descriptor.
import {
  codePointLength,
  createRegistry,
  type FieldDescriptor,
  ruleViolations,
  showValue,
} from "@envelope/registry";
import { describe, expect, test } from "vitest";
import { testDescriptor, testEnvelope } from "./support.js";

/** The fields of a descriptor declaring `attributes`, by key. */
function fields(...attributes: Record<string, unknown>[]): Record<string, FieldDescriptor> {
  return Object.fromEntries(testDescriptor(attributes).attributes.map((f) => [f.key, f]));
}

describe("codePointLength", () => {
  test.each<[string, string, number]>([
    ["empty", "", 0],
    ["ASCII", "abc", 3],
    ["a surrogate pair", "\u{1f600}", 1],
    ["pairs in a row", "a\u{1f600}\u{1f600}b", 4],
    ["the lowest pair", "\ud800\udc00", 1],
    ["the highest pair", "\udbff\udfff", 1],
    ["high then the lowest low", "\udbff\udc00", 1],
    ["a lone high surrogate at the end", "a\ud800", 2],
    ["a lone high surrogate before a letter", "\ud800a", 2],
    ["two high surrogates", "\ud83d\ud83d", 2],
    ["a high surrogate before a code unit past the lows", "\ud800\ue000", 2],
    ["a lone low surrogate before a low", "\udc00\udc00", 2],
    ["a code unit below the highs before a low", "\ud7ff\udc00", 2],
    ["a code unit past the highs (a low) before a low", "\udfff\udfff", 2],
  ])("%s", (_name, text, expected) => {
    expect(codePointLength(text)).toBe(expected);
  });
});

describe("showValue: values as issue messages show them", () => {
  test.each<[string | number | bigint, string]>([
    ["card", '"card"'],
    ['a "quoted" value', '"a \\"quoted\\" value"'],
    ["", '""'],
    [12, "12"],
    [0, "0"],
    [-0, "-0"],
    [-1.5, "-1.5"],
    [Number.NaN, "NaN"],
    [9223372036854775807n, "9223372036854775807"],
    [0n, "0"],
  ])("%s", (value, expected) => {
    expect(showValue(value)).toBe(expected);
  });
});

describe("ruleViolations: every rule one value breaks", () => {
  const f = fields(
    { key: "n", type: "int", minimum: 1, maximum: 3 },
    { key: "x", type: "double", minimum: -0.5, maximum: 0 },
    { key: "s", type: "string", enum: ["aa", "bb"], maxLength: 2 },
    { key: "len", type: "string", minLength: 2, maxLength: 2 },
    { key: "b", type: "bytes", maxLength: 1 },
    { key: "code", type: "int", enum: [1, "9223372036854775807"] },
    { key: "tags", type: "string", presence: "repeated", minItems: 1, maxItems: 2, enum: ["a"] },
    { key: "nums", type: "array<int>", maxItems: 3, maximum: 0 },
    { key: "maps", type: "array<map<int>>", minItems: 1 },
    { key: "flags", type: "bool", presence: "repeated", maxItems: 1 },
    { key: "plain", type: "string" },
    {
      key: "ten",
      type: "string",
      enum: ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"],
    },
    {
      key: "eleven",
      type: "int",
      enum: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    },
  );
  const v = (key: string, value: unknown) =>
    ruleViolations(f[key]!, value as never).map(
      ({ index, violation }) => `${index ?? "-"} ${violation.code}: ${violation.message}`,
    );

  test("numbers: the minimum and maximum, inclusive", () => {
    expect(v("n", 1n)).toEqual([]);
    expect(v("n", 3n)).toEqual([]);
    expect(v("n", 0n)).toEqual(["- out_of_range: 0 is below the minimum 1"]);
    expect(v("n", 4n)).toEqual(["- out_of_range: 4 is above the maximum 3"]);
    expect(v("x", -0.5)).toEqual([]);
    expect(v("x", -0)).toEqual([]);
    expect(v("x", 0.1)).toEqual(["- out_of_range: 0.1 is above the maximum 0"]);
    expect(v("x", -0.75)).toEqual(["- out_of_range: -0.75 is below the minimum -0.5"]);
    expect(v("x", Number.NaN)).toEqual(["- out_of_range: NaN is below the minimum -0.5"]);
  });

  test("enum: strings and ints, the first rule broken is the one reported", () => {
    expect(v("s", "bb")).toEqual([]);
    expect(v("s", "cc")).toEqual(['- not_allowed_value: "cc" is not one of "aa", "bb"']);
    expect(v("s", "ccc")).toEqual(['- not_allowed_value: "ccc" is not one of "aa", "bb"']);
    expect(v("code", 9223372036854775807n)).toEqual([]);
    expect(v("code", 2n)).toEqual(["- not_allowed_value: 2 is not one of 1, 9223372036854775807"]);
  });

  test("enum messages list ten values, then the first ten and the count", () => {
    expect(v("ten", "z")).toEqual([
      '- not_allowed_value: "z" is not one of "a", "b", "c", "d", "e", "f", "g", "h", "i", "j"',
    ]);
    expect(v("eleven", 12n)).toEqual([
      "- not_allowed_value: 12 is not one of 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, ... (11 values)",
    ]);
  });

  test("lengths: code points of strings, bytes of bytes", () => {
    expect(v("len", "ab")).toEqual([]);
    expect(v("len", "\u{1f600}\u{1f600}")).toEqual([]);
    expect(v("len", "abc")).toEqual(["- wrong_length: 3 code point(s), more than maxLength 2"]);
    expect(v("b", new Uint8Array([1]))).toEqual([]);
    expect(v("b", new Uint8Array([1, 2]))).toEqual([
      "- wrong_length: 2 byte(s), more than maxLength 1",
    ]);
  });

  test("arrays: the item count first, then each element by index", () => {
    expect(v("tags", ["a", "a"])).toEqual([]);
    expect(v("tags", [])).toEqual(["- wrong_length: 0 item(s), fewer than minItems 1"]);
    expect(v("tags", ["b", "a", "c"])).toEqual([
      "- wrong_length: 3 item(s), more than maxItems 2",
      '0 not_allowed_value: "b" is not one of "a"',
      '2 not_allowed_value: "c" is not one of "a"',
    ]);
    expect(v("nums", [0n, 1n, -1n, 2n])).toEqual([
      "- wrong_length: 4 item(s), more than maxItems 3",
      "1 out_of_range: 1 is above the maximum 0",
      "3 out_of_range: 2 is above the maximum 0",
    ]);
    expect(v("maps", [])).toEqual(["- wrong_length: 0 item(s), fewer than minItems 1"]);
    expect(v("maps", [new Map([["k", 1n]])])).toEqual([]);
    expect(v("flags", [true, false])).toEqual(["- wrong_length: 2 item(s), more than maxItems 1"]);
  });

  test("a field without rules breaks none", () => {
    expect(v("plain", "anything")).toEqual([]);
    expect(v("plain", "")).toEqual([]);
  });
});

describe("validation checks a rule declared alone", () => {
  test.each<[string, Record<string, unknown>, unknown, string, string]>([
    ["minimum", { type: "int", minimum: 1 }, 0n, "out_of_range", "0 is below the minimum 1"],
    ["maximum", { type: "double", maximum: 1 }, 1.5, "out_of_range", "1.5 is above the maximum 1"],
    ["enum", { type: "string", enum: ["a"] }, "b", "not_allowed_value", '"b" is not one of "a"'],
    [
      "minLength",
      { type: "string", minLength: 1 },
      "",
      "wrong_length",
      "0 code point(s), fewer than minLength 1",
    ],
    [
      "maxLength",
      { type: "bytes", maxLength: 1 },
      new Uint8Array(2),
      "wrong_length",
      "2 byte(s), more than maxLength 1",
    ],
    [
      "minItems",
      { type: "bool", presence: "repeated", minItems: 1 },
      [],
      "wrong_length",
      "0 item(s), fewer than minItems 1",
    ],
    [
      "maxItems",
      { type: "array<map>", maxItems: 1 },
      [new Map(), new Map()],
      "wrong_length",
      "2 item(s), more than maxItems 1",
    ],
  ])("%s", (_rule, field, value, code, message) => {
    const registry = createRegistry([testDescriptor([{ key: "k", ...field }], [], "one")]);
    const envelope = testEnvelope({ k: value as never }, [], { subtype: "one" });
    expect(registry.validate(envelope)).toEqual([{ path: 'body.attributes["k"]', code, message }]);
  });
});
