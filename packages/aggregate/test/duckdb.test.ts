// DuckDB (PyPI `duckdb`, with `pyarrow` for the Arrow IPC file; `pnpm
// bootstrap` installs both into .venv/) reads the Arrow and Parquet exports
// of the mixed capture and computes the same exact figures as the
// aggregation: counts, int64 sums (DuckDB sums BIGINT as HUGEINT), double
// sums, minima, maxima and issue counts per group. Without DuckDB the test is
// skipped locally and fails in CI (CI=true).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  aggregate,
  createExporter,
  type GroupResult,
  writeArrow,
  writeParquet,
} from "@envelope/aggregate";
import { loadRegistry } from "@envelope/registry";
import { afterAll, describe, expect, it, test } from "vitest";
import { buildCapture, generateRecords, ROOT, SCHEMAS } from "./capture.js";
import {
  type ExpectedGroup,
  expectedCombined,
  expectedPerLanguage,
  LANGUAGES,
  mixedCapture,
  TARGETS,
  valueKeys,
} from "./registry-capture.js";

const venvPython = `${ROOT}.venv/bin/python`;
const python = existsSync(venvPython) ? venvPython : "python3";
const SCRIPT = fileURLToPath(new URL("./duckdb_aggregate.py", import.meta.url));
const hasDuckdb =
  spawnSync(python, ["-c", "import duckdb, pyarrow"], { encoding: "utf8" }).status === 0;

test("duckdb and pyarrow are available (required in CI)", () => {
  if (process.env.CI === "true") {
    expect(hasDuckdb, `${python} cannot import duckdb and pyarrow: run pnpm bootstrap`).toBe(true);
  }
});

const registry = loadRegistry(SCHEMAS);
const capture = buildCapture(generateRecords());
const dir = mkdtempSync(join(tmpdir(), "aggregate-duckdb-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface DuckGroup {
  key: string[];
  count: number;
  values: Record<
    string,
    { count: number; sum: string | number | null; min: unknown; max: unknown; type: string }
  >;
  issues: Record<string, number>;
}

function duckdb(path: string, kind: string, keys: string[], values: string[]) {
  const run = spawnSync(python, [SCRIPT, path, kind, keys.join(","), values.join(",")], {
    encoding: "utf8",
    timeout: 120_000,
  });
  if (run.status !== 0) throw new Error(`duckdb script failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as {
    groups: DuckGroup[];
    columns: Record<string, string>;
    bench: string[][];
  };
}

/** The aggregation's group as DuckDB prints it: int64 figures as decimal strings. */
function asDuck(g: GroupResult, values: string[]): Omit<DuckGroup, "key"> {
  const out: DuckGroup["values"] = {};
  values.forEach((v, i) => {
    const s = g.values[i]!;
    const str = (x: bigint | number | undefined) =>
      x === undefined ? null : typeof x === "bigint" ? x.toString() : x;
    out[`attr.${v}`] = {
      count: s.count,
      sum: str(s.sum),
      min: str(s.min),
      max: str(s.max),
      type: s.kind === "int" ? "BIGINT" : "DOUBLE",
    };
  });
  return { count: g.count, values: out, issues: { ...g.issues } };
}

describe.skipIf(!hasDuckdb).each(["1.1.0", "1.2.0"] as const)(
  "DuckDB over the export at %s",
  (target) => {
    const duration = target === "1.1.0" ? "latency_ms" : "duration_ms";
    const values = ["attempts", duration, "session_ttl_s"];
    const options = { registry, to: target };

    it.each([
      "arrow",
      "parquet",
    ] as const)("%s: the same counts, sums, minima, maxima and issues", async (kind) => {
      const path = join(dir, `capture-${target}.${kind}`);
      const stats = await (kind === "arrow" ? writeArrow : writeParquet)(capture, path, {
        ...options,
        batchSize: 64,
      });
      const ours = await aggregate(capture, {
        ...options,
        by: ["type", "subtype", "version", "service"],
        values,
      });
      expect(stats.rows).toBe(ours.aggregated);
      expect(stats.skipped).toEqual(ours.skipped);
      expect(stats.unreadable).toEqual(ours.unreadable);
      const duck = duckdb(
        path,
        kind,
        ["type", "subtype", "source_version", "service_name"],
        values.map((v) => `attr.${v}`),
      );
      expect(duck.groups.map((g) => g.key)).toEqual(ours.groups.map((g) => g.key));
      duck.groups.forEach((g, i) => {
        expect({ count: g.count, values: g.values, issues: g.issues }).toEqual(
          asDuck(ours.groups[i]!, values),
        );
      });
      // Undeclared keys of the Go benchmark envelope are in the map column, in the contract's JSON mapping.
      if (target === "1.2.0")
        expect(duck.bench).toEqual([['{"stringValue":"u_8c1f2e9a"}', '{"doubleValue":12.75}']]);
    });
  },
);

// Issue #18: the Go, Rust and TypeScript registry fixtures concatenated (the
// capture packages/cli/test/aggregate.test.ts aggregates), exported at either
// version of each event; DuckDB's figures are the generator's expected.json's.
describe.skipIf(!hasDuckdb).each(["older", "newer"] as const)(
  "DuckDB over the export of the three languages' registry fixtures, at the %s versions",
  (target) => {
    const values = valueKeys(target);
    const figures = (expected: ExpectedGroup) => {
      const text = (x: bigint | number | undefined) =>
        x === undefined ? null : typeof x === "bigint" ? x.toString() : x;
      return Object.fromEntries(
        values.map((key) => {
          const f = expected.values.get(key);
          return [
            `attr.${key}`,
            f === undefined || f.count === 0
              ? { count: 0, sum: null, min: null, max: null }
              : { count: f.count, sum: text(f.sum), min: text(f.min), max: text(f.max) },
          ];
        }),
      );
    };

    it.each([
      "arrow",
      "parquet",
    ] as const)("%s: per language and all together, exactly expected.json's figures", async (kind) => {
      const path = join(dir, `mixed-${target}.${kind}`);
      const stats = await (kind === "arrow" ? writeArrow : writeParquet)(mixedCapture(), path, {
        registry,
        to: TARGETS[target],
        batchSize: 40,
      });
      expect(stats).toEqual({ envelopes: 96, rows: 96, skipped: [], unreadable: [] });
      const columns = values.map((v) => `attr.${v}`);
      const perLanguage = expectedPerLanguage(target);
      const byLanguage = duckdb(path, kind, ["subtype", "producer_language"], columns);
      expect(byLanguage.groups.map((g) => g.key)).toEqual(
        ["auth_request", "payment_request"].flatMap((s) => LANGUAGES.map((l) => [s, l])),
      );
      for (const g of byLanguage.groups) {
        const expected = perLanguage.get(`request/${g.key[0]}`)!;
        expect(g.count).toBe(expected.count);
        expect(g.issues).toEqual({});
        expect(g.values).toMatchObject(figures(expected));
      }
      const together = expectedCombined(target, 3);
      const byVersion = duckdb(path, kind, ["subtype", "version"], columns);
      expect(byVersion.groups.map((g) => g.key)).toEqual(
        Object.entries(TARGETS[target]).map(([event, version]) => [event.split("/")[1], version]),
      );
      for (const g of byVersion.groups) {
        const expected = together.get(`request/${g.key[0]}`)!;
        expect(g.count).toBe(expected.count);
        expect(g.values).toMatchObject(figures(expected));
      }
    });
  },
);

describe.skipIf(!hasDuckdb)("the export layout", () => {
  it("has header columns, typed declared attributes and map columns, as DuckDB sees them", async () => {
    const path = join(dir, "layout.parquet");
    await writeParquet(capture, path, { registry, to: "1.1.0" });
    const { columns } = duckdb(path, "parquet", ["type"], []);
    expect(columns).toEqual({
      event_id: "VARCHAR",
      time_unix_nano: "UBIGINT",
      type: "VARCHAR",
      subtype: "VARCHAR",
      version: "VARCHAR",
      source_version: "VARCHAR",
      schema_url: "VARCHAR",
      producer_language: "VARCHAR",
      producer_version: "VARCHAR",
      service_name: "VARCHAR",
      service_version: "VARCHAR",
      environment: "VARCHAR",
      region: "VARCHAR",
      host: "VARCHAR",
      resource_attributes: "MAP(VARCHAR, VARCHAR)",
      trace_id: "VARCHAR",
      span_id: "VARCHAR",
      parent_span_id: "VARCHAR",
      trace_flags: "INTEGER",
      trace_state: "VARCHAR",
      status_code: "INTEGER",
      status_message: "VARCHAR",
      issue_count: "INTEGER",
      issue_codes: "VARCHAR[]",
      // request/auth_request@1.1.0 and request/payment_request@1.1.0, declared attributes in order.
      ...Object.fromEntries(
        createExporter({ registry, to: "1.1.0" }).attributeColumns.map((c) => [
          `attr.${c.key}`,
          duckType(c.type),
        ]),
      ),
      attributes: "MAP(VARCHAR, VARCHAR)",
      extensions: "MAP(VARCHAR, VARCHAR)",
    });
    expect(columns["attr.latency_ms"]).toBe("DOUBLE");
    expect(columns["attr.attempts"]).toBe("BIGINT");
    expect(columns["attr.tags"]).toBe("VARCHAR[]");
    expect(columns["attr.signature"]).toBe("BLOB");
    expect(columns["attr.metadata"]).toBe("VARCHAR");
  });
});

describe.skipIf(!hasDuckdb)("an empty export", () => {
  it.each(["arrow", "parquet"] as const)("%s: the schema and no row", async (kind) => {
    const path = join(dir, `empty.${kind}`);
    const stats = await (kind === "arrow" ? writeArrow : writeParquet)(new Uint8Array(0), path, {
      registry,
      to: "1.2.0",
    });
    expect(stats).toEqual({ envelopes: 0, rows: 0, skipped: [], unreadable: [] });
    const { groups, columns } = duckdb(path, kind, ["type"], ["attr.attempts"]);
    expect(groups).toEqual([]);
    expect(columns["attr.attempts"]).toBe("BIGINT");
    expect(Object.keys(columns)).toHaveLength(36);
  });
});

function duckType(descriptorType: string): string {
  switch (descriptorType) {
    case "int":
      return "BIGINT";
    case "double":
      return "DOUBLE";
    case "bool":
      return "BOOLEAN";
    case "bytes":
      return "BLOB";
    case "string":
      return "VARCHAR";
    case "repeated string":
    case "array<string>":
      return "VARCHAR[]";
    default:
      return "VARCHAR";
  }
}
