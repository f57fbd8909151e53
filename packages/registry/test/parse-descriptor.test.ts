import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  DESCRIPTOR_PROPERTY_NAMES,
  formatProblem,
  isRegistryError,
  loadRegistry,
  parseDescriptor,
  parseType,
  readDescriptor,
} from "@envelope/registry";
import { describe, expect, test } from "vitest";

const SCHEMAS = fileURLToPath(new URL("../../../schemas", import.meta.url));

/** A valid descriptor with `patch` merged over it, as pretty JSON (one key per line). */
function doc(patch: Record<string, unknown> = {}): string {
  return JSON.stringify(
    {
      type: "request",
      subtype: "auth_request",
      version: "1.2.0",
      attributes: [
        { key: "user", type: "string", presence: "required" },
        { key: "duration_ms", type: "double", default: 0, unit: "ms" },
      ],
      extensions: [{ namespace: "http", version: "^1.0.0" }],
      ...patch,
    },
    null,
    2,
  );
}

describe("valid descriptors", () => {
  test("the example schemas load, with every field kind parsed", () => {
    const registry = loadRegistry(SCHEMAS);
    expect(registry.events()).toEqual([
      { type: "request", subtype: "auth_request" },
      { type: "request", subtype: "payment_request" },
      { type: "trace", subtype: "hop" },
      { type: "trace", subtype: "propagation_health" },
    ]);
    expect(registry.versions({ type: "request", subtype: "auth_request" })).toEqual([
      "1.1.0",
      "1.2.0",
    ]);
    const auth = registry.get({ type: "request", subtype: "auth_request", version: "1.2.0" })!;
    const duration = auth.attributes.find((f) => f.key === "duration_ms")!;
    expect(duration).toMatchObject({ type: { kind: "double" }, default: 0, unit: "ms" });
    expect(auth.attributes.find((f) => f.key === "attempts")!.default).toBe(1n);
    expect(auth.attributes.find((f) => f.key === "mfa")!.deprecated).toEqual({
      since: "1.1.0",
      removal: "2.0.0",
      replacement: "tags",
    });
    expect(auth.transforms).toEqual({
      from: "1.1.0",
      changes: [{ kind: "rename_attributes", renames: [["latency_ms", "duration_ms"]] }],
    });
    const payment = registry.latest({ type: "request", subtype: "payment_request" })!;
    expect(payment.version).toBe("1.1.0");
    expect(payment.extensions.map((e) => e.namespace)).toEqual(["http", "card"]);
    expect(payment.attributes.find((f) => f.key === "metadata")!.type).toEqual({
      kind: "map",
      of: { kind: "string" },
    });
  });

  test.each([
    ["string", { kind: "string" }],
    ["array<int>", { kind: "array", of: { kind: "int" } }],
    ["map", { kind: "map", of: undefined }],
    ["map<array<bytes>>", { kind: "map", of: { kind: "array", of: { kind: "bytes" } } }],
    ["array< map< double > >", { kind: "array", of: { kind: "map", of: { kind: "double" } } }],
  ])("type %s", (text, expected) => {
    expect(parseType(text)).toEqual(expected);
  });

  test.each([
    "strin",
    "array",
    "array<>",
    "map<string",
    "list<int>",
    "int64",
  ])("type %s is rejected", (text) => {
    expect(parseType(text)).toBeUndefined();
  });

  test("defaults of every type are converted to attribute values", () => {
    const d = readDescriptor(
      doc({
        attributes: [
          { key: "i", type: "int", default: "-9223372036854775808" },
          { key: "d", type: "double", default: "NaN" },
          { key: "z", type: "double", default: "-0" },
          { key: "b", type: "bytes", default: "AQID" },
          { key: "a", type: "array<string>", default: ["x"] },
          { key: "m", type: "map<int>", default: { k: 2 } },
          { key: "any", type: "map", default: { n: 1.5, s: "t", l: [true] } },
          { key: "r", type: "string", presence: "repeated", default: ["a", "b"] },
        ],
      }),
      "d.json",
    );
    const defaults = Object.fromEntries(d.attributes.map((f) => [f.key, f.default]));
    expect(defaults.i).toBe(-(2n ** 63n));
    expect(defaults.d).toBeNaN();
    expect(Object.is(defaults.z, -0)).toBe(true);
    expect(defaults.b).toEqual(new Uint8Array([1, 2, 3]));
    expect(defaults.a).toEqual(["x"]);
    expect(defaults.m).toEqual(new Map([["k", 2n]]));
    expect(defaults.any).toEqual(
      new Map<string, unknown>([
        ["n", 1.5],
        ["s", "t"],
        ["l", [true]],
      ]),
    );
    expect(defaults.r).toEqual(["a", "b"]);
  });
});

describe("malformed descriptors name the file, the line and the JSON path", () => {
  test("JSON syntax error: line and column", () => {
    const text = '{\n  "type": "request",\n  "subtype": auth\n}';
    const parsed = parseDescriptor(text, "schemas/request/auth_request/1.2.0.json");
    expect(parsed.problems).toEqual([
      {
        file: "schemas/request/auth_request/1.2.0.json",
        path: "$",
        line: 3,
        column: 14,
        message: 'not valid JSON: unexpected character "a"',
      },
    ]);
  });

  test("readDescriptor throws invalid_descriptor with file:line:column and path", () => {
    const text = doc({ attributes: [{ key: "user", type: "strin" }] });
    let error: unknown;
    try {
      readDescriptor(text, "x/1.2.0.json");
    } catch (e) {
      error = e;
    }
    expect(isRegistryError(error, "invalid_descriptor")).toBe(true);
    expect((error as { path?: string }).path).toBe("$.attributes[0].type");
    expect((error as Error).message).toBe(
      '[invalid_descriptor] x/1.2.0.json:8:15: unknown type "strin" (string, bool, int, double, bytes, array<T>, map, map<T>) (at $.attributes[0].type)',
    );
  });

  test.each<[string, Record<string, unknown>, string, string]>([
    ["missing version", { version: undefined }, "$", '"version" is required'],
    ["bad semver", { version: "1.2" }, "$.version", '"1.2" is not MAJOR.MINOR.PATCH'],
    ["bad name", { type: "Request" }, "$.type", '"Request" is not a valid name'],
    ["unknown root key", { versoin: "1" }, "$.versoin", 'unknown property "versoin"'],
    [
      "unknown field key",
      { attributes: [{ key: "a", type: "int", requried: true }] },
      "$.attributes[0].requried",
      'unknown property "requried"',
    ],
    [
      "duplicate attribute",
      {
        attributes: [
          { key: "a", type: "int" },
          { key: "a", type: "string" },
        ],
      },
      "$.attributes[1].key",
      'key "a" is already declared at $.attributes[0]',
    ],
    [
      "bad presence",
      { attributes: [{ key: "a", type: "int", presence: "maybe" }] },
      "$.attributes[0].presence",
      'must be "required", "optional" or "repeated"',
    ],
    [
      "default on a required attribute",
      { attributes: [{ key: "a", type: "int", presence: "required", default: 1 }] },
      "$.attributes[0].default",
      "a required attribute cannot have a default",
    ],
    [
      "default of the wrong type",
      { attributes: [{ key: "a", type: "double", default: "zero" }] },
      "$.attributes[0].default",
      "default must be a number",
    ],
    [
      "unsafe int default",
      { attributes: [{ key: "a", type: "int", default: 2 ** 53 }] },
      "$.attributes[0].default",
      "default must be an int64",
    ],
    [
      "nested default of the wrong type",
      { attributes: [{ key: "a", type: "array<int>", default: [1, "x"] }] },
      "$.attributes[0].default[1]",
      "default must be an int64",
    ],
    [
      "deprecation after the version",
      { attributes: [{ key: "a", type: "int", deprecated: { since: "2.0.0" } }] },
      "$.attributes[0].deprecated.since",
      "2.0.0 is after this schema's version 1.2.0",
    ],
    [
      "removal before since",
      {
        attributes: [{ key: "a", type: "int", deprecated: { since: "1.0.0", removal: "1.0.0" } }],
      },
      "$.attributes[0].deprecated.removal",
      "1.0.0 must come after since (1.0.0)",
    ],
    [
      "unknown replacement",
      {
        attributes: [{ key: "a", type: "int", deprecated: { since: "1.0.0", replacement: "b" } }],
      },
      "$.attributes[0].deprecated.replacement",
      'names "b", which this schema does not declare',
    ],
    [
      "bad extension range",
      { extensions: [{ namespace: "http", version: ">=1" }] },
      "$.extensions[0].version",
      '">=1" is not a version range',
    ],
    [
      "duplicate namespace",
      {
        extensions: [
          { namespace: "http", version: "1.0.0" },
          { namespace: "http", version: "2.0.0" },
        ],
      },
      "$.extensions[1].namespace",
      'namespace "http" is declared twice',
    ],
    [
      "transform from a later version",
      { transforms: { from: "1.3.0", changes: [] } },
      "$.transforms.from",
      "1.3.0 must be lower than this schema's version 1.2.0",
    ],
    [
      "rename to an undeclared key",
      { transforms: { from: "1.1.0", changes: [{ rename_attributes: { latency_ms: "lat" } }] } },
      "$.transforms.changes[0].rename_attributes.latency_ms",
      'renames to "lat", which this schema does not declare',
    ],
    [
      "rename of a key still declared",
      { transforms: { from: "1.1.0", changes: [{ rename_attributes: { user: "duration_ms" } }] } },
      "$.transforms.changes[0].rename_attributes.user",
      'renames "user", which this schema still declares',
    ],
    [
      "two kinds in one change",
      {
        transforms: {
          from: "1.1.0",
          changes: [{ rename_attributes: { a: "user" }, rename_event: { from: "request/login" } }],
        },
      },
      "$.transforms.changes[0]",
      "must have exactly one of",
    ],
    [
      "move to a namespace not allowed",
      {
        transforms: {
          from: "1.1.0",
          changes: [
            { move_to_extension: { namespace: "card", version: "1.0.0", attributes: { a: "b" } } },
          ],
        },
      },
      "$.transforms.changes[0].move_to_extension.namespace",
      '"card" is not an allowed extension',
    ],
    [
      "move at a version outside the range",
      {
        transforms: {
          from: "1.1.0",
          changes: [
            { move_to_extension: { namespace: "http", version: "2.0.0", attributes: { a: "b" } } },
          ],
        },
      },
      "$.transforms.changes[0].move_to_extension.version",
      "2.0.0 is outside the allowed range ^1.0.0",
    ],
    [
      "a reserved key also declared",
      { attributes: [{ key: "a", type: "int" }], reserved: ["old", "a"] },
      "$.reserved[1]",
      '"a" is reserved and declared at once',
    ],
    [
      "a reserved key listed twice",
      { reserved: ["old", "old"] },
      "$.reserved[1]",
      '"old" is listed twice',
    ],
    [
      "an empty reserved key",
      { reserved: [""] },
      "$.reserved[0]",
      "must be a non-empty attribute key",
    ],
    [
      "rename_event naming itself",
      {
        transforms: {
          from: "1.1.0",
          changes: [{ rename_event: { from: "request/auth_request" } }],
        },
      },
      "$.transforms.changes[0].rename_event.from",
      "names this schema's own event",
    ],
  ])("%s", (_name, patch, path, message) => {
    const parsed = parseDescriptor(doc(patch), "d.json");
    expect(parsed.descriptor).toBeUndefined();
    const problem = parsed.problems.find((p) => p.path === path);
    expect(problem, JSON.stringify(parsed.problems)).toBeDefined();
    expect(problem!.message).toContain(message);
    expect(problem!.line).toBeGreaterThan(0);
    expect(formatProblem(problem!)).toMatch(/^d\.json:\d+:\d+: /);
  });

  test("every problem of a file is reported, not only the first", () => {
    const parsed = parseDescriptor(
      doc({ version: "x", attributes: [{ key: "a", type: "nope" }, { type: "int" }] }),
      "d.json",
    );
    expect(parsed.problems.map((p) => p.path)).toEqual([
      "$.version",
      "$.attributes[0].type",
      "$.attributes[1]",
    ]);
  });

  test("duplicate JSON keys are an error (a descriptor says one thing once)", () => {
    const parsed = parseDescriptor('{"type": "a", "type": "b"}', "d.json");
    expect(parsed.problems[0]).toMatchObject({
      line: 1,
      column: 15,
      message: 'not valid JSON: duplicate key "type"',
    });
  });

  test("a key named __proto__ is data", () => {
    const d = readDescriptor(
      doc({
        attributes: [
          { key: "__proto__", type: "int" },
          { key: "user", type: "string" },
        ],
      }),
      "d.json",
    );
    expect(d.attributes.map((f) => f.key)).toEqual(["__proto__", "user"]);
  });
});

describe("the JSON Schema of the format agrees with the parser", () => {
  const schema = JSON.parse(readFileSync(`${SCHEMAS}/descriptor.schema.json`, "utf8"));
  test.each([
    ["root", schema.properties],
    ["field", schema.$defs.field.properties],
    ["extension", schema.$defs.extension.properties],
    ["deprecation", schema.$defs.field.properties.deprecated.properties],
    ["transforms", schema.properties.transforms.properties],
    ["change", schema.$defs.change.properties],
    ["move_to_extension", schema.$defs.change.properties.move_to_extension.properties],
    ["rename_event", schema.$defs.change.properties.rename_event.properties],
  ])("%s properties", (kind, properties) => {
    expect(Object.keys(properties).sort()).toEqual([...DESCRIPTOR_PROPERTY_NAMES[kind]!].sort());
  });

  test("the type expression pattern accepts what parseType accepts", () => {
    const pattern = new RegExp(schema.$defs.typeExpression.pattern);
    for (const t of ["string", "array<int>", "map", "map<array<bytes>>"])
      expect(pattern.test(t)).toBe(true);
    for (const t of ["strin", "list<int>"]) expect(pattern.test(t)).toBe(false);
  });
});
