/**
 * `@envelope/sdk/json`: the JSON codec (codec id 2, OTLP/JSON conventions),
 * for {@link createKit}.
 * @module
 */
import { type EnvelopeCodec, jsonCodec } from "@envelope/core";

/** The JSON codec (codec id 2). */
export const json: EnvelopeCodec = jsonCodec;
