import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Envelope } from "@envelope/core";
import { createRegistry, loadRegistry, readDescriptor } from "@envelope/registry";
import {
  encodeFixtures,
  type FixtureCodec,
  fixturesSummary,
  fnv1a64,
  generateFixtures,
  SplitMix64,
} from "@envelope/schema-tools";
import { decodeFrames } from "@envelope/sdk";

/** The envelopes of a stream of frames; fails on any bad frame. */
function envelopesOf(bytes: Uint8Array): Envelope[] {
  return [...decodeFrames(bytes)].map((item) => {
    if (item.error !== undefined) throw item.error;
    return item.envelope;
  });
}

import { afterAll, describe, expect, test } from "vitest";

const SCHEMAS = fileURLToPath(new URL("../../../schemas", import.meta.url));
const BIN = fileURLToPath(new URL("../../cli/dist/bin.js", import.meta.url));
const examples = loadRegistry(SCHEMAS);
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** Every rule family, with bounds at int64's ends and lone bounds past the defaults. */
const RULES = readDescriptor(
  JSON.stringify({
    type: "test",
    subtype: "rules",
    version: "1.0.0",
    attributes: [
      { key: "id", type: "string", presence: "required", minLength: 3, maxLength: 5 },
      { key: "big", type: "int", minimum: "9223372036854775806", maximum: "9223372036854775807" },
      {
        key: "whole",
        type: "int",
        minimum: "-9223372036854775808",
        maximum: "9223372036854775807",
      },
      { key: "neg", type: "int", maximum: -5000000 },
      { key: "ratio", type: "double", minimum: -0.5, maximum: 1 },
      { key: "tiny", type: "double", minimum: 0.01, maximum: 0.02 },
      { key: "method", type: "string", enum: ["card", "wallet", "bank"] },
      { key: "code", type: "int", enum: [7, -3] },
      { key: "blob", type: "bytes", minLength: 1, maxLength: 4 },
      { key: "flag", type: "bool" },
      {
        key: "tags",
        type: "string",
        presence: "repeated",
        minItems: 1,
        maxItems: 2,
        enum: ["a", "b"],
      },
      { key: "scores", type: "array<double>", maxItems: 4, minimum: 0, maximum: 10 },
      { key: "labels", type: "map<int>" },
      { key: "nested", type: "array<array<string>>" },
      { key: "filled", type: "int", default: 5, minimum: 0, maximum: 9 },
      { key: "old", type: "int", deprecated: { since: "1.0.0" } },
    ],
  }),
  "rules.json",
);
const rules = createRegistry([RULES]);

describe("the generator's building blocks (docs/spec.md, Fixtures)", () => {
  test("splitmix64: the reference outputs for seed 1234567", () => {
    const rng = new SplitMix64(1234567n);
    expect([rng.next(), rng.next(), rng.next(), rng.next(), rng.next()]).toEqual([
      6457827717110365317n,
      3203168211198807973n,
      9817491932198370423n,
      4593380528125082431n,
      16408922859458223821n,
    ]);
  });

  test("fnv1a64: the published vectors", () => {
    expect(fnv1a64("")).toBe(0xcbf29ce484222325n);
    expect(fnv1a64("a")).toBe(0xaf63dc4c8601ec8cn);
    expect(fnv1a64("foobar")).toBe(0x85944171f73967e8n);
  });

  test("between covers int64's full range and single points", () => {
    const rng = new SplitMix64(0n);
    const lo = -(2n ** 63n);
    const hi = 2n ** 63n - 1n;
    // span 2^64 - 1: the raw output, reinterpreted: 0xE220A8397B1DCDAF - 2^63.
    expect(rng.between(lo, hi)).toBe(BigInt.asIntN(64, lo + 0xe220a8397b1dcdafn));
    expect(rng.between(5n, 5n)).toBe(5n);
    const below = new SplitMix64(0n);
    expect(below.below(10n)).toBe(0xe220a8397b1dcdafn % 10n);
  });
});

describe("generated envelopes", () => {
  const sets = generateFixtures([RULES], { seed: 42n, count: 200 });
  const envelopes = sets[0]!.envelopes;

  test("every envelope is valid against its descriptor, rules included", () => {
    for (const e of envelopes) expect(rules.validate(e)).toEqual([]);
    for (const set of generateFixtures(examples.descriptors(), { count: 64 })) {
      for (const e of set.envelopes) expect(examples.validate(e)).toEqual([]);
    }
  });

  test("sample 0 sits on every lower boundary, sample 1 on every upper one", () => {
    const [min, max] = envelopes as [Envelope, Envelope];
    const a = min.body.attributes;
    const b = max.body.attributes;
    expect([...a.keys()]).toEqual([
      "id",
      "big",
      "whole",
      "neg",
      "ratio",
      "tiny",
      "method",
      "code",
      "blob",
      "flag",
      "tags",
      "scores",
      "labels",
      "nested",
      "filled",
    ]);
    expect((a.get("id") as string).length).toBe(3);
    expect([...(b.get("id") as string)].length).toBe(5);
    expect([a.get("big"), b.get("big")]).toEqual([9223372036854775806n, 9223372036854775807n]);
    expect([a.get("whole"), b.get("whole")]).toEqual([-(2n ** 63n), 2n ** 63n - 1n]);
    expect([a.get("neg"), b.get("neg")]).toEqual([-7000000n, -5000000n]);
    expect([a.get("ratio"), b.get("ratio")]).toEqual([-0.5, 1]);
    expect([a.get("method"), b.get("method")]).toEqual(["card", "bank"]);
    expect([a.get("code"), b.get("code")]).toEqual([7n, -3n]);
    expect([(a.get("blob") as Uint8Array).length, (b.get("blob") as Uint8Array).length]).toEqual([
      1, 4,
    ]);
    expect([a.get("flag"), b.get("flag")]).toEqual([false, true]);
    expect([a.get("tags"), b.get("tags")]).toEqual([["a"], ["b", "b"]]);
    expect([a.get("scores"), b.get("scores")]).toEqual([[], [10, 10, 10, 10]]);
    expect([
      (a.get("labels") as Map<string, bigint>).size,
      (b.get("labels") as Map<string, bigint>).size,
    ]).toEqual([0, 2]);
    expect([a.get("filled"), b.get("filled")]).toEqual([0n, 9n]);
  });

  test("random samples stay inside the rules and reach beyond the boundaries", () => {
    const seen = (key: string) => envelopes.slice(2).map((e) => e.body.attributes.get(key));
    const ratios = seen("ratio").filter((v) => v !== undefined) as number[];
    expect(ratios.every((r) => r >= -0.5 && r <= 1 && Number.isInteger(r * 16))).toBe(true);
    expect(new Set(ratios).size).toBeGreaterThan(10);
    // [0.01, 0.02] holds no multiple of 1/16: only the bounds.
    expect(new Set(seen("tiny").filter((v) => v !== undefined))).toEqual(new Set([0.01, 0.02]));
    expect(new Set(seen("method").filter((v) => v !== undefined))).toEqual(
      new Set(["card", "wallet", "bank"]),
    );
    // Optional fields are sometimes absent, required and defaulted ones never.
    expect(seen("flag").some((v) => v === undefined)).toBe(true);
    expect(seen("id").every((v) => v !== undefined)).toBe(true);
    expect(seen("filled").every((v) => v !== undefined)).toBe(true);
    expect(seen("old").every((v) => v === undefined)).toBe(true);
  });

  test("deterministic: the same seed gives the same envelopes, another seed others", () => {
    const again = generateFixtures([RULES], { seed: 42n, count: 200 })[0]!.envelopes;
    expect(encodeFixtures([{ ...sets[0]!, envelopes: again }], "protobuf")).toEqual(
      encodeFixtures(sets, "protobuf"),
    );
    const other = generateFixtures([RULES], { seed: 43n, count: 200 });
    expect(encodeFixtures(other, "protobuf")).not.toEqual(encodeFixtures(sets, "protobuf"));
    // An event's sample does not depend on the other descriptors given.
    const both = generateFixtures([...examples.descriptors(), RULES], { seed: 42n, count: 200 });
    expect(both.find((s) => s.type === "test")!.envelopes).toEqual(envelopes);
  });

  test.each<FixtureCodec>([
    "protobuf",
    "cbor",
    "json",
  ])("%s: the stream decodes back to the same envelopes", (codec) => {
    const bytes = encodeFixtures(sets, codec);
    const decoded = envelopesOf(bytes);
    expect(decoded).toEqual(envelopes);
  });
});

describe("expected aggregates", () => {
  test("equal the figures computed from the decoded stream", () => {
    const sets = generateFixtures(examples.descriptors(), { seed: 7n, count: 50 });
    const summary = JSON.parse(fixturesSummary(sets, { seed: 7n, count: 50 }));
    const byEvent = new Map<string, Map<string, { count: number; values: (bigint | number)[] }>>();
    for (const e of envelopesOf(encodeFixtures(sets, "cbor"))) {
      const s = e.header.schema;
      const id = `${s.type}/${s.subtype}@${s.version}`;
      const event = byEvent.get(id) ?? new Map();
      byEvent.set(id, event);
      for (const [key, value] of e.body.attributes) {
        if (typeof value !== "bigint" && typeof value !== "number") continue;
        const agg = event.get(key) ?? { count: 0, values: [] };
        event.set(key, agg);
        agg.count++;
        agg.values.push(value);
      }
    }
    expect(summary.events.map((e: { version: string }) => e.version)).toEqual([
      "1.1.0",
      "1.2.0",
      "1.0.0",
      "1.1.0",
      "1.0.0",
      "1.0.0",
    ]);
    for (const event of summary.events) {
      const found = byEvent.get(`${event.type}/${event.subtype}@${event.version}`)!;
      expect(event.count).toBe(50);
      for (const [key, agg] of Object.entries(event.attributes) as [string, { kind: string }][]) {
        const values = found.get(key)?.values ?? [];
        if (agg.kind === "int") {
          const ints = values as bigint[];
          expect(agg).toEqual({
            kind: "int",
            count: ints.length,
            sum: String(ints.reduce((a, b) => a + b, 0n)),
            min: String(ints.reduce((a, b) => (b < a ? b : a))),
            max: String(ints.reduce((a, b) => (b > a ? b : a))),
          });
        } else {
          const doubles = values as number[];
          // Multiples of 1/16 and integer bounds: the sum is exact, so any order gives it.
          const reversed = [...doubles].reverse().reduce((a, b) => a + b, 0);
          expect(agg).toEqual({
            kind: "double",
            count: doubles.length,
            sum: reversed,
            min: Math.min(...doubles),
            max: Math.max(...doubles),
          });
        }
      }
    }
  });
});

describe("pinned bytes: what Go and Rust must reproduce", () => {
  const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
  const sets = generateFixtures(examples.descriptors(), { seed: 1n, count: 8 });

  test("the first envelope of request/auth_request@1.1.0, seed 1", () => {
    const first = sets[0]!.envelopes[0]!;
    expect(Buffer.from(first.header.eventId).toString("hex")).toBe(
      "fcf80174169d4972e2fd1f83bd2d72db",
    );
    expect(first.header.timeUnixNano).toBe(1767225600000000000n);
    expect(first.header.producer).toEqual({ language: "fixtures", version: "1.0.0" });
  });

  test("SHA-256 of the streams", () => {
    expect({
      protobuf: sha(encodeFixtures(sets, "protobuf")),
      cbor: sha(encodeFixtures(sets, "cbor")),
    }).toEqual(PINNED);
  });
});

const PINNED = {
  protobuf: "e9f9fb454da25c1ad117c2a5582132c0434590d3e942e7079bbec3604a7f5816",
  cbor: "dfdad82d41a4377da15153c6d015a465ba2f81b2c93cac8210a3132343016751",
};

// The mutation sandbox has no build (packages/*/dist): the binary runs in the normal suite only.
describe.skipIf(process.env.ENVELOPE_MUTATE_PACKAGE !== undefined)(
  "envelope schema fixtures (the binary)",
  () => {
    test("writes the streams and expected.json the API gives", () => {
      expect(existsSync(BIN), `${BIN} is missing: run pnpm build`).toBe(true);
      const out = mkdtempSync(join(tmpdir(), "envelope-fixtures-"));
      temps.push(out);
      const run = spawnSync(
        process.execPath,
        [
          BIN,
          "schema",
          "fixtures",
          SCHEMAS,
          "--out",
          out,
          "--seed",
          "42",
          "--count",
          "5",
          "--codec",
          "protobuf",
          "--codec",
          "json",
          "--language",
          "go",
        ],
        { encoding: "utf8" },
      );
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      const options = { seed: 42n, count: 5, producer: { language: "go", version: "1.0.0" } };
      const sets = generateFixtures(examples.descriptors(), options);
      expect(readFileSync(join(out, "fixtures-protobuf.bin"))).toEqual(
        Buffer.from(encodeFixtures(sets, "protobuf")),
      );
      expect(readFileSync(join(out, "fixtures-json.bin"))).toEqual(
        Buffer.from(encodeFixtures(sets, "json")),
      );
      expect(existsSync(join(out, "fixtures-cbor.bin"))).toBe(false);
      expect(readFileSync(join(out, "expected.json"), "utf8")).toBe(fixturesSummary(sets, options));
      expect(run.stdout.split("\n").at(-2)).toBe(
        "schema fixtures: 30 envelope(s), 6 event version(s), seed 42",
      );
    });

    test("usage errors exit 2", () => {
      const run = (...args: string[]) =>
        spawnSync(process.execPath, [BIN, "schema", "fixtures", SCHEMAS, ...args], {
          encoding: "utf8",
        });
      expect(run("--out", "x", "--seed", "18446744073709551616")).toMatchObject({
        status: 2,
        stderr:
          "envelope: error: --seed must be an integer 0 to 2^64-1, not '18446744073709551616' (see 'envelope schema --help')\n",
      });
      expect(run("--out", "x", "--codec", "xml")).toMatchObject({
        status: 2,
        stderr:
          "envelope: error: --codec must be one of protobuf, cbor, json, not 'xml' (see 'envelope schema --help')\n",
      });
    });
  },
);

// The mutation sandbox has no build and no Go or Rust producers: these run in the normal suite only.
describe.skipIf(process.env.ENVELOPE_MUTATE_PACKAGE !== undefined)(
  "Go and Rust bindings (schema gen --lang go|rust)",
  () => {
    const RULES_DIR = fileURLToPath(
      new URL("../../../test/fixtures/registry/schemas", import.meta.url),
    );
    const GO_DIR = fileURLToPath(
      new URL("../../../test/producers/go/internal/schemas", import.meta.url),
    );

    test("the committed packages are what schema gen writes", () => {
      const gen = (dir: string, out: string, pkg: string) =>
        spawnSync(
          process.execPath,
          [BIN, "schema", "gen", dir, "--lang", "go", "--go-package", pkg, "--out", out, "--check"],
          { encoding: "utf8" },
        );
      expect(gen(SCHEMAS, GO_DIR, "schemas")).toMatchObject({ status: 0, stderr: "" });
      expect(gen(RULES_DIR, join(GO_DIR, "rules"), "rules")).toMatchObject({
        status: 0,
        stderr: "",
      });
      const RUST_DIR = fileURLToPath(
        new URL("../../../test/producers/rust/src/bindings", import.meta.url),
      );
      for (const [dir, out] of [
        [SCHEMAS, "examples"],
        [RULES_DIR, "rules"],
      ] as const) {
        const run = spawnSync(
          process.execPath,
          [BIN, "schema", "gen", dir, "--lang", "rust", "--out", join(RUST_DIR, out), "--check"],
          { encoding: "utf8" },
        );
        expect(run).toMatchObject({ status: 0, stderr: "" });
      }
    });

    test("Rust: types, presence and rules become fields and draws", () => {
      const text = readFileSync(
        fileURLToPath(
          new URL("../../../test/producers/rust/src/bindings/rules/test_rules.rs", import.meta.url),
        ),
        "utf8",
      );
      for (const line of [
        "    pub id: String,\n",
        "    pub big: Option<i64>,\n",
        "    pub blob: Option<Vec<u8>>,\n",
        "    pub tags: Vec<String>,\n",
        "    pub labels: Option<fx::Map<i64>>,\n",
        "    pub extra: Option<fx::Map<fx::Value>>,\n",
        "    pub nested: Option<Vec<Vec<String>>>,\n",
        "            self.whole = Some(g.int(m, i64::MIN, 9223372036854775807));\n",
        '        self.tags = fx::slice(1, 2, fx::string_enum_gen(&["a", "b"]))(g, m);\n',
        "            self.huge = Some(g.double(m, 1e+300, 1e+300));\n",
        "        // old: deprecated, not drawn.\n",
      ]) {
        expect(text).toContain(line);
      }
    });

    test("types, presence and rules become Go fields and draws", () => {
      const text = readFileSync(join(GO_DIR, "rules", "test_rules.go"), "utf8");
      for (const line of [
        "\tId string\n",
        "\tBig *int64\n",
        "\tBlob *[]byte\n",
        "\tTags []string\n",
        "\tLabels *map[string]int64\n",
        "\tExtra *map[string]*fx.AnyValue\n",
        "\tNested *[][]string\n",
        // A key named like a method gets a suffix.
        "\tSchema_ string\n",
        "\t\tv := g.Int(m, 9223372036854775806, 9223372036854775807)\n",
        "\t\tv := g.Int(m, -7000000, -5000000)\n",
        '\t\tv := g.StringEnum(m, []string{"card", "wallet", "bank"})\n',
        '\ta.Tags = fx.Slice(1, 2, fx.StringEnumGen([]string{"a", "b"}))(g, m)\n',
        "\t\tv := fx.Slice(0, 4, fx.DoubleGen(0.0, 10.0))(g, m)\n",
        "\t// old: deprecated, not drawn.\n",
        '\t\tout = append(out, fx.KV("nested", fx.ArrayOf(fx.ArrayOf(fx.String))(*a.Nested)))\n',
      ]) {
        expect(text).toContain(line);
      }
    });
  },
);

describe("the committed expected.json and the spec's excerpt", () => {
  const committed = readFileSync(
    fileURLToPath(
      new URL("../../../test/fixtures/registry/ts/examples/expected.json", import.meta.url),
    ),
    "utf8",
  );

  test("expected.json is what the generator gives for seed 1, 8 per version", () => {
    const sets = generateFixtures(examples.descriptors(), { seed: 1n, count: 8 });
    expect(committed).toBe(fixturesSummary(sets, { seed: 1n, count: 8 }));
  });

  test("docs/spec.md quotes it faithfully", () => {
    const spec = readFileSync(
      fileURLToPath(new URL("../../../docs/spec.md", import.meta.url)),
      "utf8",
    );
    const at = spec.indexOf("An excerpt of `test/fixtures/registry/ts/examples/expected.json`");
    const start = spec.indexOf("```json\n", at) + 8;
    const block = spec.slice(start, spec.indexOf("\n```", start));
    const quoted = JSON.parse(block);
    const full = JSON.parse(committed);
    expect(quoted.events).toHaveLength(1);
    expect(full.events).toContainEqual(quoted.events[0]);
    expect({ ...quoted, events: [] }).toEqual({ ...full, events: [] });
  });
});
