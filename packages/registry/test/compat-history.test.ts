// What a history carries into a check (docs/spec.md, "Schema registry",
// "Compatibility"): removal promises (deprecated.removal) follow a key
// through renames, the earliest promise holds, and a check over a long
// history gives the same verdicts whatever order versions are checked in.
import {
  checkCompatibility,
  createRegistry,
  readDescriptor,
  type SchemaDescriptor,
} from "@envelope/registry";
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
