/**
 * `envelope aggregate`, run as the built binary over a mixed capture: the
 * TypeScript-made auth_request envelopes at 1.1.0 and 1.2.0 in one file, the
 * Go and Rust fixtures in others (packages/aggregate/test/capture.ts).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { aggregate, resultToJson } from "@envelope/aggregate";
import { loadRegistry } from "@envelope/registry";
import { encodeFixtures, generateFixtures } from "@envelope/schema-tools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  encodeRecords,
  FOREIGN_FIXTURES,
  generateRecords,
  intFigures,
  ROOT,
  SCHEMAS,
} from "../../aggregate/test/capture.js";
import {
  EXPECTED_JSON,
  type ExpectedGroup,
  expectedCombined,
  expectedPerLanguage,
  type Figures,
  generatedValues,
  LANGUAGES,
  MIXED_FILES,
  mixedCapture,
  rankQuantile,
  type Target,
  toOption,
  valueKeys,
} from "../../aggregate/test/registry-capture.js";
import { envelope, requireBuild } from "./support.js";

const records = generateRecords();
let dir: string;
let ts: string;
let go: string;
let rust: string;

beforeAll(() => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), "cli-aggregate-"));
  ts = join(dir, "ts.bin");
  go = join(dir, "go.bin");
  rust = join(dir, "rust.bin");
  writeFileSync(ts, Buffer.concat(encodeRecords(records)));
  for (const [path, lang] of [
    [go, "go"],
    [rust, "rust"],
  ] as const) {
    writeFileSync(
      path,
      Buffer.concat(
        FOREIGN_FIXTURES.filter((f) => f.includes(`/${lang}/`)).map((f) =>
          readFileSync(`${ROOT}${f}`),
        ),
      ),
    );
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ARGS = ["--by", "event,version", "--values", "attempts,duration_ms"];

describe("envelope aggregate", () => {
  it("prints the same figures as the library, int64 sums exact, over files from three producers", async () => {
    const run = envelope([
      "aggregate",
      "--registry",
      "schemas",
      "--to",
      "1.2.0",
      ...ARGS,
      "--format",
      "json",
      ts,
      go,
      rust,
    ]);
    // 400 generated + 3 Go + 3 Rust; refused: the conflicting 1.1.0 record and 4 vectors/kinds.
    expect(run.stderr).toBe(
      'envelope: 406 envelope(s) read, 401 aggregated in 2 group(s), 5 not aggregated (see "skipped")\n',
    );
    expect(run.status).toBe(0);
    const fromCli = JSON.parse(run.stdout);
    const library = await aggregate(
      [ts, go, rust].map((f) => readFileSync(f)),
      {
        registry: loadRegistry(SCHEMAS),
        to: "1.2.0",
        by: ["event", "version"],
        values: ["attempts", "duration_ms"],
      },
    );
    expect(fromCli).toEqual(JSON.parse(JSON.stringify(resultToJson(library))));
    // Pinned independently: the 1.1.0 records (upgraded; one conflicting record refused).
    const upgraded = records.filter((r) => r.version === "1.1.0" && !r.conflicting);
    const a = intFigures(upgraded.map((r) => r.attempts));
    const group = fromCli.groups.find(
      (g: { key: { version: string } }) => g.key.version === "1.1.0",
    );
    expect(group.count).toBe(upgraded.length);
    expect(group.values.attempts).toMatchObject({
      count: a.count,
      sum: a.sum.toString(),
      min: a.min!.toString(),
      max: a.max!.toString(),
    });
    expect(fromCli.targets).toEqual({ "request/auth_request": "1.2.0" });
  });

  it("reads stdin and writes CSV; --to per event downgrades", () => {
    const run = envelope(
      [
        "aggregate",
        "--registry",
        "schemas",
        "--to",
        "request/auth_request@1.1.0",
        "--by",
        "version",
        "--values",
        "latency_ms",
        "--quantiles",
        "0.5",
        "--format",
        "csv",
        "-",
      ],
      { input: readFileSync(ts) },
    );
    expect(run.status).toBe(0);
    const lines = run.stdout.split("\r\n");
    expect(lines[0]).toBe(
      "version,count,latency_ms.count,latency_ms.sum,latency_ms.min,latency_ms.max,latency_ms.mean,latency_ms.p50,issues.unknown_attribute",
    );
    const downgraded = records.filter((r) => r.version === "1.2.0" && !r.conflicting);
    const sum = downgraded.reduce((s, r) => s + r.duration, 0);
    const row = lines.find((l) => l.startsWith("1.2.0,"))!.split(",");
    expect(row.slice(0, 4)).toEqual([
      "1.2.0",
      String(downgraded.length),
      String(downgraded.length),
      String(sum),
    ]);
    expect(run.stderr).toContain("not aggregated");
  });

  it("prints a table with what was not aggregated, and exits 3 on a bad frame", () => {
    const broken = join(dir, "broken.bin");
    writeFileSync(
      broken,
      Buffer.concat([
        readFileSync(go),
        readFileSync(`${ROOT}test/fixtures/go/broken__truncated-frame.bin`),
      ]),
    );
    const run = envelope(["aggregate", "--registry", "schemas", ...ARGS, broken]);
    expect(run.status).toBe(3);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toMatch(/^event\s+version\s+count\s+attempts\.count\s+attempts\.sum/);
    expect(lines[1]).toMatch(/^request\/auth_request\s+1\.2\.0\s+1\s+1\s+1\s+1\s+1\s/);
    expect(run.stdout).toContain("3 envelope(s) read, 1 aggregated at request/auth_request@1.2.0");
    expect(run.stdout).toMatch(/vectors\/kinds\s+1\.0\.0\s+unknown_schema\s+2/);
    expect(run.stdout).toMatch(/truncated\s+1\s+441/);
    expect(run.stderr).toContain("truncated");
  });

  const python = existsSync(`${ROOT}.venv/bin/python`) ? `${ROOT}.venv/bin/python` : "python3";
  const hasDuckdb = spawnSync(python, ["-c", "import duckdb, pyarrow"]).status === 0;

  it.skipIf(!hasDuckdb && process.env.CI !== "true").each(["arrow", "parquet"])(
    "--export writes a %s file that DuckDB aggregates to the printed figures",
    (kind) => {
      const out = join(dir, `export.${kind}`);
      const run = envelope([
        "aggregate",
        "--registry",
        "schemas",
        "--to",
        "1.1.0",
        "--by",
        "type,subtype,version,service",
        "--values",
        "attempts,latency_ms",
        "--format",
        "json",
        "--export",
        out,
        ...(kind === "arrow" ? [] : ["--export-format", "parquet"]),
        ts,
        go,
        rust,
      ]);
      expect(run.status).toBe(0);
      expect(run.stderr).toContain(`399 row(s) exported to ${out} (${kind})`);
      const printed = JSON.parse(run.stdout);
      const duck = spawnSync(
        python,
        [
          `${ROOT}packages/aggregate/test/duckdb_aggregate.py`,
          out,
          kind,
          "type,subtype,source_version,service_name",
          "attr.attempts,attr.latency_ms",
        ],
        { encoding: "utf8" },
      );
      expect(duck.stderr).toBe("");
      const groups = JSON.parse(duck.stdout).groups;
      expect(groups.map((g: { key: string[] }) => g.key)).toEqual(
        printed.groups.map((g: { key: Record<string, string> }) => Object.values(g.key)),
      );
      groups.forEach((g: { count: number; values: Record<string, object> }, i: number) => {
        const p = printed.groups[i];
        expect(g.count).toBe(p.count);
        for (const v of ["attempts", "latency_ms"]) {
          const { count, sum, min, max } = p.values[v];
          expect(g.values[`attr.${v}`]).toMatchObject({ count, sum, min, max });
        }
      });
    },
  );

  it("--keep-unknown, --skip-invalid and --allow-unknown reach the aggregation", () => {
    const json = (...extra: string[]) => {
      const run = envelope([
        "aggregate",
        "--registry",
        "schemas",
        "--format",
        "json",
        ...extra,
        go,
        rust,
      ]);
      expect(run.status).toBe(0);
      return JSON.parse(run.stdout);
    };
    const kept = json("--keep-unknown", "--by", "event", "--values", "value");
    // Go int64-max and double 0.1, Rust int64-min and int64 0 (protobuf + LZ4).
    expect(kept.groups[1]).toMatchObject({
      key: { event: "vectors/kinds" },
      count: 4,
      values: { value: { kind: "int", count: 3, sum: "-1", mismatched: 1 } },
    });
    expect(
      json("--skip-invalid").skipped.map((s: { reason: string; count: number }) => [
        s.reason,
        s.count,
      ]),
    ).toEqual([
      ["invalid", 2],
      ["unknown_schema", 4],
    ]);
    // Without unknown_attribute issues, the benchmark envelopes still lack `user`.
    expect(json("--allow-unknown").issues).toEqual({ missing_attribute: 2, unknown_schema: 4 });
  });

  it("refuses a bad dimension or target with exit 2", () => {
    const bad = envelope(["aggregate", "--registry", "schemas", "--by", "colour", ts]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown dimension "colour"');
    const to = envelope(["aggregate", "--registry", "schemas", "--to", "auth@1.0.0", ts]);
    expect(to.status).toBe(2);
    expect(envelope(["aggregate", ts]).status).toBe(2);
  });
});

/**
 * Issue #18's first test: the Go, Rust and TypeScript generators' registry
 * fixtures (both versions of request/auth_request and of
 * request/payment_request, each producer with its own language in the
 * headers), concatenated into one capture; `envelope aggregate` normalises it
 * to either version of each event and must find the generator's
 * expected.json figures exactly, per producer language and all together.
 */
describe("envelope aggregate over the registry fixtures of Go, Rust and TypeScript", () => {
  let combined: string;
  beforeAll(() => {
    combined = join(dir, "combined.bin");
    writeFileSync(combined, mixedCapture());
  });

  it("each producer wrote the generator's sample, with only its language changed", () => {
    const descriptors = loadRegistry(SCHEMAS).descriptors();
    for (const language of LANGUAGES) {
      const { path, codec } = MIXED_FILES[language];
      const sets = generateFixtures(descriptors, {
        seed: 1n,
        count: 8,
        producer: { language, version: "1.0.0" },
      });
      expect(Buffer.from(encodeFixtures(sets, codec)).equals(readFileSync(`${ROOT}${path}`))).toBe(
        true,
      );
    }
    // The expected figures do not depend on the language: every generator wrote the examples' expected.json.
    const examples = readFileSync(
      `${ROOT}test/fixtures/registry/ts/examples/expected.json`,
      "utf8",
    );
    expect(readFileSync(`${ROOT}${EXPECTED_JSON}`, "utf8")).toBe(examples);
    for (const language of ["go", "rust"]) {
      expect(
        readFileSync(
          `${ROOT}test/fixtures/registry/mixed/${language}/examples/expected.json`,
          "utf8",
        ),
      ).toBe(examples);
    }
  });

  const run = (target: Target, by: string) => {
    const values = valueKeys(target);
    const out = envelope([
      "aggregate",
      "--registry",
      "schemas",
      "--to",
      toOption(target),
      "--by",
      by,
      "--values",
      values.join(","),
      "--format",
      "json",
      combined,
    ]);
    expect(out.stderr).toBe(
      `envelope: 96 envelope(s) read, 96 aggregated in ${by === "event,language" ? 6 : 2} group(s)\n`,
    );
    expect(out.status).toBe(0);
    return { values, result: JSON.parse(out.stdout) };
  };

  /** A group's printed figures against the expected ones: exact, and quantiles within α·|v|. */
  const check = (
    group: { count: number; issues: object; values: Record<string, PrintedFigures> },
    expected: ExpectedGroup,
    values: readonly string[],
    drawn: Map<string, number[]>,
    times: number,
  ) => {
    expect(group.count).toBe(expected.count);
    expect(group.issues).toEqual({});
    for (const key of values) {
      const want: Figures | undefined = expected.values.get(key);
      const got = group.values[key]!;
      if (want === undefined || want.count === 0) {
        expect(got, key).toMatchObject({ count: 0, sum: null, min: null, max: null });
        continue;
      }
      const text = (x: bigint | number | undefined) => (typeof x === "bigint" ? x.toString() : x);
      expect(got, key).toMatchObject({
        kind: want.kind,
        count: want.count,
        sum: text(want.sum),
        min: text(want.min),
        max: text(want.max),
        nan: 0,
        mismatched: 0,
      });
      const xs = Array.from({ length: times }, () => drawn.get(key)!).flat();
      expect(xs).toHaveLength(want.count);
      for (const [q, estimate] of Object.entries(got.quantiles)) {
        const v = rankQuantile(xs, Number(q));
        expect(Math.abs(estimate - v), `${key} q${q}: ${estimate} for ${v}`).toBeLessThanOrEqual(
          0.01 * Math.abs(v),
        );
      }
    }
  };

  it.each([
    "older",
    "newer",
  ] as const)("normalised to the %s versions, per producer language: exactly expected.json's figures", (target) => {
    const { values, result } = run(target, "event,language");
    const expected = expectedPerLanguage(target);
    const drawn = generatedValues(target);
    // Groups sorted by key: three languages per event.
    expect(result.groups.map((g: { key: object }) => g.key)).toEqual(
      ["request/auth_request", "request/payment_request"].flatMap((event) =>
        LANGUAGES.map((language) => ({ event, language })),
      ),
    );
    for (const g of result.groups) {
      check(g, expected.get(g.key.event)!, values, drawn.get(g.key.event)!, 1);
    }
    expect(result.skipped).toEqual([]);
    expect(result.issues).toEqual({});
  });

  it.each([
    "older",
    "newer",
  ] as const)("normalised to the %s versions, the three languages together: three times the figures", (target) => {
    const { values, result } = run(target, "event");
    const expected = expectedCombined(target, 3);
    const drawn = generatedValues(target);
    expect(result.groups.map((g: { key: { event: string } }) => g.key.event)).toEqual([
      "request/auth_request",
      "request/payment_request",
    ]);
    for (const g of result.groups) {
      check(g, expected.get(g.key.event)!, values, drawn.get(g.key.event)!, 3);
    }
  });
});

interface PrintedFigures {
  count: number;
  quantiles: Record<string, number>;
}
