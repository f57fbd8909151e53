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
import { nowUnixNano } from "./time.js";
import { SDK_LANGUAGE, SDK_VERSION } from "./version.js";

/**
 * An attribute value as a producer may write it: like {@link AttributeValue},
 * but nested maps may also be plain objects.
 */
export type AttributeValueInit =
  | AttributeValue
  | AttributeValueInit[]
  | Map<string, AttributeValueInit | undefined | null>
  | { readonly [key: string]: AttributeValueInit | undefined | null };

/**
 * Attributes as a producer may write them: a `Map` or a plain object (key
 * order kept). Entries whose value is `undefined` or `null` are left out.
 */
export type AttributesInit =
  | Map<string, AttributeValueInit | undefined | null>
  | { readonly [key: string]: AttributeValueInit | undefined | null };

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
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#fields | docs/spec.md}, section "Fields"
 */
export function createEnvelope(init: EnvelopeInit): Envelope {
  if (typeof init?.schema !== "object" || init.schema === null) {
    throw new EnvelopeError(
      "invalid_argument",
      'createEnvelope needs schema: { type, subtype, version }, e.g. { type: "request", subtype: "login", version: "1.0.0" }',
    );
  }
  if (typeof init.resource !== "object" || init.resource === null) {
    throw new EnvelopeError(
      "invalid_argument",
      'createEnvelope needs resource: { serviceName }, e.g. { serviceName: "auth" }',
    );
  }
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

/**
 * Turns a `Map` or plain object of attribute values into the model's
 * {@link Attributes}: nested plain objects become `Map`s, arrays are copied.
 * An entry whose value is `undefined` or `null` is left out, in nested maps
 * too, as OpenTelemetry's SDKs drop them (`{ user: maybeUser }` needs no
 * test first). Throws `invalid_argument` for values the contract has no kind
 * for (functions, symbols, class instances other than `Map` and
 * `Uint8Array`, and `null` or `undefined` inside an array, where leaving
 * them out would shift the other items).
 */
export function toAttributes(init: AttributesInit | undefined): Attributes {
  return toMap(init, "");
}

function toMap(init: AttributesInit | undefined, prefix: string): Attributes {
  const out: Attributes = new Map();
  if (init === undefined || init === null) return out;
  const entries = init instanceof Map ? init.entries() : Object.entries(init);
  for (const [key, value] of entries) {
    if (value === undefined || value === null) continue;
    out.set(key, toValue(value, prefix === "" ? key : `${prefix}.${key}`));
  }
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
      if (value instanceof Map) return toMap(value, path);
      if (value !== null && Object.getPrototypeOf(value) === Object.prototype) {
        return toMap(value as { readonly [key: string]: AttributeValueInit }, path);
      }
  }
  throw new EnvelopeError(
    "invalid_argument",
    `attribute ${JSON.stringify(path)} must be a string, boolean, bigint, number, Uint8Array, array or map, got ${kindOf(value)}`,
  );
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value !== "object") return `a ${typeof value}`;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "" ? `a ${name}` : "an object without a prototype";
}
