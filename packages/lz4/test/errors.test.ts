/**
 * Hostile and malformed LZ4 input: every refusal pinned to its code, byte
 * offset and detail, for both engines, with and without the offset option
 * (where the LZ4 body sits in a larger input).
 */
import { isEnvelopeError } from "@envelope/core";
import { compress, decompress, scanLz4 } from "@envelope/lz4";
import { decompress as jsDecompress } from "@envelope/lz4/js";
import { describe, expect, test } from "vitest";
import { bombBlock, concat, lz4Frame, noise, sequence } from "../../../test/support/lz4-frames.mjs";

function failure(run: () => unknown): { code: string; offset: number | undefined; detail: string } {
  try {
    run();
  } catch (error) {
    if (!isEnvelopeError(error)) throw error;
    return { code: error.code, offset: error.offset, detail: error.detail };
  }
  throw new Error("expected an EnvelopeError");
}

const bytes = (...parts: (ArrayLike<number> | number[])[]) => concat(...parts);
const text = new TextEncoder().encode("telemetry envelope ".repeat(5000));
const frame = compress(text);
const F = frame.length;
const magic = [0x04, 0x22, 0x4d, 0x18];
const blockOf = (...parts: number[][]) => Uint8Array.from(parts.flat());
/** A stored block of 600 bytes, then a block whose one match makes 1,500 bytes and ends the block. */
const pastLimitThenMalformed = lz4Frame([
  { stored: noise(600, 2) },
  blockOf(sequence([120], { offset: 1, length: 1500 })),
]);

const ENGINES = [
  ["the platform engine", decompress],
  ["the JavaScript engine", jsDecompress],
] as const;

describe.each(ENGINES)("%s", (_engine, decode) => {
  const invalid: [string, Uint8Array, number, string][] = [
    ["empty input", new Uint8Array(0), 0, "empty input is not an LZ4 frame"],
    [
      "three bytes after a frame",
      bytes(frame, [1, 2, 3]),
      F,
      "3 trailing bytes after the last LZ4 frame",
    ],
    [
      "a bad magic after two frames",
      bytes(frame, frame, [1, 2, 3, 4, 5]),
      2 * F,
      "trailing bytes after the last LZ4 frame",
    ],
    ["text", new TextEncoder().encode("hello world"), 0, "not an LZ4 frame (bad magic)"],
    [
      "the magic just below the skippable range",
      Uint8Array.of(0x4f, 0x2a, 0x4d, 0x18, 0, 0, 0, 0),
      0,
      "not an LZ4 frame (bad magic)",
    ],
    [
      "the magic just above the skippable range",
      Uint8Array.of(0x60, 0x2a, 0x4d, 0x18, 0, 0, 0, 0),
      0,
      "not an LZ4 frame (bad magic)",
    ],
    [
      "a truncated skippable frame header after a frame",
      bytes(frame, [0x50, 0x2a, 0x4d, 0x18, 1]),
      F,
      "skippable frame header is truncated",
    ],
    [
      "a skippable frame after a frame that runs one byte past the end",
      bytes(frame, [0x5f, 0x2a, 0x4d, 0x18, 2, 0, 0, 0, 1]),
      F,
      "skippable frame of 2 bytes runs past the end",
    ],
    [
      "skippable frames only",
      Uint8Array.of(0x50, 0x2a, 0x4d, 0x18, 0, 0, 0, 0),
      0,
      "input holds only skippable frames, no LZ4 frame",
    ],
    [
      "a magic alone after a frame",
      bytes(frame, magic),
      F + 4,
      "LZ4 frame descriptor is truncated",
    ],
    [
      "version 00",
      bytes(magic, [frame[4]! & 0x3f], frame.subarray(5)),
      4,
      "LZ4 frame version 0 is not supported",
    ],
    [
      "version 11",
      bytes(magic, [frame[4]! | 0xc0], frame.subarray(5)),
      4,
      "LZ4 frame version 3 is not supported",
    ],
    [
      "a reserved FLG bit",
      bytes(magic, [frame[4]! | 0x02], frame.subarray(5)),
      4,
      "LZ4 frame descriptor has a reserved FLG bit set",
    ],
    [
      "the high reserved BD bit",
      bytes(magic, [frame[4]!, 0xc0], frame.subarray(6)),
      5,
      "LZ4 frame descriptor has a reserved BD bit set",
    ],
    [
      "a low reserved BD bit",
      bytes(magic, [frame[4]!, 0x41], frame.subarray(6)),
      5,
      "LZ4 frame descriptor has a reserved BD bit set",
    ],
    [
      "block maximum code 3",
      bytes(magic, [frame[4]!, 0x30], frame.subarray(6)),
      5,
      "LZ4 block maximum size code 3 is invalid",
    ],
    [
      "a content size without its header checksum",
      bytes(magic, [0x68, 0x40, 5, 0, 0, 0, 0, 0, 0, 0]),
      4,
      "LZ4 frame descriptor is truncated",
    ],
    [
      "a dictionary id flag with no room for the id",
      bytes(magic, [0x61, 0x40, 0]),
      4,
      "LZ4 frame descriptor is truncated",
    ],
    [
      "a dictionary id",
      bytes(magic, [0x61, 0x40, 1, 2, 3, 4, 0], [0, 0, 0, 0]),
      4,
      "LZ4 frames with a dictionary id are not supported",
    ],
    [
      "a header checksum that does not match",
      bytes(frame.subarray(0, 6), [frame[6]! ^ 1], frame.subarray(7)),
      6,
      "LZ4 frame header checksum does not match",
    ],
    [
      "a header checksum after a content size that does not match",
      (() => {
        const f = lz4Frame([], { contentSize: 0 });
        f[14]! ^= 1;
        return f;
      })(),
      14,
      "LZ4 frame header checksum does not match",
    ],
    ["no end mark", frame.subarray(0, F - 4), F - 4, "LZ4 frame is truncated: no end mark"],
    [
      "a block size over the block maximum",
      bytes(frame.subarray(0, 7), [1, 0, 1, 0]),
      7,
      "LZ4 block of 65537 bytes is over the frame's block maximum 65536",
    ],
    ["a frame cut inside a block", frame.subarray(0, 40), 7, "LZ4 block is truncated"],
    [
      "a frame cut inside a block checksum",
      lz4Frame([{ stored: noise(100, 1) }], { blockChecksums: true }).subarray(0, 7 + 4 + 100 + 2),
      7,
      "LZ4 block is truncated",
    ],
    [
      "a match at offset 0",
      lz4Frame([blockOf(sequence([1], { offset: 0, length: 4 }), sequence([1, 2, 3, 4, 5]))]),
      7,
      "LZ4 data is corrupt (bad block)",
    ],
    [
      "a literal length whose extension bytes are missing",
      lz4Frame([Uint8Array.of(0xf0)]),
      7,
      "LZ4 data is corrupt (bad block)",
    ],
    [
      // Read past the block, the next block's size (255) would extend the match past the limit.
      "a match length whose extension bytes are missing",
      lz4Frame([blockOf([0x1f, 120, 1, 0]), { stored: noise(255, 3) }]),
      7,
      "LZ4 data is corrupt (bad block)",
    ],
    [
      // Read past the block, the end mark would make the offset 1.
      "a match offset cut after its first byte",
      lz4Frame([blockOf([0x10, 120, 1])]),
      7,
      "LZ4 data is corrupt (bad block)",
    ],
    [
      "a block that decompresses past the block maximum and then ends in a match",
      lz4Frame([blockOf(sequence([120], { offset: 1, length: 70_000 }))]),
      7,
      "LZ4 block decompresses to more than the block maximum 65536",
    ],
    [
      "a content size larger than the blocks hold, in a second frame",
      bytes(frame, lz4Frame([bombBlock(65536)], { contentSize: 65537 })),
      F,
      "LZ4 frame declares 65537 bytes of content but holds 65536",
    ],
    [
      "a content size smaller than the blocks hold, in a second frame",
      bytes(frame, lz4Frame([bombBlock(65536)], { contentSize: 65535 })),
      F,
      "LZ4 frame declares 65535 bytes of content but holds more",
    ],
    [
      "a content checksum flag and no content checksum",
      lz4Frame([{ stored: Uint8Array.of(1, 2, 3) }], { content: Uint8Array.of(1, 2, 3) }).subarray(
        0,
        7 + 4 + 3 + 4,
      ),
      7 + 4 + 3 + 4,
      "LZ4 frame is truncated: no content checksum",
    ],
  ];

  test.each(
    invalid,
  )("%s: invalid_lz4 at its byte, with what is wrong", (_name, input, offset, detail) => {
    expect(failure(() => decode(input))).toEqual({ code: "invalid_lz4", offset, detail });
    expect(failure(() => decode(input, { offset: 1000 }))).toEqual({
      code: "invalid_lz4",
      offset: offset + 1000,
      detail,
    });
  });

  test("block and content checksums that do not match, in a second frame", () => {
    const content = noise(1000, 9);
    const withSums = lz4Frame([{ stored: content }], { blockChecksums: true, content });
    const badContent = Uint8Array.from(withSums);
    badContent[badContent.length - 1]! ^= 0xff;
    expect(failure(() => decode(bytes(frame, badContent), { offset: 10 }))).toEqual({
      code: "invalid_lz4",
      offset: 10 + F + withSums.length - 4,
      detail: "LZ4 content checksum does not match",
    });
    const badBlock = Uint8Array.from(withSums);
    badBlock[7 + 4 + 1000]! ^= 0xff;
    expect(failure(() => decode(bytes(frame, badBlock), { offset: 10 }))).toEqual({
      code: "invalid_lz4",
      offset: 10 + F + 7,
      detail: "LZ4 block checksum does not match",
    });
  });

  test("a block whose match passes the limit is refused as too large before its end is read", () => {
    expect(failure(() => decode(pastLimitThenMalformed, { maxSize: 1000, offset: 5 }))).toEqual({
      code: "too_large",
      offset: 5 + 7 + 4 + 600,
      detail: "LZ4 data decompresses to more than the limit of 1000 bytes",
    });
    // Under no limit the same block is what it is: malformed.
    expect(failure(() => decode(pastLimitThenMalformed))).toEqual({
      code: "invalid_lz4",
      offset: 7 + 4 + 600,
      detail: "LZ4 data is corrupt (bad block)",
    });
  });

  test("a literal run that passes the limit, then a bad match, is too large", () => {
    const block = blockOf(
      sequence([...noise(200, 4)], { offset: 0, length: 4 }),
      sequence([1, 2, 3, 4, 5]),
    );
    expect(failure(() => decode(lz4Frame([block]), { maxSize: 100 }))).toEqual({
      code: "too_large",
      offset: 7,
      detail: "LZ4 data decompresses to more than the limit of 100 bytes",
    });
  });

  test("a literal run that passes both its block's end and the limit is corrupt", () => {
    const block = Uint8Array.of(0xf0, 200, 1, 2);
    expect(failure(() => decode(lz4Frame([block]), { maxSize: 100 }))).toEqual({
      code: "invalid_lz4",
      offset: 7,
      detail: "LZ4 data is corrupt (bad block)",
    });
  });

  test("a match offset cut at its block's end is corrupt, even where the bytes after it would pass the limit", () => {
    expect(failure(() => decode(lz4Frame([blockOf([0x10, 120, 1])]), { maxSize: 3 }))).toEqual({
      code: "invalid_lz4",
      offset: 7,
      detail: "LZ4 data is corrupt (bad block)",
    });
  });

  test("a block that ends right after a match offset is too large when the match passes the limit", () => {
    expect(failure(() => decode(lz4Frame([blockOf([0x10, 120, 1, 0])]), { maxSize: 3 }))).toEqual({
      code: "too_large",
      offset: 7,
      detail: "LZ4 data decompresses to more than the limit of 3 bytes",
    });
  });

  test("a match length cut at its block's end is corrupt, even where the next block's size would extend it past the limit", () => {
    const input = lz4Frame([blockOf([0x1f, 120, 1, 0]), { stored: noise(255, 3) }]);
    expect(failure(() => decode(input, { maxSize: 100 }))).toEqual({
      code: "invalid_lz4",
      offset: 7,
      detail: "LZ4 data is corrupt (bad block)",
    });
  });

  test("a declared content size just under 2^53 is said in full; from 2^53 on it is not", () => {
    expect(failure(() => decode(lz4Frame([], { contentSize: 0x1fffff * 2 ** 32 })))).toEqual({
      code: "too_large",
      offset: 6,
      detail:
        "LZ4 frame declares 9007194959773696 bytes of content, over the limit of 67108864 bytes",
    });
    expect(failure(() => decode(lz4Frame([], { contentSize: 2 ** 53 }), { offset: 1 }))).toEqual({
      code: "too_large",
      offset: 7,
      detail:
        "LZ4 frame declares more than 2^53 bytes of content, over the limit of 67108864 bytes",
    });
  });

  test("an expected size over the limit is refused before the input is read", () => {
    expect(
      failure(() => decode(new Uint8Array(0), { maxSize: 10, expectedSize: 11, offset: 3 })),
    ).toEqual({
      code: "too_large",
      offset: 3,
      detail: "expected decompressed size 11 is over the limit of 10",
    });
    const ten = compress(noise(10, 1));
    expect(decode(ten, { maxSize: 10, expectedSize: 10 })).toEqual(noise(10, 1));
  });

  test("frames the format allows at the edges", () => {
    // The skippable magics at both ends of their range, and one with no data at the very end.
    const payload = compress(Uint8Array.of(7, 8, 9));
    const skip = (low: number, data: number[]) =>
      bytes([low, 0x2a, 0x4d, 0x18, data.length, 0, 0, 0], data);
    expect(decode(bytes(skip(0x50, [1]), payload, skip(0x5f, [2, 3]), skip(0x5a, [])))).toEqual(
      Uint8Array.of(7, 8, 9),
    );
    // A compressed block of one token and no literals holds nothing.
    expect(decode(lz4Frame([Uint8Array.of(0)]))).toEqual(new Uint8Array(0));
    // A match that ends exactly where the output ends, then an empty literal run.
    const run = lz4Frame([blockOf(sequence([120], { offset: 1, length: 100 }), sequence([]))]);
    expect(decode(run)).toEqual(new Uint8Array(101).fill(120));
  });
});

describe("scanLz4", () => {
  test("concatenated frames share one limit, said in the error", () => {
    const one = lz4Frame([bombBlock(40_000)]);
    expect(scanLz4(concat(one, one), 80_000).outputSize).toBe(80_000);
    expect(failure(() => scanLz4(concat(one, one), 79_999, 20))).toEqual({
      code: "too_large",
      offset: 20 + one.length + 7,
      detail: "LZ4 data decompresses to more than the limit of 79999 bytes",
    });
  });
});
