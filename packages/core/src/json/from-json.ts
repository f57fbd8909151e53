/**
 * The spec's JSON mapping, reading side (docs/spec.md, section "Codec: JSON"):
 * the hand-written primitives and the attribute model. The readers of the
 * other messages are generated from the proto (gen/envelope/v1/envelope_json.ts,
 * scripts/protoc-gen-envelope.mjs) and call these. Strict about types, lenient
 * where OTLP/JSON is (int64 as numbers, null as absent, enum names); unknown
 * keys are kept for re-encoding and charged to the decode budget like known data.
 *
 * The input is a JSON value as `parseJson` or `asJsonValue` return it
 * (./json-value.ts): plain, acyclic, without lone surrogates, member names
 * within `maxKeyLength`, nesting and size within bounds derived from the limits.
 */
import { EnvelopeError, excerpt } from "../errors.js";
import { hexToBytes } from "../hex.js";
import type { DecodeBudget } from "../limits.js";
import { type Attributes, type AttributeValue, UnknownValue } from "../model.js";
import { base64ToBytes } from "./base64.js";
import type { JsonObject, JsonValue } from "./to-json.js";
import { utf8Length, utf8LongerThan } from "./utf8-length.js";

/** Bounds of the 64-bit integer fields. */
export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
export const UINT64_MAX = 2n ** 64n - 1n;

function fail(path: string, message: string): never {
  throw new EnvelopeError("invalid_json", message, { path });
}

function typeName(value: JsonValue | undefined): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** `value` as an object, or `invalid_json` at `path`. */
export function object(value: JsonValue | undefined, path: string): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(path, `expected an object, got ${typeName(value)}`);
  }
  return value;
}

/**
 * Keeps an unknown key of the object at `path` (for `$unknown`), charged to
 * the budget: one entry, plus its value (see `chargeUnknown`).
 */
export function keepUnknown(
  unknown: Array<[string, JsonValue]> | undefined,
  key: string,
  value: JsonValue,
  path: string,
  budget: DecodeBudget,
): Array<[string, JsonValue]> {
  const at = path === "" ? excerpt(key) : `${path}.${excerpt(key)}`;
  budget.countEntry(at);
  chargeUnknown(value, at, budget, 0);
  unknown ??= [];
  unknown.push([key, value]);
  return unknown;
}

/** Fails for a missing required field (the `required` binding in scripts/protoc-gen-envelope.mjs). */
export function missingField(message: string, field: string, path: string): never {
  throw new EnvelopeError("missing_field", `${message} has no ${field}`, { path });
}

function tooLong(value: string, path: string, budget: DecodeBudget): never {
  throw new EnvelopeError(
    "limit_exceeded",
    `a string of ${utf8Length(value)} UTF-8 bytes is longer than maxStringLength (${budget.limits.maxStringLength})`,
    { path },
  );
}

/** A string field, within `maxStringLength`. */
export function string(value: JsonValue, path: string, budget: DecodeBudget): string {
  if (typeof value !== "string") fail(path, `expected a string, got ${typeName(value)}`);
  if (utf8LongerThan(value, budget.limits.maxStringLength)) tooLong(value, path, budget);
  return value;
}

/** A string that names something (attribute key, namespace): also within `maxKeyLength`. */
export function nameString(value: JsonValue, path: string, budget: DecodeBudget): string {
  const s = string(value, path, budget);
  if (utf8LongerThan(s, budget.limits.maxKeyLength)) budget.checkKeyLength(utf8Length(s), path);
  return s;
}

/**
 * Charges a kept unknown value to the budget as the codecs charge an attribute
 * value at `depth`: each array element and object member is an entry, each
 * array or object a level of nesting, each string within `maxStringLength`.
 * (Member names are within `maxKeyLength` already; see ./json-value.ts.)
 */
function chargeUnknown(value: JsonValue, path: string, budget: DecodeBudget, depth: number): void {
  if (typeof value === "string") {
    if (utf8LongerThan(value, budget.limits.maxStringLength)) tooLong(value, path, budget);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  if (depth + 1 > budget.limits.maxDepth) tooDeep(path, budget);
  if (Array.isArray(value)) {
    for (const item of value) {
      budget.countEntry(path);
      chargeUnknown(item, path, budget, depth + 1);
    }
    return;
  }
  for (const k of Object.keys(value)) {
    budget.countEntry(path);
    chargeUnknown(value[k]!, path, budget, depth + 1);
  }
}

function tooDeep(path: string, budget: DecodeBudget): never {
  throw new EnvelopeError("limit_exceeded", `value nested deeper than ${budget.limits.maxDepth}`, {
    path,
  });
}

/** An id: lowercase hex of exactly `length` bytes. */
export function id(value: JsonValue, length: number, path: string): Uint8Array {
  if (typeof value !== "string") fail(path, `expected a hex string, got ${typeName(value)}`);
  return hexToBytes(value, length, path);
}

const DECIMAL = /^-?(0|[1-9][0-9]*)$/;

/**
 * An integer field: a JSON number whose value is an integer within ±(2^53 − 1)
 * (so `3`, `3.0` and `3e0` alike: JSON values carry no integer type), or a
 * string of decimal digits. The string is matched (linear) and its length
 * checked before any conversion, so a huge one costs no BigInt parse.
 */
export function integer(value: JsonValue, path: string, min: bigint, max: bigint): bigint {
  let n: bigint;
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) {
      fail(
        path,
        Number.isInteger(value)
          ? `${value} is beyond ±(2^53-1); write large integers as decimal strings`
          : `${value} is not an integer`,
      );
    }
    n = BigInt(value);
  } else if (typeof value === "string") {
    if (!DECIMAL.test(value))
      fail(path, `${JSON.stringify(excerpt(value))} is not a decimal integer`);
    // 21 or more characters without leading zeros: at least 10^20, beyond every integer field.
    if (value.length > 20) {
      throw new EnvelopeError("invalid_value", `${excerpt(value)} is out of range`, { path });
    }
    n = BigInt(value);
  } else {
    fail(path, `expected an integer (number or decimal string), got ${typeName(value)}`);
  }
  if (n < min || n > max)
    throw new EnvelopeError("invalid_value", `${n} is out of range`, { path });
  return n;
}

/** An unsigned integer field up to `max` (at most 2^32 − 1), as a number. */
export function uint32(value: JsonValue, path: string, max: number): number {
  return Number(integer(value, path, 0n, BigInt(max)));
}

/**
 * An enum field: its number, or the name of one of its values, as the proto3
 * JSON mapping allows (`names`: the enum's value names, from the proto).
 */
export function enumValue(
  value: JsonValue,
  path: string,
  names: ReadonlyMap<string, number>,
  enumName: string,
): number {
  if (typeof value === "string" && !DECIMAL.test(value)) {
    const n = names.get(value);
    if (n === undefined) {
      throw new EnvelopeError(
        "invalid_value",
        `${JSON.stringify(excerpt(value))} is not a ${enumName} name (${[...names.keys()].join(", ")})`,
        { path },
      );
    }
    return n;
  }
  return uint32(value, path, 0x7fff_ffff);
}

/** A JSON number literal, as a double field may also be written in a string. */
const NUMBER_LITERAL = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

/** A double: a number, a number in a string, or "NaN", "Infinity", "-Infinity". */
export function double(value: JsonValue, path: string): number {
  if (typeof value === "number") return value;
  if (typeof value === "string") {
    switch (value) {
      case "NaN":
        return Number.NaN;
      case "Infinity":
        return Number.POSITIVE_INFINITY;
      case "-Infinity":
        return Number.NEGATIVE_INFINITY;
    }
    if (NUMBER_LITERAL.test(value)) {
      const n = Number(value);
      if (Number.isFinite(n)) return n;
      fail(path, `${JSON.stringify(excerpt(value))} is beyond the range of a double`);
    }
  }
  return fail(
    path,
    `expected a number, a number in a string, or "NaN", "Infinity", "-Infinity", got ${typeof value === "string" ? JSON.stringify(excerpt(value)) : typeName(value)}`,
  );
}

function array(value: JsonValue, path: string): JsonValue[] {
  if (!Array.isArray(value)) fail(path, `expected an array, got ${typeName(value)}`);
  return value;
}

/** A boolean field. */
export function boolean(value: JsonValue, path: string): boolean {
  if (typeof value !== "boolean") fail(path, `expected a boolean, got ${typeName(value)}`);
  return value;
}

/**
 * A bytes field: base64 of at most `maxBytesLength` bytes. A text too long for
 * the limit is refused before decoding; one within 3 bytes of it is decoded,
 * then its exact length checked.
 */
export function base64(value: JsonValue, path: string, budget: DecodeBudget): Uint8Array {
  if (typeof value !== "string") fail(path, `expected a base64 string, got ${typeName(value)}`);
  const max = budget.limits.maxBytesLength;
  // Four characters per three bytes, plus padding: more than this is longer than max + 3 bytes.
  if (value.length > Math.ceil((max * 4) / 3) + 4) {
    throw new EnvelopeError(
      "limit_exceeded",
      `a base64 text of ${value.length} characters is longer than maxBytesLength (${max} bytes)`,
      { path },
    );
  }
  const bytes = base64ToBytes(value, path);
  if (bytes.length > max) {
    throw new EnvelopeError(
      "limit_exceeded",
      `a bytes value of ${bytes.length} bytes is longer than maxBytesLength (${max})`,
      { path },
    );
  }
  return bytes;
}

/** A repeated message field: each element an entry of the budget, read by `read` at `path[i]`. */
export function messages<T>(
  value: JsonValue,
  path: string,
  budget: DecodeBudget,
  read: (value: JsonValue, budget: DecodeBudget, path: string) => T,
): T[] {
  return array(value, path).map((item, i) => {
    const itemPath = `${path}[${i}]`;
    budget.countEntry(itemPath);
    return read(item, budget, itemPath);
  });
}

/** Reads a list of `{ key, value }` objects into an attribute map. */
export function attributesFromJson(
  value: JsonValue,
  path: string,
  budget: DecodeBudget,
  depth: number,
): Attributes {
  const out: Attributes = new Map();
  const list = array(value, path);
  for (let i = 0; i < list.length; i++) {
    const itemPath = `${path}[${i}]`;
    budget.countEntry(itemPath);
    const kv = object(list[i], itemPath);
    const key =
      kv.key === undefined || kv.key === null ? "" : nameString(kv.key, `${itemPath}.key`, budget);
    if (out.has(key)) {
      throw new EnvelopeError("duplicate_key", `key ${JSON.stringify(key)} appears twice`, {
        path: itemPath,
      });
    }
    if (kv.value === undefined || kv.value === null) {
      throw new EnvelopeError("invalid_value", "attribute has no value", {
        path: `${itemPath}.value`,
      });
    }
    out.set(key, anyValue(kv.value, `${itemPath}.value`, budget, depth));
  }
  return out;
}

const ANY_VALUE_KEYS = new Set([
  "stringValue",
  "boolValue",
  "intValue",
  "doubleValue",
  "arrayValue",
  "kvlistValue",
  "bytesValue",
]);

function anyValue(
  value: JsonValue,
  path: string,
  budget: DecodeBudget,
  depth: number,
): AttributeValue {
  const obj = object(value, path);
  let kind: string | undefined;
  let unknown: Array<[string, JsonValue]> | undefined;
  for (const key of Object.keys(obj)) {
    if (obj[key] === null) continue;
    if (ANY_VALUE_KEYS.has(key)) {
      if (kind !== undefined) fail(path, `AnyValue has both ${kind} and ${key}`);
      kind = key;
    } else {
      // A kind this version does not know: kept whole, charged like a value at this depth.
      budget.countEntry(path);
      chargeUnknown(obj[key]!, path, budget, depth);
      unknown ??= [];
      unknown.push([key, obj[key]!]);
    }
  }
  if (kind === undefined) {
    if (unknown !== undefined) return new UnknownValue("json", unknown);
    throw new EnvelopeError("invalid_value", "AnyValue has no value", { path });
  }
  const v = obj[kind]!;
  const at = `${path}.${kind}`;
  switch (kind) {
    case "stringValue":
      return string(v, at, budget);
    case "boolValue":
      return boolean(v, at);
    case "intValue":
      return integer(v, at, INT64_MIN, INT64_MAX);
    case "doubleValue":
      return double(v, at);
    case "bytesValue":
      return base64(v, at, budget);
  }
  if (depth + 1 > budget.limits.maxDepth) tooDeep(at, budget);
  const inner = object(v, at);
  const values = inner.values;
  if (kind === "arrayValue") {
    if (values === undefined || values === null) return [];
    const list = array(values, `${at}.values`);
    const out: AttributeValue[] = new Array(list.length);
    for (let i = 0; i < list.length; i++) {
      const itemPath = `${at}.values[${i}]`;
      budget.countEntry(itemPath);
      out[i] = anyValue(list[i]!, itemPath, budget, depth + 1);
    }
    return out;
  }
  if (values === undefined || values === null) return new Map();
  return attributesFromJson(values, `${at}.values`, budget, depth + 1);
}
