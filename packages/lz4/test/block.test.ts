/**
 * The JavaScript LZ4 block codec on its own: the compressor keeps the
 * block format's end rules and its output does not depend on what it
 * compressed before; the reader refuses offsets before its window.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { concat, noise, sequence } from "../../../test/support/lz4-frames.mjs";
import { BlockCompressor, compressBound, decodeBlock } from "../src/js/block.js";

function compressed(
  compressor: BlockCompressor,
  src: Uint8Array,
  start = 0,
  end = src.length,
): Uint8Array {
  const dst = new Uint8Array(compressBound(end - start));
  return dst.slice(0, compressor.compress(src, start, end, dst, 0));
}

/** Where each sequence's match starts in the output and how far back it reaches, and the length of the final literal run. */
function layout(block: Uint8Array): {
  matchStarts: number[];
  offsets: number[];
  lastLiterals: number;
} {
  const matchStarts: number[] = [];
  const offsets: number[] = [];
  let ip = 0;
  let op = 0;
  for (;;) {
    const token = block[ip++]!;
    let lit = token >>> 4;
    if (lit === 15) for (let b = 255; b === 255; lit += b) b = block[ip++]!;
    ip += lit;
    op += lit;
    if (ip === block.length) return { matchStarts, offsets, lastLiterals: lit };
    offsets.push(block[ip]! | (block[ip + 1]! << 8));
    ip += 2;
    let len = (token & 15) + 4;
    if ((token & 15) === 15) for (let b = 255; b === 255; len += b) b = block[ip++]!;
    matchStarts.push(op);
    op += len;
  }
}

const structured = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }).map((b) => b.map((x) => x % 3)),
  fc
    .array(fc.constantFrom("ab", "abc", "abcd", "x", "value ", "\u0000", "0123456789abcdef"), {
      maxLength: 600,
    })
    .map((parts) => new TextEncoder().encode(parts.join(""))),
  fc
    .tuple(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 40 }), fc.nat())
    .map(([n, period, seed]) => {
      const unit = noise(period, seed + 1);
      return Uint8Array.from({ length: n }, (_, i) => unit[i % period]!);
    }),
);

describe("BlockCompressor", () => {
  test("compressBound is the reference LZ4_COMPRESSBOUND", () => {
    expect([0, 1, 254, 255, 65536].map(compressBound)).toEqual([
      16,
      17,
      270,
      272,
      65536 + 257 + 16,
    ]);
  });

  test("its blocks decode back, keep the end rules and fit the bound, whatever came before", () => {
    const warm = new BlockCompressor();
    fc.assert(
      fc.property(structured, fc.nat(7), (src, pad) => {
        const fresh = compressed(new BlockCompressor(), src);
        // Placed anywhere in a larger buffer, after other blocks: the same bytes.
        const placed = new Uint8Array(pad + src.length + 3);
        placed.set(src, pad);
        expect(compressed(warm, placed, pad, pad + src.length)).toEqual(fresh);
        expect(fresh.length).toBeLessThanOrEqual(compressBound(src.length));
        const out = new Uint8Array(src.length);
        expect(decodeBlock(fresh, 0, fresh.length, out, 0, 0, src.length)).toBe(src.length);
        expect(out).toEqual(src);
        // The last 5 bytes are literals; no match starts in the last 12.
        const { matchStarts, lastLiterals } = layout(fresh);
        expect(lastLiterals).toBeGreaterThanOrEqual(Math.min(5, src.length));
        for (const at of matchStarts) expect(at).toBeLessThan(src.length - 12);
      }),
      { numRuns: 400, seed: 3 },
    );
  });

  test("a match reaches back 65,535 bytes, the most an offset can say, and no further", () => {
    // Only a caller's block over 64 KiB can hold such a match: a pattern, zeros, the pattern again.
    const withGap = (gap: number) =>
      concat(
        Uint8Array.of(0x11, 0x22, 0x33, 0x44),
        new Uint8Array(gap - 4),
        Uint8Array.of(0x11, 0x22, 0x33, 0x44),
        noise(20, 9),
      );
    for (const gap of [65535, 65536]) {
      const src = withGap(gap);
      const block = compressed(new BlockCompressor(), src);
      const out = new Uint8Array(src.length);
      expect(decodeBlock(block, 0, block.length, out, 0, 0, src.length)).toBe(src.length);
      expect(Buffer.from(out).equals(src)).toBe(true);
      expect(layout(block).offsets.includes(65535)).toBe(gap === 65535);
    }
  });

  test("after 2 GiB of input its position counter wraps without changing a byte", () => {
    const src = new TextEncoder().encode("attribute value, another value; ".repeat(40));
    const expected = compressed(new BlockCompressor(), src);
    const worn = new BlockCompressor();
    // 2 GiB of compression takes minutes: the counter is set where that would leave it.
    (worn as unknown as { used: number }).used = 0x7fffffff - 300;
    expect(compressed(worn, src)).toEqual(expected);
    expect(compressed(worn, src)).toEqual(expected);
  });
});

describe("decodeBlock", () => {
  const block = Uint8Array.from([
    ...sequence([1, 2, 3], { offset: 5, length: 4 }),
    ...sequence([9, 9, 9, 9, 9]),
  ]);

  test("a match may reach back to the window start and no further", () => {
    const dst = new Uint8Array(32);
    dst.set([7, 7], 10);
    // Output from 12, window from 10: the match reaches 5 back from 15, to 10.
    expect(decodeBlock(block, 0, block.length, dst, 12, 10, 32)).toBe(24);
    expect([...dst.subarray(10, 24)]).toEqual([7, 7, 1, 2, 3, 7, 7, 1, 2, 9, 9, 9, 9, 9]);
    expect(decodeBlock(block, 0, block.length, new Uint8Array(32), 12, 11, 32)).toBe(-1);
    // Measuring (no output buffer) checks the same.
    expect(decodeBlock(block, 0, block.length, undefined, 2, 0, 32)).toBe(14);
    expect(decodeBlock(block, 0, block.length, undefined, 1, 0, 32)).toBe(-1);
  });

  test("an empty block is malformed", () => {
    expect(decodeBlock(Uint8Array.of(0, 0), 1, 1, undefined, 0, 0, 100)).toBe(-1);
  });
});
