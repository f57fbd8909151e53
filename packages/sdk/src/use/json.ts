/**
 * `@envelope/sdk/json`: the JSON codec (codec id 2, OTLP/JSON conventions),
 * for `createKit` (`@envelope/sdk/kit`).
 * @module
 */
import { type EnvelopeCodec, jsonCodec } from "@envelope/core";

/** The JSON codec (codec id 2). */
export const json: EnvelopeCodec = jsonCodec;
