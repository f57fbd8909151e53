/**
 * `schema check` on long histories: one event with N versions, every version
 * checked as new (as with `--no-git`), under FULL_TRANSITIVE and BACKWARD, and
 * one new version on top of N published ones (the usual CI run). The issue's
 * budget: 1,000 versions under FULL_TRANSITIVE in seconds; the non-transitive
 * check linear in N (the 1000/100 ratio near 10, measured in the same run).
 *
 *   pnpm --filter @envelope/schema-tools bench
 */
import {
  type CompatibilityMode,
  createRegistry,
  readDescriptor,
  type SchemaDescriptor,
} from "@envelope/registry";
import { checkCompatibility } from "@envelope/schema-tools";

/**
 * N versions of `bench/history`: 8 fields to start; every 10th version adds an
 * optional field, every 25th renames one (with its transform), the others
 * change a description. Every version is a major bump, so the bump check passes.
 */
function lineage(n: number): SchemaDescriptor[] {
  let fields = Array.from({ length: 8 }, (_, i) => ({
    key: `f${i}`,
    type: i % 2 ? "int" : "string",
  }));
  let next = 8;
  const out: SchemaDescriptor[] = [];
  for (let v = 1; v <= n; v++) {
    let transforms: unknown;
    if (v > 1 && v % 10 === 0) fields = [...fields, { key: `f${next++}`, type: "double" }];
    else if (v > 1 && v % 25 === 0) {
      const from = fields[v % fields.length]!.key;
      const to = `f${next++}`;
      fields = fields.map((f) => (f.key === from ? { ...f, key: to } : f));
      transforms = { from: `${v - 1}.0.0`, changes: [{ rename_attributes: { [from]: to } }] };
    }
    const json = {
      type: "bench",
      subtype: "history",
      version: `${v}.0.0`,
      description: `version ${v}`,
      attributes: fields,
      ...(transforms === undefined ? {} : { transforms }),
    };
    out.push(readDescriptor(JSON.stringify(json), `${v}.0.0.json`));
  }
  return out;
}

function timeAll(versions: SchemaDescriptor[], mode: CompatibilityMode, onlyLast = false): number {
  // A fresh registry per run: the history cache is per registry, as in `schema check`.
  const registry = createRegistry(versions);
  const start = performance.now();
  let failures = 0;
  for (const d of onlyLast ? versions.slice(-1) : versions) {
    if (!checkCompatibility(registry, d, mode).ok) failures++;
  }
  const ms = performance.now() - start;
  if (failures > 0) throw new Error(`${failures} version(s) failed: the fixture should pass`);
  return ms;
}

const filter = new RegExp(process.argv[2] ?? ".");
const rows: Record<string, string>[] = [];
const results = new Map<string, number>();
for (const [name, n, mode, onlyLast] of [
  ["registry/history/backward/100", 100, "BACKWARD", false],
  ["registry/history/backward/1000", 1000, "BACKWARD", false],
  ["registry/history/full-transitive/100", 100, "FULL_TRANSITIVE", false],
  ["registry/history/full-transitive/1000", 1000, "FULL_TRANSITIVE", false],
  ["registry/history/full-transitive/one-new-on-1000", 1000, "FULL_TRANSITIVE", true],
] as const) {
  if (!filter.test(name)) continue;
  const versions = lineage(n);
  timeAll(versions, mode, onlyLast); // warm-up
  const ms = Math.min(timeAll(versions, mode, onlyLast), timeAll(versions, mode, onlyLast));
  results.set(name, ms);
  rows.push({ case: name, versions: String(n), "ms (best of 2)": ms.toFixed(1) });
}
console.table(rows);
const ratio = (a: string, b: string): void => {
  const x = results.get(a);
  const y = results.get(b);
  if (x !== undefined && y !== undefined) console.log(`${a} / ${b}: ${(x / y).toFixed(1)}x`);
};
ratio("registry/history/backward/1000", "registry/history/backward/100");
ratio("registry/history/full-transitive/1000", "registry/history/full-transitive/100");
