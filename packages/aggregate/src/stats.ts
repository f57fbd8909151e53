/**
 * Statistics of one numeric attribute in one group: count, sum, min, max,
 * mean, and quantiles from a DDSketch (@datadog/sketches-js).
 *
 * int64 values are summed exactly as bigint (the sum may exceed the int64
 * range; it is never rounded); doubles are summed as IEEE doubles in input
 * order. The quantile sketch holds bounded memory per attribute and group.
 *
 * @see docs/spec.md "Aggregation"
 */
import { LogCollapsingLowestDenseDDSketch } from "@datadog/sketches-js";
import type { AttributeValue } from "@envelope/core";

/** The sketch's default relative accuracy: a quantile is within 1% of the true value. */
export const DEFAULT_RELATIVE_ACCURACY = 0.01;

/**
 * Bins kept per sketch and sign (per attribute and group; 8 bytes each).
 * Past this, the lowest bins are merged, and only quantiles that fall in them
 * lose the accuracy guarantee. 4,096 bins at 1% cover values spanning a
 * factor of about 10^35 (the whole int64 range, 1 to 2^63, needs about 2,200).
 */
export const SKETCH_BIN_LIMIT = 4096;

/** The kind of a numeric attribute: int64 or double. */
export type NumericKind = "int" | "double";

/** What {@link NumericStat.result} returns. */
export interface ValueStats {
  /**
   * `int` or `double`: the attribute's declared type at the target version,
   * or, for an attribute the schema does not declare, the kind of the first
   * numeric value the group saw. `undefined` when the group saw none.
   */
  readonly kind: NumericKind | undefined;
  /** Values aggregated (NaN excluded). */
  readonly count: number;
  /** Exact for int (a bigint, possibly beyond int64); an IEEE double sum for double. `undefined` when count is 0. */
  readonly sum: bigint | number | undefined;
  readonly min: bigint | number | undefined;
  readonly max: bigint | number | undefined;
  /** sum / count as a double. */
  readonly mean: number | undefined;
  /** One per requested quantile, from the sketch (finite values only); `undefined` when there were none. */
  readonly quantiles: readonly (number | undefined)[];
  /** Double NaN values seen (not aggregated). */
  readonly nan: number;
  /** Values present but not of the attribute's kind (another kind, a string, an array, ...): not aggregated. */
  readonly mismatched: number;
}

/** Running statistics of one attribute in one group. */
export class NumericStat {
  private kind: NumericKind | undefined;
  private count = 0;
  private intSum = 0n;
  private doubleSum = 0;
  private min: bigint | number | undefined;
  private max: bigint | number | undefined;
  private nan = 0;
  private mismatched = 0;
  private readonly sketch: LogCollapsingLowestDenseDDSketch;
  private sketched = 0;

  constructor(declared: NumericKind | undefined, relativeAccuracy: number) {
    this.kind = declared;
    this.sketch = new LogCollapsingLowestDenseDDSketch({
      relativeAccuracy,
      binLimit: SKETCH_BIN_LIMIT,
    });
  }

  /** Adds a present value (absent attributes are not counted anywhere). */
  add(value: AttributeValue): void {
    if (typeof value === "bigint") {
      this.kind ??= "int";
      if (this.kind !== "int") {
        this.mismatched++;
        return;
      }
      this.count++;
      this.intSum += value;
      if (this.min === undefined || value < (this.min as bigint)) this.min = value;
      if (this.max === undefined || value > (this.max as bigint)) this.max = value;
      this.sketch.accept(Number(value));
      this.sketched++;
      return;
    }
    if (typeof value === "number") {
      this.kind ??= "double";
      if (this.kind !== "double") {
        this.mismatched++;
        return;
      }
      if (Number.isNaN(value)) {
        this.nan++;
        return;
      }
      this.count++;
      this.doubleSum += value;
      if (this.min === undefined || value < (this.min as number)) this.min = value;
      if (this.max === undefined || value > (this.max as number)) this.max = value;
      if (Number.isFinite(value)) {
        this.sketch.accept(value);
        this.sketched++;
      }
      return;
    }
    this.mismatched++;
  }

  result(quantiles: readonly number[]): ValueStats {
    const empty = this.count === 0;
    const sum = empty ? undefined : this.kind === "int" ? this.intSum : this.doubleSum;
    return {
      kind: this.kind,
      count: this.count,
      sum,
      min: this.min,
      max: this.max,
      mean: empty ? undefined : Number(sum) / this.count,
      quantiles: quantiles.map((q) => (this.sketched === 0 ? undefined : this.quantile(q))),
      nan: this.nan,
      mismatched: this.mismatched,
    };
  }

  /** The sketch's estimate, clamped to the exact min and max (the true quantile lies between them). */
  private quantile(q: number): number {
    let v = this.sketch.getValueAtQuantile(q);
    const lo = Number(this.min);
    const hi = Number(this.max);
    if (v < lo) v = lo;
    if (v > hi) v = hi;
    return v;
  }
}
