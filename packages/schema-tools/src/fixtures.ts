/**
 * Fixtures from the registry: from descriptors and a seed, a deterministic
 * sample of envelopes per event and version whose values respect each
 * field's type, presence and value rules (boundaries included), and the
 * aggregates of that sample. The generator is specified draw by draw in
 * docs/spec.md "Fixtures" so that Go and Rust produce the same envelopes,
 * byte for byte once encoded (protobuf, deterministic CBOR).
 *
 * @see docs/spec.md "Schema registry", "Fixtures"
 */
import type { AttributeValue, Envelope } from "@envelope/core";
import {
  compareVersions,
  eventId,
  type FieldDescriptor,
  ruleValueType,
  type SchemaDescriptor,
  type ValueType,
} from "@envelope/registry";
import { createEncoder } from "@envelope/sdk";

const MASK64 = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** splitmix64 (Steele, Lea, Flood 2014), on a u64 state held as a bigint. */
export class SplitMix64 {
  private state: bigint;
  constructor(seed: bigint) {
    this.state = seed & MASK64;
  }

  /** The next 64-bit output, as an unsigned bigint. */
  next(): bigint {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & MASK64;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    return z ^ (z >> 31n);
  }

  /** Uniform in [0, n) for 1 <= n < 2^64: rejects draws below 2^64 mod n. Always draws at least once. */
  below(n: bigint): bigint {
    const threshold = ((1n << 64n) - n) % n;
    for (;;) {
      const r = this.next();
      if (r >= threshold) return r % n;
    }
  }

  /** Uniform in [lo, hi], int64 bounds, lo <= hi. */
  between(lo: bigint, hi: bigint): bigint {
    const span = (hi - lo) & MASK64;
    const r = span === MASK64 ? this.next() : this.below(span + 1n);
    return BigInt.asIntN(64, lo + r);
  }
}

/** FNV-1a, 64-bit, of UTF-8 bytes. */
export function fnv1a64(text: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(text)) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & MASK64;
  }
  return h;
}

/** The code points strings are drawn from, in this order (index = draw). */
export const FIXTURE_ALPHABET: readonly string[] = [
  ..."abcdefghijklmnopqrstuvwxyz0123456789",
  "é",
  "ß",
  "€",
  "中",
  "😀",
  "🚀",
];

/** Time of sample 0: 2026-01-01T00:00:00Z, in nanoseconds; sample i is i seconds later. */
export const FIXTURE_BASE_TIME = 1_767_225_600_000_000_000n;
/** The producer every fixture envelope names unless told otherwise. */
export const FIXTURE_PRODUCER = { language: "fixtures", version: "1.0.0" } as const;
/** The resource every fixture envelope names. */
export const FIXTURE_SERVICE = "fixtures";

/** Lengths and item counts are capped here (a larger declared maximum is not reached). */
const LENGTH_CAP = 1024;
const ITEMS_CAP = 64;
/** Defaults where a side is not bounded. */
const INT_DEFAULT = 1_000_000n;
const DOUBLE_DEFAULT = 1_000_000;
/** Random doubles are multiples of 1/16 within ±2^32, so sums of them are exact. */
const DOUBLE_LIMIT = 2 ** 36; // in sixteenths

type Mode = "min" | "max" | "random";

/** Options of {@link generateFixtures}. */
export interface FixtureOptions {
  /** The seed, 0 to 2^64−1. Default 1. */
  readonly seed?: bigint;
  /** Envelopes per event and version, 1 to 65 536. Default 8. */
  readonly count?: number;
  /** The producer written in every header. Default {@link FIXTURE_PRODUCER}. */
  readonly producer?: { readonly language: string; readonly version: string };
}

/** Aggregates of one numeric attribute over a sample. */
export interface NumericAggregate {
  readonly kind: "int" | "double";
  /** Envelopes in which the attribute is present. */
  readonly count: number;
  /** int: exact, as decimal text; double: summed in sample order. `undefined` when count is 0. */
  readonly sum: string | number | undefined;
  readonly min: string | number | undefined;
  readonly max: string | number | undefined;
}

/** The sample of one event version, and its aggregates. */
export interface FixtureSet {
  readonly type: string;
  readonly subtype: string;
  readonly version: string;
  readonly envelopes: readonly Envelope[];
  /** Per single-valued `int` or `double` body attribute, in descriptor order. */
  readonly aggregates: ReadonlyMap<string, NumericAggregate>;
}

/**
 * Generates the sample of every descriptor, ordered by type, subtype, then
 * version (semver). Deterministic: the same descriptors, seed and count give
 * the same envelopes in every language that implements docs/spec.md "Fixtures".
 */
export function generateFixtures(
  descriptors: Iterable<SchemaDescriptor>,
  options: FixtureOptions = {},
): FixtureSet[] {
  const seed = options.seed ?? 1n;
  const count = options.count ?? 8;
  if (seed < 0n || seed > MASK64) throw new RangeError("seed must be 0 to 2^64-1");
  if (!Number.isSafeInteger(count) || count < 1 || count > 65_536) {
    throw new RangeError("count must be 1 to 65536");
  }
  const producer = options.producer ?? FIXTURE_PRODUCER;
  const sorted = [...descriptors].sort(
    (a, b) =>
      cmp(a.type, b.type) || cmp(a.subtype, b.subtype) || compareVersions(a.version, b.version),
  );
  return sorted.map((d) => {
    const rng = new SplitMix64(seed ^ fnv1a64(`${eventId(d)}@${d.version}`));
    const envelopes: Envelope[] = [];
    for (let i = 0; i < count; i++) {
      const mode: Mode = i === 0 ? "min" : i === 1 ? "max" : "random";
      const id = new Uint8Array(16);
      const view = new DataView(id.buffer);
      view.setBigUint64(0, rng.next());
      view.setBigUint64(8, rng.next());
      if (id.every((b) => b === 0)) id[15] = 1;
      const attributes = new Map<string, AttributeValue>();
      for (const field of d.attributes) {
        const value = fieldValue(rng, field, mode);
        if (value !== undefined) attributes.set(field.key, value);
      }
      envelopes.push({
        header: {
          schema: { type: d.type, subtype: d.subtype, version: d.version },
          eventId: id,
          timeUnixNano: FIXTURE_BASE_TIME + BigInt(i) * 1_000_000_000n,
          producer: { language: producer.language, version: producer.version },
          resource: { serviceName: FIXTURE_SERVICE, attributes: new Map() },
        },
        body: { attributes, extensions: [] },
      });
    }
    return {
      type: d.type,
      subtype: d.subtype,
      version: d.version,
      envelopes,
      aggregates: aggregate(d, envelopes),
    };
  });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A field's value, or `undefined` when this sample leaves it out. */
function fieldValue(rng: SplitMix64, f: FieldDescriptor, mode: Mode): AttributeValue | undefined {
  if (f.deprecated !== undefined && f.presence !== "required") return undefined;
  if (f.presence === "optional" && f.default === undefined && mode === "random") {
    if (rng.below(2n) !== 0n) return undefined;
  }
  const scalar = ruleValueType(f);
  if (f.presence === "repeated") {
    const items = arrayOf(rng, f, f.type, scalar === undefined ? undefined : f, mode);
    // None is absent; but a field with a default is always written (defaults on read never fill it).
    return items.length === 0 && f.default === undefined ? undefined : items;
  }
  if (f.type.kind === "array") {
    return arrayOf(rng, f, f.type.of, scalar === undefined ? undefined : f, mode);
  }
  return value(rng, f.type, f.type.kind === "map" ? undefined : f, mode);
}

/** An array with the field's item rules; elements with `rules` (the field's) when they are scalars. */
function arrayOf(
  rng: SplitMix64,
  items: Pick<FieldDescriptor, "minItems" | "maxItems"> | undefined,
  element: ValueType,
  rules: FieldDescriptor | undefined,
  mode: Mode,
): AttributeValue[] {
  const [lo, hi] = itemsRange(items);
  const n = pick(rng, lo, hi, mode);
  const out: AttributeValue[] = [];
  for (let i = 0n; i < n; i++) out.push(value(rng, element, rules, mode));
  return out;
}

/** Item counts: minItems (0) to maxItems, else max(minItems, 3); the maximum capped at max(minItems, 64). */
export function itemsRange(
  items: Pick<FieldDescriptor, "minItems" | "maxItems"> | undefined,
): [bigint, bigint] {
  const lo = items?.minItems ?? 0;
  const hi = Math.min(items?.maxItems ?? Math.max(lo, 3), Math.max(lo, ITEMS_CAP));
  return [BigInt(lo), BigInt(hi)];
}

/** `lo` for min, `hi` for max, else a draw in [lo, hi]. */
function pick(rng: SplitMix64, lo: bigint, hi: bigint, mode: Mode): bigint {
  return mode === "min" ? lo : mode === "max" ? hi : rng.between(lo, hi);
}

/** One value of a type; `rules` are the field's, for scalars. */
function value(
  rng: SplitMix64,
  type: ValueType,
  rules: FieldDescriptor | undefined,
  mode: Mode,
): AttributeValue {
  switch (type.kind) {
    case "bool":
      return mode === "min" ? false : mode === "max" ? true : rng.below(2n) === 1n;
    case "int": {
      if (rules?.enum !== undefined) return enumValue(rng, rules.enum, mode) as bigint;
      const [lo, hi] = intRange(rules);
      return pick(rng, lo, hi, mode);
    }
    case "double": {
      const [lo, hi] = doubleRange(rules);
      if (mode === "min") return lo;
      if (mode === "max") return hi;
      const a = Math.max(Math.ceil(lo * 16), -DOUBLE_LIMIT);
      const b = Math.min(Math.floor(hi * 16), DOUBLE_LIMIT);
      if (a > b) return rng.below(2n) === 0n ? lo : hi;
      return Number(rng.between(BigInt(a), BigInt(b))) / 16;
    }
    case "string": {
      if (rules?.enum !== undefined) return enumValue(rng, rules.enum, mode) as string;
      const n = pick(rng, ...lengthRange(rules), mode);
      let s = "";
      for (let i = 0n; i < n; i++) {
        s += FIXTURE_ALPHABET[Number(rng.below(BigInt(FIXTURE_ALPHABET.length)))];
      }
      return s;
    }
    case "bytes": {
      const n = Number(pick(rng, ...lengthRange(rules), mode));
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = Number(rng.below(256n));
      return out;
    }
    case "array":
      return arrayOf(rng, undefined, type.of, undefined, mode);
    case "map": {
      const n = pick(rng, 0n, 2n, mode);
      const out = new Map<string, AttributeValue>();
      for (let i = 0n; i < n; i++) {
        out.set(`k${i}`, value(rng, type.of ?? { kind: "string" }, undefined, mode));
      }
      return out;
    }
  }
}

function enumValue(
  rng: SplitMix64,
  values: readonly (string | bigint)[],
  mode: Mode,
): string | bigint {
  if (mode === "min") return values[0]!;
  if (mode === "max") return values[values.length - 1]!;
  return values[Number(rng.below(BigInt(values.length)))]!;
}

/** The int range drawn from: the declared bounds, else ±1 000 000 (shifted past a lone bound). */
export function intRange(rules: FieldDescriptor | undefined): [bigint, bigint] {
  const min = rules?.minimum as bigint | undefined;
  const max = rules?.maximum as bigint | undefined;
  let lo = min ?? -INT_DEFAULT;
  let hi = max ?? INT_DEFAULT;
  if (min === undefined && max !== undefined && max < lo) lo = clamp(max - 2n * INT_DEFAULT);
  if (max === undefined && min !== undefined && min > hi) hi = clamp(min + 2n * INT_DEFAULT);
  return [lo, hi];
}

function clamp(n: bigint): bigint {
  return n < INT64_MIN ? INT64_MIN : n > INT64_MAX ? INT64_MAX : n;
}

/** The double range: the declared bounds, else ±1 000 000 (shifted past a lone bound). */
export function doubleRange(rules: FieldDescriptor | undefined): [number, number] {
  const min = rules?.minimum as number | undefined;
  const max = rules?.maximum as number | undefined;
  let lo = min ?? -DOUBLE_DEFAULT;
  let hi = max ?? DOUBLE_DEFAULT;
  if (min === undefined && max !== undefined && max < lo) lo = max - 2 * DOUBLE_DEFAULT;
  if (max === undefined && min !== undefined && min > hi) hi = min + 2 * DOUBLE_DEFAULT;
  return [lo, hi];
}

/** Lengths: the declared bounds, else minLength (0) to minLength + 12; the maximum capped at max(minLength, 1024). */
export function lengthRange(rules: FieldDescriptor | undefined): [bigint, bigint] {
  const lo = rules?.minLength ?? 0;
  const hi = rules?.maxLength ?? lo + 12;
  return [BigInt(lo), BigInt(Math.min(hi, Math.max(lo, LENGTH_CAP)))];
}

function aggregate(
  d: SchemaDescriptor,
  envelopes: readonly Envelope[],
): ReadonlyMap<string, NumericAggregate> {
  const out = new Map<string, NumericAggregate>();
  for (const f of d.attributes) {
    if (f.presence === "repeated" || (f.type.kind !== "int" && f.type.kind !== "double")) continue;
    const values = envelopes
      .map((e) => e.body.attributes.get(f.key))
      .filter((v) => v !== undefined);
    if (f.type.kind === "int") {
      const ints = values as bigint[];
      out.set(f.key, {
        kind: "int",
        count: ints.length,
        sum: ints.length === 0 ? undefined : String(ints.reduce((a, b) => a + b, 0n)),
        min: ints.length === 0 ? undefined : String(ints.reduce((a, b) => (b < a ? b : a))),
        max: ints.length === 0 ? undefined : String(ints.reduce((a, b) => (b > a ? b : a))),
      });
    } else {
      const doubles = values as number[];
      let sum = 0;
      for (const v of doubles) sum += v;
      out.set(f.key, {
        kind: "double",
        count: doubles.length,
        sum: doubles.length === 0 ? undefined : sum,
        min: doubles.length === 0 ? undefined : doubles.reduce((a, b) => (b < a ? b : a)),
        max: doubles.length === 0 ? undefined : doubles.reduce((a, b) => (b > a ? b : a)),
      });
    }
  }
  return out;
}

/**
 * The expected aggregates as the JSON document `schema fixtures` writes
 * (`expected.json`; shape in docs/spec.md "Fixtures").
 */
export function fixturesSummary(sets: readonly FixtureSet[], options: FixtureOptions = {}): string {
  const doc = {
    format: 1,
    seed: String(options.seed ?? 1n),
    count: options.count ?? 8,
    events: sets.map((s) => ({
      type: s.type,
      subtype: s.subtype,
      version: s.version,
      count: s.envelopes.length,
      attributes: Object.fromEntries(
        [...s.aggregates].map(([key, a]) => [
          key,
          a.count === 0
            ? { kind: a.kind, count: 0 }
            : { kind: a.kind, count: a.count, sum: a.sum, min: a.min, max: a.max },
        ]),
      ),
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** The codecs fixtures are written in. */
export type FixtureCodec = "protobuf" | "cbor" | "json";

/**
 * Encodes a sample as one stream of frames (no compression, no checksum; CBOR
 * deterministic), every set in order: the bytes Go and Rust reproduce.
 */
export function encodeFixtures(sets: readonly FixtureSet[], codec: FixtureCodec): Uint8Array {
  const encoder = createEncoder({
    codec,
    compression: "none",
    framed: true,
    checksum: false,
    ...(codec === "cbor" ? { deterministic: true } : {}),
  });
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const set of sets) {
    for (const e of set.envelopes) {
      const bytes = encoder.encode(e);
      parts.push(bytes);
      size += bytes.length;
    }
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
