import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseDescriptor } from "@envelope/registry";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, test } from "vitest";

// schemas/descriptor.schema.json is for editors; the parser is the reference. This holds
// them together on the descriptors we have and on the value rules' JSON shapes.
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const schema = JSON.parse(readFileSync(join(ROOT, "schemas/descriptor.schema.json"), "utf8"));
const ajv = new Ajv2020({ allErrors: true, strict: false });
const check = ajv.compile(schema);

function descriptors(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, depth: number): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p, depth + 1);
      else if (depth === 2 && name.endsWith(".json")) out.push(p);
    }
  };
  walk(dir, 0);
  return out;
}

describe("descriptor.schema.json", () => {
  const files = [
    ...descriptors(join(ROOT, "schemas")),
    ...descriptors(join(ROOT, "test/fixtures/registry/schemas")),
  ];

  test("there are descriptors to check", () => {
    expect(files.map((f) => relative(ROOT, f))).toContain(
      "test/fixtures/registry/schemas/test/rules/1.0.0.json",
    );
  });

  test.each(files.map((f) => [relative(ROOT, f), f]))("accepts %s", (_name, file) => {
    const json = JSON.parse(readFileSync(file, "utf8"));
    expect(check(json), JSON.stringify(check.errors)).toBe(true);
  });

  const field = (rules: Record<string, unknown>) => ({
    type: "t",
    subtype: "s",
    version: "1.0.0",
    attributes: [{ key: "a", type: "int", ...rules }],
  });

  test.each<[string, Record<string, unknown>]>([
    ["a bound that is neither a number nor a decimal string", { minimum: "1.5" }],
    ["an empty enum", { enum: [] }],
    ["an enum of booleans", { enum: [true] }],
    ["a negative length", { minLength: -1 }],
    ["a fractional item count", { maxItems: 1.5 }],
    [
      "a removal date that is not YYYY-MM-DD",
      { deprecated: { since: "1.0.0", removalDate: "2027-1-1" } },
    ],
    ["an unknown rule", { pattern: "^a" }],
  ])("rejects %s, as the parser does", (_label, rules) => {
    const json = field(rules);
    expect(check(json)).toBe(false);
    expect(parseDescriptor(JSON.stringify(json), "f.json").problems).not.toEqual([]);
  });

  test("accepts int64 bounds as decimal strings, and a removal date", () => {
    const json = field({
      minimum: "-9223372036854775808",
      maximum: 10,
      enum: [1, "2"],
      deprecated: { since: "1.0.0", removalDate: "2027-01-31" },
    });
    expect(check(json), JSON.stringify(check.errors)).toBe(true);
    expect(parseDescriptor(JSON.stringify(json), "f.json").problems).toEqual([]);
  });
});
