/**
 * The frame: a 24-byte prefix, the header section, the body section and an
 * optional content checksum (docs/spec.md, section "Frame").
 *
 * | offset | size | field                                   |
 * |--------|------|-----------------------------------------|
 * | 0      | 4    | magic 89 45 4E 56                       |
 * | 4      | 1    | version (1)                             |
 * | 5      | 1    | codec id                                |
 * | 6      | 1    | compression id                          |
 * | 7      | 1    | flags (bit 0: content checksum)         |
 * | 8      | 4    | header length (u32 LE)                  |
 * | 12     | 4    | body length, as stored (u32 LE)         |
 * | 16     | 4    | body raw length, decompressed (u32 LE)  |
 * | 20     | 4    | CRC-32C of bytes 0..19 (u32 LE)         |
 */
import { EnvelopeError, type ErrorCode } from "../errors.js";
import type { Limits } from "../limits.js";
import type { CodecName, CompressionName } from "../model.js";
import { crc32c } from "./crc32c.js";

/** `0x89 'E' 'N' 'V'`. */
export const FRAME_MAGIC: readonly number[] = Object.freeze([0x89, 0x45, 0x4e, 0x56]);
/** The frame version this SDK writes and reads. */
export const FRAME_VERSION = 1;
/** Size of the fixed prefix. */
export const FRAME_PREFIX_SIZE = 24;
/** Flag bit: a CRC-32C of the header and body sections follows the body. */
export const FLAG_CONTENT_CHECKSUM = 0x01;
const KNOWN_FLAGS = FLAG_CONTENT_CHECKSUM;
const BAD_MAGIC = "input does not start with the frame magic 89 45 4e 56";

const CODEC_BY_ID: ReadonlyArray<CodecName | undefined> = [undefined, "protobuf", "json", "cbor"];
const COMPRESSION_BY_ID: ReadonlyArray<CompressionName | undefined> = ["none", "lz4"];

/** Numeric compression ids as written in the frame. */
export const COMPRESSION_IDS: Readonly<Record<CompressionName, number>> = Object.freeze({
  none: 0,
  lz4: 1,
});

/** What the prefix of a frame says; offsets are absolute in the input. */
export interface FrameInfo {
  /** Where the frame starts in the input. */
  readonly offset: number;
  readonly version: number;
  readonly codec: CodecName;
  readonly compression: CompressionName;
  readonly flags: number;
  /** Whether a content checksum follows the body. */
  readonly checksum: boolean;
  readonly headerOffset: number;
  readonly headerLength: number;
  readonly bodyOffset: number;
  /** Stored (possibly compressed) body length. */
  readonly bodyLength: number;
  /** Body length after decompression. */
  readonly bodyRawLength: number;
  /** Total frame length, prefix and checksum included. */
  readonly frameLength: number;
}

/** True when `bytes` at `offset` starts with the frame magic (a cheap detection check). */
export function hasFrameMagic(bytes: Uint8Array, offset = 0): boolean {
  return (
    // Stryker disable next-line ConditionalExpression,ArithmeticOperator: equivalent, a read past the end is undefined and fails the byte checks; the check only says so early
    bytes.length - offset >= 4 &&
    bytes[offset] === 0x89 &&
    bytes[offset + 1] === 0x45 &&
    bytes[offset + 2] === 0x4e &&
    bytes[offset + 3] === 0x56
  );
}

function u32(bytes: Uint8Array, at: number): number {
  return (
    (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0
  );
}

function putU32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value & 0xff;
  bytes[at + 1] = (value >>> 8) & 0xff;
  bytes[at + 2] = (value >>> 16) & 0xff;
  bytes[at + 3] = (value >>> 24) & 0xff;
}

/**
 * Why a frame is rejected: what {@link readFramePrefix} or
 * {@link verifyContentChecksum} would throw, as plain data. A stream reader
 * meets many bad prefixes and makes an error only for the first of a bad run.
 */
export interface FrameFault {
  readonly code: ErrorCode;
  readonly detail: string;
  readonly offset: number;
}

/** The EnvelopeError for a fault. */
export function faultError(fault: FrameFault): EnvelopeError {
  return new EnvelopeError(fault.code, fault.detail, { offset: fault.offset });
}

/**
 * Reads and checks a frame prefix at `offset`, in the order the spec gives,
 * and checks that the whole frame is present and within the limits. Does not
 * look at the sections (see {@link verifyContentChecksum}).
 */
export function readFramePrefix(bytes: Uint8Array, offset: number, limits: Limits): FrameInfo {
  const frame = parseFramePrefix(bytes, offset, limits);
  if ("code" in frame) throw faultError(frame);
  const available = bytes.length - offset;
  if (frame.frameLength > available) {
    throw new EnvelopeError(
      "truncated",
      `frame needs ${frame.frameLength} bytes, only ${available} available`,
      { offset },
    );
  }
  return frame;
}

/**
 * Everything {@link readFramePrefix} checks except that the rest of the frame
 * is present, returning the fault instead of throwing it: a stream reader
 * decides what to do with a frame from its 24 prefix bytes alone, before the
 * rest has arrived (docs/spec.md, "Streams and resynchronisation").
 */
export function parseFramePrefix(
  bytes: Uint8Array,
  offset: number,
  limits: Limits,
): FrameInfo | FrameFault {
  const available = bytes.length - offset;
  if (available < FRAME_PREFIX_SIZE) {
    if (available >= 4 && !hasFrameMagic(bytes, offset)) {
      return { code: "bad_magic", detail: BAD_MAGIC, offset };
    }
    return {
      code: "truncated",
      detail: `frame prefix needs ${FRAME_PREFIX_SIZE} bytes, only ${available} available`,
      offset,
    };
  }
  if (!hasFrameMagic(bytes, offset)) return { code: "bad_magic", detail: BAD_MAGIC, offset };
  const version = bytes[offset + 4]!;
  if (version !== FRAME_VERSION) {
    return {
      code: "unsupported_version",
      detail: `frame version ${version} is not supported (this SDK reads 1)`,
      offset: offset + 4,
    };
  }
  const expectedCrc = u32(bytes, offset + 20);
  const actualCrc = crc32c(bytes, 0, offset, offset + 20);
  if (expectedCrc !== actualCrc) {
    return {
      code: "checksum_mismatch",
      detail: `frame prefix checksum is ${hex32(expectedCrc)}, computed ${hex32(actualCrc)}`,
      offset: offset + 20,
    };
  }
  const codecId = bytes[offset + 5]!;
  const compressionId = bytes[offset + 6]!;
  const flags = bytes[offset + 7]!;
  const headerLength = u32(bytes, offset + 8);
  const bodyLength = u32(bytes, offset + 12);
  const bodyRawLength = u32(bytes, offset + 16);
  if ((flags & ~KNOWN_FLAGS) !== 0) {
    return {
      code: "invalid_frame",
      detail: `reserved frame flag bits are set (flags 0x${flags.toString(16)})`,
      offset: offset + 7,
    };
  }
  if (compressionId === 0 && bodyRawLength !== bodyLength) {
    return {
      code: "invalid_frame",
      detail: `uncompressed body: raw length ${bodyRawLength} differs from body length ${bodyLength}`,
      offset: offset + 16,
    };
  }
  const codec = CODEC_BY_ID[codecId];
  if (codec === undefined) {
    return {
      code: "unsupported_codec",
      detail: `unknown codec id ${codecId}`,
      offset: offset + 5,
    };
  }
  const compression = COMPRESSION_BY_ID[compressionId];
  if (compression === undefined) {
    return {
      code: "unsupported_compression",
      detail: `unknown compression id ${compressionId}`,
      offset: offset + 6,
    };
  }
  const checksum = (flags & FLAG_CONTENT_CHECKSUM) !== 0;
  const frameLength = FRAME_PREFIX_SIZE + headerLength + bodyLength + (checksum ? 4 : 0);
  if (frameLength > limits.maxFrameSize) {
    return {
      code: "too_large",
      detail: `frame of ${frameLength} bytes is over the limit of ${limits.maxFrameSize}`,
      offset,
    };
  }
  if (bodyRawLength > limits.maxDecompressedSize) {
    return {
      code: "too_large",
      detail: `body of ${bodyRawLength} bytes after decompression is over the limit of ${limits.maxDecompressedSize}`,
      offset: offset + 16,
    };
  }
  return {
    offset,
    version,
    codec,
    compression,
    flags,
    checksum,
    headerOffset: offset + FRAME_PREFIX_SIZE,
    headerLength,
    bodyOffset: offset + FRAME_PREFIX_SIZE + headerLength,
    bodyLength,
    bodyRawLength,
    frameLength,
  };
}

/**
 * True when the 24 bytes at `at` are a frame **candidate**: the magic, and a
 * prefix checksum that matches bytes 0..19 (docs/spec.md, "Streams and
 * resynchronisation"). Random bytes pass both with probability 2^-64.
 */
export function isFrameCandidate(bytes: Uint8Array, at: number): boolean {
  return (
    at + FRAME_PREFIX_SIZE <= bytes.length &&
    hasFrameMagic(bytes, at) &&
    u32(bytes, at + 20) === crc32c(bytes, 0, at, at + 20)
  );
}

/**
 * Node's `Buffer.prototype.indexOf` (it works on any Uint8Array): a native
 * byte search, where V8's `Uint8Array.prototype.indexOf` compares element
 * by element; on a 1.9 KB encoder output the difference was about a tenth
 * of the encode (every framed encode searches its output, see
 * `createEncoder`). `undefined` outside Node.
 */
const nativeIndexOf = (
  globalThis as {
    Buffer?: { prototype: { indexOf?: (this: Uint8Array, value: number, from: number) => number } };
  }
).Buffer?.prototype.indexOf;

/**
 * The first candidate (see {@link isFrameCandidate}) starting in
 * `bytes[from, to)`, or -1. Each position is looked at once, and the prefix
 * checksum is computed only where the magic is.
 */
export function findFrameCandidate(bytes: Uint8Array, from = 0, to = bytes.length): number {
  const last = Math.min(to, bytes.length - FRAME_PREFIX_SIZE + 1);
  const indexOf = nativeIndexOf ?? Uint8Array.prototype.indexOf;
  // Stryker disable next-line EqualityOperator: equivalent, at i === last indexOf finds nothing before last and the loop returns -1
  for (let i = from; i < last; i++) {
    const j = indexOf.call(bytes, 0x89, i);
    if (j === -1 || j >= last) return -1;
    if (isFrameCandidate(bytes, j)) return j;
    i = j;
  }
  return -1;
}

/** Checks the content checksum of a frame that has one; throws `checksum_mismatch`. */
export function verifyContentChecksum(bytes: Uint8Array, frame: FrameInfo): void {
  const fault = checkContentChecksum(bytes, frame);
  if (fault !== undefined) throw faultError(fault);
}

/**
 * {@link verifyContentChecksum} returning the fault instead of throwing it.
 * `computed`, when given, is the CRC-32C of the sections, already known to
 * the caller (a stream reader computes it without reading them again).
 */
export function checkContentChecksum(
  bytes: Uint8Array,
  frame: FrameInfo,
  computed?: number,
): FrameFault | undefined {
  if (!frame.checksum) return undefined;
  const at = frame.bodyOffset + frame.bodyLength;
  const expected = u32(bytes, at);
  const actual = computed ?? crc32c(bytes, 0, frame.headerOffset, at);
  return expected === actual ? undefined : new ContentChecksumFault(expected, actual, at);
}

/** Its detail is formatted only when asked: a stream reader drops most faults. */
class ContentChecksumFault implements FrameFault {
  readonly code = "checksum_mismatch";
  constructor(
    private readonly expected: number,
    private readonly actual: number,
    readonly offset: number,
  ) {}

  get detail(): string {
    return `content checksum is ${hex32(this.expected)}, computed ${hex32(this.actual)}`;
  }
}

/** What {@link writeFrame} needs. */
export interface FrameParts {
  readonly codecId: number;
  readonly compression: CompressionName;
  readonly header: Uint8Array;
  /** The body section as stored (already compressed when `compression` is not `none`). */
  readonly body: Uint8Array;
  readonly bodyRawLength: number;
  readonly checksum?: boolean;
}

/** Assembles a frame into one exactly sized buffer. */
export function writeFrame(parts: FrameParts): Uint8Array {
  const checksum = parts.checksum === true;
  const total = FRAME_PREFIX_SIZE + parts.header.length + parts.body.length + (checksum ? 4 : 0);
  const out = new Uint8Array(total);
  out.set(parts.header, FRAME_PREFIX_SIZE);
  out.set(parts.body, FRAME_PREFIX_SIZE + parts.header.length);
  writeFramePrefix(
    out,
    parts.codecId,
    parts.compression,
    parts.header.length,
    parts.body.length,
    parts.bodyRawLength,
    checksum,
  );
  return out;
}

/**
 * Fills the 24-byte prefix (and the content checksum, when asked) of a frame
 * whose sections are already in place in `out` after the prefix; `out` must
 * have room for the checksum.
 */
export function writeFramePrefix(
  out: Uint8Array,
  codecId: number,
  compression: CompressionName,
  headerLength: number,
  bodyLength: number,
  bodyRawLength: number,
  checksum: boolean,
): void {
  out[0] = 0x89;
  out[1] = 0x45;
  out[2] = 0x4e;
  out[3] = 0x56;
  out[4] = FRAME_VERSION;
  out[5] = codecId;
  out[6] = COMPRESSION_IDS[compression];
  out[7] = checksum ? FLAG_CONTENT_CHECKSUM : 0;
  putU32(out, 8, headerLength);
  putU32(out, 12, bodyLength);
  putU32(out, 16, bodyRawLength);
  putU32(out, 20, crc32c(out, 0, 0, 20));
  if (checksum) {
    const end = FRAME_PREFIX_SIZE + headerLength + bodyLength;
    putU32(out, end, crc32c(out, 0, FRAME_PREFIX_SIZE, end));
  }
}

function hex32(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}
