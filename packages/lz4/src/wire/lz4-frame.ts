/**
 * The LZ4 frame format (lz4_Frame_format.md v1.6.x), read without
 * decompressing: frame descriptors, block headers and the sequence headers
 * inside compressed blocks. This first pass learns the exact decompressed
 * size and checks every size and offset, so nothing is allocated for data
 * that will be refused, and a bomb costs only the time to read it.
 *
 * | bytes | field                                                      |
 * |-------|------------------------------------------------------------|
 * | 4     | magic 0x184D2204 (04 22 4D 18)                             |
 * | 1     | FLG: version(7-6)=01, B.Indep(5), B.Checksum(4), C.Size(3), C.Checksum(2), reserved(1)=0, DictID(0) |
 * | 1     | BD: reserved(7)=0, block max size(6-4) 4..7, reserved(3-0)=0 |
 * | 0/8   | content size (u64 LE) when C.Size                          |
 * | 0/4   | dictionary id when DictID                                  |
 * | 1     | HC: header checksum, (xxh32(FLG..) >> 8) & 0xff            |
 * | ...   | blocks: u32 LE size (bit 31 = stored uncompressed), data, [u32 checksum] |
 * | 4     | end mark 00000000                                          |
 * | 0/4   | content checksum when C.Checksum                           |
 *
 * Skippable frames: magic 0x184D2A50..0x184D2A5F, u32 LE size, data.
 */
import { EnvelopeError } from "@envelope/core";
import { decodeBlock } from "../js/block.js";
import { xxh32 } from "../js/xxh32.js";

const LZ4_MAGIC = 0x184d2204;
/**
 * Compressed blocks of at least this many bytes go to the native decoder when
 * there is one: below it, the cost of the call outweighs the faster decoding.
 * The first pass records their exact output sizes, for the native decoder's
 * size prefix.
 */
export const NATIVE_MIN_BLOCK = 1024;
const BLOCK_MAX: Readonly<Record<number, number>> = { 4: 65536, 5: 262144, 6: 1048576, 7: 4194304 };

/** One LZ4 frame found in the input. */
export interface Lz4FrameSpan {
  /** Where the frame starts and ends (exclusive) in the input. */
  readonly start: number;
  readonly end: number;
  /** Its exact decompressed size, read from the block and sequence headers. */
  readonly outputSize: number;
  /** The declared content size, when the frame has one (equal to `outputSize`). */
  readonly contentSize: number | undefined;
}

/** What {@link scanLz4} found. */
export interface Lz4Scan {
  readonly frames: Lz4FrameSpan[];
  /** The exact decompressed size of the whole input. */
  readonly outputSize: number;
}

/** A frame descriptor, as the decoder needs it. */
export interface FrameHeader {
  readonly independent: boolean;
  readonly blockChecksum: boolean;
  readonly contentChecksum: boolean;
  readonly blockMax: number;
  readonly contentSize: number | undefined;
  /** Where the first block header starts. */
  readonly blocks: number;
}

/**
 * The most output the caller accepts, and what to call it in an error
 * ("the limit of 64 MiB", or the size a frame prefix declared).
 */
export interface OutputCap {
  readonly bytes: number;
  readonly what: string;
}

export function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

function invalid(message: string, offset: number): never {
  throw new EnvelopeError("invalid_lz4", message, { offset });
}

function isSkippable(magic: number): boolean {
  return magic >= 0x184d2a50 && magic <= 0x184d2a5f;
}

/**
 * Walks the frames of `bytes`: skippable frames are stepped over, and
 * `visit` is called with the start of every LZ4 frame and returns its end.
 * Input that is empty, holds no LZ4 frame, or ends in bytes that are not a
 * frame is refused.
 */
export function forEachFrame(
  bytes: Uint8Array,
  base: number,
  visit: (start: number) => number,
): void {
  const n = bytes.length;
  let p = 0;
  let found = false;
  if (n === 0) invalid("empty input is not an LZ4 frame", base);
  while (p < n) {
    if (n - p < 4) invalid(`${n - p} trailing bytes after the last LZ4 frame`, base + p);
    const magic = u32(bytes, p);
    if (isSkippable(magic)) {
      if (n - p < 8) invalid("skippable frame header is truncated", base + p);
      const size = u32(bytes, p + 4);
      if (size > n - p - 8) invalid(`skippable frame of ${size} bytes runs past the end`, base + p);
      p += 8 + size;
      continue;
    }
    if (magic !== LZ4_MAGIC) {
      invalid(
        found ? "trailing bytes after the last LZ4 frame" : "not an LZ4 frame (bad magic)",
        base + p,
      );
    }
    p = visit(p);
    found = true;
  }
  if (!found) invalid("input holds only skippable frames, no LZ4 frame", base);
}

/**
 * Reads and checks the descriptor of the frame at `start`: version, reserved
 * bits, block maximum, header checksum, and the declared content size
 * against `room` (the output still allowed).
 */
export function readFrameHeader(
  bytes: Uint8Array,
  start: number,
  room: number,
  cap: OutputCap,
  base: number,
): FrameHeader {
  const n = bytes.length;
  const p = start + 4;
  if (n - p < 3) invalid("LZ4 frame descriptor is truncated", base + p);
  const flg = bytes[p]!;
  const bd = bytes[p + 1]!;
  if (flg >> 6 !== 1) invalid(`LZ4 frame version ${flg >> 6} is not supported`, base + p);
  if ((flg & 0x02) !== 0) invalid("LZ4 frame descriptor has a reserved FLG bit set", base + p);
  if ((bd & 0x8f) !== 0) invalid("LZ4 frame descriptor has a reserved BD bit set", base + p + 1);
  const blockMax = BLOCK_MAX[(bd >> 4) & 7];
  if (blockMax === undefined)
    invalid(`LZ4 block maximum size code ${(bd >> 4) & 7} is invalid`, base + p + 1);
  const hasContentSize = (flg & 0x08) !== 0;
  const hasDict = (flg & 0x01) !== 0;
  const descriptorLength = 2 + (hasContentSize ? 8 : 0) + (hasDict ? 4 : 0);
  if (n - p < descriptorLength + 1) invalid("LZ4 frame descriptor is truncated", base + p);
  if (hasDict) invalid("LZ4 frames with a dictionary id are not supported", base + p);
  if (((xxh32(bytes, p, p + descriptorLength) >>> 8) & 0xff) !== bytes[p + descriptorLength]) {
    invalid("LZ4 frame header checksum does not match", base + p + descriptorLength);
  }
  let contentSize: number | undefined;
  if (hasContentSize) {
    const lo = u32(bytes, p + 2);
    const hi = u32(bytes, p + 6);
    const size = hi * 4294967296 + lo;
    if (size > room) {
      throw new EnvelopeError(
        "too_large",
        `LZ4 frame declares ${hi > 0x1fffff ? "more than 2^53" : size} bytes of content, over ${cap.what}`,
        { offset: base + p + 2 },
      );
    }
    contentSize = size;
  }
  return {
    independent: (flg & 0x20) !== 0,
    blockChecksum: (flg & 0x10) !== 0,
    contentChecksum: (flg & 0x04) !== 0,
    blockMax,
    contentSize,
    blocks: p + descriptorLength + 1,
  };
}

/**
 * Checks the frame at `start` without decompressing it and returns its end
 * and exact decompressed size. Output past `room` is refused with
 * `too_large` as soon as a sequence header shows it, so the time spent is at
 * most the time to read the input. The output sizes of compressed blocks of
 * at least {@link NATIVE_MIN_BLOCK} bytes are appended to `sizes`.
 */
export function measureFrame(
  bytes: Uint8Array,
  start: number,
  room: number,
  cap: OutputCap,
  base: number,
  sizes?: number[],
): { end: number; outputSize: number; contentSize: number | undefined } {
  const n = bytes.length;
  const header = readFrameHeader(bytes, start, room, cap, base);
  const { blockMax, contentSize } = header;
  const trailer = header.blockChecksum ? 4 : 0;
  // Output past the declared content size is refused as soon as it is seen.
  const allowed = contentSize ?? room;
  let p = header.blocks;
  let out = 0;
  for (;;) {
    if (n - p < 4) invalid("LZ4 frame is truncated: no end mark", base + p);
    const word = u32(bytes, p);
    if (word === 0) break; // end mark
    const size = word & 0x7fffffff;
    if (size > blockMax)
      invalid(`LZ4 block of ${size} bytes is over the frame's block maximum ${blockMax}`, base + p);
    if (n - p - 4 < size + trailer) invalid("LZ4 block is truncated", base + p);
    // Checked before the block is read, so damage shows as what it is.
    if (trailer !== 0 && xxh32(bytes, p + 4, p + 4 + size) !== u32(bytes, p + 4 + size)) {
      invalid("LZ4 block checksum does not match", base + p);
    }
    let produced: number;
    if ((word & 0x80000000) !== 0) {
      produced = size;
    } else {
      // Measured from the frame's output so far, which linked blocks may reach.
      const history = header.independent ? 0 : out;
      const end = decodeBlock(
        bytes,
        p + 4,
        p + 4 + size,
        undefined,
        history,
        0,
        history + Math.min(blockMax, allowed - out),
      );
      if (end < 0) invalid("LZ4 data is corrupt (bad block)", base + p);
      produced = end - history;
      if (produced > blockMax)
        invalid(`LZ4 block decompresses to more than the block maximum ${blockMax}`, base + p);
      if (sizes !== undefined && size >= NATIVE_MIN_BLOCK) sizes.push(produced);
    }
    out += produced;
    if (out > allowed) {
      // A frame that outgrows its own declared size contradicts itself.
      if (contentSize !== undefined) {
        invalid(`LZ4 frame declares ${contentSize} bytes of content but holds more`, base + start);
      }
      throw new EnvelopeError("too_large", `LZ4 data decompresses to more than ${cap.what}`, {
        offset: base + p,
      });
    }
    p += 4 + size + trailer;
  }
  p += 4;
  if (contentSize !== undefined && out !== contentSize) {
    invalid(`LZ4 frame declares ${contentSize} bytes of content but holds ${out}`, base + start);
  }
  if (header.contentChecksum) {
    if (n - p < 4) invalid("LZ4 frame is truncated: no content checksum", base + p);
    p += 4;
  }
  return { end: p, outputSize: out, contentSize };
}

/**
 * Walks every frame in `bytes` (concatenated frames and skippable frames
 * included) and checks its structure, header and block checksums, block and
 * sequence headers, and sizes against `maxSize`, without decompressing or allocating
 * output. Throws `too_large` for output over `maxSize`, `invalid_lz4` for a
 * malformed input. `base` is added to offsets in errors.
 */
export function scanLz4(bytes: Uint8Array, maxSize: number, base = 0): Lz4Scan {
  const cap = { bytes: maxSize, what: `the limit of ${maxSize} bytes` };
  const frames: Lz4FrameSpan[] = [];
  let total = 0;
  forEachFrame(bytes, base, (start) => {
    const frame = measureFrame(bytes, start, maxSize - total, cap, base);
    frames.push({ start, ...frame });
    total += frame.outputSize;
    return frame.end;
  });
  return { frames, outputSize: total };
}
