/**
 * An aggregation as JSON, CSV or a text table. Exact figures are written
 * exactly: int64 sums, minima and maxima in decimal (strings in JSON, as the
 * contract's JSON mapping writes int64), doubles in the shortest form that
 * reads back to the same double.
 *
 * @see docs/spec.md "Aggregation"
 */
import type { AggregateResult, GroupResult } from "./aggregate.js";
import type { ValueStats } from "./stats.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A double as JSON: a number, or `"NaN"`, `"Infinity"`, `"-Infinity"`. */
function doubleJson(n: number): Json {
  return Number.isFinite(n) ? n : String(n);
}

function numJson(v: bigint | number | undefined): Json {
  if (v === undefined) return null;
  return typeof v === "bigint" ? v.toString() : doubleJson(v);
}

function statsJson(s: ValueStats, quantiles: readonly number[]): Json {
  const q: Record<string, Json> = {};
  quantiles.forEach((p, i) => {
    const v = s.quantiles[i];
    q[String(p)] = v === undefined ? null : doubleJson(v);
  });
  return {
    kind: s.kind ?? null,
    count: s.count,
    sum: numJson(s.sum),
    min: numJson(s.min),
    max: numJson(s.max),
    mean: s.mean === undefined ? null : doubleJson(s.mean),
    quantiles: q,
    nan: s.nan,
    mismatched: s.mismatched,
  };
}

function groupJson(r: AggregateResult, g: GroupResult): Json {
  const key: Record<string, Json> = {};
  r.dimensions.forEach((d, i) => {
    key[d] = g.key[i] ?? null;
  });
  const values: Record<string, Json> = {};
  r.values.forEach((v, i) => {
    values[v] = statsJson(g.values[i]!, r.quantiles);
  });
  return {
    key,
    ...(g.overflow ? { overflow: true } : {}),
    count: g.count,
    issues: { ...g.issues },
    values,
  };
}

/** The result as a JSON value (int64 figures as decimal strings). */
export function resultToJson(r: AggregateResult): Json {
  return {
    dimensions: [...r.dimensions],
    values: [...r.values],
    quantiles: [...r.quantiles],
    relativeAccuracy: r.relativeAccuracy,
    targets: { ...r.targets },
    envelopes: r.envelopes,
    aggregated: r.aggregated,
    issues: { ...r.issues },
    groups: r.groups.map((g) => groupJson(r, g)),
    overflow: r.overflow === undefined ? null : groupJson(r, r.overflow),
    skipped: r.skipped.map((s) => ({ ...s })),
    unreadable: r.unreadable.map((u) => ({ ...u })),
  };
}

/** The result as indented JSON text, ending with a newline. */
export function formatJson(r: AggregateResult): string {
  return `${JSON.stringify(resultToJson(r), null, 2)}\n`;
}

function text(v: bigint | number | undefined): string {
  return v === undefined ? "" : String(v);
}

/** The column names of the CSV and the table, after the dimensions. */
function figureColumns(r: AggregateResult, issueCodes: readonly string[]): string[] {
  const cols = ["count"];
  for (const v of r.values) {
    cols.push(`${v}.count`, `${v}.sum`, `${v}.min`, `${v}.max`, `${v}.mean`);
    for (const q of r.quantiles) cols.push(`${v}.p${quantileLabel(q)}`);
  }
  for (const code of issueCodes) cols.push(`issues.${code}`);
  return cols;
}

/** `0.5` → `50`, `0.999` → `99.9`. */
export function quantileLabel(q: number): string {
  return String(Number((q * 100).toPrecision(12)));
}

function figures(
  g: GroupResult,
  issueCodes: readonly string[],
  quantile: (v: number) => string,
): string[] {
  const row = [String(g.count)];
  g.values.forEach((s) => {
    row.push(String(s.count), text(s.sum), text(s.min), text(s.max), text(s.mean));
    for (const q of s.quantiles) row.push(q === undefined ? "" : quantile(q));
  });
  for (const code of issueCodes) row.push(String(g.issues[code] ?? 0));
  return row;
}

function allGroups(r: AggregateResult): GroupResult[] {
  return r.overflow === undefined ? [...r.groups] : [...r.groups, r.overflow];
}

function issueCodes(r: AggregateResult): string[] {
  return Object.keys(r.issues).sort();
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The groups as CSV (RFC 4180, CRLF line ends): the dimensions, `count`,
 * per value attribute its count, sum, min, max, mean and quantiles
 * (`duration_ms.p99`), and one `issues.CODE` column per issue code seen. An
 * absent key part is an empty field; the overflow group's key parts read
 * `(other)`.
 */
export function formatCsv(r: AggregateResult): string {
  const codes = issueCodes(r);
  const lines = [[...r.dimensions, ...figureColumns(r, codes)].map(csvField).join(",")];
  for (const g of allGroups(r)) {
    const key = g.key.map((k) => (g.overflow ? "(other)" : (k ?? "")));
    lines.push([...key, ...figures(g, codes, String)].map(csvField).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}

/**
 * The groups as an aligned text table, then what was not aggregated
 * (skipped envelopes by event, version and reason; unreadable input by error
 * code). Quantiles are shown to 6 significant digits; absent key parts read `-`.
 */
export function formatTable(r: AggregateResult): string {
  const codes = issueCodes(r);
  const header = [...r.dimensions, ...figureColumns(r, codes)];
  const rows = allGroups(r).map((g) => [
    ...g.key.map((k) => (g.overflow ? "(other)" : (k ?? "-"))),
    ...figures(g, codes, (v) => String(Number(v.toPrecision(6)))),
  ]);
  const out: string[] = [];
  out.push(...align([header, ...rows], (i) => i < r.dimensions.length));
  out.push("");
  const targets = Object.entries(r.targets).map(([e, v]) => `${e}@${v}`);
  out.push(
    `${r.envelopes} envelope(s) read, ${r.aggregated} aggregated${targets.length > 0 ? ` at ${targets.join(", ")}` : ""}`,
  );
  if (r.skipped.length > 0) {
    out.push("not aggregated:");
    out.push(
      ...align(
        [
          ["event", "version", "reason", "count", "first message"],
          ...r.skipped.map((s) => [s.event, s.version, s.reason, String(s.count), s.example]),
        ],
        (i) => i !== 3,
      ).map((l) => `  ${l}`),
    );
  }
  if (r.unreadable.length > 0) {
    out.push("unreadable input:");
    out.push(
      ...align(
        [
          ["code", "runs", "bytes"],
          ...r.unreadable.map((u) => [u.code, String(u.runs), String(u.bytes)]),
        ],
        (i) => i === 0,
      ).map((l) => `  ${l}`),
    );
  }
  return `${out.join("\n")}\n`;
}

/** Pads columns: text columns (`left(i)`) left-aligned, figures right-aligned. */
function align(rows: readonly (readonly string[])[], left: (i: number) => boolean): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...cell].length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) => {
        const pad = " ".repeat(widths[i]! - [...cell].length);
        return left(i) ? cell + pad : pad + cell;
      })
      .join("  ")
      .trimEnd(),
  );
}
