/**
 * The TypeScript model of the envelope contract v1 (proto/envelope/v1/envelope.proto).
 *
 * Attribute values use JavaScript's own types, one per contract kind, so a
 * decoded value always tells its kind without a wrapper:
 *
 * | contract kind | TypeScript            |
 * |---------------|-----------------------|
 * | string        | `string`              |
 * | bool          | `boolean`             |
 * | int64         | `bigint`              |
 * | double        | `number` (always, even when integral: `1` is the double 1.0) |
 * | bytes         | `Uint8Array`          |
 * | array         | `AttributeValue[]`    |
 * | map           | `Map<string, AttributeValue>` (keeps order, keys unique) |
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#attribute-values | docs/spec.md}, section "Attribute values"
 */

/** Names of the payload codecs. */
export type CodecName = "protobuf" | "json" | "cbor";

/** Names of the body compressions. */
export type CompressionName = "none" | "lz4";

/**
 * Fields read by a codec that this version of the contract does not know
 * (written by a newer producer). They are kept on the message they were read
 * from and written back when the envelope is encoded again with the same codec.
 *
 * - `protobuf`: `data` is the raw wire bytes of the unknown fields (tags included), in input order.
 * - `json`: `data` is a list of `[key, value]` pairs: the unknown keys and their parsed JSON values.
 * - `cbor`: `data` is a list of `[key, rawValueBytes]` pairs of the unknown map entries.
 */
export interface UnknownFields {
  readonly codec: CodecName;
  readonly data: unknown;
}

/** Carries unknown fields; every message of the contract has this slot. */
export interface HasUnknown {
  /** Fields this version does not know, kept for re-encoding. See {@link UnknownFields}. */
  $unknown?: UnknownFields;
}

/**
 * An attribute value of a kind this version does not know (a newer producer
 * added a value kind). It is kept as read and written back by the same codec.
 */
export class UnknownValue {
  constructor(
    /** The codec that read it. */
    readonly codec: CodecName,
    /** Codec-specific raw form (protobuf: wire bytes of the AnyValue's fields; json: `[key, value]` pairs). */
    readonly data: unknown,
  ) {}
}

/** A typed attribute value. See the table in this module's documentation. */
export type AttributeValue =
  | string
  | boolean
  | bigint
  | number
  | Uint8Array
  | AttributeValue[]
  | Attributes
  | UnknownValue;

/** An ordered attribute map with unique keys. */
export type Attributes = Map<string, AttributeValue>;

/** W3C trace-flags bits. */
export const TraceFlags = {
  NONE: 0x00,
  SAMPLED: 0x01,
  RANDOM: 0x02,
} as const;

/** Status codes; the numbers are the wire values (OpenTelemetry's span status). */
export const StatusCode = {
  UNSET: 0,
  OK: 1,
  ERROR: 2,
} as const;
export type StatusCode = (typeof StatusCode)[keyof typeof StatusCode];

/** Names the schema of the body. */
export interface SchemaRef extends HasUnknown {
  /** Event type, e.g. `request`. Required. */
  type: string;
  /** Domain subtype, e.g. `auth_request`. Required. */
  subtype: string;
  /** Semantic version `MAJOR.MINOR.PATCH`. Required. */
  version: string;
  /** Where the schema descriptor can be fetched. Optional. */
  url?: string;
}

/** The SDK that produced the envelope. */
export interface Producer extends HasUnknown {
  /** `typescript`, `go`, `rust`, ... Required. */
  language: string;
  /** SDK version (semver). Required. */
  version: string;
}

/** W3C trace context of the emitting span. Ids are raw bytes. */
export interface TraceContext extends HasUnknown {
  /** 16 bytes, not all zero. */
  traceId: Uint8Array;
  /** 8 bytes, not all zero. */
  spanId: Uint8Array;
  /** 8 bytes, not all zero; absent for a root span. */
  parentSpanId?: Uint8Array;
  /** W3C trace-flags (0..255): bit 0 sampled, bit 1 random. */
  traceFlags: number;
  /** W3C tracestate header value; absent or empty means none. */
  traceState?: string;
}

/** The emitting service. */
export interface Resource extends HasUnknown {
  /** Required, non-empty. */
  serviceName: string;
  serviceVersion?: string;
  environment?: string;
  region?: string;
  host?: string;
  /** More resource attributes. */
  attributes: Attributes;
}

/** Outcome of the operation the event describes. */
export interface Status extends HasUnknown {
  /** A {@link StatusCode} value; codes this version does not name are kept as numbers. */
  code: StatusCode | number;
  /** Empty when there is none. */
  message: string;
}

/** What every consumer needs to route and correlate an event; readable with `peek()` alone. */
export interface Header extends HasUnknown {
  schema: SchemaRef;
  /** 16 bytes, not all zero. */
  eventId: Uint8Array;
  /** Nanoseconds since the UNIX epoch, 0 <= t < 2^64. */
  timeUnixNano: bigint;
  producer: Producer;
  trace?: TraceContext;
  resource: Resource;
  status?: Status;
}

/** A versioned namespace of domain fields. */
export interface Extension extends HasUnknown {
  /** e.g. `http`. Required, unique within a body. */
  namespace: string;
  /** Semantic version of the namespace. Required. */
  version: string;
  attributes: Attributes;
}

/** The attributes and the domain extensions. */
export interface Body extends HasUnknown {
  attributes: Attributes;
  extensions: Extension[];
}

/** One telemetry event. */
export interface Envelope extends HasUnknown {
  header: Header;
  body: Body;
}
