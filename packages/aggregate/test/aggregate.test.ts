import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type AggregateResult,
  aggregate,
  createAggregator,
  fileSource,
  formatCsv,
  formatTable,
  type GroupResult,
  type Progress,
  resultToJson,
} from "@envelope/aggregate";
import { loadRegistry } from "@envelope/registry";
import { createEnvelope, decode, isEnvelopeError } from "@envelope/sdk";
import { describe, expect, it } from "vitest";
import {
  buildCapture,
  doubleFigures,
  encodeRecords,
  FOREIGN_FIXTURES,
  generateRecords,
  intFigures,
  lowerQuantile,
  ROOT,
  SCHEMAS,
  type Signin,
} from "./capture.js";

const registry = loadRegistry(SCHEMAS);
const records = generateRecords();
const capture = buildCapture(records);
const QUANTILES = [0.5, 0.9, 0.99];

/** The benchmark fixtures from Go and Rust: request/auth_request@1.2.0 with undeclared keys and no `user`. */
const bench = FOREIGN_FIXTURES.filter((f) => f.includes("bench__")).map((f) =>
  decode(readFileSync(`${ROOT}${f}`)),
);

interface Row {
  version: string;
  service: string;
  attempts: bigint | undefined;
  duration: number | undefined;
  ttl: bigint | undefined;
}

/** What each group must hold when every envelope is brought to `target`, computed from the generated values. */
function expectedRows(target: "1.1.0" | "1.2.0"): Row[] {
  const rows: Row[] = records
    // A record holding both keys can only stay at its own version.
    .filter((r: Signin) => !r.conflicting || r.version === target)
    .map((r) => ({
      version: r.version,
      service: r.service,
      attempts: r.attempts,
      duration: r.duration,
      ttl: r.sessionTtl,
    }));
  if (target === "1.2.0") {
    // At 1.2.0 the benchmark envelopes need no transform; at 1.1.0 their stray latency_ms blocks the downgrade.
    for (const e of bench) {
      rows.push({
        version: "1.2.0",
        service: e.header.resource.serviceName,
        attempts: e.body.attributes.get("attempts") as bigint,
        duration: undefined,
        ttl: undefined,
      });
    }
  }
  return rows;
}

function groupOf(result: AggregateResult, version: string, service: string): GroupResult {
  const g = result.groups.find(
    (x) => x.key[0] === "request/auth_request" && x.key[1] === version && x.key[2] === service,
  );
  if (g === undefined) throw new Error(`no group ${version} ${service}`);
  return g;
}

function checkQuantiles(
  stats: GroupResult["values"][number],
  values: readonly number[],
  accuracy: number,
) {
  QUANTILES.forEach((q, i) => {
    const exact = lowerQuantile(values, q);
    const estimate = stats.quantiles[i]!;
    expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(accuracy * Math.abs(exact) + 1e-9);
  });
}

describe.each(["1.1.0", "1.2.0"] as const)("a mixed capture normalised to %s", (target) => {
  const durationKey = target === "1.1.0" ? "latency_ms" : "duration_ms";
  const run = aggregate(capture, {
    registry,
    to: target,
    by: ["event", "version", "service"],
    values: ["attempts", durationKey, "session_ttl_s"],
    quantiles: QUANTILES,
  });

  it("has exactly the expected counts, sums, minima and maxima per group", async () => {
    const result = await run;
    const rows = expectedRows(target);
    expect(result.targets).toEqual({ "request/auth_request": target });
    expect(result.envelopes).toBe(records.length + FOREIGN_FIXTURES.length);
    expect(result.aggregated).toBe(rows.length);
    expect(result.groups.map((g) => g.key)).toEqual([
      ["request/auth_request", "1.1.0", "auth"],
      ["request/auth_request", "1.1.0", "auth-eu"],
      ["request/auth_request", "1.2.0", "auth"],
      ["request/auth_request", "1.2.0", "auth-eu"],
    ]);
    for (const version of ["1.1.0", "1.2.0"]) {
      for (const service of ["auth", "auth-eu"]) {
        const mine = rows.filter((r) => r.version === version && r.service === service);
        const g = groupOf(result, version, service);
        expect(g.count).toBe(mine.length);
        const [attempts, duration, ttl] = g.values;
        const a = intFigures(mine.flatMap((r) => (r.attempts === undefined ? [] : [r.attempts])));
        expect(attempts).toMatchObject({ kind: "int", ...a, mismatched: 0, nan: 0 });
        expect(typeof attempts!.sum).toBe("bigint");
        const d = doubleFigures(
          mine.flatMap((r) => (r.duration === undefined ? [] : [r.duration])),
        );
        expect(duration).toMatchObject({ kind: "double", ...d, mean: d.sum / d.count });
        expect(typeof duration!.sum).toBe("number");
        const t = intFigures(mine.flatMap((r) => (r.ttl === undefined ? [] : [r.ttl])));
        expect(ttl).toMatchObject({ kind: "int", ...t });
        checkQuantiles(
          duration!,
          mine.flatMap((r) => (r.duration === undefined ? [] : [r.duration])),
          0.01,
        );
        checkQuantiles(
          ttl!,
          mine.flatMap((r) => (r.ttl === undefined ? [] : [Number(r.ttl)])),
          0.01,
        );
      }
    }
  });

  it("sums int64 past the int64 range without rounding", async () => {
    const result = await run;
    // Records 7 and 8 hold INT64_MAX and INT64_MAX - 1: their group's sum exceeds 2^64.
    const g = groupOf(result, records[7]!.version, records[7]!.service);
    expect(g.values[0]!.max).toBe(9223372036854775807n);
    expect(g.values[0]!.sum as bigint).toBeGreaterThan(2n ** 63n);
  });

  it("counts what it refused, with the reason, and the unreadable bytes", async () => {
    const result = await run;
    const other = target === "1.1.0" ? "1.2.0" : "1.1.0";
    expect(result.skipped.map(({ example: _, ...s }) => s)).toEqual([
      {
        event: "request/auth_request",
        version: other,
        reason: "transform_unavailable",
        // The conflicting record, and at 1.1.0 the two benchmark envelopes.
        count: target === "1.1.0" ? 3 : 1,
      },
      { event: "vectors/kinds", version: "1.0.0", reason: "unknown_schema", count: 4 },
    ]);
    expect(result.skipped[0]!.example).toContain(
      target === "1.1.0" ? 'a value lands on "latency_ms"' : 'a value lands on "duration_ms"',
    );
    expect(result.unreadable).toEqual([{ code: "truncated", runs: 1, bytes: 441 }]);
  });

  it("counts validation issues of the envelopes as written, per group and in all", async () => {
    const result = await run;
    // Each benchmark envelope lacks `user` and carries 7 undeclared keys; each
    // conflicting record carries the other version's key.
    expect(result.issues).toEqual({
      missing_attribute: 2,
      unknown_attribute: 16,
      unknown_schema: 4,
    });
    const conflicting = records.find((r) => r.conflicting && r.version === target)!;
    const withConflict = groupOf(result, target, conflicting.service);
    if (target === "1.2.0") {
      expect(groupOf(result, "1.2.0", "auth").issues).toEqual({
        missing_attribute: 2,
        unknown_attribute: conflicting.service === "auth" ? 15 : 14,
      });
    } else {
      expect(withConflict.issues).toEqual({ unknown_attribute: 1 });
    }
  });
});

describe("aggregation options", () => {
  it("keeps events the registry does not know at their own version when asked", async () => {
    const result = await aggregate(capture, {
      registry,
      by: ["event"],
      values: ["value"],
      unknownEvents: "keep",
    });
    const kinds = result.groups.find((g) => g.key[0] === "vectors/kinds")!;
    // Go int64-max, Rust int64-min, Go double 0.1 (another kind), Rust int64 0.
    expect(kinds.count).toBe(4);
    expect(kinds.values[0]).toMatchObject({
      kind: "int",
      count: 3,
      sum: -1n,
      min: -9223372036854775808n,
      max: 9223372036854775807n,
      mismatched: 1,
    });
    expect(kinds.issues).toEqual({ unknown_schema: 4 });
    expect(result.targets).toEqual({ "request/auth_request": "1.2.0" });
  });

  it("skips invalid envelopes when asked, counting them", async () => {
    const result = await aggregate(capture, { registry, to: "1.2.0", skipInvalid: true });
    const invalid = result.skipped.filter((s) => s.reason === "invalid");
    // Two benchmark envelopes and two conflicting records.
    expect(invalid.map((s) => [s.version, s.count])).toEqual([
      ["1.1.0", 1],
      ["1.2.0", 3],
    ]);
    expect(result.aggregated).toBe(records.length - 2);
  });

  it("sends groups past maxGroups to one overflow group, losing no envelope", async () => {
    const result = await aggregate(capture, {
      registry,
      to: "1.2.0",
      by: ["version", "service"],
      values: ["attempts"],
      maxGroups: 2,
    });
    expect(result.groups).toHaveLength(2);
    const kept = result.groups.reduce((n, g) => n + g.count, 0);
    expect(result.overflow).toMatchObject({ overflow: true, key: [undefined, undefined] });
    expect(kept + result.overflow!.count).toBe(result.aggregated);
    expect(
      result.groups.reduce((n, g) => n + g.values[0]!.count, result.overflow!.values[0]!.count),
    ).toBe(result.aggregated);
    const csv = formatCsv(result).split("\r\n");
    expect(csv).toHaveLength(5); // header, two groups, the overflow group, the final line end
    expect(csv[3]).toMatch(new RegExp(`^\\(other\\),\\(other\\),${result.overflow!.count},`));
    const table = formatTable(result).split("\n");
    expect(table[3]).toMatch(/^\(other\)\s+\(other\)\s+\d+/);
  });

  it("keeps at most maxGroups groups however many keys the input has", () => {
    const aggregator = createAggregator({
      registry,
      by: ["attr:user"],
      values: ["attempts"],
      maxGroups: 100,
    });
    const N = 20_000;
    for (let i = 0; i < N; i++) {
      aggregator.add(
        createEnvelope({
          schema: { type: "request", subtype: "auth_request", version: "1.2.0" },
          resource: { serviceName: "auth" },
          attributes: { user: `user-${i}`, attempts: 1n },
        }),
      );
      if (i % 5000 === 4999) expect(aggregator.progress().groups).toBe(100);
    }
    const result = aggregator.result();
    expect(result.groups).toHaveLength(100);
    expect(result.overflow).toMatchObject({
      count: N - 100,
      values: [{ count: N - 100, sum: BigInt(N - 100) }],
    });
  });

  it("groups by language, environment and attribute values", async () => {
    const result = await aggregate(capture, {
      registry,
      to: "1.2.0",
      by: ["language", "environment", "attr:method"],
    });
    const count = (env: string | undefined, method: string | undefined) =>
      result.groups.find((g) => g.key[1] === env && g.key[2] === method)?.count ?? 0;
    for (const env of ["production", "staging"]) {
      for (const method of ["password", "passkey", "sso"]) {
        expect(count(env, method)).toBe(
          records.filter(
            (r) =>
              r.environment === env &&
              r.method === method &&
              !(r.conflicting && r.version === "1.1.0"),
          ).length,
        );
      }
    }
    expect(result.groups.every((g) => g.key[0] === "typescript")).toBe(true);
    // The benchmark envelopes (production) have no `method`.
    expect(count("production", undefined)).toBe(2);
  });

  it("reads files, web streams and async iterables in chunks, and reports progress", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aggregate-"));
    try {
      const half = capture.length >> 1;
      writeFileSync(join(dir, "a.bin"), capture.subarray(0, half));
      writeFileSync(join(dir, "b.bin"), capture.subarray(half));
      const options = { registry, values: ["attempts", "duration_ms"] };
      const whole = await aggregate(capture, options);
      const web = new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i < capture.length; i += 7) c.enqueue(capture.slice(i, i + 7));
          c.close();
        },
      });
      async function* chunks() {
        for (let i = 0; i < capture.length; i += 4096) yield capture.slice(i, i + 4096);
      }
      const progress: Progress[] = [];
      const fromWeb = await aggregate(web, {
        ...options,
        progressEvery: 100,
        onProgress: (p) => progress.push(p),
      });
      const fromIterable = await aggregate(chunks(), options);
      // A frame split across the two files is bad in both halves: read whole, they equal the capture.
      const fromFile = await aggregate(fileSource(join(dir, "a.bin")), options);
      expect(fromFile.envelopes).toBeLessThan(whole.envelopes);
      writeFileSync(join(dir, "all.bin"), capture);
      const fromWholeFile = await aggregate([fileSource(join(dir, "all.bin"))], options);
      const plain = (r: AggregateResult) => JSON.stringify(resultToJson(r));
      expect(plain(fromWeb)).toBe(plain(whole));
      expect(plain(fromIterable)).toBe(plain(whole));
      expect(plain(fromWholeFile)).toBe(plain(whole));
      expect(progress.map((p) => p.envelopes + p.unreadable)).toEqual([100, 200, 300, 400, 407]);
      expect(progress.at(-1)).toEqual({
        envelopes: whole.envelopes,
        unreadable: 1,
        groups: 1,
        bytes: capture.length,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses bad options with invalid_argument", () => {
    const bad = [
      { by: ["colour"] },
      { quantiles: [1.5] },
      { relativeAccuracy: 0 },
      { maxGroups: 0 },
    ];
    for (const extra of bad) {
      try {
        createAggregator({ registry, ...extra });
        expect.unreachable(JSON.stringify(extra));
      } catch (error) {
        expect(isEnvelopeError(error) && error.code).toBe("invalid_argument");
      }
    }
  });

  it("writes int64 figures exactly in JSON and CSV", async () => {
    const aggregator = createAggregator({
      registry,
      by: ["service"],
      values: ["attempts"],
      quantiles: [0.5],
    });
    const one = decode(encodeRecords([{ ...records[7]!, version: "1.2.0", service: "a,b" }])[0]!);
    aggregator.add(one);
    aggregator.add(one);
    const result = aggregator.result();
    const json = resultToJson(result) as { groups: { values: { attempts: unknown } }[] };
    expect(json.groups[0]!.values.attempts).toMatchObject({
      kind: "int",
      count: 2,
      sum: "18446744073709551614",
      min: "9223372036854775807",
      max: "9223372036854775807",
    });
    expect(formatCsv(result).split("\r\n")[1]).toBe(
      `"a,b",2,2,18446744073709551614,9223372036854775807,9223372036854775807,${String(Number(18446744073709551614n) / 2)},${String(Number(9223372036854775807n))}`,
    );
  });
});
