/**
 * Decoding: framed (or raw) bytes -> envelope, and peek() for the header alone
 * (docs/spec.md, "Frame", "Limits", "Validation").
 */
import {
  assertValidEnvelope,
  assertValidHeader,
  type CheckOptions,
  type CodecName,
  type CompressionName,
  DecodeBudget,
  type Envelope,
  EnvelopeError,
  type FrameInfo,
  type Header,
  isEnvelopeError,
  type Limits,
  readFramePrefix,
  resolveLimits,
  verifyContentChecksum,
} from "@envelope/core";
import { compileCheck } from "./check.js";
import type { CodecSet } from "./codecs.js";

/** Attribute kinds, int64 range and depth are enforced by every codec while it reads. */
const CODEC_CHECKED = Object.freeze({ attributes: false });

/** Options for {@link decode}, {@link peek} and {@link createDecoder}. */
export interface DecodeOptions {
  /** The input starts with a frame. Default `true`; with `false`, `codec` is required. */
  readonly framed: boolean;
  /** For unframed input: the codec. */
  readonly codec: CodecName | undefined;
  /** For unframed input: the compression. Default `"none"`. */
  readonly compression: CompressionName;
  /** Limits, merged over `DEFAULT_LIMITS`. */
  readonly limits: Partial<Limits>;
  /** Validate the decoded envelope. Default `true`. */
  readonly validate: boolean;
  /** A check run on every decoded envelope (schema validation, defaults applied on read). */
  readonly check: CheckOptions | undefined;
}

/** What {@link peek} returns. */
export interface Peeked {
  /** The frame prefix: codec, compression, sizes, `frameLength` to skip to the next frame. */
  readonly frame: FrameInfo;
  /** The decoded, validated header. */
  readonly header: Header;
}

/** A decoder with its options parsed once. */
export interface Decoder {
  /**
   * Decodes exactly one envelope from `bytes`; throws `trailing_bytes` when
   * more follows. Nothing in the result refers to `bytes`, so the caller may
   * reuse its buffer. Byte values are copies; short ones (ids, up to 64 bytes)
   * read by the protobuf codec are views into a shared 8 KiB buffer, as
   * Node's Buffer pool hands out, so `slice()` one before transferring its
   * `ArrayBuffer`.
   */
  decode(bytes: Uint8Array): Envelope;
  /** Reads the header of the frame at `offset` without decompressing or decoding the body. */
  peek(bytes: Uint8Array, offset?: number): Peeked;
}

/**
 * Checks the input and returns it as a plain Uint8Array view, so every byte
 * value a codec slices out of it is a plain, copied Uint8Array even when the
 * caller passed a Node.js Buffer (whose `slice` neither copies nor returns a Uint8Array).
 */
function plainInput(bytes: unknown): Uint8Array {
  if (!(bytes instanceof Uint8Array)) {
    const got = bytes === null ? "null" : Array.isArray(bytes) ? "an array" : `a ${typeof bytes}`;
    throw new EnvelopeError(
      "invalid_argument",
      `input must be a Uint8Array (a Buffer is one), got ${got}${typeof bytes === "string" ? " (for JSON text, use fromJson(JSON.parse(text)))" : ""}`,
    );
  }
  return bytes.constructor === Uint8Array
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Creates a decoder over the codecs of `set`; options are resolved and checked once. */
export function createDecoderWith(set: CodecSet, options?: Partial<DecodeOptions>): Decoder {
  const limits = resolveLimits(options?.limits);
  const framed = options?.framed ?? true;
  const validate = options?.validate ?? true;
  const rawCompression = options?.compression ?? "none";
  const rawCodec = framed ? undefined : set.codec(requireCodec(options?.codec));
  const rawLz4 = !framed && rawCompression === "lz4" ? set.lz4() : undefined;
  const runCheck = compileCheck(options?.check);
  const finish = (envelope: Envelope): Envelope => {
    if (validate) assertValidEnvelope(envelope, limits, CODEC_CHECKED);
    return runCheck === undefined ? envelope : runCheck(envelope, "decode");
  };

  const decodeFramed = (bytes: Uint8Array): Envelope => {
    const frame = readFramePrefix(bytes, 0, limits);
    if (frame.frameLength !== bytes.length) {
      throw new EnvelopeError(
        "trailing_bytes",
        `${bytes.length - frame.frameLength} bytes follow the frame (use a stream decoder for several frames)`,
        { offset: frame.frameLength },
      );
    }
    verifyContentChecksum(bytes, frame);
    const codec = set.codec(frame.codec, 5);
    const budget = new DecodeBudget(limits);
    if (frame.compression === "none" && codec.decodeSections !== undefined) {
      // Uncompressed: the sections are contiguous; one pass over both.
      return finish(
        codec.decodeSections(
          bytes,
          frame.headerOffset,
          frame.bodyOffset,
          frame.bodyOffset + frame.bodyLength,
          budget,
        ),
      );
    }
    const header = codec.decodeHeader(
      bytes.subarray(frame.headerOffset, frame.headerOffset + frame.headerLength),
      budget,
      frame.headerOffset,
    );
    const stored = bytes.subarray(frame.bodyOffset, frame.bodyOffset + frame.bodyLength);
    let body: Envelope["body"];
    if (frame.compression === "lz4") {
      const raw = set.lz4(5).decompress(stored, {
        maxSize: limits.maxDecompressedSize,
        expectedSize: frame.bodyRawLength,
        offset: frame.bodyOffset,
      });
      body = inDecompressedBody(frame.bodyOffset, () => codec.decodeBody(raw, budget, 0));
    } else {
      body = codec.decodeBody(stored, budget, frame.bodyOffset);
    }
    return finish({ header, body });
  };

  const decodeRaw = (bytes: Uint8Array): Envelope => {
    const codec = rawCodec!;
    const budget = new DecodeBudget(limits);
    let envelope: Envelope;
    if (rawLz4 !== undefined) {
      const raw = rawLz4.decompress(bytes, { maxSize: limits.maxDecompressedSize });
      envelope = inDecompressedBody(0, () => codec.decodeEnvelope(raw, budget, 0));
    } else {
      if (bytes.length > limits.maxFrameSize) {
        throw new EnvelopeError(
          "too_large",
          `payload of ${bytes.length} bytes is over the limit of ${limits.maxFrameSize}`,
        );
      }
      envelope = codec.decodeEnvelope(bytes, budget, 0);
    }
    return finish(envelope);
  };

  return Object.freeze({
    decode(input: Uint8Array): Envelope {
      const bytes = plainInput(input);
      return framed ? decodeFramed(bytes) : decodeRaw(bytes);
    },
    peek(input: Uint8Array, offset = 0): Peeked {
      const bytes = plainInput(input);
      const frame = readFramePrefix(bytes, offset, limits);
      const codec = set.codec(frame.codec, offset + 5);
      const header = codec.decodeHeader(
        bytes.subarray(frame.headerOffset, frame.headerOffset + frame.headerLength),
        new DecodeBudget(limits),
        frame.headerOffset,
      );
      if (validate) assertValidHeader(header, limits, CODEC_CHECKED);
      return { frame, header };
    },
  });
}

function requireCodec(codec: CodecName | undefined): CodecName {
  if (codec === undefined) {
    throw new EnvelopeError("invalid_argument", "decoding unframed input needs options.codec");
  }
  return codec;
}

/** Errors inside a decompressed body carry offsets into the decompressed bytes: say so, as structured fields. */
function inDecompressedBody<T>(bodyOffset: number, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (isEnvelopeError(error) && error.offset !== undefined && error.section === undefined) {
      throw error.rebase(0, { section: "decompressed-body", sectionOffset: bodyOffset });
    }
    throw error;
  }
}
