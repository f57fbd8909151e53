/**
 * Builders for producers: fill defaults (event id, time, producer) and turn
 * plain objects into the model's attribute maps.
 */
import { EnvelopeError } from "./errors.js";
import {
  type Attributes,
  type AttributeValue,
  type Envelope,
  type Extension,
  type Producer,
  type Resource,
  type SchemaRef,
  type Status,
  type TraceContext,
  UnknownValue,
} from "./model.js";
import { SDK_LANGUAGE, SDK_VERSION } from "./version.js";

/**
 * An attribute value as a producer may write it: like {@link AttributeValue},
 * but nested maps may also be plain objects.
 */
export type AttributeValueInit =
  | AttributeValue
  | AttributeValueInit[]
  | Map<string, AttributeValueInit>
  | { readonly [key: string]: AttributeValueInit };

/** Attributes as a producer may write them: a `Map` or a plain object (key order kept). */
export type AttributesInit =
  | Map<string, AttributeValueInit>
  | { readonly [key: string]: AttributeValueInit };

/** What {@link createEnvelope} needs; everything not given gets a default. */
export interface EnvelopeInit {
  schema: SchemaRef;
  resource: Omit<Resource, "attributes"> & { attributes?: AttributesInit };
  attributes?: AttributesInit;
  extensions?: ReadonlyArray<Omit<Extension, "attributes"> & { attributes?: AttributesInit }>;
  trace?: TraceContext;
  status?: Status;
  /** Default: 16 random bytes. */
  eventId?: Uint8Array;
  /** Default: now, in nanoseconds since the UNIX epoch. */
  timeUnixNano?: bigint;
  /** Default: `{ language: "typescript", version: SDK_VERSION }`. */
  producer?: Producer;
}

/**
 * Builds an envelope, filling the event id (random), time (now) and producer.
 * Plain-object attributes become `Map`s; numbers stay doubles (use `bigint`
 * for int64: `{ attempts: 3n }`).
 *
 * @see docs/spec.md, section "Fields"
 */
export function createEnvelope(init: EnvelopeInit): Envelope {
  const { attributes: resourceAttributes, ...resource } = init.resource;
  const header: Envelope["header"] = {
    schema: { ...init.schema },
    eventId: init.eventId ?? newEventId(),
    timeUnixNano: init.timeUnixNano ?? nowUnixNano(),
    producer: init.producer ?? { language: SDK_LANGUAGE, version: SDK_VERSION },
    resource: { ...resource, attributes: toAttributes(resourceAttributes) },
  };
  if (init.trace !== undefined) header.trace = init.trace;
  if (init.status !== undefined) header.status = init.status;
  return {
    header,
    body: {
      attributes: toAttributes(init.attributes),
      extensions: (init.extensions ?? []).map(({ attributes, ...ext }) => ({
        ...ext,
        attributes: toAttributes(attributes),
      })),
    },
  };
}

/** 16 random bytes from the platform's cryptographic source, never all zero. */
export function newEventId(): Uint8Array {
  const id = new Uint8Array(16);
  do crypto.getRandomValues(id);
  while (id.every((b) => b === 0));
  return id;
}

const NANOS_PER_MILLI = 1_000_000n;
const origin = { wall: 0n, mono: 0 };

/**
 * The current time in nanoseconds since the UNIX epoch: the wall clock at
 * first use plus the monotonic clock since, so consecutive events are ordered
 * with sub-millisecond resolution.
 */
export function nowUnixNano(): bigint {
  if (origin.wall === 0n) {
    origin.mono = performance.now();
    origin.wall = BigInt(Date.now()) * NANOS_PER_MILLI;
  }
  return origin.wall + BigInt(Math.round((performance.now() - origin.mono) * 1e6));
}

/**
 * Turns a `Map` or plain object of attribute values into the model's
 * {@link Attributes}: nested plain objects become `Map`s, arrays are copied.
 * Throws `invalid_argument` for values the contract has no kind for
 * (`null`, `undefined`, functions, symbols, other objects).
 */
export function toAttributes(init: AttributesInit | undefined): Attributes {
  const out: Attributes = new Map();
  if (init === undefined) return out;
  const entries = init instanceof Map ? init.entries() : Object.entries(init);
  for (const [key, value] of entries) out.set(key, toValue(value, key));
  return out;
}

function toValue(value: AttributeValueInit, path: string): AttributeValue {
  switch (typeof value) {
    case "string":
    case "boolean":
    case "bigint":
    case "number":
      return value;
    case "object":
      if (value instanceof Uint8Array || value instanceof UnknownValue) return value;
      if (Array.isArray(value)) return value.map((v, i) => toValue(v, `${path}[${i}]`));
      if (value instanceof Map) return toAttributes(value);
      if (value !== null && Object.getPrototypeOf(value) === Object.prototype) {
        return toAttributes(value as { readonly [key: string]: AttributeValueInit });
      }
  }
  throw new EnvelopeError(
    "invalid_argument",
    `attribute ${JSON.stringify(path)} has a value of no contract kind (${value === null ? "null" : typeof value})`,
  );
}
