/**
 * The fuzz suite (docs/security.md): every decode entry point against random
 * bytes and mutated fixtures. Only EnvelopeError may escape, and every input
 * must finish (a hang would stop the suite; an input over 2 s fails it).
 *
 * CI runs FUZZ_RUNS (default 20,000) inputs per target from a fixed seed,
 * printed below so any failure reproduces. `pnpm fuzz --long` runs millions
 * with a random seed; a failing input is written to test/regressions/, where
 * regressions.test.ts keeps it as a permanent test.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { decode, encode, isEnvelopeError } from "@envelope/sdk";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { envelope as arbitraryEnvelope } from "../support/arbitrary.js";
import { hostileInput } from "./mutate.js";
import { fixtureSeeds, TARGETS } from "./targets.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 20_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_121);
const seeds = fixtureSeeds();
const input = hostileInput(seeds);

console.log(
  `fuzz: ${RUNS} inputs per target, seed ${SEED} (FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} to reproduce)`,
);

function save(target: string, bytes: Uint8Array): string {
  const dir = new URL("../regressions/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  const name = `${target.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}-${createHash("sha256").update(bytes).digest("hex").slice(0, 12)}.bin`;
  writeFileSync(new URL(name, dir), bytes);
  return `test/regressions/${name}`;
}

describe.each(TARGETS)("fuzz: $name", (target) => {
  test("only EnvelopeError escapes, every input finishes", () => {
    const result = fc.check(
      fc.property(input, (bytes) => {
        const started = performance.now();
        try {
          target.run(bytes);
        } catch (error) {
          if (!isEnvelopeError(error)) throw error;
        }
        const ms = performance.now() - started;
        if (ms > 2000) throw new Error(`input took ${ms.toFixed(0)} ms`);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    if (result.failed) {
      const file = result.counterexample
        ? save(target.name, result.counterexample[0])
        : "(no counterexample)";
      expect.fail(`${fc.defaultReportMessage(result)}\nsaved to ${file}`);
    }
  }, 600_000);
});

describe.each(["protobuf", "json", "cbor"] as const)("round trip: %s", (codec) => {
  test("decode(encode(x)) equals x for random valid envelopes, framed and unframed, with and without LZ4", () => {
    fc.assert(
      fc.property(
        arbitraryEnvelope,
        fc.constantFrom("none", "lz4") as fc.Arbitrary<"none" | "lz4">,
        (e, compression) => {
          expect(decode(encode(e, { codec, compression, compressMinSize: 0 }))).toEqual(e);
          expect(
            decode(encode(e, { codec, compression, framed: false }), {
              framed: false,
              codec,
              compression,
            }),
          ).toEqual(e);
        },
      ),
      { numRuns: Math.max(100, Math.floor(RUNS / 20)), seed: SEED },
    );
  }, 600_000);
});
