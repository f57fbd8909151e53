import { compareVersions, declaredBump, parseRange } from "@envelope/registry";
import { describe, expect, test } from "vitest";

describe("versions", () => {
  test("compare numerically, not as text", () => {
    expect(["1.10.0", "1.2.0", "0.9.9", "1.2.10", "1.2.9"].sort(compareVersions)).toEqual([
      "0.9.9",
      "1.2.0",
      "1.2.9",
      "1.2.10",
      "1.10.0",
    ]);
  });

  test.each([
    ["1.2.3", "1.2.4", "patch"],
    ["1.2.3", "1.3.0", "minor"],
    ["1.2.3", "2.0.0", "major"],
    ["1.2.3", "1.2.3", "none"],
    ["1.2.3", "1.2.2", "none"],
    // Below 1.0.0, as ^0.y reads it: the minor position breaks, the patch position adds.
    ["0.1.0", "0.2.0", "major"],
    ["0.1.0", "0.1.1", "minor"],
    ["0.0.1", "0.0.2", "major"],
    ["0.9.0", "1.0.0", "major"],
  ])("%s -> %s is a %s bump", (a, b, bump) => {
    expect(declaredBump(a, b)).toBe(bump);
  });
});

describe("ranges", () => {
  test.each<[string, string[], string[]]>([
    ["*", ["0.0.0", "99.0.0"], []],
    ["1.2.0", ["1.2.0"], ["1.2.1", "1.1.9"]],
    ["^1.2.0", ["1.2.0", "1.9.9"], ["1.1.9", "2.0.0"]],
    ["^0.2.3", ["0.2.3", "0.2.9"], ["0.3.0", "0.2.2"]],
    ["^0.0.3", ["0.0.3"], ["0.0.4"]],
    ["~1.2.0", ["1.2.0", "1.2.7"], ["1.3.0"]],
    ["^1.0.0 || ^3.0.0", ["1.5.0", "3.1.0"], ["2.0.0", "4.0.0"]],
  ])("%s", (text, accepted, rejected) => {
    const range = parseRange(text)!;
    for (const v of accepted) expect(range.accepts(v), v).toBe(true);
    for (const v of rejected) expect(range.accepts(v), v).toBe(false);
    expect(range.accepts("not.a.version")).toBe(false);
  });

  test.each([">=1.0.0", "1.x", "^1.0", "", "1.0.0 ||"])("%j is not a range", (text) => {
    expect(parseRange(text)).toBeUndefined();
  });

  test("within: set inclusion over merged intervals", () => {
    const r = (t: string) => parseRange(t)!;
    expect(r("~1.2.0").within(r("^1.0.0"))).toBe(true);
    expect(r("^1.0.0").within(r("~1.2.0"))).toBe(false);
    expect(r("^1.0.0 || ^2.0.0").within(r("^1.0.0 || ^2.0.0 || ^3.0.0"))).toBe(true);
    expect(r("^1.0.0 || ^2.0.0").within(r("^1.0.0"))).toBe(false);
    expect(r("^1.0.0").within(r("*"))).toBe(true);
    expect(r("*").within(r("^1.0.0"))).toBe(false);
    expect(r("1.0.0 || 1.0.1").within(r("~1.0.0"))).toBe(true);
    expect(r("^1.0.0").base).toBe("1.0.0");
    expect(r("^2.0.0 || 1.5.0").base).toBe("1.5.0");
  });
});
