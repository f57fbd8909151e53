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
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  encodeRecords,
  FOREIGN_FIXTURES,
  generateRecords,
  intFigures,
  ROOT,
  SCHEMAS,
} from "../../aggregate/test/capture.js";
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
