/**
 * Every decode entry point the fuzz suite drives with untrusted bytes. Each
 * target must throw nothing but EnvelopeError, for any input.
 */
import { readdirSync, readFileSync } from "node:fs";
import { cborCodec, checkCborWellFormed, decodeCborItem } from "@envelope/cbor";
import { DecodeBudget, jsonCodec, resolveLimits } from "@envelope/core";
import { decompress } from "@envelope/lz4";
import { protobufCodec } from "@envelope/protobuf";
import { parseDescriptor } from "@envelope/registry";
import { decode, decodeFrames, peek } from "@envelope/sdk";
import { extract, parseTraceParent, parseTraceState } from "@envelope/trace";

const text = new TextDecoder();
/** Small limits so hostile inputs hit them often. */
const tight = resolveLimits({
  maxDepth: 8,
  maxAttributes: 2000,
  maxStringLength: 1 << 16,
  maxBytesLength: 1 << 16,
  maxFrameSize: 1 << 20,
  maxDecompressedSize: 1 << 20,
});

export interface FuzzTarget {
  readonly name: string;
  readonly run: (bytes: Uint8Array) => unknown;
}

export const TARGETS: readonly FuzzTarget[] = [
  { name: "frame (decode)", run: (b) => decode(b, { limits: tight }) },
  { name: "frame (peek)", run: (b) => peek(b, { limits: tight }) },
  {
    name: "protobuf binary",
    run: (b) => protobufCodec.decodeEnvelope(b, new DecodeBudget(tight), 0),
  },
  {
    name: "protobuf binary body",
    run: (b) => protobufCodec.decodeBody(b, new DecodeBudget(tight), 0),
  },
  { name: "JSON", run: (b) => jsonCodec.decodeEnvelope(b, new DecodeBudget(tight), 0) },
  { name: "CBOR", run: (b) => cborCodec.decodeEnvelope(b, new DecodeBudget(tight), 0) },
  { name: "CBOR item", run: (b) => decodeCborItem(b, tight) },
  { name: "CBOR well-formedness", run: (b) => checkCborWellFormed(b, tight) },
  { name: "LZ4", run: (b) => decompress(b, { maxSize: 1 << 20 }) },
  {
    // A stream never throws for bad frames: it reports them as items.
    name: "stream decoder",
    run: (b) => {
      for (const item of decodeFrames(b, { limits: tight })) void item;
    },
  },
  {
    // Descriptors report problems (file, JSON path, line) instead of throwing.
    name: "schema descriptor",
    run: (b) => parseDescriptor(text.decode(b), "fuzz.json"),
  },
  {
    name: "unframed, every codec",
    run: (b) => {
      for (const codec of ["protobuf", "json", "cbor"] as const) {
        try {
          decode(b, { framed: false, codec, limits: tight });
        } catch (error) {
          if (!(error instanceof Error) || error.name !== "EnvelopeError") throw error;
        }
      }
    },
  },
  {
    name: "traceparent / tracestate",
    run: (b) => {
      const header = text.decode(b);
      parseTraceParent(header);
      parseTraceState(header);
      extract({ traceparent: header, tracestate: header });
    },
  },
];

/**
 * Committed fixtures of every language, the seeds mutations start from: every
 * broken and benchmark fixture, and every fifth of the rest (all kinds and
 * codecs still appear; the suite stays fast).
 */
export function fixtureSeeds(): Uint8Array[] {
  const root = new URL("../fixtures/", import.meta.url);
  const seeds: Uint8Array[] = [];
  for (const lang of ["go", "rust", "ts"]) {
    const dir = new URL(`${lang}/`, root);
    const files = readdirSync(dir)
      .filter((f) => f.endsWith(".bin"))
      .sort();
    files.forEach((file, i) => {
      if (file.startsWith("broken__") || file.startsWith("bench__") || i % 5 === 0) {
        seeds.push(new Uint8Array(readFileSync(new URL(file, dir))));
      }
    });
  }
  return seeds;
}
