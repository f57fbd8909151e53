// The strict JSON reader behind parseDescriptor: the values it reads, where
// each value starts (line and column, for messages), and every syntax error
// with its position.
import { parseDescriptor } from "@envelope/registry";
import { describe, expect, test } from "vitest";

const json = (text: string): unknown => {
  const parsed = parseDescriptor(text, "f.json");
  expect(parsed.json === undefined ? parsed.problems : "parsed").toBe("parsed");
  return parsed.json;
};

/** `line:column message` of the one syntax problem. */
const syntax = (text: string): string => {
  const parsed = parseDescriptor(text, "f.json");
  expect(parsed.json).toBeUndefined();
  expect(parsed.problems).toHaveLength(1);
  const p = parsed.problems[0]!;
  expect([p.file, p.path]).toEqual(["f.json", "$"]);
  return `${p.line}:${p.column} ${p.message}`;
};

describe("values", () => {
  test("literals, numbers, strings, arrays and objects", () => {
    expect(
      json(
        ' { "t": true, "f": false, "n": null, "a": [ 1, -0, 1.5e3, 2E-2, -12.25e+1 ], "o": {} , "e": [] } ',
      ),
    ).toEqual({ t: true, f: false, n: null, a: [1, -0, 1500, 0.02, -122.5], o: {}, e: [] });
    expect(Object.is((json("[-0]") as number[])[0], -0)).toBe(true);
    expect(json("\t\r\n 7 \r\n")).toBe(7);
  });

  test("every escape", () => {
    expect(json(String.raw`"q\"b\\s\/b\bf\fn\nr\rt\tu\u00e9\uD83D\uDE00\u00AFz"`)).toBe(
      'q"b\\s/b\bf\fn\nr\rt\tu\u00e9\u{1f600}\u00afz',
    );
    expect(json(String.raw`["\n", "a\\", "\"", "", "plain"]`)).toEqual([
      "\n",
      "a\\",
      '"',
      "",
      "plain",
    ]);
  });

  test("a byte order mark is skipped", () => {
    expect(json('\ufeff{"a":1}')).toEqual({ a: 1 });
  });

  test('"__proto__" is a key like any other', () => {
    const value = json('{"__proto__": {"x": 1}, "b": 2}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["__proto__", "b"]);
    expect(Object.getOwnPropertyDescriptor(value, "__proto__")).toEqual({
      value: { x: 1 },
      enumerable: true,
      writable: true,
      configurable: true,
    });
    expect({ ...value }).toEqual(value);
  });

  test("64 levels of nesting inside the top value, not 65", () => {
    expect(json(`${"[".repeat(65)}${"]".repeat(65)}`)).toBeDefined();
    expect(syntax(`${"[".repeat(66)}${"]".repeat(66)}`)).toBe(
      "1:66 not valid JSON: nested deeper than 64",
    );
    expect(syntax(`${'{"a":'.repeat(66)}1${"}".repeat(66)}`)).toBe(
      "1:326 not valid JSON: nested deeper than 64",
    );
  });
});

describe("syntax errors, with line and column", () => {
  test.each<[string, string]>([
    ["", "1:1 not valid JSON: unexpected end of input"],
    ["  \n ", "2:2 not valid JSON: unexpected end of input"],
    ['{"a":', "1:6 not valid JSON: unexpected end of input"],
    ["{} x", "1:4 not valid JSON: unexpected text after the JSON value"],
    ["1 2", "1:3 not valid JSON: unexpected text after the JSON value"],
    ['{"a":1,"a":2}', '1:8 not valid JSON: duplicate key "a"'],
    ['{\n  "b": 1,\n  "b": 2\n}', '3:3 not valid JSON: duplicate key "b"'],
    ["{a:1}", "1:2 not valid JSON: expected a string key"],
    ['{"a":1,}', "1:8 not valid JSON: expected a string key"],
    ['{"a" 1}', "1:6 not valid JSON: expected ':'"],
    ['{"a":1 "b":2}', "1:8 not valid JSON: expected ',' or '}'"],
    ['{"a":1', "1:7 not valid JSON: expected ',' or '}'"],
    ["[1 2]", "1:4 not valid JSON: expected ',' or ']'"],
    ["[1,]", '1:4 not valid JSON: unexpected character "]"'],
    ["[1", "1:3 not valid JSON: expected ',' or ']'"],
    ['"abc', "1:1 not valid JSON: unterminated string"],
    ['[1, "ab', "1:5 not valid JSON: unterminated string"],
    ['"a\u0001"', "1:3 not valid JSON: control character in a string"],
    ['"a\nb"', "1:3 not valid JSON: control character in a string"],
    ['"\\x"', "1:2 not valid JSON: bad escape"],
    ['"ab\\', "1:4 not valid JSON: bad escape"],
    ['"\\u12G4"', "1:2 not valid JSON: bad \\u escape"],
    ['"\\u12"', "1:2 not valid JSON: bad \\u escape"],
    ["@", '1:1 not valid JSON: unexpected character "@"'],
    ["'a'", '1:1 not valid JSON: unexpected character "\'"'],
    ["tru", "1:1 not valid JSON: unexpected token"],
    ["nul", "1:1 not valid JSON: unexpected token"],
    ["[false, fals]", "1:9 not valid JSON: unexpected token"],
    ["-", "1:1 not valid JSON: bad number"],
    ["-a", "1:1 not valid JSON: bad number"],
    ["-a1", "1:1 not valid JSON: bad number"],
    ["01", "1:2 not valid JSON: unexpected text after the JSON value"],
    ["1.", "1:2 not valid JSON: unexpected text after the JSON value"],
    ["+1", '1:1 not valid JSON: unexpected character "+"'],
    ['{\r\n\t"a": tru\r\n}', "2:7 not valid JSON: unexpected token"],
    ["\n\n\n   x", '4:4 not valid JSON: unexpected character "x"'],
    ["\ufeff x", '1:3 not valid JSON: unexpected character "x"'],
  ])("%j", (text, expected) => {
    expect(syntax(text)).toBe(expected);
  });
});

describe("where values start", () => {
  const text = [
    "{",
    '  "type": "t",',
    '  "attributes": [',
    '    { "key": "a" },',
    '    {"key":"b", "a.b": [1, {"$x": 2}], "-a": 3, "a-": 4, "a1": 5, "_": 6}',
    "  ]",
    "}",
  ].join("\n");
  const parsed = parseDescriptor(text, "f.json");

  test.each<[string, [number, number] | undefined]>([
    ["$", [1, 1]],
    ["$.type", [2, 11]],
    ["$.attributes", [3, 17]],
    ["$.attributes[0]", [4, 5]],
    ["$.attributes[0].key", [4, 14]],
    ["$.attributes[1]", [5, 5]],
    ["$.attributes[1].key", [5, 12]],
    ['$.attributes[1]["a.b"]', [5, 24]],
    ['$.attributes[1]["a.b"][0]', [5, 25]],
    ['$.attributes[1]["a.b"][1].$x', [5, 35]],
    ['$.attributes[1]["-a"]', [5, 46]],
    ['$.attributes[1]["a-"]', [5, 55]],
    ["$.attributes[1].a1", [5, 64]],
    ["$.attributes[1]._", [5, 72]],
    ["$.attributes[2]", undefined],
    ["$.nope", undefined],
  ])("%s", (path, expected) => {
    const p = parsed.locate(path);
    expect(p === undefined ? undefined : [p.line, p.column]).toEqual(expected);
  });

  test("problems about a valid JSON document carry the value's position", () => {
    const problems = parseDescriptor('{\n  "type": 1\n}', "f.json").problems;
    expect(problems.find((p) => p.path === "$.type")).toMatchObject({ line: 2, column: 11 });
  });
});
