/**
 * The spec's JSON mapping, reading side (docs/spec.md, section "Codec: JSON").
 * Strict about types, lenient where OTLP/JSON is (int64 as numbers, null as
 * absent, enum names); unknown keys are kept for re-encoding and charged to the
 * decode budget like known data.
 *
 * The input is a JSON value as `parseJson` or `asJsonValue` return it
 * (./json-value.ts): plain, acyclic, without lone surrogates, member names
 * within `maxKeyLength`, nesting and size within bounds derived from the limits.
 */
import { EnvelopeError, excerpt } from "../errors.js";
import { hexToBytes } from "../hex.js";
import type { DecodeBudget } from "../limits.js";
import {
  type Attributes,
  type AttributeValue,
  type Body,
  type Envelope,
  type Extension,
  type HasUnknown,
  type Header,
  type Producer,
  type Resource,
  type SchemaRef,
  type Status,
  type TraceContext,
  UnknownValue,
} from "../model.js";
import { base64ToBytes } from "./base64.js";
import type { JsonObject, JsonValue } from "./to-json.js";
import { utf8Length, utf8LongerThan } from "./utf8-length.js";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

function fail(path: string, message: string): never {
  throw new EnvelopeError("invalid_json", message, { path });
}

function typeName(value: JsonValue | undefined): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function object(value: JsonValue | undefined, path: string): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(path, `expected an object, got ${typeName(value)}`);
  }
  return value;
}

/**
 * Reads an object's keys: known ones through `read`, unknown ones kept on
 * `target.$unknown` and charged to the budget (one entry each, plus their values).
 */
function readKeys(
  obj: JsonObject,
  target: HasUnknown,
  path: string,
  budget: DecodeBudget,
  read: (key: string, value: JsonValue) => boolean,
): void {
  let unknown: Array<[string, JsonValue]> | undefined;
  for (const key of Object.keys(obj)) {
    const value = obj[key]!;
    if (value === null) continue;
    if (!read(key, value)) {
      const at = path === "" ? excerpt(key) : `${path}.${excerpt(key)}`;
      budget.countEntry(at);
      chargeUnknown(value, at, budget, 0);
      unknown ??= [];
      unknown.push([key, value]);
    }
  }
  if (unknown !== undefined) target.$unknown = { codec: "json", data: unknown };
}

function tooLong(value: string, path: string, budget: DecodeBudget): never {
  throw new EnvelopeError(
    "limit_exceeded",
    `a string of ${utf8Length(value)} UTF-8 bytes is longer than maxStringLength (${budget.limits.maxStringLength})`,
    { path },
  );
}

function string(value: JsonValue, path: string, budget: DecodeBudget): string {
  if (typeof value !== "string") fail(path, `expected a string, got ${typeName(value)}`);
  if (utf8LongerThan(value, budget.limits.maxStringLength)) tooLong(value, path, budget);
  return value;
}

/** A string that names something (attribute key, namespace): also within `maxKeyLength`. */
function nameString(value: JsonValue, path: string, budget: DecodeBudget): string {
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

function id(value: JsonValue, length: number, path: string): Uint8Array {
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
function integer(value: JsonValue, path: string, min: bigint, max: bigint): bigint {
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

function uint32(value: JsonValue, path: string, max: number): number {
  return Number(integer(value, path, 0n, BigInt(max)));
}

/** The names of `StatusCode`'s values, accepted on read as the proto3 JSON mapping allows. */
const STATUS_CODE_NAMES = new Map([
  ["STATUS_CODE_UNSET", 0],
  ["STATUS_CODE_OK", 1],
  ["STATUS_CODE_ERROR", 2],
]);

function statusCode(value: JsonValue, path: string): number {
  if (typeof value === "string" && !DECIMAL.test(value)) {
    const code = STATUS_CODE_NAMES.get(value);
    if (code === undefined) {
      throw new EnvelopeError(
        "invalid_value",
        `${JSON.stringify(excerpt(value))} is not a StatusCode name (${[...STATUS_CODE_NAMES.keys()].join(", ")})`,
        { path },
      );
    }
    return code;
  }
  return uint32(value, path, 0x7fff_ffff);
}

/** A JSON number literal, as a double field may also be written in a string. */
const NUMBER_LITERAL = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

function double(value: JsonValue, path: string): number {
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
      if (typeof v !== "boolean") fail(at, `expected a boolean, got ${typeName(v)}`);
      return v;
    case "intValue":
      return integer(v, at, INT64_MIN, INT64_MAX);
    case "doubleValue":
      return double(v, at);
    case "bytesValue": {
      if (typeof v !== "string") fail(at, `expected a base64 string, got ${typeName(v)}`);
      if (v.length > Math.ceil((budget.limits.maxBytesLength * 4) / 3) + 4) {
        throw new EnvelopeError(
          "limit_exceeded",
          `bytes longer than ${budget.limits.maxBytesLength}`,
          { path: at },
        );
      }
      return base64ToBytes(v, at);
    }
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

/** Reads the header object of the JSON mapping. */
export function headerFromJson(value: JsonValue, budget: DecodeBudget, path = "header"): Header {
  const obj = object(value, path);
  const header = {} as Header;
  readKeys(obj, header, path, budget, (key, v) => {
    const at = `${path}.${key}`;
    switch (key) {
      case "schema":
        header.schema = schemaFromJson(v, at, budget);
        return true;
      case "eventId":
        header.eventId = id(v, 16, at);
        return true;
      case "timeUnixNano":
        header.timeUnixNano = integer(v, at, 0n, UINT64_MAX);
        return true;
      case "producer": {
        const p = { language: "", version: "" } as Producer;
        readKeys(object(v, at), p, at, budget, (k, pv) => {
          if (k !== "language" && k !== "version") return false;
          p[k] = string(pv, `${at}.${k}`, budget);
          return true;
        });
        header.producer = p;
        return true;
      }
      case "trace":
        header.trace = traceFromJson(v, at, budget);
        return true;
      case "resource":
        header.resource = resourceFromJson(v, at, budget);
        return true;
      case "status": {
        const s = { code: 0, message: "" } as Status;
        readKeys(object(v, at), s, at, budget, (k, sv) => {
          if (k === "code") s.code = statusCode(sv, `${at}.code`);
          else if (k === "message") s.message = string(sv, `${at}.message`, budget);
          else return false;
          return true;
        });
        header.status = s;
        return true;
      }
    }
    return false;
  });
  header.eventId ??= new Uint8Array(0);
  header.timeUnixNano ??= 0n;
  return header;
}

function schemaFromJson(value: JsonValue, path: string, budget: DecodeBudget): SchemaRef {
  const schema: SchemaRef = { type: "", subtype: "", version: "" };
  readKeys(object(value, path), schema, path, budget, (key, v) => {
    if (key !== "type" && key !== "subtype" && key !== "version" && key !== "url") return false;
    schema[key] = string(v, `${path}.${key}`, budget);
    return true;
  });
  return schema;
}

function traceFromJson(value: JsonValue, path: string, budget: DecodeBudget): TraceContext {
  const trace: TraceContext = {
    traceId: new Uint8Array(0),
    spanId: new Uint8Array(0),
    traceFlags: 0,
  };
  readKeys(object(value, path), trace, path, budget, (key, v) => {
    const at = `${path}.${key}`;
    switch (key) {
      case "traceId":
        trace.traceId = id(v, 16, at);
        return true;
      case "spanId":
        trace.spanId = id(v, 8, at);
        return true;
      case "parentSpanId":
        if (v !== "") trace.parentSpanId = id(v, 8, at);
        return true;
      case "traceFlags":
        trace.traceFlags = uint32(v, at, 0xffff_ffff);
        return true;
      case "traceState": {
        const state = string(v, at, budget);
        if (state !== "") trace.traceState = state;
        return true;
      }
    }
    return false;
  });
  return trace;
}

const RESOURCE_STRINGS = new Set([
  "serviceName",
  "serviceVersion",
  "environment",
  "region",
  "host",
]);

function resourceFromJson(value: JsonValue, path: string, budget: DecodeBudget): Resource {
  const resource: Resource = { serviceName: "", attributes: new Map() };
  readKeys(object(value, path), resource, path, budget, (key, v) => {
    const at = `${path}.${key}`;
    if (key === "attributes") {
      resource.attributes = attributesFromJson(v, at, budget, 0);
      return true;
    }
    if (!RESOURCE_STRINGS.has(key)) return false;
    (resource as unknown as Record<string, string>)[key] = string(v, at, budget);
    return true;
  });
  return resource;
}

/** Reads the body object of the JSON mapping. */
export function bodyFromJson(value: JsonValue, budget: DecodeBudget, path = "body"): Body {
  const body: Body = { attributes: new Map(), extensions: [] };
  readKeys(object(value, path), body, path, budget, (key, v) => {
    const at = `${path}.${key}`;
    if (key === "attributes") {
      body.attributes = attributesFromJson(v, at, budget, 0);
      return true;
    }
    if (key === "extensions") {
      body.extensions = array(v, at).map((e, i) => {
        const itemPath = `${at}[${i}]`;
        budget.countEntry(itemPath);
        return extensionFromJson(e, itemPath, budget);
      });
      return true;
    }
    return false;
  });
  return body;
}

function extensionFromJson(value: JsonValue, path: string, budget: DecodeBudget): Extension {
  const ext: Extension = { namespace: "", version: "", attributes: new Map() };
  readKeys(object(value, path), ext, path, budget, (key, v) => {
    const at = `${path}.${key}`;
    if (key === "namespace") ext.namespace = nameString(v, at, budget);
    else if (key === "version") ext.version = string(v, at, budget);
    else if (key === "attributes") ext.attributes = attributesFromJson(v, at, budget, 0);
    else return false;
    return true;
  });
  return ext;
}

/** Reads a whole envelope object of the JSON mapping. */
export function envelopeFromJson(value: JsonValue, budget: DecodeBudget): Envelope {
  const obj = object(value, "");
  const envelope = {} as Envelope;
  readKeys(obj, envelope, "", budget, (key, v) => {
    if (key === "header") envelope.header = headerFromJson(v, budget);
    else if (key === "body") envelope.body = bodyFromJson(v, budget);
    else return false;
    return true;
  });
  if (envelope.header === undefined)
    throw new EnvelopeError("missing_field", "envelope has no header", { path: "header" });
  envelope.body ??= { attributes: new Map(), extensions: [] };
  return envelope;
}
