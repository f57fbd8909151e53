/**
 * `@envelope/sdk/cbor`: the CBOR codec (codec id 3, RFC 8949), with its
 * deterministic profile for `deterministic: true`, for `createKit` (`@envelope/sdk/kit`).
 * @module
 */
import { cborCodec } from "@envelope/cbor";
import type { EnvelopeCodec } from "@envelope/core";

/** The CBOR codec (codec id 3). */
export const cbor: EnvelopeCodec = cborCodec;
