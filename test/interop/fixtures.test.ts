/**
 * Cross-language conformance, TypeScript side (docs/interop.md): every fixture
 * written by the Go, Rust and TypeScript producers decodes to its logical case
 * (types included); deterministic encodings are byte-identical across the
 * three languages; broken fixtures fail with their code; "next minor"
 * fixtures from Go and Rust decode, and re-encode without losing anything.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { decompress } from "@envelope/lz4";
import {
  type Attributes,
  type AttributeValue,
  type CodecName,
  type CompressionName,
  decode,
  type Envelope,
  encode,
  fromJson,
  isEnvelopeError,
  peek,
  toJson,
} from "@envelope/sdk";
import { describe, expect, test } from "vitest";

const ROOT = new URL("../../", import.meta.url);
const LANGUAGES = ["go", "rust", "ts"] as const;
type Language = (typeof LANGUAGES)[number];

interface Case {
  name: string;
  envelope: unknown;
  frame?: { contentChecksum?: boolean };
}
interface Fixture {
  case: string;
  codec: CodecName;
  profile: "default" | "deterministic";
  compression: CompressionName;
  file: string;
  sha256: string;
}
interface Broken {
  name: string;
  file: string;
  expectedError: string;
  sha256: string;
}
interface Manifest {
  producer: Language;
  libraries: Record<string, string>;
  fixtures: Fixture[];
  broken: Broken[];
}

const vectors = JSON.parse(readFileSync(new URL("test/vectors/cases.json", ROOT), "utf8")) as {
  cases: Case[];
  forward: Case[];
};
const cases = new Map(vectors.cases.map((c) => [c.name, c]));
const forward = new Map(vectors.forward.map((c) => [c.name, c]));

function manifest(language: Language): Manifest {
  const path = new URL(`test/fixtures/${language}/manifest.json`, ROOT);
  if (!existsSync(path))
    throw new Error(`test/fixtures/${language}/manifest.json is missing: run pnpm fixtures`);
  return JSON.parse(readFileSync(path, "utf8")) as Manifest;
}
const manifests = Object.fromEntries(LANGUAGES.map((l) => [l, manifest(l)])) as Record<
  Language,
  Manifest
>;

function read(language: Language, file: string, sha256: string): Uint8Array {
  const bytes = new Uint8Array(readFileSync(new URL(`test/fixtures/${language}/${file}`, ROOT)));
  expect(createHash("sha256").update(bytes).digest("hex"), `${language}/${file} sha256`).toBe(
    sha256,
  );
  return bytes;
}

/** The deterministic CBOR profile sorts map keys: compare such maps without their order. */
function sortedValue(value: AttributeValue): AttributeValue {
  if (value instanceof Map) return sortedMap(value);
  if (Array.isArray(value)) return value.map(sortedValue);
  return value;
}
function sortedMap(map: Attributes): Attributes {
  return new Map(
    [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, sortedValue(v)]),
  );
}
function withSortedMaps(e: Envelope): Envelope {
  return {
    header: {
      ...e.header,
      resource: { ...e.header.resource, attributes: sortedMap(e.header.resource.attributes) },
    },
    body: {
      attributes: sortedMap(e.body.attributes),
      extensions: e.body.extensions.map((x) => ({ ...x, attributes: sortedMap(x.attributes) })),
    },
  };
}

/**
 * The header sections are identical and the bodies identical after
 * decompression (LZ4 output differs between implementations; the data does
 * not). JSON sections are compared as JSON values: number formatting differs
 * between JSON writers.
 */
function expectSameSections(actual: Uint8Array, expected: Uint8Array, codec: CodecName): void {
  const parts = (bytes: Uint8Array) => {
    const { frame } = peek(bytes);
    const header = bytes.subarray(frame.headerOffset, frame.bodyOffset);
    const stored = bytes.subarray(frame.bodyOffset, frame.bodyOffset + frame.bodyLength);
    const body = frame.compression === "lz4" ? decompress(stored) : stored;
    return codec === "json"
      ? [JSON.parse(new TextDecoder().decode(header)), JSON.parse(new TextDecoder().decode(body))]
      : [Buffer.from(header).toString("hex"), Buffer.from(body).toString("hex")];
  };
  expect(parts(actual)).toEqual(parts(expected));
}

/** A copy without the unknown fields kept by any codec. */
function withoutUnknown(e: Envelope): Envelope {
  const copy = structuredClone(e);
  const drop = (o: { $unknown?: unknown } | undefined) => {
    if (o !== undefined) delete o.$unknown;
  };
  for (const o of [
    copy,
    copy.header,
    copy.header.schema,
    copy.header.producer,
    copy.header.trace,
    copy.header.resource,
    copy.header.status,
    copy.body,
    ...copy.body.extensions,
  ]) {
    drop(o);
  }
  return copy;
}

const key = (f: Fixture) =>
  `${f.case}.${f.profile === "deterministic" ? "cbor-det" : f.codec}.${f.compression}`;

describe.each(LANGUAGES)("fixtures written by %s", (language) => {
  const m = manifests[language];

  test("cover every case x variant x compression", () => {
    expect(m.producer).toBe(language);
    const expected = [...cases.keys()].flatMap((name) =>
      ["protobuf", "json", "cbor", "cbor-det"].flatMap((v) =>
        ["none", "lz4"].map((c) => `${name}.${v}.${c}`),
      ),
    );
    const v1 = m.fixtures.filter((f) => cases.has(f.case)).map(key);
    expect(v1.sort()).toEqual(expected.sort());
  });

  test.each(
    m.fixtures.filter((x) => cases.has(x.case)),
  )("$file decodes to its case and re-encodes to the same bytes", (f) => {
    const bytes = read(language, f.file, f.sha256);
    const decoded = decode(bytes);
    const expected = fromJson(cases.get(f.case)!.envelope);
    if (f.profile === "deterministic")
      expect(withSortedMaps(decoded)).toEqual(withSortedMaps(expected));
    else expect(decoded).toEqual(expected);
    const { frame } = peek(bytes);
    expect([frame.codec, frame.compression]).toEqual([f.codec, f.compression]);
    const again = encode(decoded, {
      codec: f.codec,
      compression: f.compression,
      deterministic: f.profile === "deterministic",
      checksum: frame.checksum,
    });
    expectSameSections(again, bytes, f.codec);
  });

  test("broken fixtures fail with their expected error code", () => {
    expect(m.broken.length).toBeGreaterThanOrEqual(6);
    for (const b of m.broken) {
      const bytes = read(language, b.file, b.sha256);
      let code: string | undefined;
      try {
        decode(bytes);
      } catch (error) {
        expect(isEnvelopeError(error), `${language}/${b.file} threw ${String(error)}`).toBe(true);
        code = (error as { code: string }).code;
      }
      expect(code, `${language}/${b.file}`).toBe(b.expectedError);
    }
  });
});

describe("deterministic encodings are byte-identical in Go, Rust and TypeScript", () => {
  test.each(["protobuf", "cbor-det"])("%s, uncompressed, every case", (variant) => {
    let compared = 0;
    for (const name of cases.keys()) {
      const file = `${name.replaceAll("/", "__")}.${variant}.none.bin`;
      const [go, rust, ts] = LANGUAGES.map((l) => {
        const f = manifests[l].fixtures.find((x) => x.file === file)!;
        return Buffer.from(read(l, file, f.sha256));
      });
      expect(go!.equals(ts!), `go vs ts: ${file}`).toBe(true);
      expect(rust!.equals(ts!), `rust vs ts: ${file}`).toBe(true);
      compared++;
    }
    expect(compared).toBe(cases.size);
  });
});

describe.each(["go", "rust"] as const)("next-minor fixtures written by %s", (language) => {
  const fixtures = manifests[language].fixtures.filter((f) => forward.has(f.case));

  test("exist for every forward case", () => {
    expect(new Set(fixtures.map((f) => f.case))).toEqual(new Set(forward.keys()));
  });

  test.each(fixtures)("$file decodes with today's contract and re-encodes without loss", (f) => {
    const bytes = read(language, f.file, f.sha256);
    const decoded = decode(bytes);
    // What this version knows equals the case read with its unknown keys set aside.
    const known = fromJson(forward.get(f.case)!.envelope);
    const comparable = (e: Envelope) => {
      const bare = withoutUnknown(e);
      return toJson(f.profile === "deterministic" ? withSortedMaps(bare) : bare);
    };
    expect(comparable(decoded)).toEqual(comparable(known));
    // Re-encoding with the same codec keeps every field, the unknown ones included.
    const again = encode(decoded, {
      codec: f.codec,
      compression: f.compression,
      deterministic: f.profile === "deterministic",
    });
    expectSameSections(again, bytes, f.codec);
  });
});
