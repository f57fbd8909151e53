/**
 * `@envelope/sdk/protobuf`: the protobuf binary codec (codec id 1), for
 * `createKit` (`@envelope/sdk/kit`).
 *
 * ```ts
 * import { createKit } from "@envelope/sdk/kit";
 * import { protobuf } from "@envelope/sdk/protobuf";
 * const kit = createKit({ codecs: [protobuf] });
 * ```
 * @module
 */
import type { EnvelopeCodec } from "@envelope/core";
import { protobufCodec } from "@envelope/protobuf";

/** The protobuf binary codec (codec id 1). */
export const protobuf: EnvelopeCodec = protobufCodec;
