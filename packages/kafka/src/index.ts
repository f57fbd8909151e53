// IMPORTANT: exports added here are public API of @envelope/kafka.
export type {
  ConsumedMessage,
  KafkaEnvelope,
  KafkaError,
  KafkaHeader,
  MessageInfo,
  MessageReader,
  MessageReaderOptions,
} from "./consumer.js";
export { createMessageReader, eachEnvelope } from "./consumer.js";
export type {
  EnvelopeHeaders,
  FrameFacts,
  KafkaHeaders,
  KafkaHeaderValue,
  ReadHeadersOptions,
} from "./headers.js";
export { CONTENT_TYPE, checkHeaders, HEADER, messageHeaders, readHeaders } from "./headers.js";
export type { KeyPolicy } from "./key.js";
export { DEFAULT_KEY_POLICY, messageKey } from "./key.js";
export type { KafkaTransportOptions } from "./transport.js";
export { isRetryableKafkaError, kafkaTransport, toMessage } from "./transport.js";
