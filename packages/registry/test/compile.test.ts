// A compiled descriptor: the flags and lists the check reads, and the type
// check of every kind of value, as the wrong_type messages show it.
import { type Envelope, UnknownValue } from "@envelope/core";
import { compileSchema, validateAgainst } from "@envelope/registry";
import { describe, expect, test } from "vitest";
import { testDescriptor, testEnvelope } from "./support.js";

const descriptor = testDescriptor;

function envelope(
  attributes: Iterable<[string, unknown]>,
  extensions: { namespace: string; version: string }[] = [],
): Envelope {
  const e = testEnvelope(
    {},
    extensions.map((x) => ({ ...x, attributes: {} })),
  );
  for (const [k, v] of attributes) e.body.attributes.set(k, v as never);
  return e;
}

const POLICY = { unknownAttributes: "report", deprecated: "report" } as const;

describe("compileSchema: what the check reads", () => {
  test("required count, defaulted and pii fields, in descriptor order", () => {
    const compiled = compileSchema(
      descriptor([
        { key: "a", type: "string", presence: "required" },
        { key: "b", type: "int", default: 1 },
        { key: "c", type: "string", pii: true },
        { key: "d", type: "bool", presence: "required", pii: true },
        { key: "e", type: "double", default: 0.5, pii: true },
      ]),
    );
    expect(compiled.body.requiredCount).toBe(2);
    expect(compiled.body.withDefaults.map((f) => f.key)).toEqual(["b", "e"]);
    expect(compiled.body.pii.map((f) => f.key)).toEqual(["c", "d", "e"]);
    expect(compiled.body.list.map((f) => [f.key, f.required])).toEqual([
      ["a", true],
      ["b", false],
      ["c", false],
      ["d", true],
      ["e", false],
    ]);
    expect(compiled.body.byKey.get("c")!.field.key).toBe("c");
    expect(compiled.hasDefaults).toBe(true);
    expect(compiled.hasPii).toBe(true);
  });

  test.each<[string, unknown[], unknown[], boolean, boolean]>([
    ["nothing", [{ key: "a", type: "string" }], [], false, false],
    ["a body default", [{ key: "a", type: "string", default: "x" }], [], true, false],
    ["a body pii field", [{ key: "a", type: "string", pii: true }], [], false, true],
    [
      "an extension default",
      [],
      [
        { namespace: "x", version: "^1.0.0", attributes: [{ key: "a", type: "int" }] },
        { namespace: "y", version: "^1.0.0", attributes: [{ key: "a", type: "int", default: 1 }] },
        { namespace: "z", version: "^1.0.0", attributes: [{ key: "a", type: "int" }] },
      ],
      true,
      false,
    ],
    [
      "an extension pii field",
      [],
      [
        { namespace: "x", version: "^1.0.0", attributes: [{ key: "a", type: "int" }] },
        { namespace: "y", version: "^1.0.0", attributes: [{ key: "a", type: "int", pii: true }] },
        { namespace: "z", version: "^1.0.0" },
      ],
      false,
      true,
    ],
    [
      "extensions without either",
      [],
      [
        { namespace: "x", version: "^1.0.0", attributes: [{ key: "a", type: "int" }] },
        { namespace: "z", version: "^1.0.0" },
      ],
      false,
      false,
    ],
  ])("hasDefaults and hasPii: %s", (_name, attributes, extensions, defaults, pii) => {
    const compiled = compileSchema(descriptor(attributes, extensions));
    expect([compiled.hasDefaults, compiled.hasPii]).toEqual([defaults, pii]);
  });

  test("extensions: declared fields or none, and the version range", () => {
    const compiled = compileSchema(
      descriptor(
        [],
        [
          { namespace: "card", version: "^1.2.0", attributes: [{ key: "last4", type: "string" }] },
          { namespace: "http", version: "1.0.0 || 2.0.0" },
        ],
      ),
    );
    expect([...compiled.extensions.keys()]).toEqual(["card", "http"]);
    const card = compiled.extensions.get("card")!;
    expect(card.fields!.list.map((f) => f.key)).toEqual(["last4"]);
    expect(compiled.extensions.get("http")!.fields).toBeUndefined();
    // Asked twice (the answer is kept), and past the 64 answers kept.
    for (let round = 0; round < 2; round++) {
      expect(card.accepts("1.2.0")).toBe(true);
      expect(card.accepts("1.1.9")).toBe(false);
      expect(card.accepts("2.0.0")).toBe(false);
      for (let i = 0; i < 70; i++) expect(card.accepts(`1.${i}.0`)).toBe(i >= 2);
    }
  });

  test("an extension whose range does not parse is left out (a hand-built descriptor)", () => {
    const d = descriptor([], [{ namespace: "http", version: "^1.0.0" }]);
    const compiled = compileSchema({
      ...d,
      extensions: [...d.extensions, { namespace: "bad", version: "not a range" }],
    });
    expect([...compiled.extensions.keys()]).toEqual(["http"]);
    expect(
      validateAgainst(compiled, envelope([], [{ namespace: "bad", version: "1.0.0" }]), POLICY),
    ).toEqual([
      {
        path: "body.extensions[0].namespace",
        code: "extension_not_allowed",
        message: 'extension "bad" is not allowed by t/s@1.0.0 (allowed: http)',
      },
    ]);
  });
});

describe("type checks: every kind, and how a wrong value is described", () => {
  const compiled = compileSchema(
    descriptor([
      { key: "s", type: "string", presence: "repeated" },
      { key: "b", type: "bool", presence: "repeated" },
      { key: "i", type: "int", presence: "repeated" },
      { key: "d", type: "double", presence: "repeated" },
      { key: "y", type: "bytes", presence: "repeated" },
      { key: "aa", type: "array<array<int>>" },
      { key: "mb", type: "map<bool>" },
      { key: "m", type: "map" },
      { key: "ma", type: "map<array<string>>" },
      { key: "str", type: "string" },
      { key: "bool", type: "bool" },
      { key: "int", type: "int" },
      { key: "dbl", type: "double" },
      { key: "bytes", type: "bytes" },
    ]),
  );
  const check = (key: string, value: unknown) =>
    validateAgainst(compiled, envelope([[key, value]]), POLICY).map((i) => {
      expect([i.code, i.path]).toEqual(["wrong_type", `body.attributes[${JSON.stringify(key)}]`]);
      return i.message;
    });

  test.each<[string, unknown]>([
    ["s", ["a", ""]],
    ["s", []],
    ["b", [true, false]],
    ["i", [0n, -1n]],
    ["d", [0, Number.NaN]],
    ["y", [new Uint8Array(), new Uint8Array([1])]],
    ["aa", [[1n], []]],
    ["aa", []],
    ["mb", new Map([["k", true]])],
    ["mb", new Map()],
    [
      "m",
      new Map<string, unknown>([
        ["k", 1n],
        ["j", "x"],
      ]),
    ],
    ["ma", new Map([["k", ["x"]]])],
    ["str", ""],
    ["bool", false],
    ["int", 0n],
    ["dbl", 0],
    ["bytes", new Uint8Array()],
  ])("%s accepts %o", (key, value) => {
    expect(check(key, value)).toEqual([]);
  });

  test.each<[string, unknown, string]>([
    ["s", "a", "expected repeated string, got string"],
    ["s", ["a", 1n], "expected repeated string, got array of string | int"],
    ["b", [true, 1n], "expected repeated bool, got array of bool | int"],
    ["b", ["true"], "expected repeated bool, got array of string"],
    ["i", [1n, 1], "expected repeated int, got array of int | double"],
    ["d", [1.5, "x"], "expected repeated double, got array of double | string"],
    ["d", [1n], "expected repeated double, got array of int"],
    ["y", [new Uint8Array(), false], "expected repeated bytes, got array of bytes | bool"],
    ["y", [[1]], "expected repeated bytes, got array of array"],
    ["s", [[], new Map()], "expected repeated string, got array of array | map"],
    ["aa", [[1n], [1]], "expected array<array<int>>, got array of array"],
    ["aa", [1n], "expected array<array<int>>, got array of int"],
    ["aa", new Map(), "expected array<array<int>>, got an empty map"],
    ["mb", new Map([["k", 1n]]), "expected map<bool>, got map of int"],
    ["mb", [], "expected map<bool>, got an empty array"],
    [
      "mb",
      new Map<string, unknown>([
        ["k", true],
        ["j", 0],
      ]),
      "expected map<bool>, got map of bool | double",
    ],
    ["m", "x", "expected map, got string"],
    ["m", [new Map()], "expected map, got array of map"],
    ["ma", new Map([["k", [1n]]]), "expected map<array<string>>, got map of array"],
    ["ma", new Map([["k", "x"]]), "expected map<array<string>>, got map of string"],
    ["str", true, "expected string, got bool"],
    ["bool", "true", "expected bool, got string"],
    ["int", 1, "expected int, got double"],
    ["dbl", 1n, "expected double, got int"],
    ["bytes", [1], "expected bytes, got array of double"],
    [
      "s",
      new UnknownValue("protobuf", new Uint8Array([1])),
      "expected repeated string, got a value kind this SDK does not know",
    ],
    ["str", undefined, "expected string, got undefined"],
    ["str", null, "expected string, got object"],
    ["str", { a: 1 }, "expected string, got object"],
  ])("%s rejects %o", (key, value, message) => {
    expect(check(key, value)).toEqual([message]);
  });
});
