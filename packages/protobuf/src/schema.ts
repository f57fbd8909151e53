/**
 * `@envelope/protobuf/schema`: the envelope's protobuf messages as
 * `@bufbuild/protobuf` descriptors (`EnvelopeSchema`, `HeaderSchema`,
 * `BodySchema`, …), generated from `proto/envelope/v1/envelope.proto` by
 * protoc-gen-es, for tools that work with protobuf messages (reflection,
 * `toJson`, other protobuf libraries). The SDK does not need them.
 *
 * They describe **unframed** payloads: `fromBinary(EnvelopeSchema, bytes)`
 * reads what `encode(envelope, { framed: false })` writes. What `encode`
 * writes by default is a frame: a 24-byte prefix (magic `89 45 4E 56`), then
 * the header and the body as two separate messages, the body perhaps
 * LZ4-compressed. Read framed bytes with `decode` or `peek` from
 * `@envelope/sdk`; `fromBinary` fails on them (typically "illegal tag" or
 * "premature EOF"). {@link isFramed} tells which a buffer holds.
 *
 * ```ts
 * import { fromBinary } from "@bufbuild/protobuf";
 * import { EnvelopeSchema, isFramed } from "@envelope/protobuf/schema";
 *
 * if (isFramed(bytes)) throw new Error("a frame: use decode() from @envelope/sdk");
 * const message = fromBinary(EnvelopeSchema, bytes);
 * ```
 * @module
 */
import { hasFrameMagic } from "@envelope/core";

export * from "./gen/envelope/v1/envelope_pb.js";

/**
 * True when `bytes` start with the envelope frame's magic: they are a frame,
 * for `decode`/`peek` from `@envelope/sdk`, not a message for `fromBinary`.
 */
export function isFramed(bytes: Uint8Array): boolean {
  return hasFrameMagic(bytes, 0);
}
