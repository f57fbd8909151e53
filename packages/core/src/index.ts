// IMPORTANT: exports added here are public API of @envelope/core.

export type { AttributesInit, AttributeValueInit, EnvelopeInit } from "./builders.js";
export { createEnvelope, newEventId, toAttributes } from "./builders.js";
export type { CheckMode, CheckOptions, CheckResult, CheckStage, EnvelopeCheck } from "./check.js";
export type { EncodedSections, EnvelopeCodec } from "./codec.js";
export { CODEC_IDS } from "./codec.js";
export type { ErrorCode, ErrorLocation, ErrorSection, IssueLike } from "./errors.js";
export { EnvelopeError, excerpt, isEnvelopeError } from "./errors.js";
export { bytesToHex, hexToBytes, isAllZero } from "./hex.js";
export { base64ToBytes, bytesToBase64 } from "./json/base64.js";
export { jsonCodec } from "./json/codec.js";
export { attributesFromJson } from "./json/from-json.js";
export type { JsonBounds } from "./json/json-value.js";
export { asJsonValue, jsonBounds, parseJson } from "./json/json-value.js";
export {
  bodyFromJson,
  bodyToJson,
  envelopeFromJson,
  headerFromJson,
  headerToJson,
  toJson,
} from "./json/mapping.js";
export type { JsonObject, JsonValue } from "./json/to-json.js";
export { attributesToJson, valueToJson } from "./json/to-json.js";
export type { Limits } from "./limits.js";
export { DEFAULT_LIMITS, DecodeBudget, MAX_DEPTH_CEILING, resolveLimits } from "./limits.js";
export type {
  Attributes,
  AttributeValue,
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
export type { PlainAttributes, PlainAttributeValue, PlainExtension } from "./plain.js";
export {
  getBool,
  getBytes,
  getDouble,
  getInt,
  getString,
  toPlainAttributes,
  toPlainExtensions,
} from "./plain.js";
export { dateToUnixNano, nowUnixNano, unixNanoToDate } from "./time.js";
export type { ValidateOptions, ValidationIssue } from "./validate.js";
export {
  assertValidEnvelope,
  assertValidHeader,
  isSemver,
  validateEnvelope,
  validateHeader,
} from "./validate.js";
export { SDK_LANGUAGE, SDK_VERSION } from "./version.js";
export { crc32c, crc32cCombine } from "./wire/crc32c.js";
export type { FrameFault, FrameInfo, FrameParts } from "./wire/frame.js";
export {
  COMPRESSION_IDS,
  checkContentChecksum,
  FLAG_CONTENT_CHECKSUM,
  FRAME_MAGIC,
  FRAME_PREFIX_SIZE,
  FRAME_VERSION,
  faultError,
  findFrameCandidate,
  hasFrameMagic,
  isFrameCandidate,
  parseFramePrefix,
  readFramePrefix,
  verifyContentChecksum,
  writeFrame,
  writeFramePrefix,
} from "./wire/frame.js";
export type { Utf8Write } from "./wire/utf8-write.js";
export { nodeUtf8Write } from "./wire/utf8-write.js";
