// Ranges joined with `||`: set inclusion over their intervals (issue #22). How a
// descriptor change between two such ranges is classified is tested with the
// compatibility checker, in @envelope/schema-tools (test/compat-ranges.test.ts).
import { compareVersions, declaredBump, parseRange, type VersionRange } from "@envelope/registry";
import { describe, expect, test } from "vitest";

const r = (text: string) => parseRange(text)!;

describe("within, with alternatives on either side", () => {
  test.each<[string, string, boolean]>([
    // Every alternative of the left must fit in the right.
    ["^1.0.0 || ^3.0.0", "^1.0.0", false],
    ["^1.0.0 || ^3.0.0", "^3.0.0", false],
    ["^1.0.0", "^1.0.0 || ^3.0.0", true],
    ["^3.0.0", "^1.0.0 || ^3.0.0", true],
    ["^1.0.0 || ^3.0.0", "^3.0.0 || ^1.0.0", true],
    ["^1.0.0 || ^3.0.0", "^1.0.0 || ^2.0.0", false],
    ["^1.0.0 || ^3.0.0", "*", true],
    ["*", "^1.0.0 || ^3.0.0", false],
    // One alternative must hold a whole interval: ^1 || ^2 merge into one, ^1 || ^3 do not.
    ["^1.5.0 || ^2.0.0", "^1.0.0 || ^2.0.0", true],
    ["^1.5.0", "^1.0.0 || ^3.0.0", true],
    ["^2.0.0", "^1.0.0 || ^3.0.0", false],
    ["1.9.9 || 3.0.0", "^1.0.0 || ^3.0.0", true],
    ["1.9.9 || 2.0.0", "^1.0.0 || ^3.0.0", false],
    // Bounds: the lower bound included, the upper one excluded.
    ["1.0.0", "^1.0.0 || ^3.0.0", true],
    ["0.9.9 || 1.0.0", "^1.0.0 || ^3.0.0", false],
    ["~1.9.0 || ~3.0.0", "^1.0.0 || ^3.0.0", true],
    ["^1.0.0 || ^3.0.0", "^1.0.0 || ~3.0.0", false],
  ])("%s within %s: %s", (mine, theirs, expected) => {
    expect(r(mine).within(r(theirs))).toBe(expected);
  });

  test("accepts over alternatives, at the interval edges", () => {
    const range = r("^1.2.0 || ~3.4.0");
    const accepted = ["1.2.0", "1.99.99", "3.4.0", "3.4.99"];
    const refused = ["1.1.99", "2.0.0", "3.3.99", "3.5.0", "0.0.0"];
    for (const v of accepted) expect(range.accepts(v), v).toBe(true);
    for (const v of refused) expect(range.accepts(v), v).toBe(false);
    expect(range.base).toBe("1.2.0");
  });
});

describe("merging alternatives", () => {
  test("adjacent alternatives join, so one range can hold what two spell", () => {
    expect(r("^1.0.0").within(r("~1.0.0 || ^1.1.0"))).toBe(true);
    expect(r("^1.0.0").within(r("~1.0.0 || ^1.2.0"))).toBe(false);
    expect(r("^1.0.0").within(r("~1.0.0"))).toBe(false);
  });

  test("* absorbs every other alternative, in any order", () => {
    for (const text of ["^1.0.0 || *", "* || ^1.0.0", "~0.1.0 || * || 2.0.0"]) {
      const range = r(text);
      expect(range.accepts("0.0.0"), text).toBe(true);
      expect(range.accepts("99.1.2"), text).toBe(true);
      expect(range.within(r("*")), text).toBe(true);
      expect(r("*").within(range), text).toBe(true);
      expect(range.base, text).toBe("0.0.0");
    }
  });

  test("a range inside another keeps the larger upper bound", () => {
    const range = r("^1.0.0 || ~1.2.0");
    expect(range.accepts("1.9.0")).toBe(true);
    expect(range.within(r("^1.0.0"))).toBe(true);
    expect(r("^1.0.0").within(range)).toBe(true);
  });

  test("a range that is not from parseRange is contained in nothing", () => {
    const other: VersionRange = {
      text: "*",
      base: "0.0.0",
      accepts: () => true,
      within: () => true,
    };
    expect(r("1.0.0").within(other)).toBe(false);
  });
});

describe("text that is not a version or range", () => {
  test("unparseable versions sort first and equal to each other", () => {
    expect(["1.0.0", "bad", "0.1.0", "1.0"].sort(compareVersions)).toEqual([
      "bad",
      "1.0",
      "0.1.0",
      "1.0.0",
    ]);
    expect(compareVersions("bad", "0.0.0")).toBeLessThan(0);
    expect(compareVersions("0.0.0", "bad")).toBeGreaterThan(0);
    expect(compareVersions("bad", "worse")).toBe(0);
  });

  test("a bump from or to something unparseable is none", () => {
    expect(declaredBump("bad", "2.0.0")).toBe("none");
    expect(declaredBump("1.0.0", "bad")).toBe("none");
  });

  test.each([" ", "\t", 5, undefined])("%j is not a range", (text) => {
    expect(parseRange(text as string)).toBeUndefined();
  });

  test("spaces around a range and its alternatives are ignored", () => {
    const range = r("  ^1.0.0 ||   ~3.1.0  ");
    expect(range.accepts("1.2.0")).toBe(true);
    expect(range.accepts("3.1.5")).toBe(true);
    expect(range.text).toBe("  ^1.0.0 ||   ~3.1.0  ");
  });
});
