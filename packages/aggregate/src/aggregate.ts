/**
 * The aggregation: envelopes in (any order, any mix of versions and
 * producers), one row per group out. Memory is bounded by the number of
 * groups (at most `maxGroups`, then one overflow group), never by the input.
 *
 * ```ts
 * const registry = loadRegistry("schemas");
 * const result = await aggregate([fileSource("capture.bin")], {
 *   registry, to: "1.2.0", by: ["event", "language"], values: ["duration_ms"],
 * });
 * ```
 *
 * @see docs/spec.md "Aggregation"
 */
import { type Envelope, EnvelopeError } from "@envelope/core";
import { eventId as eventIdOf } from "@envelope/registry";
import { Leftovers, type SkippedCount, type UnreadableCount } from "./counts.js";
import { type Dimension, dimensionValue, parseDimension } from "./dimensions.js";
import { createNormaliser, type NormaliseOptions } from "./normalise.js";
import { type EnvelopeSource, readSources } from "./sources.js";
import {
  DEFAULT_RELATIVE_ACCURACY,
  type NumericKind,
  NumericStat,
  type ValueStats,
} from "./stats.js";

/** Options of {@link createAggregator} and {@link aggregate}. */
export interface AggregateOptions extends NormaliseOptions {
  /** Group-by dimensions (see {@link parseDimension}). Default `["event"]`. */
  readonly by?: readonly string[];
  /** Body attributes (at the target version) to compute statistics of. Default none. */
  readonly values?: readonly string[];
  /** Quantiles to estimate, each in [0, 1]. Default `[0.5, 0.9, 0.99]`. */
  readonly quantiles?: readonly number[];
  /** The sketch's relative accuracy, in (0, 1). Default 0.01. */
  readonly relativeAccuracy?: number;
  /** Groups kept; envelopes of further groups go to one overflow group. Default 10,000. */
  readonly maxGroups?: number;
  /** Called every `progressEvery` envelopes (and bad runs), and once at the end. */
  readonly onProgress?: (progress: Progress) => void;
  /** Default 10,000. */
  readonly progressEvery?: number;
}

/** How far an aggregation is. */
export interface Progress {
  /** Envelopes decoded so far. */
  readonly envelopes: number;
  /** Bad runs (undecodable frames or bytes) so far. */
  readonly unreadable: number;
  /** Groups so far (the overflow group not included). */
  readonly groups: number;
  /** Input bytes read, when the sources say. */
  readonly bytes: number;
}

/** One group's figures. */
export interface GroupResult {
  /** One part per dimension, in `by` order; `undefined` when the envelope had no such value. */
  readonly key: readonly (string | undefined)[];
  /** `true` for the overflow group (its key parts are all `undefined`). */
  readonly overflow: boolean;
  /** Envelopes aggregated in this group. */
  readonly count: number;
  /** Validation issues of these envelopes (as written), by code. */
  readonly issues: Readonly<Record<string, number>>;
  /** One entry per requested value attribute, in `values` order. */
  readonly values: readonly ValueStats[];
}

/** What an aggregation found. */
export interface AggregateResult {
  readonly dimensions: readonly string[];
  readonly values: readonly string[];
  readonly quantiles: readonly number[];
  readonly relativeAccuracy: number;
  /** The target version of every event seen that the registry knows, by `type/subtype`. */
  readonly targets: Readonly<Record<string, string>>;
  /** Envelopes decoded. */
  readonly envelopes: number;
  /** Envelopes aggregated (the sum of the groups' counts). */
  readonly aggregated: number;
  /** Validation issues of every decoded envelope, by code. */
  readonly issues: Readonly<Record<string, number>>;
  /** Groups, sorted by key (`undefined` parts first). */
  readonly groups: readonly GroupResult[];
  /** The overflow group, when `maxGroups` was reached. */
  readonly overflow: GroupResult | undefined;
  readonly skipped: readonly SkippedCount[];
  readonly unreadable: readonly UnreadableCount[];
}

class Group {
  count = 0;
  readonly issues: Record<string, number> = {};
  readonly stats: NumericStat[];
  constructor(
    readonly key: readonly (string | undefined)[],
    kinds: readonly (NumericKind | undefined)[],
    accuracy: number,
  ) {
    this.stats = kinds.map((k) => new NumericStat(k, accuracy));
  }
}

/** An aggregation fed one envelope at a time; see {@link createAggregator}. */
export interface Aggregator {
  /** Adds a decoded envelope (as the producer wrote it). */
  add(envelope: Envelope): void;
  /** Counts a bad run of input (`length` bytes that held no decodable envelope). */
  addUnreadable(error: EnvelopeError, length: number): void;
  /** The figures so far (the aggregator can go on). */
  result(): AggregateResult;
  /** Counts input bytes read, for {@link Progress.bytes}. */
  countBytes(n: number): void;
  /** The progress so far. */
  progress(): Progress;
}

/**
 * Builds an aggregator. Throws `invalid_argument` for a bad dimension,
 * quantile, accuracy or group limit.
 */
export function createAggregator(options: AggregateOptions): Aggregator {
  const dims: Dimension[] = (options.by ?? ["event"]).map(parseDimension);
  const valueKeys = [...(options.values ?? [])];
  const quantiles = [...(options.quantiles ?? [0.5, 0.9, 0.99])];
  for (const q of quantiles) {
    if (!(q >= 0 && q <= 1)) {
      throw new EnvelopeError("invalid_argument", `a quantile must be in [0, 1], not ${q}`);
    }
  }
  const accuracy = options.relativeAccuracy ?? DEFAULT_RELATIVE_ACCURACY;
  if (!(accuracy > 0 && accuracy < 1)) {
    throw new EnvelopeError(
      "invalid_argument",
      `relativeAccuracy must be in (0, 1), not ${accuracy}`,
    );
  }
  const maxGroups = options.maxGroups ?? 10_000;
  if (!Number.isSafeInteger(maxGroups) || maxGroups < 1) {
    throw new EnvelopeError(
      "invalid_argument",
      `maxGroups must be a positive integer, not ${maxGroups}`,
    );
  }
  const { registry } = options;
  const normaliser = createNormaliser(options);
  const groups = new Map<string, Group>();
  let overflow: Group | undefined;
  const leftovers = new Leftovers();
  const issues: Record<string, number> = {};
  const targets: Record<string, string> = {};
  let envelopes = 0;
  let aggregated = 0;
  let bytes = 0;
  const every = options.progressEvery ?? 10_000;
  const onProgress = options.onProgress;

  /** Declared kinds of the value attributes at a target version, cached per schema. */
  const kindsCache = new Map<string, (NumericKind | undefined)[]>();
  const kindsOf = (envelope: Envelope): (NumericKind | undefined)[] => {
    const s = envelope.header.schema;
    const id = `${s.type}/${s.subtype}@${s.version}`;
    let kinds = kindsCache.get(id);
    if (kinds === undefined) {
      const d = registry.get(s);
      kinds = valueKeys.map((key) => {
        const t = d?.attributes.find((f) => f.key === key);
        if (t === undefined || t.presence === "repeated") return undefined;
        return t.type.kind === "int" || t.type.kind === "double" ? t.type.kind : undefined;
      });
      kindsCache.set(id, kinds);
    }
    return kinds;
  };

  const tick = () => {
    if (onProgress !== undefined && (envelopes + leftovers.runs) % every === 0)
      onProgress(progress());
  };
  const progress = (): Progress => ({
    envelopes,
    unreadable: leftovers.runs,
    groups: groups.size,
    bytes,
  });

  const add = (envelope: Envelope): void => {
    envelopes++;
    const n = normaliser.normalise(envelope);
    for (const issue of n.issues) issues[issue.code] = (issues[issue.code] ?? 0) + 1;
    if (!n.ok) {
      leftovers.refuse(envelope, n.reason, n.message);
      tick();
      return;
    }
    const out = n.envelope;
    const target = normaliser.target(out.header.schema);
    if (target !== undefined) targets[eventIdOf(out.header.schema)] = target;
    const key = dims.map((d) => dimensionValue(d, out, n.sourceVersion));
    const id = JSON.stringify(key);
    let group = groups.get(id);
    if (group === undefined) {
      if (groups.size < maxGroups) {
        group = new Group(key, kindsOf(out), accuracy);
        groups.set(id, group);
      } else {
        overflow ??= new Group(
          dims.map(() => undefined),
          valueKeys.map(() => undefined),
          accuracy,
        );
        group = overflow;
      }
    }
    group.count++;
    aggregated++;
    for (const issue of n.issues) group.issues[issue.code] = (group.issues[issue.code] ?? 0) + 1;
    const attributes = out.body.attributes;
    for (let i = 0; i < valueKeys.length; i++) {
      const v = attributes.get(valueKeys[i]!);
      if (v !== undefined) group.stats[i]!.add(v);
    }
    tick();
  };

  const addUnreadable = (error: EnvelopeError, length: number): void => {
    leftovers.unreadable(error, length);
    tick();
  };

  const groupResult = (g: Group, isOverflow: boolean): GroupResult => ({
    key: g.key,
    overflow: isOverflow,
    count: g.count,
    issues: sortedRecord(g.issues),
    values: g.stats.map((s) => s.result(quantiles)),
  });

  const result = (): AggregateResult => ({
    dimensions: dims.map((d) => d.name),
    values: valueKeys,
    quantiles,
    relativeAccuracy: accuracy,
    targets: sortedRecord(targets),
    envelopes,
    aggregated,
    issues: sortedRecord(issues),
    groups: [...groups.values()]
      .sort((a, b) => compareKeys(a.key, b.key))
      .map((g) => groupResult(g, false)),
    overflow: overflow === undefined ? undefined : groupResult(overflow, true),
    skipped: leftovers.skippedCounts(),
    unreadable: leftovers.unreadableCounts(),
  });

  return {
    add,
    addUnreadable,
    result,
    progress,
    countBytes: (n: number) => {
      bytes += n;
    },
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareKeys(
  a: readonly (string | undefined)[],
  b: readonly (string | undefined)[],
): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    return cmp(x, y);
  }
  return 0;
}

function sortedRecord<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(record).sort()) out[k] = record[k]!;
  return out;
}

/**
 * Reads every source in turn (files, streams, byte chunks; see
 * {@link EnvelopeSource}), decoding frames with the SDK's `decodeStream`
 * (bad frames are counted and skipped, reading goes on), and aggregates the
 * envelopes. Memory: one frame at a time plus the groups.
 */
export async function aggregate(
  sources: EnvelopeSource | readonly EnvelopeSource[],
  options: AggregateOptions,
): Promise<AggregateResult> {
  const aggregator = createAggregator(options);
  for await (const item of readSources(sources, aggregator.countBytes)) {
    if (item.error === undefined) aggregator.add(item.envelope);
    else aggregator.addUnreadable(item.error, item.length);
  }
  options.onProgress?.(aggregator.progress());
  return aggregator.result();
}
