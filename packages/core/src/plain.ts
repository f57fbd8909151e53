/**
 * Reading decoded attributes without walking `Map`s: a plain-object view,
 * and typed getters for the common case.
 */
import { EnvelopeError } from "./errors.js";
import { type Attributes, type AttributeValue, type Envelope, UnknownValue } from "./model.js";

/**
 * An attribute value in the plain-object view: the same JavaScript types as
 * {@link AttributeValue} (int64 stays a `bigint`, bytes a `Uint8Array`),
 * with nested maps as plain objects.
 */
export type PlainAttributeValue =
  | string
  | boolean
  | bigint
  | number
  | Uint8Array
  | PlainAttributeValue[]
  | PlainAttributes
  | UnknownValue;

/** Attributes as a plain object (a prototype-less one, so any key is safe, `__proto__` too). */
export interface PlainAttributes {
  [key: string]: PlainAttributeValue;
}

/** One extension in the plain-object view. */
export interface PlainExtension {
  readonly version: string;
  readonly attributes: PlainAttributes;
}

/**
 * Decoded attributes as a plain object: nested maps become objects, arrays
 * are copied, `bigint`, `number`, `Uint8Array` and the rest are kept as they
 * are. Pass an envelope for its body attributes, or any attribute map (the
 * resource's, an extension's). Key order is kept.
 *
 * ```ts
 * const { user, attempts } = toPlainAttributes(decode(bytes)); // "alice", 3n
 * ```
 */
export function toPlainAttributes(source: Envelope | Attributes): PlainAttributes {
  return plainMap(attributesOf(source));
}

/**
 * An envelope's extensions as a plain object keyed by namespace:
 * `{ http: { version: "1.0.0", attributes: { status: 200n } } }`.
 */
export function toPlainExtensions(envelope: Envelope): Record<string, PlainExtension> {
  const out = Object.create(null) as Record<string, PlainExtension>;
  for (const x of envelope.body.extensions) {
    out[x.namespace] = { version: x.version, attributes: plainMap(x.attributes) };
  }
  return out;
}

function plainMap(map: Attributes): PlainAttributes {
  const out = Object.create(null) as PlainAttributes;
  for (const [key, value] of map) out[key] = plainValue(value);
  return out;
}

function plainValue(value: AttributeValue): PlainAttributeValue {
  if (value instanceof Map) return plainMap(value);
  if (Array.isArray(value)) return value.map(plainValue);
  return value;
}

function attributesOf(source: Envelope | Attributes): Attributes {
  if (source instanceof Map) return source;
  const attributes = (source as Envelope | undefined)?.body?.attributes;
  if (!(attributes instanceof Map)) {
    throw new EnvelopeError("invalid_argument", "expected an envelope or an attribute Map");
  }
  return attributes;
}

type KindName = "string" | "bool" | "int" | "double" | "bytes";

function kindOf(value: AttributeValue): string {
  if (typeof value === "string") return "a string";
  if (typeof value === "boolean") return "a bool";
  if (typeof value === "bigint") return "an int (bigint)";
  if (typeof value === "number") return "a double (number)";
  if (value instanceof Uint8Array) return "bytes (Uint8Array)";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Map) return "a map";
  if (value instanceof UnknownValue) return "a value of a newer kind";
  return typeof value;
}

function get<T>(
  source: Envelope | Attributes,
  key: string,
  want: KindName,
  is: (v: AttributeValue) => v is AttributeValue & T,
): T | undefined {
  const value = attributesOf(source).get(key);
  if (value === undefined || is(value)) return value as T | undefined;
  const expected =
    want === "int"
      ? "an int (bigint)"
      : want === "double"
        ? "a double (number)"
        : want === "bytes"
          ? "bytes (Uint8Array)"
          : `a ${want}`;
  throw new EnvelopeError(
    "invalid_value",
    `attribute ${JSON.stringify(key)} is ${kindOf(value)}, not ${expected}`,
  );
}

/**
 * The string attribute `key` of an envelope's body (or of an attribute map),
 * or `undefined` when it is absent; `invalid_value` when it holds another kind.
 */
export function getString(source: Envelope | Attributes, key: string): string | undefined {
  return get(source, key, "string", (v): v is string => typeof v === "string");
}

/** Like {@link getString}, for a bool. */
export function getBool(source: Envelope | Attributes, key: string): boolean | undefined {
  return get(source, key, "bool", (v): v is boolean => typeof v === "boolean");
}

/** Like {@link getString}, for an int64 (a `bigint`). */
export function getInt(source: Envelope | Attributes, key: string): bigint | undefined {
  return get(source, key, "int", (v): v is bigint => typeof v === "bigint");
}

/** Like {@link getString}, for a double (a `number`; an int64 is not read as one). */
export function getDouble(source: Envelope | Attributes, key: string): number | undefined {
  return get(source, key, "double", (v): v is number => typeof v === "number");
}

/** Like {@link getString}, for bytes (a `Uint8Array`). */
export function getBytes(source: Envelope | Attributes, key: string): Uint8Array | undefined {
  return get(source, key, "bytes", (v): v is Uint8Array => v instanceof Uint8Array);
}
