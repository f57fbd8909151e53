/**
 * Untrusted bytes: random input, and a capture with bytes flipped, never
 * make the aggregation or the export throw or hang; every frame is either
 * read (and then aggregated or refused) or part of a counted bad run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { aggregate, writeParquet } from "@envelope/aggregate";
import { loadRegistry } from "@envelope/registry";
import fc from "fast-check";
import { expect, it } from "vitest";
import { buildCapture, generateRecords, SCHEMAS } from "./capture.js";

const registry = loadRegistry(SCHEMAS);
const capture = buildCapture(generateRecords(40, 3));
const options = {
  registry,
  by: ["event", "version", "attr:method", "ext:http:route"],
  values: ["attempts", "duration_ms", "user"],
  unknownEvents: "keep" as const,
};

function accounted(r: Awaited<ReturnType<typeof aggregate>>): void {
  const skipped = r.skipped.reduce((n, s) => n + s.count, 0);
  expect(r.aggregated + skipped).toBe(r.envelopes);
  expect(r.groups.reduce((n, g) => n + g.count, 0)).toBe(r.aggregated);
}

it("random bytes are unreadable runs, nothing else", async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
      const r = await aggregate(bytes, options);
      accounted(r);
      expect(r.unreadable.reduce((n, u) => n + u.bytes, 0)).toBeLessThanOrEqual(bytes.length);
    }),
    { numRuns: 200 },
  );
});

it("a capture with flipped bytes loses only the frames it damaged", async () => {
  const whole = await aggregate(capture, options);
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.nat(capture.length - 1), fc.integer({ min: 1, max: 255 })), {
        minLength: 1,
        maxLength: 8,
      }),
      async (flips) => {
        const damaged = Buffer.from(capture);
        for (const [at, x] of flips) damaged[at]! ^= x;
        const r = await aggregate(damaged, options);
        accounted(r);
        // Each flip damages at most the frame it lands in (and a frame cannot gain envelopes).
        expect(r.envelopes).toBeGreaterThanOrEqual(whole.envelopes - flips.length);
      },
    ),
    { numRuns: 100 },
  );
});

it("the export of damaged input writes only what was read", async () => {
  const dir = mkdtempSync(join(tmpdir(), "aggregate-hostile-"));
  try {
    const damaged = Buffer.from(capture);
    damaged[100]! ^= 0xff;
    damaged[5000]! ^= 0x01;
    const stats = await writeParquet(damaged, join(dir, "d.parquet"), options);
    const r = await aggregate(damaged, options);
    expect(stats.rows).toBe(r.aggregated);
    expect(stats.unreadable).toEqual(r.unreadable);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
