/**
 * The three-language capture of issue #18's first test: the registry fixtures
 * of `schemas/` (seed 1, 8 per version: request/auth_request 1.1.0 and 1.2.0,
 * request/payment_request 1.0.0 and 1.1.0, each pair joined by a declared
 * transform) as written by the Go generator (protobuf), the Rust generator
 * (deterministic CBOR) and the TypeScript one (JSON), each with its own
 * `--language` in the headers (`pnpm fixtures` writes them into
 * test/fixtures/registry/mixed/; `pnpm fixtures --check` keeps them fresh).
 *
 * The expected figures are the generator's own expected.json, combined per
 * language and version here with plain arithmetic (counts added, exact int
 * sums added as bigints, doubles added, minima and maxima compared); nothing
 * from @envelope/aggregate is used to compute them.
 */
import { readFileSync } from "node:fs";
import { loadRegistry } from "@envelope/registry";
import { generateFixtures } from "@envelope/schema-tools";
import { peekFrames } from "@envelope/sdk";
import { ROOT, SCHEMAS } from "./capture.js";

export const LANGUAGES = ["go", "rust", "typescript"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each producer's file, as the repository holds it (relative to the root). */
export const MIXED_FILES: Record<Language, { path: string; codec: "protobuf" | "cbor" | "json" }> =
  {
    go: {
      path: "test/fixtures/registry/mixed/go/examples/fixtures-protobuf.bin",
      codec: "protobuf",
    },
    rust: { path: "test/fixtures/registry/mixed/rust/examples/fixtures-cbor.bin", codec: "cbor" },
    typescript: {
      path: "test/fixtures/registry/mixed/ts/examples/fixtures-json.bin",
      codec: "json",
    },
  };

/**
 * The TypeScript generator's expected.json for that sample (Go's and Rust's are
 * byte-identical: the figures do not depend on the language; `pnpm fixtures
 * --check` compares them).
 */
export const EXPECTED_JSON = "test/fixtures/registry/mixed/ts/examples/expected.json";

/** The three files concatenated, Go's first: the combined capture. */
/** The events the three-language test aggregates: the two with two versions joined by a transform. */
export const MIXED_EVENTS = ["request/auth_request", "request/payment_request"] as const;

/**
 * The three languages' files concatenated, keeping only the frames of
 * {@link MIXED_EVENTS} (the examples folder also holds single-version events,
 * such as trace/hop, that this test does not normalise). Each file is frames back
 * to back, so a frame ends where the next begins.
 */
export function mixedCapture(): Buffer {
  const keep: Buffer[] = [];
  for (const language of LANGUAGES) {
    const bytes = readFileSync(`${ROOT}${MIXED_FILES[language].path}`);
    const items = [...peekFrames(bytes)];
    items.forEach((item, i) => {
      if (item.error !== undefined) throw new Error(`${language}: a bad run at ${item.offset}`);
      const { type, subtype } = item.header.schema;
      if (!(MIXED_EVENTS as readonly string[]).includes(`${type}/${subtype}`)) return;
      keep.push(bytes.subarray(item.offset, items[i + 1]?.offset ?? bytes.length));
    });
  }
  return Buffer.concat(keep);
}

/** The two normalisations: every event at its older version, or at its newer one. */
export const TARGETS = {
  older: { "request/auth_request": "1.1.0", "request/payment_request": "1.0.0" },
  newer: { "request/auth_request": "1.2.0", "request/payment_request": "1.1.0" },
} as const;
export type Target = keyof typeof TARGETS;

/** `--to` for the CLI: `request/auth_request@1.1.0,request/payment_request@1.0.0`. */
export function toOption(target: Target): string {
  return Object.entries(TARGETS[target])
    .map(([event, version]) => `${event}@${version}`)
    .join(",");
}

/**
 * Numeric keys the declared transforms rename between the two versions, older
 * name first (schemas/request/auth_request/1.2.0.json: latency_ms became
 * duration_ms; payment_request's transform moves string attributes only).
 */
const RENAMED: Record<string, readonly [string, string][]> = {
  "request/auth_request": [["latency_ms", "duration_ms"]],
};

function keyAt(event: string, key: string, target: Target): string {
  for (const [older, newer] of RENAMED[event] ?? []) {
    if (target === "newer" && key === older) return newer;
    if (target === "older" && key === newer) return older;
  }
  return key;
}

/** Figures of one value attribute: ints as bigint, doubles as number. */
export interface Figures {
  kind: "int" | "double";
  count: number;
  sum?: bigint | number | undefined;
  min?: bigint | number | undefined;
  max?: bigint | number | undefined;
}

interface ExpectedEvent {
  type: string;
  subtype: string;
  version: string;
  count: number;
  attributes: Record<
    string,
    {
      kind: "int" | "double";
      count: number;
      sum?: string | number;
      min?: string | number;
      max?: string | number;
    }
  >;
}

function parseExpected(): ExpectedEvent[] {
  const doc = JSON.parse(readFileSync(`${ROOT}${EXPECTED_JSON}`, "utf8")) as {
    format: number;
    events: ExpectedEvent[];
  };
  if (doc.format !== 1) throw new Error(`expected.json format ${doc.format}`);
  return doc.events;
}

function add(a: Figures | undefined, b: Figures): Figures {
  if (a === undefined || a.count === 0) return { ...b };
  if (b.count === 0) return a;
  const lt = (x: bigint | number, y: bigint | number) => x < y;
  return {
    kind: a.kind,
    count: a.count + b.count,
    sum:
      a.kind === "int"
        ? (a.sum as bigint) + (b.sum as bigint)
        : (a.sum as number) + (b.sum as number),
    min: lt(b.min!, a.min!) ? b.min : a.min,
    max: lt(a.max!, b.max!) ? b.max : a.max,
  };
}

/** One group's expected count and figures, by value key (at the target version's names). */
export interface ExpectedGroup {
  count: number;
  values: Map<string, Figures>;
}

/**
 * The figures of one producer's envelopes of each event, brought to `target`:
 * both versions' expected.json entries, renamed keys joined.
 */
export function expectedPerLanguage(target: Target): Map<string, ExpectedGroup> {
  const out = new Map<string, ExpectedGroup>();
  for (const e of parseExpected()) {
    const event = `${e.type}/${e.subtype}`;
    const group = out.get(event) ?? { count: 0, values: new Map<string, Figures>() };
    group.count += e.count;
    for (const [key, a] of Object.entries(e.attributes)) {
      const name = keyAt(event, key, target);
      const parse = (x: string | number | undefined) =>
        x === undefined ? undefined : a.kind === "int" ? BigInt(x) : (x as number);
      const figures: Figures =
        a.count === 0
          ? { kind: a.kind, count: 0 }
          : {
              kind: a.kind,
              count: a.count,
              sum: parse(a.sum),
              min: parse(a.min),
              max: parse(a.max),
            };
      group.values.set(name, add(group.values.get(name), figures));
    }
    out.set(event, group);
  }
  return out;
}

/** `times` producers' worth of {@link expectedPerLanguage} (the three languages' samples are the same). */
export function expectedCombined(target: Target, times: number): Map<string, ExpectedGroup> {
  const one = expectedPerLanguage(target);
  const out = new Map<string, ExpectedGroup>();
  for (const [event, g] of one) {
    const values = new Map<string, Figures>();
    for (const [key, f] of g.values) {
      let acc: Figures | undefined;
      for (let i = 0; i < times; i++) acc = add(acc, f);
      values.set(key, acc!);
    }
    out.set(event, { count: g.count * times, values });
  }
  return out;
}

/** Every numeric key at the target's names, the first event's first. */
export function valueKeys(target: Target): string[] {
  const keys: string[] = [];
  for (const g of expectedPerLanguage(target).values()) {
    for (const k of g.values.keys()) if (!keys.includes(k)) keys.push(k);
  }
  return keys;
}

/**
 * The values themselves, for the quantiles (expected.json has none): drawn by
 * the generator (`generateFixtures`, seed 1, 8 per version, as `pnpm fixtures`
 * ran it), per event and key at the target's names, as doubles.
 */
export function generatedValues(target: Target): Map<string, Map<string, number[]>> {
  const out = new Map<string, Map<string, number[]>>();
  for (const set of generateFixtures(loadRegistry(SCHEMAS).descriptors(), {
    seed: 1n,
    count: 8,
  })) {
    const event = `${set.type}/${set.subtype}`;
    const byKey = out.get(event) ?? new Map<string, number[]>();
    for (const key of set.aggregates.keys()) {
      const name = keyAt(event, key, target);
      const list = byKey.get(name) ?? [];
      for (const e of set.envelopes) {
        const v = e.body.attributes.get(key);
        if (typeof v === "bigint" || typeof v === "number") list.push(Number(v));
      }
      byKey.set(name, list);
    }
    out.set(event, byKey);
  }
  return out;
}

/** The value at rank floor(q (n - 1)) of the sorted values: what DDSketch estimates (docs/spec.md "Figures"). */
export function rankQuantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}
