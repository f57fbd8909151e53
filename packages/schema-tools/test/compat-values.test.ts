// Two helpers of the compatibility check, pinned on their own: when a
// default counts as changed (value equality for every attribute kind), and
// which mode holds when an event's own mode meets a floor (docs/spec.md,
// "Schema registry", "Compatibility").
import { type CompatibilityMode, readDescriptor, type SchemaDescriptor } from "@envelope/registry";
import { diffSchemas, strictestMode } from "@envelope/schema-tools";
import { describe, expect, test } from "vitest";

function withDefault(version: string, type: string, value: unknown): SchemaDescriptor {
  const field: Record<string, unknown> = { key: "f", type };
  if (value !== undefined) field.default = value;
  return readDescriptor(
    JSON.stringify({ type: "t", subtype: "s", version, attributes: [field] }),
    `${version}.json`,
  );
}

function defaultChanged(type: string, before: unknown, after: unknown): boolean {
  const diff = diffSchemas(withDefault("1.0.0", type, before), withDefault("2.0.0", type, after));
  return diff.changes.some((c) => c.kind === "default_changed");
}

describe("a default counts as changed exactly when its value differs", () => {
  test.each<[string, string, unknown, unknown, boolean]>([
    ["string, same", "string", "a", "a", false],
    ["string, other", "string", "a", "b", true],
    ["bool, same", "bool", true, true, false],
    ["bool, other", "bool", true, false, true],
    ["int, number and string spellings of 5", "int", 5, "5", false],
    ["int, other", "int", 5, 6, true],
    ["double, same", "double", 1.5, 1.5, false],
    ["double, 0 and -0 differ", "double", 0, "-0", true],
    ["double, NaN equals NaN", "double", "NaN", "NaN", false],
    ["double, NaN and Infinity", "double", "NaN", "Infinity", true],
    ["bytes, same", "bytes", "AQI=", "AQI=", false],
    ["bytes, one byte differs", "bytes", "AQI=", "AQM=", true],
    ["bytes, shorter", "bytes", "AQI=", "AQ==", true],
    ["bytes, longer", "bytes", "AQ==", "AQI=", true],
    ["array, same", "array<int>", [1, 2], [1, 2], false],
    ["array, an element differs", "array<int>", [1, 2], [1, 3], true],
    ["array, longer", "array<int>", [1], [1, 2], true],
    ["array, shorter", "array<int>", [1, 2], [1], true],
    ["array, empty and empty", "array<int>", [], [], false],
    ["map, same", "map<int>", { a: 1 }, { a: 1 }, false],
    ["map, a value differs", "map<int>", { a: 1 }, { a: 2 }, true],
    ["map, another key", "map<int>", { a: 1 }, { b: 1 }, true],
    ["map, a key more", "map<int>", { a: 1 }, { a: 1, b: 2 }, true],
    ["map, a key less", "map<int>", { a: 1, b: 2 }, { a: 1 }, true],
    [
      "untyped map, nested same",
      "map",
      { a: [1, "x", { b: true }] },
      { a: [1, "x", { b: true }] },
      false,
    ],
    ["untyped map, nested differs", "map", { a: { b: true } }, { a: { b: false } }, true],
    ["untyped map, a list for a map", "map", { a: { b: true } }, { a: [true] }, true],
    ["untyped map, text for a number", "map", { a: 1 }, { a: "1" }, true],
    ["default added", "string", undefined, "a", true],
    ["default removed", "string", "a", undefined, true],
    ["no default either side", "string", undefined, undefined, false],
  ])("%s", (_name, type, before, after, changed) => {
    expect(defaultChanged(type, before, after)).toBe(changed);
  });
});

describe("strictestMode: the weakest mode that demands what both demand", () => {
  // What each mode demands of a new version: readers of the previous version
  // (B) or of every earlier one (B*) read it; it reads data written for the
  // previous version (F) or for every earlier one (F*).
  const DEMANDS: Record<CompatibilityMode, string[]> = {
    NONE: [],
    BACKWARD: ["B"],
    BACKWARD_TRANSITIVE: ["B", "B*"],
    FORWARD: ["F"],
    FORWARD_TRANSITIVE: ["F", "F*"],
    FULL: ["B", "F"],
    FULL_TRANSITIVE: ["B", "B*", "F", "F*"],
  };
  const MODES = Object.keys(DEMANDS) as CompatibilityMode[];
  /** The mode demanding the fewest things among those that demand all of `need`. */
  function weakestDemanding(need: Set<string>): CompatibilityMode {
    const fits = MODES.filter((m) => [...need].every((d) => DEMANDS[m].includes(d)));
    return fits.sort((a, b) => DEMANDS[a].length - DEMANDS[b].length)[0]!;
  }

  for (const a of MODES) {
    for (const b of MODES) {
      const want = weakestDemanding(new Set([...DEMANDS[a], ...DEMANDS[b]]));
      test(`${a} and ${b}: ${want}`, () => {
        expect(strictestMode(a, b)).toBe(want);
      });
    }
  }

  test("a few by name: a transitive backward event under a forward floor is FULL_TRANSITIVE", () => {
    expect(strictestMode("BACKWARD_TRANSITIVE", "FORWARD")).toBe("FULL_TRANSITIVE");
    expect(strictestMode("BACKWARD", "FORWARD")).toBe("FULL");
    expect(strictestMode("NONE", "FORWARD_TRANSITIVE")).toBe("FORWARD_TRANSITIVE");
    expect(strictestMode("FULL", "BACKWARD_TRANSITIVE")).toBe("FULL_TRANSITIVE");
  });
});

function descriptor(version: string, json: Record<string, unknown>): SchemaDescriptor {
  return readDescriptor(
    JSON.stringify({ type: "t", subtype: "s", version, ...json }),
    `${version}.json`,
  );
}

describe("what a rename and an extension's declared fields carry", () => {
  const renamed = (pii: boolean) =>
    diffSchemas(
      descriptor("1.0.0", { attributes: [{ key: "email", type: "string", pii: true }] }),
      descriptor("2.0.0", {
        attributes: [{ key: "mail", type: "string", ...(pii ? { pii: true } : {}) }],
        transforms: { from: "1.0.0", changes: [{ rename_attributes: { email: "mail" } }] },
      }),
    ).changes.map((c) => [c.kind, c.path]);

  test("renaming a pii attribute to a key not marked pii is pii_removed at the new key", () => {
    expect(renamed(false)).toEqual([
      ["attribute_renamed", "attributes.email"],
      ["pii_removed", "attributes.mail"],
    ]);
    expect(renamed(true).map(([kind]) => kind)).not.toContain("pii_removed");
  });

  const ext = (attributes?: Record<string, unknown>[]) => ({
    extensions: [{ namespace: "http", version: "^1.0.0", ...(attributes ? { attributes } : {}) }],
  });
  const changes = (a?: Record<string, unknown>[], b?: Record<string, unknown>[]) =>
    diffSchemas(descriptor("1.0.0", ext(a)), descriptor("1.1.0", ext(b))).changes.map((c) => [
      c.kind,
      c.path,
    ]);

  test("a field added to an extension's declared fields is classified at its path", () => {
    const a = [{ key: "method", type: "string" }];
    expect(changes(a, [...a, { key: "status", type: "int" }])).toEqual([
      ["attribute_added_optional", "extensions.http.attributes.status"],
    ]);
    expect(changes(a, [...a, { key: "route", type: "string", presence: "required" }])).toEqual([
      ["attribute_added_required", "extensions.http.attributes.route"],
    ]);
    expect(changes(a, a)).toEqual([]);
  });

  test("declaring or undeclaring an extension's fields is its own change, not one per field", () => {
    const a = [{ key: "method", type: "string" }];
    expect(changes(undefined, a)).toEqual([["extension_fields_declared", "extensions.http"]]);
    expect(changes(a, undefined)).toEqual([["extension_fields_undeclared", "extensions.http"]]);
  });
});

describe("diffSchemas: changes of the event itself, each at its path with its message", () => {
  const base = { type: "t", subtype: "s", attributes: [{ key: "a", type: "string" }] };
  const of = (version: string, json: Record<string, unknown>) =>
    readDescriptor(JSON.stringify({ ...base, version, ...json }), `${version}.json`);
  const changes = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    diffSchemas(of("1.0.0", a), of("2.0.0", b)).changes.map((c) => [c.kind, c.path, c.message]);

  test("an event renamed with a rename_event transform, and without one", () => {
    expect(
      changes(
        {},
        {
          type: "u",
          subtype: "v",
          transforms: { from: "1.0.0", changes: [{ rename_event: { from: "t/s" } }] },
        },
      ),
    ).toEqual([["event_renamed", "event", "event renamed from t/s to u/v"]]);
    expect(changes({}, { subtype: "v" })).toEqual([
      [
        "event_renamed_without_transform",
        "event",
        "t/s and t/v are different events and no rename_event transform connects them",
      ],
    ]);
    expect(changes({}, { type: "u" })[0]?.[0]).toBe("event_renamed_without_transform");
  });

  test("a transform from another version is not this step's", () => {
    const renamed = { attributes: [{ key: "b", type: "string" }] };
    expect(
      changes(
        {},
        { ...renamed, transforms: { from: "0.9.0", changes: [{ rename_attributes: { a: "b" } }] } },
      ).map(([kind]) => kind),
    ).toEqual(["attribute_removed", "attribute_added_optional"]);
    expect(
      changes(
        {},
        { ...renamed, transforms: { from: "1.0.0", changes: [{ rename_attributes: { a: "b" } }] } },
      ).map(([kind]) => kind),
    ).toEqual(["attribute_renamed"]);
  });

  test("the compatibility mode tightened or relaxed (an absent mode is BACKWARD)", () => {
    expect(changes({ compatibility: "BACKWARD" }, { compatibility: "FULL" })).toEqual([
      ["compatibility_mode_tightened", "compatibility", "compatibility mode BACKWARD -> FULL"],
    ]);
    expect(changes({ compatibility: "FULL" }, { compatibility: "BACKWARD" })).toEqual([
      [
        "compatibility_mode_relaxed",
        "compatibility",
        "compatibility mode FULL -> BACKWARD: an event's mode can be tightened, never relaxed",
      ],
    ]);
    expect(changes({}, { compatibility: "FORWARD" })[0]?.slice(0, 2)).toEqual([
      "compatibility_mode_relaxed",
      "compatibility",
    ]);
    expect(changes({}, { compatibility: "BACKWARD" })).toEqual([]);
  });

  test("reserved keys and the description", () => {
    expect(changes({ reserved: ["x"] }, { reserved: ["x", "y"] })).toEqual([
      ["reserved_changed", "reserved", "reserved keys changed"],
    ]);
    expect(changes({ reserved: ["x", "y"] }, { reserved: ["x", "y"] })).toEqual([]);
    expect(changes({ reserved: ["xy"] }, { reserved: ["x", "y"] })[0]?.[0]).toBe(
      "reserved_changed",
    );
    expect(changes({ description: "one" }, { description: "two" })).toEqual([
      ["description_changed", "description", "schema description changed"],
    ]);
  });
});

// What `schema check` and `schema diff` print for each change: the kind, where,
// and the message a schema author reads.
describe("diffSchemas: each field change with its path and message", () => {
  const A = [
    { key: "a", type: "string" },
    { key: "r", type: "string", presence: "required" },
    { key: "t", type: "string", presence: "repeated" },
    { key: "d", type: "int", default: 1 },
    { key: "p", type: "string", pii: true },
  ];
  const edit = (key: string, patch: Record<string, unknown> | null) =>
    A.flatMap((f) => (f.key !== key ? [f] : patch === null ? [] : [{ ...f, ...patch }]));
  const ext = (attributes?: Record<string, unknown>[]) => [
    { namespace: "x", version: "^1.0.0", ...(attributes === undefined ? {} : { attributes }) },
  ];
  const move = (key: string) => ({
    from: "1.0.0",
    changes: [
      { move_to_extension: { namespace: "x", version: "1.0.0", attributes: { [key]: key } } },
    ],
  });
  const since = { since: "1.0.0" };
  test.each<[string, Record<string, unknown>, Record<string, unknown>, string[][]]>([
    [
      "optional removed",
      { attributes: A },
      { attributes: edit("a", null) },
      [["attribute_removed", "attributes.a", '"a" (string) removed']],
    ],
    [
      "required removed",
      { attributes: A },
      { attributes: edit("r", null) },
      [["attribute_removed_required", "attributes.r", 'required "r" (string) removed']],
    ],
    [
      "type",
      { attributes: A },
      { attributes: edit("a", { type: "int" }) },
      [["type_changed", "attributes.a", "type string -> int"]],
    ],
    [
      "made required",
      { attributes: A },
      { attributes: edit("a", { presence: "required" }) },
      [["presence_made_required", "attributes.a", "optional -> required"]],
    ],
    [
      "made optional",
      { attributes: A },
      { attributes: edit("r", { presence: "optional" }) },
      [["presence_made_optional", "attributes.r", "required -> optional"]],
    ],
    [
      "to repeated",
      { attributes: A },
      { attributes: edit("a", { presence: "repeated" }) },
      [["presence_repeated_changed", "attributes.a", "presence optional -> repeated"]],
    ],
    [
      "from repeated",
      { attributes: A },
      { attributes: edit("t", { presence: "optional" }) },
      [["presence_repeated_changed", "attributes.t", "presence repeated -> optional"]],
    ],
    [
      "repeated rewritten as an array",
      { attributes: A },
      { attributes: edit("t", { presence: "optional", type: "array<string>" }) },
      [
        [
          "presence_repeated_rewritten",
          "attributes.t",
          "repeated string -> optional array<string> (the same values)",
        ],
      ],
    ],
    [
      "default removed",
      { attributes: A },
      { attributes: edit("d", { default: undefined }) },
      [["default_changed", "attributes.d", "default removed"]],
    ],
    [
      "deprecated",
      { attributes: A },
      { attributes: edit("a", { deprecated: since }) },
      [["deprecation_changed", "attributes.a", "deprecation changed"]],
    ],
    [
      "no longer deprecated",
      { attributes: edit("a", { deprecated: since }) },
      { attributes: A },
      [["deprecation_changed", "attributes.a", "no longer deprecated"]],
    ],
    [
      "a pii attribute moved into an extension that declares no fields",
      { attributes: A, extensions: ext() },
      { attributes: edit("p", null), extensions: ext(), transforms: move("p") },
      [
        ["attribute_moved_to_extension", "attributes.p", '"p" moved to extension x as "p"'],
        [
          "attribute_renamed_many_to_one",
          "extensions.x.attributes.p",
          'attributes.p moves into x, whose fields 1.0.0 does not declare: its data may already hold "p"',
        ],
        [
          "pii_removed",
          "extensions.x.attributes.p",
          "attributes.p is pii and moves into x, whose fields are not declared, so nothing redacts it",
        ],
      ],
    ],
    [
      "an attribute moved into an extension that declares it",
      { attributes: A, extensions: ext([{ key: "q", type: "string" }]) },
      {
        attributes: edit("a", null),
        extensions: ext([
          { key: "q", type: "string" },
          { key: "a", type: "string" },
        ]),
        transforms: move("a"),
      },
      [["attribute_moved_to_extension", "attributes.a", '"a" moved to extension x as "a"']],
    ],
    [
      "an attribute moved into an extension that declares it otherwise",
      { attributes: A, extensions: ext([]) },
      {
        attributes: edit("a", null),
        extensions: ext([{ key: "a", type: "int", presence: "required" }]),
        transforms: move("a"),
      },
      [
        ["attribute_moved_to_extension", "attributes.a", '"a" moved to extension x as "a"'],
        ["type_changed", "extensions.x.attributes.a", "type string -> int"],
        ["presence_made_required", "extensions.x.attributes.a", "optional -> required"],
      ],
    ],
    [
      "renamed to a key the older version reserved",
      { attributes: A, reserved: ["z"] },
      {
        attributes: edit("a", { key: "z" }),
        transforms: { from: "1.0.0", changes: [{ rename_attributes: { a: "z" } }] },
      },
      [
        ["reserved_changed", "reserved", "reserved keys changed"],
        [
          "attribute_key_reused",
          "attributes.z",
          '"a" renamed to "z", a key an earlier version used for another attribute: a key keeps its meaning for ever',
        ],
      ],
    ],
    [
      "renamed onto another attribute's key",
      { attributes: A },
      {
        attributes: edit("a", null),
        transforms: { from: "1.0.0", changes: [{ rename_attributes: { a: "r" } }] },
      },
      [
        [
          "attribute_renamed_many_to_one",
          "attributes.r",
          "attributes.a and attributes.r land on one key attributes.r: an upgrade would have to drop one value and a downgrade cannot tell them apart",
        ],
      ],
    ],
    [
      "fields removed from an extension's declared fields",
      {
        extensions: ext([
          { key: "q", type: "string" },
          { key: "w", type: "string", presence: "required" },
        ]),
      },
      { extensions: ext([]) },
      [
        ["attribute_removed", "extensions.x.attributes.q", '"q" (string) removed'],
        ["attribute_removed_required", "extensions.x.attributes.w", '"w" (string) removed'],
      ],
    ],
  ])("%s", (_name, older, newer, expected) => {
    const of = (version: string, json: Record<string, unknown>) =>
      readDescriptor(
        JSON.stringify({ type: "t", subtype: "s", version, ...json }),
        `${version}.json`,
      );
    const diff = diffSchemas(of("1.0.0", older), of("2.0.0", newer));
    expect(diff.changes.map((c) => [c.kind, c.path, c.message])).toEqual(expected);
  });

  test("a key an earlier version of the event used, passed in by the history, is not reused", () => {
    const of = (version: string, json: Record<string, unknown>) =>
      readDescriptor(
        JSON.stringify({ type: "t", subtype: "s", version, ...json }),
        `${version}.json`,
      );
    const diff = diffSchemas(
      of("1.0.0", { attributes: A }),
      of("2.0.0", {
        attributes: edit("a", { key: "z" }),
        transforms: { from: "1.0.0", changes: [{ rename_attributes: { a: "z" } }] },
      }),
      { reserved: ["z"] },
    );
    expect(diff.changes.map((c) => [c.kind, c.path])).toEqual([
      ["attribute_key_reused", "attributes.z"],
    ]);
  });

  test("ok, backward and forward over a diff with several changes", () => {
    const of = (version: string, json: Record<string, unknown>) =>
      readDescriptor(
        JSON.stringify({ type: "t", subtype: "s", version, ...json }),
        `${version}.json`,
      );
    // An optional field added (backward and forward), a required one removed
    // (backward only) and a type changed (neither).
    const older = of("1.0.0", { attributes: A });
    const newer = (version: string) =>
      of(version, {
        attributes: [...edit("r", null), { key: "n", type: "string" }].map((f) =>
          f.key === "a" ? { ...f, type: "int" } : f,
        ),
      });
    const diff = diffSchemas(older, newer("2.0.0"));
    expect(diff.changes.map((c) => [c.kind, c.backward, c.forward])).toEqual([
      ["type_changed", false, false],
      ["attribute_removed_required", true, false],
      ["attribute_added_optional", true, true],
    ]);
    expect([diff.backward, diff.forward, diff.ok]).toEqual([false, false, true]);
    const twoGood = diffSchemas(
      older,
      of("2.0.0", { attributes: [...edit("r", null), { key: "n", type: "string" }] }),
    );
    expect([twoGood.backward, twoGood.forward]).toEqual([true, false]);
    // The same changes under the same version number: no bump declared, not ok.
    expect(diffSchemas(older, newer("1.0.0")).ok).toBe(false);
  });
});
