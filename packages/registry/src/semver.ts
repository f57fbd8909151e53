/**
 * Schema versions (`MAJOR.MINOR.PATCH`, as in docs/spec.md "Validation") and
 * the version ranges a descriptor uses for the extension namespaces it allows.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#descriptor-format | docs/spec.md} "Schema registry", "Descriptor format"
 */
import { isSemver } from "@envelope/core";

/** A parsed `MAJOR.MINOR.PATCH`. */
export type Version = readonly [major: number, minor: number, patch: number];

/** Parses `MAJOR.MINOR.PATCH`; `undefined` when `text` is not one. */
export function parseVersion(text: string): Version | undefined {
  if (typeof text !== "string" || !isSemver(text)) return undefined;
  const [a, b, c] = text.split(".");
  return [Number(a), Number(b), Number(c)];
}

/** Orders two versions: negative, zero or positive. Unparseable text sorts first. */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (x === undefined || y === undefined) {
    return x === undefined ? (y === undefined ? 0 : -1) : 1;
  }
  return compareParsed(x, y);
}

function compareParsed(x: Version, y: Version): number {
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

/** The size of the step from `from` to `to`: `none` when equal (or `to` is lower). */
export type Bump = "none" | "patch" | "minor" | "major";

const BUMP_RANK: Readonly<Record<Bump, number>> = { none: 0, patch: 1, minor: 2, major: 3 };

/** Orders bumps: `none` < `patch` < `minor` < `major`. */
export function bumpRank(bump: Bump): number {
  return BUMP_RANK[bump];
}

/** The larger of two bumps. */
export function maxBump(a: Bump, b: Bump): Bump {
  return BUMP_RANK[a] >= BUMP_RANK[b] ? a : b;
}

/**
 * The bump declared by going from version `from` to version `to`. Below 1.0.0
 * the positions shift as `^` ranges read them: `0.y` -> `0.(y+1)` is major,
 * `0.y.z` -> `0.y.(z+1)` minor, and every `0.0.z` step major, so a consumer on
 * `^0.2.0` never receives a breaking change.
 */
export function declaredBump(from: string, to: string): Bump {
  const x = parseVersion(from);
  const y = parseVersion(to);
  if (x === undefined || y === undefined || compareParsed(x, y) >= 0) return "none";
  if (y[0] !== x[0]) return "major";
  if (x[0] === 0) return y[1] !== x[1] || x[1] === 0 ? "major" : "minor";
  if (y[1] !== x[1]) return "minor";
  return "patch";
}

/** One interval of versions, `lo` included, `hi` excluded (`undefined`: no upper bound). */
interface Interval {
  readonly lo: Version;
  readonly hi: Version | undefined;
}

/**
 * A set of versions: `*`, an exact `1.2.3`, a caret `^1.2.3` (same major; for
 * 0.x the same minor; for 0.0.x that patch only), a tilde `~1.2.3` (same
 * minor), or alternatives joined with `||`.
 */
export interface VersionRange {
  /** The range as written. */
  readonly text: string;
  /** The lowest version the range names (what a builder writes by default). */
  readonly base: string;
  /** Whether `version` is in the range. */
  accepts(version: string): boolean;
  /** Whether every version this range accepts is also accepted by `other`. */
  within(other: VersionRange): boolean;
}

const ZERO: Version = [0, 0, 0];

/** Parses a version range; `undefined` when `text` is not one (see {@link VersionRange}). */
export function parseRange(text: string): VersionRange | undefined {
  if (typeof text !== "string" || text.trim() === "") return undefined;
  const intervals: Interval[] = [];
  for (const raw of text.split("||")) {
    const part = raw.trim();
    const interval = parseInterval(part);
    if (interval === undefined) return undefined;
    intervals.push(interval);
  }
  intervals.sort((a, b) => compareParsed(a.lo, b.lo));
  const merged = mergeIntervals(intervals);
  const lowest = merged[0]!.lo;
  const range: VersionRange & { readonly intervals: readonly Interval[] } = {
    text,
    base: lowest.join("."),
    intervals: merged,
    accepts(version) {
      const v = parseVersion(version);
      return v !== undefined && merged.some((i) => inInterval(v, i));
    },
    within(other) {
      const theirs = (other as VersionRange & { readonly intervals?: readonly Interval[] })
        .intervals;
      if (theirs === undefined) return false;
      return merged.every((mine) =>
        theirs.some(
          (t) =>
            compareParsed(t.lo, mine.lo) <= 0 &&
            (t.hi === undefined || (mine.hi !== undefined && compareParsed(mine.hi, t.hi) <= 0)),
        ),
      );
    },
  };
  return range;
}

function parseInterval(part: string): Interval | undefined {
  if (part === "*") return { lo: ZERO, hi: undefined };
  const op = part[0] === "^" || part[0] === "~" ? part[0] : "";
  const v = parseVersion(part.slice(op.length));
  if (v === undefined) return undefined;
  const [major, minor, patch] = v;
  if (op === "^") {
    if (major > 0) return { lo: v, hi: [major + 1, 0, 0] };
    if (minor > 0) return { lo: v, hi: [0, minor + 1, 0] };
    return { lo: v, hi: [0, 0, patch + 1] };
  }
  if (op === "~") return { lo: v, hi: [major, minor + 1, 0] };
  return { lo: v, hi: [major, minor, patch + 1] };
}

function mergeIntervals(sorted: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const next of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && (last.hi === undefined || compareParsed(next.lo, last.hi) <= 0)) {
      const hi =
        last.hi === undefined || next.hi === undefined
          ? undefined
          : compareParsed(next.hi, last.hi) > 0
            ? next.hi
            : last.hi;
      out[out.length - 1] = { lo: last.lo, hi };
    } else {
      out.push(next);
    }
  }
  return out;
}

function inInterval(v: Version, i: Interval): boolean {
  return compareParsed(v, i.lo) >= 0 && (i.hi === undefined || compareParsed(v, i.hi) < 0);
}
