/**
 * The codecs and the compression an SDK entry point encodes and decodes with.
 * `@envelope/sdk` registers all of them; `createKit` (`@envelope/sdk/kit`)
 * takes only the ones given, so a bundler leaves the others out.
 */
import { type CodecName, type EnvelopeCodec, EnvelopeError } from "@envelope/core";

/** An LZ4 engine: `lz4` from `@envelope/sdk/lz4` (or `@envelope/lz4`'s `compress` and `decompress`). */
export interface Lz4Engine {
  readonly name: "lz4";
  /** Compresses into one standard LZ4 frame. */
  compress(bytes: Uint8Array): Uint8Array;
  /** Decompresses standard LZ4 frames, bounded by `maxSize` and `expectedSize`. */
  decompress(
    bytes: Uint8Array,
    options: {
      readonly maxSize?: number;
      readonly expectedSize?: number;
      readonly offset?: number;
    },
  ): Uint8Array;
}

/** What {@link createKit} is built from. */
export interface KitOptions {
  /**
   * The codecs, e.g. `[protobuf]` from `@envelope/sdk/protobuf`. A frame or
   * option naming another codec fails with `unsupported_codec`.
   */
  readonly codecs: readonly EnvelopeCodec[];
  /**
   * The LZ4 engine, `lz4` from `@envelope/sdk/lz4`; without it,
   * `compression: "lz4"` and LZ4 frames fail with `unsupported_compression`.
   */
  readonly lz4?: Lz4Engine | undefined;
}

/** The codecs and compression one entry point works with, by name. */
export class CodecSet {
  private readonly byName: ReadonlyMap<CodecName, EnvelopeCodec>;
  private readonly engine: Lz4Engine | undefined;

  constructor(options: KitOptions) {
    if (options === null || typeof options !== "object" || !Array.isArray(options.codecs)) {
      throw new EnvelopeError(
        "invalid_argument",
        "createKit needs { codecs: [...] }, e.g. [protobuf] from @envelope/sdk/protobuf",
      );
    }
    const map = new Map<CodecName, EnvelopeCodec>();
    for (const codec of options.codecs) {
      if (typeof codec?.name !== "string" || typeof codec.encodeHeader !== "function") {
        throw new EnvelopeError(
          "invalid_argument",
          "createKit: every entry of codecs must be a codec (protobuf, json or cbor from @envelope/sdk/<name>)",
        );
      }
      map.set(codec.name, codec);
    }
    if (options.lz4 !== undefined && options.lz4?.name !== "lz4") {
      throw new EnvelopeError(
        "invalid_argument",
        "createKit: lz4 must be the engine from @envelope/sdk/lz4",
      );
    }
    this.byName = map;
    this.engine = options.lz4;
  }

  /**
   * The codec for `name`; throws `unsupported_codec` for a name this set does
   * not hold. `deterministic` selects the codec's deterministic profile (the
   * CBOR one, RFC 8949 §4.2.1); protobuf and JSON output is deterministic already.
   */
  codec(name: CodecName, offset?: number, deterministic = false): EnvelopeCodec {
    const codec = this.byName.get(name);
    if (codec === undefined) {
      const known = [...this.byName.keys()].join(", ") || "none";
      throw new EnvelopeError(
        "unsupported_codec",
        `codec ${JSON.stringify(name)} is not available (known: ${known})`,
        offset === undefined ? {} : { offset },
      );
    }
    return deterministic ? (codec.deterministic ?? codec) : codec;
  }

  /** The LZ4 engine; throws `unsupported_compression` when this set has none. */
  lz4(offset?: number): Lz4Engine {
    if (this.engine === undefined) {
      throw new EnvelopeError(
        "unsupported_compression",
        'compression "lz4" is not available: pass lz4 from @envelope/sdk/lz4 to createKit',
        offset === undefined ? {} : { offset },
      );
    }
    return this.engine;
  }
}
