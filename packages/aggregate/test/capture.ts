/**
 * The mixed capture the aggregation tests read: TypeScript-made
 * `request/auth_request` envelopes at 1.1.0 (`latency_ms`) and 1.2.0
 * (`duration_ms`, renamed by the declared transform) in every codec, and the
 * committed Go and Rust fixtures' envelopes under their own events
 * (test/fixtures/go, test/fixtures/rust), plus a truncated frame.
 *
 * The expected figures are computed here from the generated values with
 * plain arithmetic, not by the code under test.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type CodecName, type CompressionName, createEncoder, createEnvelope } from "@envelope/sdk";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const SCHEMAS = `${ROOT}schemas`;

/** One generated sign-in, before encoding. */
export interface Signin {
  readonly version: "1.1.0" | "1.2.0";
  readonly service: string;
  readonly environment: string;
  readonly method: string;
  readonly attempts: bigint;
  /** latency_ms at 1.1.0, duration_ms at 1.2.0; a multiple of 1/8, so every sum is exact. */
  readonly duration: number;
  readonly sessionTtl: bigint | undefined;
  /** Carries both latency_ms and duration_ms: only its own version can hold it. */
  readonly conflicting: boolean;
}

/** mulberry32: a small seeded generator, so the capture is the same on every run. */
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

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** The generated records (deterministic). */
export function generateRecords(count = 400, seed = 18): Signin[] {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const out: Signin[] = [];
  for (let i = 0; i < count; i++) {
    let attempts = BigInt(1 + Math.floor(rand() * 5));
    // int64 edges and values whose sum leaves the int64 range: the sums must stay exact.
    if (i === 7) attempts = INT64_MAX;
    if (i === 8) attempts = INT64_MAX - 1n;
    if (i === 9) attempts = INT64_MIN;
    if (i === 10) attempts = 2n ** 62n + 3n;
    out.push({
      version: rand() < 0.45 ? "1.1.0" : "1.2.0",
      service: pick(["auth", "auth-eu"]),
      environment: pick(["production", "staging"]),
      method: pick(["password", "passkey", "sso"]),
      attempts,
      duration: Math.floor(rand() * 80_000) / 8,
      sessionTtl: rand() < 0.3 ? undefined : BigInt(Math.floor(rand() * 86_400)),
      conflicting: i === 11 || i === 12,
    });
  }
  // One conflicting record at each version.
  out[11] = { ...out[11]!, version: "1.1.0" };
  out[12] = { ...out[12]!, version: "1.2.0" };
  return out;
}

const CODECS: readonly [CodecName, CompressionName, boolean][] = [
  ["protobuf", "none", false],
  ["cbor", "none", false],
  ["json", "none", false],
  ["cbor", "lz4", true],
  ["protobuf", "lz4", false],
];

/** The envelopes of the records, framed, in codecs taken in turn. */
export function encodeRecords(records: readonly Signin[]): Uint8Array[] {
  const encoders = CODECS.map(([codec, compression, deterministic]) =>
    createEncoder({ codec, compression, compressMinSize: 0, deterministic }),
  );
  return records.map((r, i) => {
    const key = r.version === "1.1.0" ? "latency_ms" : "duration_ms";
    const attributes: Record<string, unknown> = {
      user: `user-${i}`,
      attempts: r.attempts,
      [key]: r.duration,
      tags: ["password"],
      method: r.method,
      success: i % 3 !== 0,
    };
    if (r.sessionTtl !== undefined) attributes.session_ttl_s = r.sessionTtl;
    if (r.conflicting) attributes[key === "latency_ms" ? "duration_ms" : "latency_ms"] = 1.5;
    const envelope = createEnvelope({
      schema: { type: "request", subtype: "auth_request", version: r.version },
      resource: { serviceName: r.service, environment: r.environment },
      attributes: attributes as never,
      timeUnixNano: 1_700_000_000_000_000_000n + BigInt(i),
      eventId: Uint8Array.from({ length: 16 }, (_, b) =>
        b === 0 ? 0xa1 : b === 15 ? i & 0xff : b === 14 ? i >> 8 : 0,
      ),
    });
    return encoders[i % encoders.length]!.encode(envelope);
  });
}

/** Committed Go and Rust fixtures included in the capture, with their event and what they hold. */
export const FOREIGN_FIXTURES = [
  // request/auth_request@1.2.0 from the benchmark set: undeclared keys (latency_ms among them), no `user`.
  "test/fixtures/go/bench__small.protobuf.none.bin",
  "test/fixtures/rust/bench__small.cbor.none.bin",
  // vectors/kinds@1.0.0, an event the registry does not know.
  "test/fixtures/go/kinds__int64-max.protobuf.none.bin",
  "test/fixtures/rust/kinds__int64-min.cbor-det.none.bin",
  "test/fixtures/go/kinds__double-tenth.json.none.bin",
  "test/fixtures/rust/kinds__int64-zero.protobuf.lz4.bin",
] as const;

/** A frame cut short: read as one bad run at the end of the capture. */
export const TRUNCATED = "test/fixtures/go/broken__truncated-frame.bin";

/** The whole capture: the generated frames with the fixtures interleaved, then the truncated frame. */
export function buildCapture(records: readonly Signin[]): Uint8Array {
  const frames = encodeRecords(records);
  const parts: Uint8Array[] = [];
  const foreign = FOREIGN_FIXTURES.map((f) => readFileSync(`${ROOT}${f}`));
  frames.forEach((frame, i) => {
    parts.push(frame);
    if (i % 50 === 25 && foreign.length > 0) parts.push(foreign.shift()!);
  });
  parts.push(...foreign);
  parts.push(readFileSync(`${ROOT}${TRUNCATED}`));
  return Buffer.concat(parts);
}

/** Exact figures of a list of int64 values. */
export function intFigures(xs: readonly bigint[]) {
  let sum = 0n;
  let min: bigint | undefined;
  let max: bigint | undefined;
  for (const x of xs) {
    sum += x;
    if (min === undefined || x < min) min = x;
    if (max === undefined || x > max) max = x;
  }
  return { count: xs.length, sum, min, max };
}

/** Exact figures of a list of doubles (every value here is a multiple of 1/8, so the sum is exact in any order). */
export function doubleFigures(xs: readonly number[]) {
  return {
    count: xs.length,
    sum: xs.reduce((a, b) => a + b, 0),
    min: Math.min(...xs),
    max: Math.max(...xs),
  };
}

/** The value at rank floor(q (n - 1)) of the sorted values: what DDSketch estimates. */
export function lowerQuantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}
