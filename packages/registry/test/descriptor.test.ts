// The descriptor model's helpers: type expressions both ways, which values
// value rules see, names and the compatibility modes.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  COMPATIBILITY_MODES,
  carriesArray,
  eventId,
  formatType,
  type Presence,
  parseType,
  ruleValueType,
  schemaId,
  VALUE_RULE_NAMES,
  type ValueType,
} from "@envelope/registry";
import { describe, expect, test } from "vitest";

const nested = (arrays: number, inner = "string"): string =>
  `${"array<".repeat(arrays)}${inner}${">".repeat(arrays)}`;

describe("type expressions", () => {
  test.each<[string, ValueType, string]>([
    ["string", { kind: "string" }, "string"],
    ["bool", { kind: "bool" }, "bool"],
    ["int", { kind: "int" }, "int"],
    ["double", { kind: "double" }, "double"],
    ["bytes", { kind: "bytes" }, "bytes"],
    ["map", { kind: "map", of: undefined }, "map"],
    ["array<int>", { kind: "array", of: { kind: "int" } }, "array<int>"],
    ["map<bool>", { kind: "map", of: { kind: "bool" } }, "map<bool>"],
    [
      " array < map\t<\ndouble > > ",
      { kind: "array", of: { kind: "map", of: { kind: "double" } } },
      "array<map<double>>",
    ],
    [
      "map<array<map>>",
      { kind: "map", of: { kind: "array", of: { kind: "map", of: undefined } } },
      "map<array<map>>",
    ],
  ])("%s parses, and formats back as descriptors write it", (text, type, formatted) => {
    expect(parseType(text)).toEqual(type);
    expect(formatType(type)).toBe(formatted);
  });

  test.each([
    "",
    "Int",
    "array<>",
    "array<foo>",
    "map<array<foo>>",
    "array<int",
    "array<int>>",
    "xarray<int>",
    "array<int>x",
    "list<int>",
    "map<string,int>",
  ])("%j is no type", (text) => {
    expect(parseType(text)).toBeUndefined();
  });

  test("white space is allowed around names and brackets, not inside a name, as in descriptor.schema.json", () => {
    const schema = JSON.parse(
      readFileSync(
        fileURLToPath(new URL("../../../schemas/descriptor.schema.json", import.meta.url)),
        "utf8",
      ),
    );
    const pattern = new RegExp(schema.$defs.typeExpression.pattern);
    for (const text of [" int ", "array <int>", "map<\tarray< bytes >\n>", "map <string>"]) {
      expect([text, pattern.test(text), parseType(text) !== undefined]).toEqual([text, true, true]);
    }
    for (const text of ["str ing", "arr ay<int>", "array<in t>", "ma p"]) {
      expect([text, pattern.test(text), parseType(text)]).toEqual([text, false, undefined]);
    }
  });

  test("not a string is no type", () => {
    expect(parseType(undefined as never)).toBeUndefined();
    expect(parseType(["int"] as never)).toBeUndefined();
  });

  test("nesting: 31 levels around a scalar, not 32", () => {
    const deepest = parseType(nested(31));
    expect(deepest).toBeDefined();
    expect(formatType(deepest!)).toBe(nested(31));
    expect(parseType(nested(32))).toBeUndefined();
    expect(parseType(nested(40))).toBeUndefined();
  });
});

describe("which values value rules see", () => {
  const field = (type: string, presence: Presence = "optional") => ({
    type: parseType(type)!,
    presence,
  });

  test.each<[string, Presence, string | undefined, boolean]>([
    ["string", "optional", "string", false],
    ["int", "required", "int", false],
    ["bytes", "repeated", "bytes", true],
    ["double", "repeated", "double", true],
    ["array<int>", "optional", "int", true],
    ["array<bool>", "required", "bool", true],
    ["array<array<int>>", "optional", undefined, true],
    ["array<map<int>>", "optional", undefined, true],
    ["array<int>", "repeated", undefined, true],
    ["map<int>", "repeated", undefined, true],
    ["map", "repeated", undefined, true],
    ["map<int>", "optional", undefined, false],
    ["map", "required", undefined, false],
  ])("%s, %s: rule value type %s, an array: %s", (type, presence, scalar, array) => {
    expect(ruleValueType(field(type, presence))).toBe(scalar);
    expect(carriesArray(field(type, presence))).toBe(array);
  });

  test("the rule names, in the order descriptors write them", () => {
    expect(VALUE_RULE_NAMES).toEqual([
      "minimum",
      "maximum",
      "enum",
      "minLength",
      "maxLength",
      "minItems",
      "maxItems",
    ]);
  });
});

describe("names", () => {
  test("eventId and schemaId", () => {
    expect(eventId({ type: "request", subtype: "auth_request" })).toBe("request/auth_request");
    expect(schemaId({ type: "request", subtype: "auth_request", version: "1.2.0" })).toBe(
      "request/auth_request@1.2.0",
    );
  });

  test("the compatibility modes", () => {
    expect(COMPATIBILITY_MODES).toEqual([
      "NONE",
      "BACKWARD",
      "BACKWARD_TRANSITIVE",
      "FORWARD",
      "FORWARD_TRANSITIVE",
      "FULL",
      "FULL_TRANSITIVE",
    ]);
  });
});
