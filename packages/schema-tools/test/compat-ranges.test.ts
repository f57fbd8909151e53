// How a descriptor change between two extension ranges joined with `||` is
// classified (issue #22); the ranges themselves are tested with the registry's
// semver module (packages/registry/test/semver-ranges.test.ts).
import { readDescriptor } from "@envelope/registry";
import { diffSchemas } from "@envelope/schema-tools";
import { describe, expect, test } from "vitest";

describe("changing an extension range with alternatives", () => {
  const descriptor = (version: string, range: string) =>
    readDescriptor(
      JSON.stringify({
        type: "request",
        subtype: "auth_request",
        version,
        attributes: [{ key: "user", type: "string" }],
        extensions: [{ namespace: "http", version: range }],
      }),
      `${version}.json`,
    );

  test.each([
    // Dropping an alternative removes versions: a narrowing (major), never a rewrite.
    ["^1.0.0 || ^3.0.0", "^1.0.0", "extension_range_narrowed", "major"],
    ["^1.0.0 || ^3.0.0", "^3.0.0", "extension_range_narrowed", "major"],
    ["^1.0.0", "^1.0.0 || ^3.0.0", "extension_range_widened", "minor"],
    ["^1.0.0 || ^3.0.0", "^1.0.0 || ^2.0.0", "extension_range_changed", "major"],
    ["^1.0.0 || ^3.0.0", "^3.0.0 || ^1.0.0", "extension_range_rewritten", "patch"],
  ])("%s -> %s is %s (%s)", (from, to, kind, bump) => {
    const diff = diffSchemas(descriptor("1.0.0", from), descriptor("9.0.0", to));
    expect(diff.changes.map((c) => [c.kind, c.path])).toEqual([[kind, "extensions.http"]]);
    expect(diff.requiredBump).toBe(bump);
  });
});
