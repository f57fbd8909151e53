/**
 * The JavaScript LZ4 implementation (used when lz4-napi's memory budget is
 * spent) against lz4-napi, the library it stands in for.
 */
import { isEnvelopeError } from "@envelope/core";
import { compress, decompress, JsLz4, scanLz4, xxh32 } from "@envelope/lz4";
import fc from "fast-check";
import { compressFrameSync, decompressFrameSync } from "lz4-napi";
import { describe, expect, test } from "vitest";

const js = new JsLz4();
const jsDecompress = (bytes: Uint8Array, capacity = 1 << 22) =>
  js.decompress(bytes, scanLz4(bytes, capacity), capacity, 0);
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

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
});

describe("JavaScript LZ4 frames against lz4-napi", () => {
  test("lz4-napi reads what the JavaScript writer writes, and the reverse", () => {
    fc.assert(
      fc.property(input, (data) => {
        const ours = js.compress(data);
        expect(same(decompressFrameSync(Buffer.from(ours)), data)).toBe(true);
        expect(same(jsDecompress(ours), data)).toBe(true);
        const theirs = compressFrameSync(Buffer.from(data));
        expect(same(jsDecompress(theirs), data)).toBe(true);
      }),
      { numRuns: 300, seed: 5 },
    );
  });

  test("with lz4-napi's checksums: block and content checksums are verified", () => {
    const data = new TextEncoder().encode("checksummed ".repeat(20000));
    const framed = compressFrameSync(Buffer.from(data), {
      blockChecksums: true,
      contentChecksum: true,
    });
    expect(same(jsDecompress(framed), data)).toBe(true);
    const bad = Uint8Array.from(framed);
    bad[bad.length - 1]! ^= 1;
    expect(() => jsDecompress(bad)).toThrow(/content checksum/);
  });

  test("compresses about as well as lz4-napi on envelope-like data", () => {
    const data = new TextEncoder().encode(
      Array.from({ length: 1000 }, (_, i) => `attr_${i}=value number ${i};`).join(""),
    );
    expect(js.compress(data).length).toBeLessThan(
      compressFrameSync(Buffer.from(data)).length * 1.25,
    );
  });

  test("corrupt input gives invalid_lz4, never another error", () => {
    const good = js.compress(new TextEncoder().encode("abcabcabcabc ".repeat(500)));
    fc.assert(
      fc.property(
        fc.integer({ min: 7, max: good.length - 5 }),
        fc.integer({ min: 0, max: 255 }),
        (at, value) => {
          const bad = Uint8Array.from(good);
          bad[at] = value;
          try {
            jsDecompress(bad);
          } catch (error) {
            expect(isEnvelopeError(error)).toBe(true);
          }
        },
      ),
      { numRuns: 2000, seed: 11 },
    );
  });
});

describe("the native memory budget", () => {
  test("a tight synchronous loop switches to the JavaScript path and stays correct", () => {
    const data = new Uint8Array(1 << 20).map((_, i) => (i * 7) & 0x3f); // 1 MiB, compressible
    const seen = new Set<number>();
    // 64 compressions of 1 MiB without the event loop turning: more than the 32 MiB budget.
    for (let i = 0; i < 64; i++) {
      const framed = compress(data);
      seen.add(framed[5]!); // BD byte: lz4-napi writes 0x70 for 1 MiB, the JavaScript writer 0x40
      expect(same(decompress(framed, { expectedSize: data.length }), data)).toBe(true);
    }
    expect(seen.has(0x40)).toBe(true);
    expect([...seen].some((bd) => bd !== 0x40)).toBe(true);
  });

  test("after the event loop turns, lz4-napi is used again", async () => {
    await new Promise((resolve) => setImmediate(resolve));
    // lz4-napi picks 256 KiB blocks (BD 0x50) for this size; the JavaScript writer always 64 KiB (0x40).
    expect(compress(new Uint8Array(100_000))[5]).toBe(0x50);
  });
});
