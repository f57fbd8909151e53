// What a history carries into a check (docs/spec.md, "Schema registry",
// "Compatibility"): removal promises (deprecated.removal) follow a key
// through renames, the earliest promise holds, and a check over a long
// history gives the same verdicts whatever order versions are checked in.
import { createRegistry, readDescriptor, type SchemaDescriptor } from "@envelope/registry";
import { checkCompatibility } from "@envelope/schema-tools";
import { describe, expect, test } from "vitest";

function v(version: string, json: Record<string, unknown>): SchemaDescriptor {
  return readDescriptor(
    JSON.stringify({ type: "t", subtype: "e", compatibility: "NONE", ...json, version }),
    `${version}.json`,
  );
}
const field = (key: string, removal?: string) => ({
  key,
  type: "string",
  ...(removal === undefined ? {} : { deprecated: { since: "1.0.0", removal } }),
});
const overdue = (list: SchemaDescriptor[]) =>
  checkCompatibility(createRegistry(list), list.at(-1)!)
    .violations.filter((x) => x.change.kind === "attribute_removal_overdue")
    .map((x) => [x.change.path, x.change.message]);

describe("removal promises", () => {
  test("a key still declared at or after its promised removal version is refused", () => {
    const v1 = v("1.0.0", { attributes: [field("a", "2.0.0")] });
    expect(overdue([v1, v("1.5.0", { attributes: [field("a", "2.0.0")] })])).toEqual([]);
    expect(overdue([v1, v("2.0.0", { attributes: [field("a", "2.0.0")] })])).toEqual([
      ["attributes.a", '"a" was deprecated for removal in 2.0.0; 2.0.0 still declares it'],
    ]);
    expect(overdue([v1, v("2.1.0", { attributes: [field("a")] })])[0]?.[0]).toBe("attributes.a");
  });

  test("the promise follows the key through a rename", () => {
    const list = [
      v("1.0.0", { attributes: [field("a", "2.0.0")] }),
      v("1.1.0", {
        attributes: [field("b")],
        transforms: { from: "1.0.0", changes: [{ rename_attributes: { a: "b" } }] },
      }),
      v("2.0.0", { attributes: [field("b")] }),
    ];
    expect(overdue(list)).toEqual([
      ["attributes.b", '"b" was deprecated for removal in 2.0.0; 2.0.0 still declares it'],
    ]);
  });

  test("the earliest promise holds: a later version can bring it forward, never push it back", () => {
    const earlierThenLater = [
      v("1.0.0", { attributes: [field("a", "2.0.0")] }),
      v("1.1.0", { attributes: [field("a", "3.0.0")] }),
      v("2.0.0", { attributes: [field("a")] }),
    ];
    expect(overdue(earlierThenLater).map(([, m]) => m)).toEqual([
      '"a" was deprecated for removal in 2.0.0; 2.0.0 still declares it',
    ]);
    const laterThenEarlier = [
      v("1.0.0", { attributes: [field("a", "3.0.0")] }),
      v("1.1.0", { attributes: [field("a", "2.0.0")] }),
      v("2.0.0", { attributes: [field("a")] }),
    ];
    expect(overdue(laterThenEarlier).map(([, m]) => m)).toEqual([
      '"a" was deprecated for removal in 2.0.0; 2.0.0 still declares it',
    ]);
    // The same promise twice: still that version.
    const same = [
      v("1.0.0", { attributes: [field("a", "2.0.0")] }),
      v("1.1.0", { attributes: [field("a", "2.0.0")] }),
      v("2.0.0", { attributes: [field("a")] }),
    ];
    expect(overdue(same)).toHaveLength(1);
  });

  test("a promise ends with the key: removed, then declared again, it is a reuse, not overdue", () => {
    const list = [
      v("1.0.0", { attributes: [field("a", "2.0.0"), field("x")] }),
      v("1.1.0", { attributes: [field("x")] }),
      v("2.0.0", { attributes: [field("x"), field("a")] }),
    ];
    expect(overdue(list)).toEqual([]);
  });
});

describe("the history is folded once and reused", () => {
  test("checking versions in any order, again and again, gives the same verdicts", () => {
    const list = [
      v("1.0.0", { attributes: [field("a", "3.0.0")] }),
      v("2.0.0", { attributes: [field("a", "3.0.0"), field("b")] }),
      v("3.0.0", { attributes: [field("a"), field("b")] }),
    ];
    const registry = createRegistry(list);
    const verdict = (d: SchemaDescriptor) =>
      checkCompatibility(registry, d).violations.map((x) => x.change.kind);
    const forward = list.map(verdict);
    const backward = [...list].reverse().map(verdict).reverse();
    expect(forward).toEqual(backward);
    expect(forward).toEqual([[], [], ["attribute_removal_overdue"]]);
    // A registry where 2.0.0 is missing: 3.0.0's history is 1.0.0 alone.
    const gap = createRegistry([list[0]!, list[2]!]);
    expect(checkCompatibility(gap, list[2]!).previous?.from.version).toBe("1.0.0");
    expect(checkCompatibility(registry, list[2]!).previous?.from.version).toBe("2.0.0");
  });
});

describe("transitive modes compare the candidate with every earlier version", () => {
  const at = (version: string, type: string, value: unknown, extra: Record<string, unknown> = {}) =>
    v(version, {
      compatibility: "BACKWARD_TRANSITIVE",
      attributes: [
        { key: "a", type: "string" },
        { key: "d", type, default: value },
      ],
      ...extra,
    });
  const verdict = (list: SchemaDescriptor[]) =>
    checkCompatibility(createRegistry(list), list.at(-1)!).violations.map((x) => [
      x.against.version,
      x.change.kind,
      x.change.path,
    ]);

  // 1.0.0 and 1.1.0 differ only in a default JSON does not write faithfully
  // (a bigint, NaN, -0, bytes, a map): the candidate keeps 1.1.0's, so only
  // 1.0.0 sees the default change.
  test.each<[string, string, unknown, unknown]>([
    ["int", "int", 5, 6],
    ["double NaN and Infinity", "double", "NaN", "Infinity"],
    ["double 0 and -0", "double", 0, "-0"],
    ["double Infinity and -Infinity", "double", "Infinity", "-Infinity"],
    ["bytes", "bytes", "AQ==", "Ag=="],
    ["map", "map<int>", { k: 1 }, { k: 2 }],
  ])("a default of kind %s changed two versions back is seen", (_name, type, older, newer) => {
    const list = [at("1.0.0", type, older), at("1.1.0", type, newer), at("2.0.0", type, newer)];
    expect(verdict(list)).toEqual([["1.0.0", "default_changed", "attributes.d"]]);
  });

  test("versions with the same fields share their verdict, each named", () => {
    const list = [
      at("1.0.0", "int", 5),
      at("1.1.0", "int", 5, { description: "reworded" }),
      v("2.0.0", {
        compatibility: "BACKWARD_TRANSITIVE",
        attributes: [
          { key: "a", type: "int" },
          { key: "d", type: "int", default: 5 },
        ],
      }),
    ];
    expect(verdict(list)).toEqual([
      ["1.1.0", "type_changed", "attributes.a"],
      ["1.0.0", "type_changed", "attributes.a"],
    ]);
    const result = checkCompatibility(createRegistry(list), list[2]!);
    expect(result.diffs.map((x) => x.from.version)).toEqual(["1.1.0", "1.0.0"]);
    expect(result.previous?.from.version).toBe("1.1.0");
    expect(result.ok).toBe(false);
  });

  test("a plain BACKWARD mode compares with the previous version only", () => {
    const list = [
      v("1.0.0", { attributes: [{ key: "a", type: "string" }] }),
      v("1.1.0", {
        attributes: [
          { key: "a", type: "string" },
          { key: "b", type: "string" },
        ],
      }),
      v("2.0.0", {
        compatibility: "BACKWARD",
        attributes: [
          { key: "a", type: "string" },
          { key: "b", type: "int" },
        ],
      }),
    ];
    expect(verdict(list)).toEqual([["1.1.0", "type_changed", "attributes.b"]]);
  });
});
