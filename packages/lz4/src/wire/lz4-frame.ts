/**
 * A structural walker for the LZ4 frame format (lz4_Frame_format.md v1.6.x):
 * it reads frame descriptors and block headers, never block contents, so
 * sizes are known and checked before anything is decompressed.
 *
 * | bytes | field                                                      |
 * |-------|------------------------------------------------------------|
 * | 4     | magic 0x184D2204 (04 22 4D 18)                             |
 * | 1     | FLG: version(7-6)=01, B.Indep(5), B.Checksum(4), C.Size(3), C.Checksum(2), reserved(1)=0, DictID(0) |
 * | 1     | BD: reserved(7)=0, block max size(6-4) 4..7, reserved(3-0)=0 |
 * | 0/8   | content size (u64 LE) when C.Size                          |
 * | 0/4   | dictionary id when DictID                                  |
 * | 1     | HC: header checksum (checked by the decompressor)          |
 * | ...   | blocks: u32 LE size (bit 31 = stored uncompressed), data, [u32 checksum] |
 * | 4     | end mark 00000000                                          |
 * | 0/4   | content checksum when C.Checksum                           |
 *
 * Skippable frames: magic 0x184D2A50..0x184D2A5F, u32 LE size, data.
 */
import { EnvelopeError } from "@envelope/core";

const LZ4_MAGIC = 0x184d2204;
const BLOCK_MAX: Readonly<Record<number, number>> = { 4: 65536, 5: 262144, 6: 1048576, 7: 4194304 };

/** One LZ4 frame found in the input. */
export interface Lz4FrameSpan {
  /** Where the frame starts and ends (exclusive) in the input. */
  readonly start: number;
  readonly end: number;
  /** Upper bound of its decompressed size (exact when the content size is declared). */
  readonly maxOutput: number;
  /** The declared content size, when the frame has one. */
  readonly contentSize: number | undefined;
}

/** What {@link scanLz4} found. */
export interface Lz4Scan {
  readonly frames: Lz4FrameSpan[];
  /** Sum of the frames' upper bounds. */
  readonly maxOutput: number;
}

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

function invalid(message: string, offset: number): never {
  throw new EnvelopeError("invalid_lz4", message, { offset });
}

/**
 * Walks every frame in `bytes` (concatenated frames and skippable frames
 * included) and checks the structure and the declared sizes against
 * `maxSize` before any decompression: the declared content size when there
 * is one, else an upper bound from the block headers. `base` is added to offsets in errors.
 */
export function scanLz4(bytes: Uint8Array, maxSize: number, base = 0): Lz4Scan {
  const frames: Lz4FrameSpan[] = [];
  let total = 0;
  let p = 0;
  const n = bytes.length;
  if (n === 0) invalid("empty input is not an LZ4 frame", base);
  while (p < n) {
    if (n - p < 4) invalid(`${n - p} trailing bytes after the last LZ4 frame`, base + p);
    const magic = u32(bytes, p);
    if (magic >= 0x184d2a50 && magic <= 0x184d2a5f) {
      if (n - p < 8) invalid("skippable frame header is truncated", base + p);
      const size = u32(bytes, p + 4);
      if (size > n - p - 8) invalid(`skippable frame of ${size} bytes runs past the end`, base + p);
      p += 8 + size;
      continue;
    }
    if (magic !== LZ4_MAGIC) {
      invalid(
        frames.length === 0
          ? "not an LZ4 frame (bad magic)"
          : "trailing bytes after the last LZ4 frame",
        base + p,
      );
    }
    const frame = scanFrame(bytes, p, maxSize - total, base);
    total += frame.maxOutput;
    frames.push(frame);
    p = frame.end;
  }
  if (frames.length === 0) invalid("input holds only skippable frames, no LZ4 frame", base);
  return { frames, maxOutput: total };
}

function scanFrame(bytes: Uint8Array, start: number, budget: number, base: number): Lz4FrameSpan {
  const n = bytes.length;
  let p = start + 4;
  if (n - p < 3) invalid("LZ4 frame descriptor is truncated", base + p);
  const flg = bytes[p]!;
  const bd = bytes[p + 1]!;
  if (flg >> 6 !== 1) invalid(`LZ4 frame version ${flg >> 6} is not supported`, base + p);
  if ((flg & 0x02) !== 0) invalid("LZ4 frame descriptor has a reserved FLG bit set", base + p);
  if ((bd & 0x8f) !== 0) invalid("LZ4 frame descriptor has a reserved BD bit set", base + p + 1);
  const blockMax = BLOCK_MAX[(bd >> 4) & 7];
  if (blockMax === undefined)
    invalid(`LZ4 block maximum size code ${(bd >> 4) & 7} is invalid`, base + p + 1);
  const blockChecksum = (flg & 0x10) !== 0;
  const hasContentSize = (flg & 0x08) !== 0;
  const contentChecksum = (flg & 0x04) !== 0;
  const hasDict = (flg & 0x01) !== 0;
  const descriptorLength = 2 + (hasContentSize ? 8 : 0) + (hasDict ? 4 : 0) + 1;
  if (n - p < descriptorLength) invalid("LZ4 frame descriptor is truncated", base + p);
  if (hasDict) invalid("LZ4 frames with a dictionary id are not supported", base + p);
  let contentSize: number | undefined;
  if (hasContentSize) {
    const lo = u32(bytes, p + 2);
    const hi = u32(bytes, p + 6);
    const size = hi * 4294967296 + lo;
    if (size > budget) {
      throw new EnvelopeError(
        "too_large",
        `LZ4 frame declares ${hi > 0x1fffff ? "more than 2^53" : size} bytes of content, over the limit of ${budget}`,
        { offset: base + p + 2 },
      );
    }
    contentSize = size;
  }
  p += descriptorLength;
  let bound = 0;
  for (;;) {
    if (n - p < 4) invalid("LZ4 frame is truncated: no end mark", base + p);
    const word = u32(bytes, p);
    p += 4;
    if (word === 0) break; // end mark
    const stored = (word & 0x80000000) !== 0;
    const size = word & 0x7fffffff;
    if (size > blockMax)
      invalid(
        `LZ4 block of ${size} bytes is over the frame's block maximum ${blockMax}`,
        base + p - 4,
      );
    const need = size + (blockChecksum ? 4 : 0);
    if (n - p < need) invalid("LZ4 block is truncated", base + p - 4);
    p += need;
    // A compressed block expands at most to its block maximum, and at most
    // about 255 output bytes per input byte (one match-length byte adds 255).
    bound += stored ? size : Math.min(blockMax, size * 255 + 32);
    if (contentSize === undefined && bound > budget) {
      throw new EnvelopeError(
        "too_large",
        `LZ4 blocks may expand to more than the limit of ${budget} bytes`,
        { offset: base + p - need - 4 },
      );
    }
  }
  if (contentChecksum) {
    if (n - p < 4) invalid("LZ4 frame is truncated: no content checksum", base + p);
    p += 4;
  }
  const maxOutput = contentSize ?? bound;
  return { start, end: p, maxOutput: Math.min(maxOutput, bound), contentSize };
}
