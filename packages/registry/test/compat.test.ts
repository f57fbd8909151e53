import { fileURLToPath } from "node:url";
import {
  CHANGE_RULES,
  type ChangeKind,
  type CompatibilityMode,
  checkCompatibility,
  createRegistry,
  diffSchemas,
  loadRegistry,
  readDescriptor,
  type SchemaDescriptor,
} from "@envelope/registry";
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
      "minor",
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
      ["attribute_renamed_many_to_one", "presence_made_required", "description_changed"],
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
      ["attribute_moved_to_extension", "extension_fields_declared"],
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
    ["default changed", withField("latency_ms", { default: 1 }), ["default_changed"], "minor"],
    ["unit changed", withField("latency_ms", { unit: "s" }), ["unit_changed"], "major"],
    ["unit added", withField("client_ip", { unit: "1" }), ["unit_added_or_removed"], "minor"],
    ["pii marked", withField("client_ip", { pii: true }), ["pii_changed"], "minor"],
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

  test("the example schemas: each second version is a compatible minor bump", () => {
    const examples = loadRegistry(fileURLToPath(new URL("../../../schemas", import.meta.url)));
    for (const subtype of ["auth_request", "payment_request"]) {
      const latest = examples.latest({ type: "request", subtype })!;
      const result = checkCompatibility(examples, latest);
      expect(result.ok, JSON.stringify(result.violations)).toBe(true);
      expect(result.previous?.requiredBump).toBe("minor");
    }
  });
});

describe("compatibility modes, plain and transitive", () => {
  // 1.0.0 -> 1.1.0 makes `client_ip` required (forward-only); 1.2.0 adds an optional field (both ways).
  const history = createRegistry([
    d(BASE),
    d({ ...BASE, version: "1.1.0", ...withField("client_ip", { presence: "required" }) }),
    d({
      ...BASE,
      version: "1.2.0",
      ...attrs((l) => [
        ...l.map((f) => (f.key === "client_ip" ? { ...f, presence: "required" } : f)),
        { key: "m", type: "int" },
      ]),
    }),
  ]);
  const latest = history.latest({ type: "request", subtype: "auth_request" })!;

  test.each<[CompatibilityMode, boolean, string[]]>([
    ["NONE", true, []],
    ["BACKWARD", true, []],
    ["FORWARD", true, []],
    ["FULL", true, []],
    ["BACKWARD_TRANSITIVE", false, ["1.0.0 backward presence_made_required"]],
    ["FORWARD_TRANSITIVE", true, []],
    ["FULL_TRANSITIVE", false, ["1.0.0 backward presence_made_required"]],
  ])("%s", (mode, ok, violations) => {
    const result = checkCompatibility(history, latest, mode);
    expect(
      result.violations.map((v) => `${v.against.version} ${v.direction} ${v.change.kind}`),
    ).toEqual(violations);
    // The 1.0.0 -> 1.1.0 step itself is a major change under a minor bump, but only the
    // candidate's own bump (1.1.0 -> 1.2.0, minor) is checked here.
    expect(result.previous?.ok).toBe(true);
    expect(result.ok).toBe(ok);
  });

  test("modes stop at a major version: a major bump declares the break", () => {
    const reg = createRegistry([d(BASE), d({ ...BASE, version: "2.0.0", extensions: [] })]);
    const result = checkCompatibility(
      reg,
      reg.latest({ type: "request", subtype: "auth_request" })!,
      "FULL_TRANSITIVE",
    );
    expect(result.previous?.requiredBump).toBe("major");
    expect(result.diffs).toEqual([]);
    expect(result.ok).toBe(true);
  });

  test("the descriptor's own mode is the default", () => {
    const reg = createRegistry([
      d(BASE),
      d({
        ...BASE,
        version: "1.1.0",
        compatibility: "FORWARD",
        ...withField("user", { presence: "optional" }),
      }),
    ]);
    const result = checkCompatibility(
      reg,
      reg.latest({ type: "request", subtype: "auth_request" })!,
    );
    expect(result.mode).toBe("FORWARD");
    expect(result.violations.map((v) => v.change.kind)).toEqual(["presence_made_optional"]);
  });
});
