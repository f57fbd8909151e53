/**
 * The quantile sketch's error, measured: for several distributions the
 * estimate of every quantile is within the relative accuracy (1%) of the
 * value at rank floor(q (n - 1)) of the sorted input, the rank DDSketch
 * estimates. The worst error seen is well under the bound.
 */
import { NumericStat } from "@envelope/aggregate";
import { describe, expect, it } from "vitest";

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = prng(7);
const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const N = 20_000;
const DISTRIBUTIONS: Record<string, () => number> = {
  "uniform 0..1000": () => rand() * 1000,
  "lognormal (latencies)": () => Math.exp(3 + 1.5 * normal()),
  exponential: () => -Math.log(1 - rand()) * 50,
  "normal around 0 (both signs)": () => normal() * 100,
  "1e-6 .. 1e12 (18 decades)": () => 10 ** (rand() * 18 - 6),
};
const QUANTILES = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1];

describe.each(Object.entries(DISTRIBUTIONS))("%s", (_name, draw) => {
  it("every quantile is within 1% of the true value", () => {
    const values = Array.from({ length: N }, draw);
    const stat = new NumericStat("double", 0.01);
    for (const v of values) stat.add(v);
    const sorted = [...values].sort((a, b) => a - b);
    const estimates = stat.result(QUANTILES).quantiles;
    let worst = 0;
    QUANTILES.forEach((q, i) => {
      const exact = sorted[Math.floor(q * (N - 1))]!;
      const error = Math.abs(estimates[i]! - exact) / Math.abs(exact);
      worst = Math.max(worst, error);
    });
    expect(worst).toBeLessThanOrEqual(0.01);
    // The extremes are exact: estimates are clamped to the exact min and max.
    expect(estimates[0]).toBeGreaterThanOrEqual(sorted[0]!);
    expect(estimates.at(-1)).toBeLessThanOrEqual(sorted.at(-1)!);
  });
});

it("int64 values across the whole range keep the bound (the bin limit is not reached)", () => {
  const values = [1n, 2n, 3n, 1000n, 2n ** 40n, 2n ** 62n, 9223372036854775807n];
  const stat = new NumericStat("int", 0.01);
  for (const v of values) stat.add(v);
  const qs = values.map((_, i) => i / (values.length - 1));
  stat.result(qs).quantiles.forEach((estimate, i) => {
    const exact = Number(values[i]!);
    expect(Math.abs(estimate! - exact)).toBeLessThanOrEqual(0.01 * exact);
  });
});
