/**
 * The JavaScript LZ4 writer and decoder against lz4-napi (whose block
 * decoder the platform engine uses on Node), and both decoders against the
 * LZ4 frames the Go (pierrec/lz4) and Rust (lz4_flex) producers wrote into
 * test/fixtures.
 */
import { readdirSync, readFileSync } from "node:fs";
import { DEFAULT_LIMITS, isEnvelopeError, readFramePrefix } from "@envelope/core";
import { compress, decompress, xxh32 } from "@envelope/lz4";
import { compress as jsCompress, decompress as jsDecompress } from "@envelope/lz4/js";
import fc from "fast-check";
import { compressFrameSync, decompressFrameSync } from "lz4-napi";
import { describe, expect, test } from "vitest";
import { streamingFrame } from "../../../test/support/lz4-frames.mjs";

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** What decoding gives: the bytes, or the error's code, offset and message. */
function outcome(run: () => Uint8Array): unknown {
  try {
    return Buffer.from(run()).toString("hex");
  } catch (error) {
    if (!isEnvelopeError(error)) throw error;
    return { code: error.code, offset: error.offset, message: error.message };
  }
}

/** Inputs with the structure LZ4 meets in envelopes: repeats, runs, text and noise. */
const input = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc
    .array(
      fc.constantFrom("http.", "method", "GET", "value ", "attr_", "0", "1", "{", "}", "\u00e9"),
      { maxLength: 4000 },
    )
    .map((parts) => new TextEncoder().encode(parts.join(""))),
  fc
    .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 200_000 }))
    .map(([b, n]) => new Uint8Array(n).fill(b)),
);

describe("xxh32", () => {
  test.each([
    ["", 0x02cc5d05],
    ["a", 0x550d7456],
    ["abc", 0x32d153ff],
    ["Nobody inspects the spammish repetition", 0xe2293b2f],
  ])("xxh32(%j) = %s (reference values)", (text, expected) => {
    expect(xxh32(new TextEncoder().encode(text))).toBe(expected);
  });

  test("equals the content checksum lz4-napi writes, for every length from 0 to 40", () => {
    for (let n = 0; n <= 40; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      const framed = compressFrameSync(Buffer.from(data), { contentChecksum: true });
      expect(xxh32(data), `${n} bytes`).toBe(framed.readUInt32LE(framed.length - 4));
    }
  });
});

describe("the JavaScript engine against lz4-napi", () => {
  test("lz4-napi reads what the JavaScript writer writes, and both engines read lz4-napi's frames", () => {
    fc.assert(
      fc.property(input, (data) => {
        const ours = jsCompress(data);
        expect(same(decompressFrameSync(Buffer.from(ours)), data)).toBe(true);
        expect(same(jsDecompress(ours), data)).toBe(true);
        const theirs = compressFrameSync(Buffer.from(data));
        expect(same(jsDecompress(theirs), data)).toBe(true);
        expect(same(decompress(theirs), data)).toBe(true);
      }),
      { numRuns: 300, seed: 5 },
    );
  });

  test("lz4-napi's checksummed frames: block and content checksums verified by both engines", () => {
    const data = new TextEncoder().encode("checksummed ".repeat(20000));
    const framed = compressFrameSync(Buffer.from(data), {
      blockChecksums: true,
      contentChecksum: true,
    });
    expect(same(jsDecompress(framed), data)).toBe(true);
    expect(same(decompress(framed), data)).toBe(true);
    const bad = Uint8Array.from(framed);
    bad[bad.length - 1]! ^= 1;
    expect(() => jsDecompress(bad)).toThrow(/content checksum/);
    expect(() => decompress(bad)).toThrow(/content checksum/);
  });

  test("linked blocks, as streaming writers write them: lz4-napi and both engines agree", () => {
    const { frame, content } = streamingFrame(300);
    expect(same(decompressFrameSync(Buffer.from(frame)), content)).toBe(true);
    expect(same(jsDecompress(frame), content)).toBe(true);
    expect(same(decompress(frame), content)).toBe(true);
  });

  test("damaged frames: both engines give the same bytes or the same error, never another error", () => {
    const text = new TextEncoder().encode("abcabcabcabc attribute value ".repeat(300));
    const frames = [
      jsCompress(text),
      compressFrameSync(Buffer.from(text), { blockChecksums: true, contentChecksum: true }),
      streamingFrame(3).frame,
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...frames),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 3,
        }),
        (frame, edits) => {
          const bad = Uint8Array.from(frame);
          for (const [at, value] of edits) bad[at % bad.length] = value;
          expect(outcome(() => decompress(bad))).toEqual(outcome(() => jsDecompress(bad)));
        },
      ),
      { numRuns: 3000, seed: 11 },
    );
  });

  test("compresses about as well as lz4-napi on envelope-like data", () => {
    const data = new TextEncoder().encode(
      Array.from({ length: 1000 }, (_, i) => `attr_${i}=value number ${i};`).join(""),
    );
    expect(jsCompress(data).length).toBeLessThan(
      compressFrameSync(Buffer.from(data)).length * 1.25,
    );
  });
});

describe("LZ4 bodies written by the Go, Rust and TypeScript producers", () => {
  const root = new URL("../../../test/fixtures/", import.meta.url);
  const files = ["go", "rust", "ts"].flatMap((language) =>
    readdirSync(new URL(`${language}/`, root))
      .filter((f) => f.endsWith(".lz4.bin"))
      .map((f) => `${language}/${f}`),
  );

  test("there are fixtures from each producer", () => {
    for (const language of ["go/", "rust/", "ts/"]) {
      expect(files.filter((f) => f.startsWith(language)).length).toBeGreaterThan(100);
    }
  });

  test("both engines decode every compressed body to the same bytes, of the declared length", () => {
    let compressed = 0;
    for (const file of files) {
      const bytes = new Uint8Array(readFileSync(new URL(file, root)));
      let frame: ReturnType<typeof readFramePrefix>;
      try {
        frame = readFramePrefix(bytes, 0, DEFAULT_LIMITS);
      } catch {
        continue; // the broken-frame fixtures
      }
      if (frame.compression !== "lz4") continue;
      compressed++;
      const body = bytes.subarray(frame.bodyOffset, frame.bodyOffset + frame.bodyLength);
      const native = outcome(() => decompress(body, { expectedSize: frame.bodyRawLength }));
      expect(
        outcome(() => jsDecompress(body, { expectedSize: frame.bodyRawLength })),
        file,
      ).toEqual(native);
      if (typeof native === "string") {
        expect(same(decompressFrameSync(Buffer.from(body)), Buffer.from(native, "hex")), file).toBe(
          true,
        );
      }
    }
    expect(compressed).toBeGreaterThan(300);
  });
});

describe("the platform engine", () => {
  test("compress and decompress round-trip through both engines", () => {
    const data = new TextEncoder().encode("round trip ".repeat(10000));
    expect(same(jsDecompress(compress(data)), data)).toBe(true);
    expect(same(decompress(jsCompress(data)), data)).toBe(true);
  });
});
