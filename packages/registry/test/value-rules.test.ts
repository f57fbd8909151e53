// What the registry checks of the value rules a descriptor declares: each rule
// at and past its boundary after every codec, and descriptors whose rules
// contradict each other. Codegen and compatibility of rules: schema-tools.
import { createEnvelope, type Envelope, type EnvelopeInit } from "@envelope/core";
import {
  createRegistry,
  parseDescriptor,
  readDescriptor,
  SCHEMA_ISSUE_CODES,
  type SchemaIssue,
} from "@envelope/registry";
import { decode, encode } from "@envelope/sdk";
import { describe, expect, test } from "vitest";

/** One field per rule family and type, bounds chosen where doubles would round. */
const RULES = {
  type: "test",
  subtype: "rules",
  version: "1.0.0",
  attributes: [
    // 2^53 + 1 and int64's maximum: exact only as int64.
    { key: "big", type: "int", minimum: "9007199254740993", maximum: "9223372036854775807" },
    { key: "small", type: "int", minimum: "-9223372036854775808", maximum: -1 },
    { key: "ratio", type: "double", minimum: -0.5, maximum: 1 },
    { key: "method", type: "string", enum: ["card", "wallet"] },
    { key: "code", type: "int", enum: [1, "9223372036854775807"] },
    { key: "name", type: "string", minLength: 2, maxLength: 3 },
    { key: "blob", type: "bytes", minLength: 1, maxLength: 2 },
    { key: "tags", type: "string", presence: "repeated", minItems: 1, maxItems: 2, maxLength: 2 },
    { key: "scores", type: "array<double>", maxItems: 2, minimum: 0 },
  ],
};

const registry = createRegistry([readDescriptor(JSON.stringify(RULES), "rules.json")]);

function envelope(attributes: NonNullable<EnvelopeInit["attributes"]>): Envelope {
  return createEnvelope({
    schema: { type: "test", subtype: "rules", version: "1.0.0" },
    resource: { serviceName: "rules" },
    attributes,
  });
}

const CODECS = ["protobuf", "json", "cbor"] as const;

/** The issues of the envelope after a trip through `codec`. */
function issuesVia(codec: (typeof CODECS)[number], e: Envelope): readonly SchemaIssue[] {
  const decoded = decode(encode(e, { codec, validate: false }));
  return registry.validate(decoded);
}

type Case = [
  label: string,
  attributes: NonNullable<EnvelopeInit["attributes"]>,
  issue: (Omit<SchemaIssue, "path"> & { path: string }) | undefined,
];

const at = (key: string, suffix = ""): string => `body.attributes[${JSON.stringify(key)}]${suffix}`;

const CASES: Case[] = [
  ["int minimum, at", { big: 9007199254740993n }, undefined],
  [
    "int minimum, just below (equal as doubles)",
    { big: 9007199254740992n },
    {
      path: at("big"),
      code: "out_of_range",
      message: "9007199254740992 is below the minimum 9007199254740993",
    },
  ],
  ["int maximum, at int64 max", { big: 9223372036854775807n }, undefined],
  ["int minimum, at int64 min", { small: -9223372036854775808n }, undefined],
  ["int maximum, at", { small: -1n }, undefined],
  [
    "int maximum, just above",
    { small: 0n },
    { path: at("small"), code: "out_of_range", message: "0 is above the maximum -1" },
  ],
  ["double minimum, at", { ratio: -0.5 }, undefined],
  [
    "double minimum, just below",
    { ratio: -0.5000000000000001 },
    {
      path: at("ratio"),
      code: "out_of_range",
      message: "-0.5000000000000001 is below the minimum -0.5",
    },
  ],
  ["double maximum, at", { ratio: 1 }, undefined],
  [
    "double maximum, just above",
    { ratio: 1.0000000000000002 },
    {
      path: at("ratio"),
      code: "out_of_range",
      message: "1.0000000000000002 is above the maximum 1",
    },
  ],
  [
    "double NaN is outside every range",
    { ratio: Number.NaN },
    { path: at("ratio"), code: "out_of_range", message: "NaN is below the minimum -0.5" },
  ],
  ["string enum, listed", { method: "wallet" }, undefined],
  [
    "string enum, not listed (case matters)",
    { method: "Card" },
    {
      path: at("method"),
      code: "not_allowed_value",
      message: '"Card" is not one of "card", "wallet"',
    },
  ],
  ["int enum, listed at int64 max", { code: 9223372036854775807n }, undefined],
  [
    "int enum, not listed",
    { code: 9223372036854775806n },
    {
      path: at("code"),
      code: "not_allowed_value",
      message: "9223372036854775806 is not one of 1, 9223372036854775807",
    },
  ],
  ["string minLength, at (a surrogate pair is one code point)", { name: "a😀" }, undefined],
  [
    "string minLength, just below",
    { name: "😀" },
    { path: at("name"), code: "wrong_length", message: "1 code point(s), fewer than minLength 2" },
  ],
  ["string maxLength, at", { name: "😀😀😀" }, undefined],
  [
    "string maxLength, just above",
    { name: "abcd" },
    { path: at("name"), code: "wrong_length", message: "4 code point(s), more than maxLength 3" },
  ],
  ["bytes minLength, at", { blob: new Uint8Array([0]) }, undefined],
  [
    "bytes minLength, just below",
    { blob: new Uint8Array([]) },
    { path: at("blob"), code: "wrong_length", message: "0 byte(s), fewer than minLength 1" },
  ],
  ["bytes maxLength, at", { blob: new Uint8Array([1, 2]) }, undefined],
  [
    "bytes maxLength, just above",
    { blob: new Uint8Array([1, 2, 3]) },
    { path: at("blob"), code: "wrong_length", message: "3 byte(s), more than maxLength 2" },
  ],
  ["repeated minItems, at", { tags: ["a"] }, undefined],
  [
    "repeated minItems, just below",
    { tags: [] },
    { path: at("tags"), code: "wrong_length", message: "0 item(s), fewer than minItems 1" },
  ],
  ["repeated maxItems, at", { tags: ["a", "bb"] }, undefined],
  [
    "repeated maxItems, just above",
    { tags: ["a", "b", "c"] },
    { path: at("tags"), code: "wrong_length", message: "3 item(s), more than maxItems 2" },
  ],
  [
    "repeated: the element rule names the element",
    { tags: ["a", "bcd"] },
    {
      path: at("tags", "[1]"),
      code: "wrong_length",
      message: "3 code point(s), more than maxLength 2",
    },
  ],
  ["array<double> maxItems and element minimum, at", { scores: [0, -0] }, undefined],
  [
    "array<double> maxItems, just above",
    { scores: [0, 1, 2] },
    { path: at("scores"), code: "wrong_length", message: "3 item(s), more than maxItems 2" },
  ],
  [
    "array<double> element minimum, just below",
    { scores: [1, -5e-324] },
    { path: at("scores", "[1]"), code: "out_of_range", message: "-5e-324 is below the minimum 0" },
  ],
];

describe("value rules: every rule at and just past its boundary, after every codec", () => {
  test.each(
    CODECS.flatMap((codec) => CASES.map((c) => [codec, ...c] as const)),
  )("%s: %s", (codec, _label, attributes, issue) => {
    expect(issuesVia(codec, envelope(attributes))).toEqual(issue === undefined ? [] : [issue]);
  });

  test("the new codes are documented issue codes", () => {
    for (const code of ["out_of_range", "not_allowed_value", "wrong_length"]) {
      expect(Object.keys(SCHEMA_ISSUE_CODES)).toContain(code);
    }
  });

  test("a value of the wrong type gets wrong_type and no rule issue; absent breaks nothing", () => {
    expect(registry.validate(envelope({ big: 1 }))).toEqual([
      { path: at("big"), code: "wrong_type", message: "expected int, got double" },
    ]);
    expect(registry.validate(envelope({}))).toEqual([]);
  });

  test("several values break rules: one issue each, in envelope order", () => {
    expect(
      registry
        .validate(envelope({ name: "x", tags: ["abc", "d", "efg"], ratio: 2 }))
        .map((i) => [i.path, i.code]),
    ).toEqual([
      [at("name"), "wrong_length"],
      [at("tags"), "wrong_length"],
      [at("tags", "[0]"), "wrong_length"],
      [at("tags", "[2]"), "wrong_length"],
      [at("ratio"), "out_of_range"],
    ]);
  });
});

describe("descriptor checks reject inconsistent rules", () => {
  const problems = (field: Record<string, unknown>): string[] =>
    parseDescriptor(
      JSON.stringify({ type: "t", subtype: "s", version: "1.0.0", attributes: [field] }),
      "f.json",
    ).problems.map((p) => `${p.path}: ${p.message}`);

  test.each<[string, Record<string, unknown>, string[]]>([
    [
      "minimum above maximum",
      { key: "a", type: "int", minimum: 5, maximum: 4 },
      ["$.attributes[0].minimum: minimum 5 is above maximum 4"],
    ],
    [
      "minLength above maxLength",
      { key: "a", type: "string", minLength: 3, maxLength: 2 },
      ["$.attributes[0].minLength: minLength 3 is above maxLength 2"],
    ],
    [
      "minItems above maxItems",
      { key: "a", type: "int", presence: "repeated", minItems: 3, maxItems: 2 },
      ["$.attributes[0].minItems: minItems 3 is above maxItems 2"],
    ],
    [
      "an int bound that is a fraction",
      { key: "a", type: "int", minimum: 1.5 },
      [
        "$.attributes[0].minimum: must be an int64 (a safe JSON integer, or a decimal string), got number 1.5",
      ],
    ],
    [
      "an int bound past int64",
      { key: "a", type: "int", maximum: "9223372036854775808" },
      [
        '$.attributes[0].maximum: must be an int64 (a safe JSON integer, or a decimal string), got string "9223372036854775808"',
      ],
    ],
    [
      "a double bound as a string",
      { key: "a", type: "double", minimum: "1" },
      ['$.attributes[0].minimum: must be a finite number, got string "1"'],
    ],

    [
      "a negative length",
      { key: "a", type: "string", maxLength: -1 },
      ["$.attributes[0].maxLength: must be a non-negative integer, got number -1"],
    ],
    [
      "minimum on a string",
      { key: "a", type: "string", minimum: 1 },
      [
        "$.attributes[0].minimum: minimum applies to int and double values (and arrays of them), not to string",
      ],
    ],
    [
      "minLength on an int",
      { key: "a", type: "int", minLength: 1 },
      [
        "$.attributes[0].minLength: minLength applies to string and bytes values (and arrays of them), not to int",
      ],
    ],
    [
      "minItems on a single value",
      { key: "a", type: "string", minItems: 1 },
      [
        "$.attributes[0].minItems: minItems applies to repeated fields and array<T> types, not to string",
      ],
    ],
    [
      "enum on a bool",
      { key: "a", type: "bool", enum: [true] },
      [
        "$.attributes[0].enum: enum applies to string and int values (and arrays of them), not to bool",
      ],
    ],
    [
      "enum on a map",
      { key: "a", type: "map<string>", enum: ["x"] },
      [
        "$.attributes[0].enum: enum applies to string and int values (and arrays of them), not to map<string>",
      ],
    ],
    [
      "an empty enum",
      { key: "a", type: "string", enum: [] },
      ["$.attributes[0].enum: must list at least one value"],
    ],
    [
      "an enum value of the wrong type",
      { key: "a", type: "string", enum: ["x", 1] },
      ["$.attributes[0].enum[1]: must be a string, got number 1"],
    ],
    [
      "an int enum value of the wrong type",
      { key: "a", type: "int", enum: [1, "x"] },
      [
        '$.attributes[0].enum[1]: must be an int64 (a safe JSON integer, or a decimal string), got string "x"',
      ],
    ],
    [
      'an enum value listed twice (1 and "1" are one int)',
      { key: "a", type: "int", enum: [1, "1"] },
      ['$.attributes[0].enum[1]: string "1" is listed twice'],
    ],
    [
      "an enum value outside the range",
      { key: "a", type: "int", enum: [1, 10], maximum: 5 },
      [
        "$.attributes[0].enum[1]: the enum value breaks the field's other rules: 10 is above the maximum 5",
      ],
    ],
    [
      "a default that breaks the rules",
      { key: "a", type: "string", default: "x", minLength: 2 },
      [
        "$.attributes[0].default: the default breaks the field's rules: 1 code point(s), fewer than minLength 2",
      ],
    ],
    [
      "a repeated default with a bad element",
      { key: "a", type: "int", presence: "repeated", default: [1, 7], maximum: 5 },
      [
        "$.attributes[0].default[1]: the default breaks the field's rules: 7 is above the maximum 5",
      ],
    ],
  ])("%s", (_label, field, expected) => {
    expect(problems(field)).toEqual(expected);
  });

  test("a double bound past the largest double (JSON reads 1e400 as Infinity)", () => {
    const text =
      '{"type":"t","subtype":"s","version":"1.0.0","attributes":[{"key":"a","type":"double","maximum":1e400}]}';
    expect(parseDescriptor(text, "f.json").problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      "$.attributes[0].maximum: must be a finite number, got number Infinity",
    ]);
  });

  test("consistent rules parse into exact values", () => {
    const d = readDescriptor(JSON.stringify(RULES), "rules.json");
    expect(d.attributes[0]).toMatchObject({
      minimum: 9007199254740993n,
      maximum: 9223372036854775807n,
    });
    expect(d.attributes[2]).toMatchObject({ minimum: -0.5, maximum: 1 });
    expect(d.attributes[4]!.enum).toEqual([1n, 9223372036854775807n]);
    expect(d.attributes[7]).toMatchObject({ minItems: 1, maxItems: 2, maxLength: 2 });
  });
});

describe("long enums", () => {
  const values = Array.from({ length: 50_000 }, (_, i) => `v${i}`);
  const d = readDescriptor(
    JSON.stringify({
      type: "t",
      subtype: "s",
      version: "1.0.0",
      attributes: [{ key: "k", type: "string", presence: "repeated", enum: values }],
    }),
    "long.json",
  );
  const long = createRegistry([d]);
  const e = (tags: string[]) =>
    createEnvelope({
      schema: { type: "t", subtype: "s", version: "1.0.0" },
      resource: { serviceName: "x" },
      attributes: { k: tags },
    });

  test("a duplicate is found, and messages list the first 10 values and the count", () => {
    const dup = parseDescriptor(
      JSON.stringify({
        type: "t",
        subtype: "s",
        version: "1.0.0",
        attributes: [{ key: "k", type: "string", enum: [...values, "v49999"] }],
      }),
      "dup.json",
    );
    expect(dup.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      '$.attributes[0].enum[50000]: string "v49999" is listed twice',
    ]);
    expect(long.validate(e(["v49999", "w"]))).toEqual([
      {
        path: 'body.attributes["k"][1]',
        code: "not_allowed_value",
        message:
          '"w" is not one of "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", ... (50000 values)',
      },
    ]);
  });
});
