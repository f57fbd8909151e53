// The benchmark's result comparison (bench/report.mjs): only changes outside
// the noise of both runs are flagged, and the Markdown summary shows the
// ratios with their ranges.
import { describe, expect, test } from "vitest";
import { compareResults, RUN_NOISE, resultMarkdown } from "../../bench/report.mjs";

const result = (ratio: number, min: number, max: number) => ({
  date: "2026-12-05T00:00:00.000Z",
  mode: "quick",
  machine: { cpus: 2, cpu: "test CPU", memoryGb: 4 },
  node: "20.20.2",
  packages: { "@bufbuild/protobuf": "2.17.0" },
  cases: [
    {
      name: "sdk/protobuf/decode/medium",
      opsPerSec: 114116,
      ratios: {
        "protobufjs/protobuf/decode/medium": { ratio, min, max },
        "walk/protobuf/decode/medium": { ratio: 0.16, min: 0.15, max: 0.16 },
      },
    },
  ],
  peers: [],
  regressions: [],
  checked: true,
});

describe("compareResults", () => {
  test("two runs of the same figures: nothing flagged", () => {
    const changes = compareResults(result(2.12, 2.09, 2.15), result(2.12, 2.09, 2.15));
    expect(changes.map((c) => [c.name, c.flagged])).toEqual([
      ["sdk/protobuf/decode/medium vs protobufjs/protobuf/decode/medium", false],
      ["sdk/protobuf/decode/medium vs walk/protobuf/decode/medium", false],
    ]);
  });

  test("a move within the run-to-run noise is not flagged", () => {
    // 6% lower, ranges 1% wide: outside the slice ranges, inside RUN_NOISE.
    expect(RUN_NOISE).toBe(0.08);
    const [change] = compareResults(result(2.12, 2.11, 2.13), result(1.99, 1.98, 2.0));
    expect(change?.flagged).toBe(false);
    expect(change?.change).toBeCloseTo(1.99 / 2.12 - 1, 10);
  });

  test("a drop outside both runs' noise is flagged as slower", () => {
    const [change] = compareResults(result(2.12, 2.09, 2.15), result(1.6, 1.58, 1.62));
    expect(change?.flagged).toBe(true);
    expect(change?.change).toBeCloseTo(1.6 / 2.12 - 1, 10);
  });

  test("a drop inside a noisy head run's range is not flagged", () => {
    const [change] = compareResults(result(2.12, 2.09, 2.15), result(1.6, 1.2, 2.2));
    expect(change?.flagged).toBe(false);
  });
});

describe("resultMarkdown", () => {
  test("shows each ratio with its range, and the walk floor as 'x the floor'", () => {
    const text = resultMarkdown(result(2.12, 2.09, 2.15));
    expect(text).toContain(
      "| sdk/protobuf/decode/medium | 114,116 | 2.12x [2.09–2.15] protobufjs, 6.25x the walk floor |",
    );
    expect(text).toContain("Regressions against bench/baseline.json: none.");
    expect(text).toContain(
      "Machine: 2 × test CPU, 4 GB; Node.js 20.20.2; @bufbuild/protobuf 2.17.0.",
    );
  });
});
