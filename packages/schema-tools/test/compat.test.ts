import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createEnvelope, type Envelope, type EnvelopeInit } from "@envelope/core";
import {
  type CompatibilityMode,
  createRegistry,
  isRegistryError,
  loadRegistry,
  readDescriptor,
  type SchemaDescriptor,
} from "@envelope/registry";
import {
  CHANGE_RULES,
  type ChangeKind,
  checkCompatibility,
  diffSchemas,
} from "@envelope/schema-tools";
import { describe, expect, test } from "vitest";

type Json = Record<string, unknown>;

const BASE: Json = {
  type: "request",
  subtype: "auth_request",
  version: "1.0.0",
  description: "v1",
  attributes: [
    { key: "user", type: "string", presence: "required", description: "who" },
    { key: "latency_ms", type: "double", unit: "ms", default: 0 },
    { key: "tags", type: "string", presence: "repeated" },
    { key: "client_ip", type: "string" },
  ],
  extensions: [{ namespace: "http", version: "^1.0.0" }],
};

function d(json: Json): SchemaDescriptor {
  return readDescriptor(JSON.stringify(json), `${json.version}.json`);
}

function attrs(edit: (list: Json[]) => Json[]): Json {
  return { attributes: edit(structuredClone(BASE.attributes) as Json[]) };
}

function withField(key: string, patch: Json): Json {
  return attrs((list) => list.map((f) => (f.key === key ? { ...f, ...patch } : f)));
}

describe("every change is classified, with the smallest bump it needs", () => {
  test.each<[string, Json, ChangeKind[], string]>([
    ["nothing", {}, [], "none"],
    ["schema description", { description: "v1, reworded" }, ["description_changed"], "patch"],
    [
      "field description",
      withField("user", { description: "the user" }),
      ["description_changed"],
      "patch",
    ],
    [
      "optional field added",
      attrs((l) => [...l, { key: "method", type: "string" }]),
      ["attribute_added_optional"],
      "minor",
    ],
    [
      "repeated field added",
      attrs((l) => [...l, { key: "factors", type: "string", presence: "repeated" }]),
      ["attribute_added_optional"],
      "minor",
    ],
    [
      "required field added",
      attrs((l) => [...l, { key: "method", type: "string", presence: "required" }]),
      ["attribute_added_required"],
      "major",
    ],
    [
      "field removed",
      attrs((l) => l.filter((f) => f.key !== "client_ip")),
      ["attribute_removed"],
      "major",
    ],
    [
      "required field removed",
      attrs((l) => l.filter((f) => f.key !== "user")),
      ["attribute_removed_required"],
      "major",
    ],
    [
      "key renamed without a transform",
      withField("latency_ms", { key: "duration_ms" }),
      ["attribute_removed", "attribute_added_optional"],
      "major",
    ],
    [
      "key renamed with a transform",
      {
        ...withField("latency_ms", { key: "duration_ms" }),
        transforms: {
          from: "1.0.0",
          changes: [{ rename_attributes: { latency_ms: "duration_ms" } }],
        },
      },
      ["attribute_renamed"],
      "major",
    ],
    [
      "many-to-one rename",
      {
        ...attrs((l) => [
          ...l.filter((f) => f.key !== "user" && f.key !== "client_ip"),
          { key: "who", type: "string", presence: "required", description: "who" },
        ]),
        transforms: {
          from: "1.0.0",
          changes: [{ rename_attributes: { user: "who", client_ip: "who" } }],
        },
      },
      ["attribute_renamed_many_to_one"],
      "major",
    ],
    [
      "moved to an extension",
      {
        attributes: (BASE.attributes as Json[]).filter((f) => f.key !== "client_ip"),
        extensions: [
          {
            namespace: "http",
            version: "^1.0.0",
            attributes: [{ key: "client_ip", type: "string" }],
          },
        ],
        transforms: {
          from: "1.0.0",
          changes: [
            {
              move_to_extension: {
                namespace: "http",
                version: "1.0.0",
                attributes: { client_ip: "client_ip" },
              },
            },
          ],
        },
      },
      // BASE allows http without declaring its fields: its data may already hold client_ip there.
      [
        "attribute_moved_to_extension",
        "attribute_renamed_many_to_one",
        "extension_fields_declared",
      ],
      "major",
    ],
    ["type changed", withField("client_ip", { type: "int" }), ["type_changed"], "major"],
    [
      "optional made required",
      withField("client_ip", { presence: "required" }),
      ["presence_made_required"],
      "major",
    ],
    [
      "required made optional",
      withField("user", { presence: "optional" }),
      ["presence_made_optional"],
      "minor",
    ],
    [
      "repeated made single",
      withField("tags", { presence: "optional" }),
      ["presence_repeated_changed"],
      "major",
    ],
    ["default changed", withField("latency_ms", { default: 1 }), ["default_changed"], "major"],
    ["default added", withField("client_ip", { default: "-" }), ["default_changed"], "major"],
    [
      "repeated string rewritten as array<string>: the same values",
      withField("tags", { type: "array<string>", presence: "optional" }),
      ["presence_repeated_rewritten"],
      "patch",
    ],
    ["unit changed", withField("latency_ms", { unit: "s" }), ["unit_changed"], "major"],
    ["unit added", withField("client_ip", { unit: "1" }), ["unit_added"], "minor"],
    ["unit removed", withField("latency_ms", { unit: undefined }), ["unit_changed"], "major"],
    ["pii marked", withField("client_ip", { pii: true }), ["pii_added"], "minor"],
    [
      "pii marked on a required field",
      withField("user", { pii: true }),
      ["pii_added_to_required"],
      "major",
    ],
    [
      "deprecated",
      withField("client_ip", { deprecated: { since: "1.0.0" } }),
      ["deprecation_changed"],
      "minor",
    ],
    [
      "extension added",
      { extensions: [...(BASE.extensions as Json[]), { namespace: "db", version: "1.0.0" }] },
      ["extension_added"],
      "minor",
    ],
    ["extension removed", { extensions: [] }, ["extension_removed"], "major"],
    [
      "extension range widened",
      { extensions: [{ namespace: "http", version: "^1.0.0 || ^2.0.0" }] },
      ["extension_range_widened"],
      "minor",
    ],
    [
      "extension range narrowed",
      { extensions: [{ namespace: "http", version: "~1.2.0" }] },
      ["extension_range_narrowed"],
      "major",
    ],
    [
      "extension range moved",
      { extensions: [{ namespace: "http", version: "^2.0.0" }] },
      ["extension_range_changed"],
      "major",
    ],
    [
      "extension range rewritten, same versions",
      { extensions: [{ namespace: "http", version: "^1.0.0 || ~1.3.0" }] },
      ["extension_range_rewritten"],
      "patch",
    ],
  ])("%s", (_name, patch, kinds, bump) => {
    const diff = diffSchemas(d(BASE), d({ ...BASE, version: "9.0.0", ...patch }));
    expect(diff.changes.map((c) => c.kind)).toEqual(kinds);
    expect(diff.requiredBump).toBe(bump);
    for (const c of diff.changes) expect(c).toMatchObject(CHANGE_RULES[c.kind]);
  });

  test("a removed field that looks renamed gets a hint", () => {
    const diff = diffSchemas(
      d(BASE),
      d({ ...BASE, version: "2.0.0", ...withField("latency_ms", { key: "duration_ms" }) }),
    );
    expect(diff.changes[0]!.message).toBe(
      '"latency_ms" (double) removed; if it was renamed to "duration_ms", declare a rename_attributes transform',
    );
  });

  test.each<[string, string, boolean]>([
    ["1.0.1", "patch", false],
    ["1.1.0", "minor", true],
    ["2.0.0", "major", true],
    ["1.0.0", "none", false],
  ])("declared bump %s (%s) against a minor change: ok=%s", (version, declared, ok) => {
    const diff = diffSchemas(
      d(BASE),
      d({ ...BASE, version, ...attrs((l) => [...l, { key: "m", type: "int" }]) }),
    );
    expect(diff.declaredBump).toBe(declared);
    expect(diff.ok).toBe(ok);
  });

  test("the example schemas predate renames and moves being major: each second version needs major", () => {
    const examples = loadRegistry(fileURLToPath(new URL("../../../schemas", import.meta.url)));
    for (const subtype of ["auth_request", "payment_request"]) {
      const latest = examples.latest({ type: "request", subtype })!;
      const result = checkCompatibility(examples, latest);
      expect(result.violations).toEqual([]);
      expect(result.previous?.requiredBump).toBe("major");
    }
  });
});

/** A descriptor of event `t/e` from a compact field list `key:type[:presence]`. */
function ev(version: string, fields: (string | Json)[], extra: Json = {}): SchemaDescriptor {
  const attributes = fields.map((f) => {
    if (typeof f !== "string") return f;
    const [key, type, presence] = f.split(":");
    return { key, type, ...(presence === undefined ? {} : { presence }) };
  });
  return d({ type: "t", subtype: "e", version, attributes, ...extra });
}

function rename(from: string, renames: Json): Json {
  return { transforms: { from, changes: [{ rename_attributes: renames }] } };
}

function check(
  list: SchemaDescriptor[],
  mode?: CompatibilityMode,
): { ok: boolean; violations: string[]; bump: string | undefined } {
  const reg = createRegistry(list);
  const result = checkCompatibility(reg, list.at(-1)!, mode);
  return {
    ok: result.ok,
    violations: result.violations.map(
      (v) => `${v.against.version} ${v.direction} ${v.change.kind} ${v.change.path}`,
    ),
    bump: result.previous?.requiredBump,
  };
}

function env(version: string, attributes: Json, extensions: Json[] = []): Envelope {
  return createEnvelope({
    schema: { type: "t", subtype: "e", version },
    resource: { serviceName: "svc" },
    attributes: attributes as NonNullable<EnvelopeInit["attributes"]>,
    extensions: extensions as unknown as NonNullable<EnvelopeInit["extensions"]>,
  });
}

function unavailable(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isRegistryError(error, "transform_unavailable")) return "transform_unavailable";
    throw error;
  }
  return "no error";
}

describe("issue #21 scenarios: no accepted change loses, corrupts or un-redacts data", () => {
  test("1. a rename onto a key that exists is many-to-one, whatever the declaration order", () => {
    for (const order of [
      ["b:int", "a:int"],
      ["a:int", "b:int"],
    ]) {
      const v1 = ev("1.0.0", order, { compatibility: "FULL" });
      const v2 = ev("1.1.0", ["b:int"], rename("1.0.0", { a: "b" }));
      expect(check([v1, v2])).toEqual({
        ok: false,
        violations: [
          "1.0.0 backward attribute_renamed_many_to_one attributes.b",
          "1.0.0 forward attribute_renamed_many_to_one attributes.b",
        ],
        bump: "major",
      });
      const reg = createRegistry([v1, v2]);
      // Upgrading {b:1, a:2} would drop a value; downgrading 1.1.0 {b:7} cannot tell a from b.
      expect(
        unavailable(() => reg.transform(env("1.0.0", { b: 1n, a: 2n }), { version: "1.1.0" })),
      ).toBe("transform_unavailable");
      expect(unavailable(() => reg.transform(env("1.1.0", { b: 7n }), { version: "1.0.0" }))).toBe(
        "transform_unavailable",
      );
    }
  });

  test("1. spread over two versions (a->c, then b->c), the second step is many-to-one", () => {
    const list = [
      ev("1.0.0", ["a:int", "b:int"], { compatibility: "NONE" }),
      ev("1.1.0", ["c:int", "b:int"], rename("1.0.0", { a: "c" })),
      ev("2.0.0", ["c:int"], rename("1.1.0", { b: "c" })),
    ];
    expect(check(list, "NONE")).toEqual({ ok: true, violations: [], bump: "major" });
    expect(check(list, "BACKWARD").violations).toEqual([
      "1.1.0 backward attribute_renamed_many_to_one attributes.c",
    ]);
  });

  test("2. a key reused after a rename is refused in every mode, NONE included", () => {
    const list = [
      ev("1.0.0", ["a:int"], { compatibility: "NONE" }),
      ev("2.0.0", ["b:int"], rename("1.0.0", { a: "b" })),
      ev("3.0.0", ["b:int", "a:string"]),
    ];
    expect(check(list)).toEqual({
      ok: false,
      violations: ["2.0.0 refused attribute_key_reused attributes.a"],
      bump: "major",
    });
    // Had it been published anyway, the downgrade refuses rather than give "text" as the old a.
    const reg = createRegistry(list);
    expect(
      unavailable(() => reg.transform(env("3.0.0", { a: "text", b: 5n }), { version: "1.0.0" })),
    ).toBe("transform_unavailable");
  });

  test("2. explicit reserved keys cannot be declared later", () => {
    const list = [
      ev("1.0.0", ["a:int"], { reserved: ["legacy"] }),
      ev("1.1.0", ["a:int", "legacy:string"]),
    ];
    expect(check(list).violations).toEqual([
      "1.0.0 refused attribute_key_reused attributes.legacy",
    ]);
  });

  test("3. moving a pii attribute into an extension that does not declare it pii is refused", () => {
    const v1 = ev("1.0.0", [{ key: "email", type: "string", pii: true }], {
      extensions: [{ namespace: "user", version: "^1.0.0" }],
      compatibility: "NONE",
    });
    const moved = (attributes: Json[] | undefined): SchemaDescriptor =>
      ev("2.0.0", [], {
        extensions: [
          {
            namespace: "user",
            version: "^1.0.0",
            ...(attributes === undefined ? {} : { attributes }),
          },
        ],
        transforms: {
          from: "1.0.0",
          changes: [
            {
              move_to_extension: {
                namespace: "user",
                version: "1.0.0",
                attributes: { email: "email" },
              },
            },
          ],
        },
      });
    expect(check([v1, moved(undefined)], "NONE").violations).toEqual([
      "1.0.0 refused pii_removed extensions.user.attributes.email",
    ]);
    expect(check([v1, moved([{ key: "email", type: "string" }])], "NONE").violations).toEqual([
      "1.0.0 refused pii_removed extensions.user.attributes.email",
    ]);
    // Carried as pii, the move is fine (a major bump: the builders' keys change).
    expect(
      check([v1, moved([{ key: "email", type: "string", pii: true }])], "FULL_TRANSITIVE"),
    ).toEqual({
      ok: false,
      violations: [
        // the old version allowed `user` with undeclared fields: its data may already hold `email`
        "1.0.0 backward attribute_renamed_many_to_one extensions.user.attributes.email",
        "1.0.0 forward attribute_renamed_many_to_one extensions.user.attributes.email",
        "1.0.0 backward extension_fields_declared extensions.user",
      ],
      bump: "major",
    });
  });

  test("5. the mode is fixed per event: a later version cannot relax it, and omitting it inherits", () => {
    const v1 = ev("1.0.0", ["a:int"], { compatibility: "FULL" });
    const relaxed = ev("2.0.0", ["a:int", "b:int:required"], { compatibility: "NONE" });
    expect(check([v1, relaxed]).violations).toEqual([
      "1.0.0 refused compatibility_mode_relaxed compatibility",
      "1.0.0 backward attribute_added_required attributes.b",
    ]);
    const omitted = ev("1.1.0", ["a:int", "c:int"], {});
    const next = ev("1.2.0", ["a:int", "c:int", "d:int"], {
      extensions: [{ namespace: "x", version: "1.0.0" }],
    });
    const result = checkCompatibility(createRegistry([v1, omitted, next]), next);
    expect(result.mode).toBe("FULL");
    expect(result.violations.map((v) => `${v.direction} ${v.change.kind}`)).toEqual([
      "forward extension_added",
    ]);
    // A version may tighten the mode; the floor argument raises, never lowers.
    const tightened = ev("1.1.0", ["a:int", "c:int"], { compatibility: "FULL_TRANSITIVE" });
    expect(checkCompatibility(createRegistry([v1, tightened]), tightened).mode).toBe(
      "FULL_TRANSITIVE",
    );
    expect(checkCompatibility(createRegistry([v1, omitted]), omitted, "NONE").mode).toBe("FULL");
    expect(
      checkCompatibility(createRegistry([v1, omitted]), omitted, "BACKWARD_TRANSITIVE").mode,
    ).toBe("FULL_TRANSITIVE");
  });

  test("6. moving onto an extension field that already exists is many-to-one; transforms refuse", () => {
    const ext = (attributes: Json[]): Json => ({
      extensions: [{ namespace: "net", version: "^1.0.0", attributes }],
    });
    const v1 = ev("1.0.0", ["ip:string"], {
      ...ext([{ key: "addr", type: "string" }]),
      compatibility: "FULL",
    });
    const v2 = ev("2.0.0", [], {
      ...ext([{ key: "addr", type: "string" }]),
      transforms: {
        from: "1.0.0",
        changes: [
          { move_to_extension: { namespace: "net", version: "1.0.0", attributes: { ip: "addr" } } },
        ],
      },
    });
    expect(check([v1, v2]).violations).toEqual([
      "1.0.0 backward attribute_renamed_many_to_one extensions.net.attributes.addr",
      "1.0.0 forward attribute_renamed_many_to_one extensions.net.attributes.addr",
    ]);
    const reg = createRegistry([v1, v2]);
    const old = env("1.0.0", { ip: "1.2.3.4" }, [
      { namespace: "net", version: "1.0.0", attributes: { addr: "5.6.7.8" } },
    ]);
    expect(unavailable(() => reg.transform(old, { version: "2.0.0" }))).toBe(
      "transform_unavailable",
    );
    const now = env("2.0.0", {}, [
      { namespace: "net", version: "1.0.0", attributes: { addr: "5.6.7.8" } },
    ]);
    expect(unavailable(() => reg.transform(now, { version: "1.0.0" }))).toBe(
      "transform_unavailable",
    );
  });

  test("7. the deprecation window is enforced, even when a version in between lifts the deprecation", () => {
    const list = [
      ev("1.0.0", ["a:int", "b:int"]),
      ev("1.1.0", [
        "a:int",
        { key: "b", type: "int", deprecated: { since: "1.1.0", removal: "2.0.0" } },
      ]),
      ev("1.2.0", ["a:int", "b:int"]),
      ev("2.1.0", ["a:int", "b:int"]),
    ];
    expect(check(list, "NONE").violations).toEqual([
      "1.2.0 refused attribute_removal_overdue attributes.b",
    ]);
    expect(check([...list.slice(0, 3), ev("2.0.0", ["a:int"])]).ok).toBe(true);
  });

  test("8. rows revisited: optional removal keeps both directions, required removal breaks forward", () => {
    const v1 = ev("1.0.0", ["a:int", "b:int", "c:int:required"], { compatibility: "FULL" });
    expect(check([v1, ev("2.0.0", ["a:int", "c:int:required"])])).toEqual({
      ok: true,
      violations: [],
      bump: "major",
    });
    expect(check([v1, ev("2.0.0", ["a:int", "b:int"])]).violations).toEqual([
      "1.0.0 forward attribute_removed_required attributes.c",
    ]);
  });

  test("8. a unit cannot drift ms -> none -> s: the removal is major and incompatible", () => {
    const list = [
      ev("1.0.0", [{ key: "t", type: "double", unit: "ms" }], { compatibility: "NONE" }),
      ev("2.0.0", [{ key: "t", type: "double" }]),
      ev("2.1.0", [{ key: "t", type: "double", unit: "s" }]),
    ];
    expect(check(list.slice(0, 2), "BACKWARD").violations).toEqual([
      "1.0.0 backward unit_changed attributes.t",
    ]);
    expect(check(list, "BACKWARD_TRANSITIVE").violations).toEqual([
      "1.0.0 backward unit_changed attributes.t",
    ]);
  });

  test("8. modes hold across major versions: a major bump does not excuse a break", () => {
    expect(check([ev("1.0.0", ["a:int"]), ev("2.0.0", ["a:string"])])).toEqual({
      ok: false,
      violations: ["1.0.0 backward type_changed attributes.a"],
      bump: "major",
    });
  });

  test("zero-major versions: 0.y -> 0.(y+1) is major, as ^0.y reads it", () => {
    const v = ev("0.1.0", ["a:int"]);
    expect(diffSchemas(v, ev("0.2.0", ["b:int"], { compatibility: "NONE" })).ok).toBe(true);
    expect(diffSchemas(v, ev("0.1.1", ["b:int"])).ok).toBe(false);
    expect(diffSchemas(v, ev("0.1.1", ["a:int", "b:int"])).ok).toBe(true);
  });
});

describe("issue #22: the verdict, the bump and every mode", () => {
  test("a compatible but under-bumped candidate is not ok", () => {
    const result = checkCompatibility(
      createRegistry([ev("1.0.0", ["a:int"]), ev("1.0.1", ["a:int", "b:int"])]),
      ev("1.0.1", ["a:int", "b:int"]),
    );
    expect(result.violations).toEqual([]);
    expect(result.previous).toMatchObject({
      requiredBump: "minor",
      declaredBump: "patch",
      ok: false,
    });
    expect(result.ok).toBe(false);
  });

  // 1.0.0 -> 1.1.0 makes `c` optional (backward only); 1.2.0 adds an optional field (both ways).
  const history = [
    ev("1.0.0", ["a:int", "c:int:required"], { compatibility: "NONE" }),
    ev("1.1.0", ["a:int", "c:int"]),
    ev("1.2.0", ["a:int", "c:int", "m:int"]),
  ];
  test.each<[CompatibilityMode, string[]]>([
    ["NONE", []],
    ["BACKWARD", []],
    ["BACKWARD_TRANSITIVE", []],
    ["FORWARD", []],
    ["FORWARD_TRANSITIVE", ["1.0.0 forward presence_made_optional attributes.c"]],
    ["FULL", []],
    ["FULL_TRANSITIVE", ["1.0.0 forward presence_made_optional attributes.c"]],
  ])("%s", (mode, violations) => {
    expect(check(history, mode)).toEqual({
      ok: violations.length === 0,
      violations,
      bump: "minor",
    });
  });

  test("FORWARD fails where BACKWARD passes, on the previous version only", () => {
    expect(check(history.slice(0, 2), "FORWARD").violations).toEqual([
      "1.0.0 forward presence_made_optional attributes.c",
    ]);
    expect(check(history.slice(0, 2), "BACKWARD").ok).toBe(true);
  });
});

describe("the compatibility table in docs/spec.md is CHANGE_RULES", () => {
  const spec = readFileSync(
    fileURLToPath(new URL("../../../docs/spec.md", import.meta.url)),
    "utf8",
  );
  const section = spec.slice(
    spec.indexOf("### Compatibility"),
    spec.indexOf("### Version transforms"),
  );
  const rows = section
    .split("\n")
    .map((l) => l.split("|").map((c) => c.trim()))
    .filter((cells) => cells[0] === "" && /^`[a-z_]+`$/.test(cells[2] ?? ""));
  const yes = (text: string): boolean => {
    if (text !== "yes" && text !== "no") throw new Error(`yes or no, got ${text}`);
    return text === "yes";
  };

  test("one row per kind, in any order", () => {
    expect(rows.map((r) => r[2]!.slice(1, -1)).sort()).toEqual(Object.keys(CHANGE_RULES).sort());
  });

  test.each(Object.keys(CHANGE_RULES) as ChangeKind[])("%s", (kind) => {
    const row = rows.find((r) => r[2] === `\`${kind}\``)!;
    expect({
      bump: row[3],
      backward: yes(row[4]!),
      forward: yes(row[5]!),
      refused: row[6] === "refused",
    }).toEqual(CHANGE_RULES[kind]);
  });
});
