// What schema-tools makes of value rules: TypeScript codegen and the
// compatibility of rule changes. The rules themselves: packages/registry/test/value-rules.test.ts.
import {
  type CompatibilityMode,
  createRegistry,
  readDescriptor,
  type SchemaDescriptor,
} from "@envelope/registry";
import {
  CHANGE_RULES,
  checkCompatibility,
  diffSchemas,
  generateBuilders,
} from "@envelope/schema-tools";
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

describe("TypeScript codegen", () => {
  test("an enum is a union of literals; other rules are documented", () => {
    const files = generateBuilders([readDescriptor(JSON.stringify(RULES), "rules.json")]);
    const text = files.get("test/rules.ts")!;
    expect(text).toContain('  readonly method?: "card" | "wallet";\n');
    expect(text).toContain("  readonly code?: 1n | 9223372036854775807n;\n");
    expect(text).toContain(
      "  /** 9007199254740993 to 9223372036854775807 (inclusive). */\n  readonly big?: bigint;\n",
    );
    expect(text).toContain("  /** 2 to 3 code points. */\n  readonly name?: string;\n");
    expect(text).toContain("  /** 1 to 2 bytes. */\n  readonly blob?: Uint8Array;\n");
    expect(text).toContain(
      "  /** Each value: at most 2 code points. 1 to 2 items. */\n  readonly tags?: string[];\n",
    );
  });
});

describe("compatibility of rule changes (the table's value_rule_* rows)", () => {
  const base = (fields: Record<string, unknown>[], version = "1.0.0"): SchemaDescriptor =>
    readDescriptor(
      JSON.stringify({ type: "t", subtype: "s", version, attributes: fields }),
      `${version}.json`,
    );
  const amount = (rules: Record<string, unknown>) => [{ key: "amount", type: "int", ...rules }];
  const method = (rules: Record<string, unknown>) => [{ key: "method", type: "string", ...rules }];
  const tags = (rules: Record<string, unknown>) => [
    { key: "tags", type: "bytes", presence: "repeated", ...rules },
  ];

  test.each<[string, Record<string, unknown>[], Record<string, unknown>[], string[], string]>([
    [
      "minimum added (narrowed)",
      amount({}),
      amount({ minimum: 0 }),
      ["value_rule_narrowed: range [none, none] -> [0, none]"],
      "major",
    ],
    [
      "minimum removed (widened)",
      amount({ minimum: 0 }),
      amount({}),
      ["value_rule_widened: range [0, none] -> [none, none]"],
      "minor",
    ],
    [
      "maximum lowered by one",
      amount({ maximum: "9223372036854775807" }),
      amount({ maximum: "9223372036854775806" }),
      ["value_rule_narrowed: range [none, 9223372036854775807] -> [none, 9223372036854775806]"],
      "major",
    ],
    [
      "maximum raised",
      amount({ maximum: 5 }),
      amount({ maximum: 6 }),
      ["value_rule_widened: range [none, 5] -> [none, 6]"],
      "minor",
    ],
    [
      "range shifted",
      amount({ minimum: 0, maximum: 5 }),
      amount({ minimum: 1, maximum: 6 }),
      ["value_rule_changed: range [0, 5] -> [1, 6]"],
      "major",
    ],
    [
      "same bound written as a string",
      amount({ minimum: 5 }),
      amount({ minimum: "5" }),
      [],
      "none",
    ],
    [
      "enum value removed",
      method({ enum: ["a", "b"] }),
      method({ enum: ["a"] }),
      ['value_rule_narrowed: enum "a", "b" -> "a"'],
      "major",
    ],
    [
      "enum value added",
      method({ enum: ["a"] }),
      method({ enum: ["a", "b"] }),
      ['value_rule_widened: enum "a" -> "a", "b"'],
      "minor",
    ],
    [
      "enum added",
      method({}),
      method({ enum: ["a"] }),
      ['value_rule_narrowed: enum any -> "a"'],
      "major",
    ],
    [
      "enum removed",
      method({ enum: ["a"] }),
      method({}),
      ['value_rule_widened: enum "a" -> any'],
      "minor",
    ],
    [
      "enum value swapped",
      method({ enum: ["a", "b"] }),
      method({ enum: ["a", "c"] }),
      ['value_rule_changed: enum "a", "b" -> "a", "c"'],
      "major",
    ],
    [
      "enum reordered",
      method({ enum: ["a", "b"] }),
      method({ enum: ["b", "a"] }),
      ['value_rule_rewritten: enum "a", "b" -> "b", "a" (the same values)'],
      "patch",
    ],
    [
      "maxLength lowered",
      method({ maxLength: 4 }),
      method({ maxLength: 3 }),
      ["value_rule_narrowed: length [0, 4] -> [0, 3]"],
      "major",
    ],
    ["minLength 0 added is no change", method({}), method({ minLength: 0 }), [], "none"],
    [
      "minItems raised",
      tags({ minItems: 1 }),
      tags({ minItems: 2 }),
      ["value_rule_narrowed: items [1, none] -> [2, none]"],
      "major",
    ],
    [
      "maxItems removed",
      tags({ maxItems: 1 }),
      tags({}),
      ["value_rule_widened: items [0, 1] -> [0, none]"],
      "minor",
    ],
    [
      "one family narrowed, another widened",
      tags({ maxItems: 2, maxLength: 2 }),
      tags({ maxItems: 3, maxLength: 1 }),
      [
        "value_rule_narrowed: length [0, 2] -> [0, 1]",
        "value_rule_widened: items [0, 2] -> [0, 3]",
      ],
      "major",
    ],
    [
      "type changed: rules not compared",
      amount({ minimum: 0 }),
      [{ key: "amount", type: "double", maximum: 1 }],
      ["type_changed: type int -> double"],
      "major",
    ],
  ])("%s", (_label, before, after, changes, bump) => {
    const diff = diffSchemas(base(before), base(after, "9.0.0"));
    expect(diff.changes.map((c) => `${c.kind}: ${c.message}`)).toEqual(changes);
    expect(diff.requiredBump).toBe(bump);
    for (const c of diff.changes) expect(c).toMatchObject(CHANGE_RULES[c.kind]);
  });

  test("BACKWARD refuses a narrowing, FORWARD a widening; FULL both", () => {
    const check = (mode: CompatibilityMode, before: object[], after: object[]) => {
      const older = base(before as Record<string, unknown>[]);
      const newer = base(after as Record<string, unknown>[], "2.0.0");
      const registry = createRegistry([{ ...older, compatibility: mode }, newer]);
      return checkCompatibility(registry, newer).violations.map(
        (v) => `${v.direction} ${v.change.kind}`,
      );
    };
    expect(check("BACKWARD", amount({}), amount({ maximum: 5 }))).toEqual([
      "backward value_rule_narrowed",
    ]);
    expect(check("FORWARD", amount({}), amount({ maximum: 5 }))).toEqual([]);
    expect(check("BACKWARD", amount({ maximum: 5 }), amount({}))).toEqual([]);
    expect(check("FORWARD", amount({ maximum: 5 }), amount({}))).toEqual([
      "forward value_rule_widened",
    ]);
    expect(check("FULL", amount({ maximum: 5 }), amount({ maximum: 6, minimum: 1 }))).toEqual([
      "backward value_rule_changed",
      "forward value_rule_changed",
    ]);
  });
});
