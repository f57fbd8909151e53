// IMPORTANT: exports added here are public API of @envelope/sdk, the one import a producer needs.
export type {
  Attributes,
  AttributesInit,
  AttributeValue,
  AttributeValueInit,
  Body,
  CheckMode,
  CheckOptions,
  CheckResult,
  CheckStage,
  CodecName,
  CompressionName,
  Envelope,
  EnvelopeCheck,
  EnvelopeInit,
  ErrorCode,
  Extension,
  FrameInfo,
  Header,
  IssueLike,
  JsonObject,
  JsonValue,
  Limits,
  Producer,
  Resource,
  SchemaRef,
  Status,
  TraceContext,
  ValidationIssue,
} from "@envelope/core";
export {
  bytesToHex,
  createEnvelope,
  DEFAULT_LIMITS,
  EnvelopeError,
  hexToBytes,
  isEnvelopeError,
  SDK_VERSION,
  StatusCode,
  TraceFlags,
  toAttributes,
  UnknownValue,
  validateEnvelope,
} from "@envelope/core";
export type { DecodeOptions, Decoder, Peeked } from "./decode.js";
export { createDecoder, decode, peek } from "./decode.js";
export type { EncodeOptions, Encoder } from "./encode.js";
export { createEncoder, encode } from "./encode.js";
export { fromJson, toJson } from "./json.js";
export type {
  DecodeStreamOptions,
  StreamEnvelope,
  StreamError,
  StreamHeader,
  StreamItem,
  StreamPeekItem,
  StreamSource,
} from "./stream.js";
export { decodeFrames, decodeStream, peekFrames, peekStream } from "./stream.js";
