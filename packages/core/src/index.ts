// IMPORTANT: exports added here are public API of @envelope/core.
export type { ErrorCode, ErrorLocation } from "./errors.js";
export { EnvelopeError, isEnvelopeError } from "./errors.js";
export type {
  AttributeValue,
  Attributes,
  Body,
  CodecName,
  CompressionName,
  Envelope,
  Extension,
  HasUnknown,
  Header,
  Producer,
  Resource,
  SchemaRef,
  Status,
  TraceContext,
  UnknownFields,
} from "./model.js";
export { StatusCode, TraceFlags, UnknownValue } from "./model.js";
export type { Limits } from "./limits.js";
export { DEFAULT_LIMITS, DecodeBudget, resolveLimits } from "./limits.js";
export type { EnvelopeCodec } from "./codec.js";
export { CODEC_IDS } from "./codec.js";
export { bytesToHex, hexToBytes, isAllZero } from "./hex.js";
