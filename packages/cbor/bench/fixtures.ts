/**
 * Seeded envelope fixtures for the benchmarks: the same data as the model
 * (`Envelope`, with `Map`s and `bigint`s) and as the plain object a cbor-x
 * user would encode (objects with named keys, `number`s).
 */
import type { Attributes, AttributeValue, Envelope } from "@envelope/core";

/** The plain-object value of an attribute, as cbor-x would be given it. */
export type PlainValue =
  | string
  | boolean
  | number
  | Uint8Array
  | PlainValue[]
  | { [key: string]: PlainValue };

/** A benchmark fixture. */
export interface Fixture {
  readonly name: string;
  readonly envelope: Envelope;
  readonly plain: Record<string, unknown>;
  /** Attribute entries, nested ones included (as the decode limits count them). */
  readonly attributes: number;
}

/** mulberry32: a small, fast, seeded PRNG. */
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

const WORDS = [
  "http",
  "request",
  "user",
  "session",
  "region",
  "latency",
  "status",
  "route",
  "method",
  "client",
  "server",
  "db",
  "query",
  "rows",
  "cache",
  "hit",
  "retry",
  "payment",
  "amount",
  "currency",
  "auth",
  "token",
  "scope",
  "tenant",
  "feature",
  "flag",
  "queue",
  "message",
  "size",
  "duration",
];

class Generator {
  private readonly next: () => number;
  count = 0;
  constructor(
    seed: number,
    private readonly textMax: number,
  ) {
    this.next = prng(seed);
  }
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  word(): string {
    return WORDS[this.int(WORDS.length)]!;
  }
  key(): string {
    return `${this.word()}.${this.word()}_${this.int(1000)}`;
  }
  text(min: number, max: number): string {
    let s = this.word();
    const length = min + this.int(max - min);
    while (s.length < length) s += ` ${this.word()}`;
    return s.slice(0, length);
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
  /** A scalar or (below `depth` 2) a small array or map; returns [model, plain]. */
  value(depth: number): [AttributeValue, PlainValue] {
    const k = this.int(depth < 2 ? 20 : 16);
    if (k < 7) {
      const s = this.text(4, this.textMax);
      return [s, s];
    }
    if (k < 10) {
      const n = this.int(1_000_000) - 1000;
      return [BigInt(n), n];
    }
    if (k < 13) {
      const x = this.int(1_000_000) / 64 + 0.1; // never integral, so cbor-x writes float64 too
      return [x, x];
    }
    if (k < 15) {
      const b = this.next() < 0.5;
      return [b, b];
    }
    if (k < 16) {
      const b = this.bytes(8 + this.int(24));
      return [b, b];
    }
    if (k < 18) {
      const model: AttributeValue[] = [];
      const plain: PlainValue[] = [];
      for (let i = 3 + this.int(3); i > 0; i--) {
        this.count++;
        const [m, p] = this.value(depth + 1);
        model.push(m);
        plain.push(p);
      }
      return [model, plain];
    }
    const [model, plain] = this.map(3 + this.int(3), depth + 1);
    return [model, plain];
  }
  map(n: number, depth: number): [Attributes, { [key: string]: PlainValue }] {
    const model: Attributes = new Map();
    const plain: { [key: string]: PlainValue } = {};
    while (model.size < n) {
      const key = this.key();
      if (model.has(key)) continue;
      this.count++;
      const [m, p] = this.value(depth);
      model.set(key, m);
      plain[key] = p;
    }
    return [model, plain];
  }
}

/**
 * Builds a fixture: `bodyAttributes` top-level body attributes (nested values
 * add more) with string values of 4 to `textMax` characters, a resource with
 * 4 attributes and one extension with 6.
 */
export function makeFixture(
  name: string,
  seed: number,
  bodyAttributes: number,
  textMax: number,
): Fixture {
  const g = new Generator(seed, textMax);
  const eventId = g.bytes(16);
  const traceId = g.bytes(16);
  const spanId = g.bytes(8);
  const [resourceAttrs, resourcePlain] = g.map(4, 0);
  const [bodyAttrs, bodyPlain] = g.map(bodyAttributes, 0);
  const [extAttrs, extPlain] = g.map(6, 0);
  const time = 1_700_000_000_123_456_789n;
  const envelope: Envelope = {
    header: {
      schema: { type: "request", subtype: "auth_request", version: "1.2.0" },
      eventId,
      timeUnixNano: time,
      producer: { language: "typescript", version: "0.1.0" },
      trace: { traceId, spanId, traceFlags: 1 },
      resource: {
        serviceName: "auth",
        environment: "production",
        region: "eu-west-1",
        attributes: resourceAttrs,
      },
      status: { code: 1, message: "" },
    },
    body: {
      attributes: bodyAttrs,
      extensions: [{ namespace: "http", version: "1.0.0", attributes: extAttrs }],
    },
  };
  const plain = {
    header: {
      schema: { type: "request", subtype: "auth_request", version: "1.2.0" },
      eventId,
      timeUnixNano: time,
      producer: { language: "typescript", version: "0.1.0" },
      trace: { traceId, spanId, traceFlags: 1 },
      resource: {
        serviceName: "auth",
        environment: "production",
        region: "eu-west-1",
        attributes: resourcePlain,
      },
      status: { code: 1 },
    },
    body: {
      attributes: bodyPlain,
      extensions: [{ namespace: "http", version: "1.0.0", attributes: extPlain }],
    },
  };
  return { name, envelope, plain, attributes: g.count };
}

/** The two standard fixtures: medium (~40 attributes, ~2 KB) and large (~1,000 attributes, ~64 KB). */
export function standardFixtures(): Fixture[] {
  return [makeFixture("medium", 6, 10, 150), makeFixture("large", 2, 420, 240)];
}
