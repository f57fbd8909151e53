/**
 * The CBOR mapping, reading side (docs/spec.md, section "Codec: CBOR"): a
 * strict single-pass decoder straight into the model. See `to-cbor.ts` for
 * the key table.
 *
 * Readers accept any well-formed encoding of the mapping (definite or
 * indefinite lengths, non-shortest heads, any float width, keys in any order,
 * explicitly written defaults) and reject, with `EnvelopeError`: what is not
 * well-formed or not valid UTF-8, trailing bytes, truncation, duplicate keys,
 * wrong types, tags, simple values other than false/true, null and undefined,
 * text keys in message maps, and anything over a limit. Proto3 defaults apply
 * to absent fields; required-field and id checks are validation's job
 * (docs/spec.md, "Validation"), as for every codec.
 */
import {
  type Attributes,
  type AttributeValue,
  type Body,
  type Envelope,
  EnvelopeError,
  type Extension,
  type Header,
  type Producer,
  type Resource,
  type SchemaRef,
  type Status,
  type StatusCode,
  type TraceContext,
} from "@envelope/core";
import type { CborKey, CborUnknownEntry, CborUnknownFields } from "./unknown.js";
import { float16ToNumber } from "./wire/float.js";
import { BREAK, type CborReader, MAJOR_NAMES } from "./wire/reader.js";

const EMPTY_BYTES = new Uint8Array(0);

/** Reads a message map's head; returns its entry count, or -1 for an indefinite-length map. */
function messageHead(r: CborReader, path: string, what: string): number {
  const at = r.pos;
  const initial = r.head(path);
  if (initial >> 5 !== 5) r.wrongType(initial, at, path, what);
  const count = r.arg;
  if (count >= 0) r.checkCount(count, at, path);
  return count;
}

/**
 * Reads a message map key: an integer, a `number` when it is a safe integer,
 * else a `bigint` (so equal keys are equal values, see {@link UnknownKeys}).
 */
function messageKey(r: CborReader, path: string): CborKey {
  const at = r.pos;
  const initial = r.head(path);
  const major = initial >> 5;
  if (major <= 1) {
    if (r.arg < 0) r.fail("invalid_cbor", "an integer cannot have an indefinite length", at, path);
    // -1 - arg is safe for arg up to 2^53 - 2.
    if (major === 0 ? r.arg <= Number.MAX_SAFE_INTEGER : r.arg < Number.MAX_SAFE_INTEGER)
      return major === 0 ? r.arg : -1 - r.arg;
    const big = r.argBigInt();
    return major === 0 ? big : -1n - big;
  }
  if (initial === BREAK) r.fail("invalid_cbor", "unexpected break stop code", at, path);
  if (major === 3) {
    r.fail(
      "invalid_cbor",
      "message maps have integer keys (field numbers); a text key is not part of the CBOR mapping",
      at,
      path,
    );
  }
  return r.fail(
    "invalid_cbor",
    `message map keys must be integers, got ${MAJOR_NAMES[major]}`,
    at,
    path,
  );
}

/** Marks known key `key` (1..31) seen; fails on a second occurrence. */
function seenOnce(r: CborReader, seen: number, key: number, at: number, path: string): number {
  const bit = 1 << key;
  if ((seen & bit) !== 0) r.fail("duplicate_key", `key ${key} appears twice`, at, path);
  return seen | bit;
}

/**
 * The unknown keys of one message map so far: a set of them, for duplicate
 * detection in constant time (a map may hold as many unknown keys as the
 * entry limit allows), and where each value is in the input. Keys are
 * canonical, a safe integer always a `number` and anything else a `bigint`,
 * so equal keys are equal in the set.
 */
interface UnknownKeys {
  readonly keys: Set<CborKey>;
  /** `[start, end)` of each value in the input, in key order. */
  readonly ranges: number[];
}

/**
 * Notes an unknown key and where its (well-formed) value is. The key is an
 * entry, and its value is walked as known data is (entries, depth, key and
 * string lengths).
 */
function readUnknown(
  r: CborReader,
  key: CborKey,
  list: UnknownKeys | undefined,
  at: number,
  path: string,
): UnknownKeys {
  const out = list ?? { keys: new Set(), ranges: [] };
  r.countEntry(at, path);
  if (out.keys.has(key)) r.fail("duplicate_key", `key ${key} appears twice`, at, path);
  out.keys.add(key);
  const start = r.pos;
  // The error path `path[key]` is made only on failure: level 1 of the reader's segments.
  r.pathPrefix = path;
  r.pathStart = 0;
  r.segments[0] = key;
  r.skip(1, 1);
  out.ranges.push(start, r.pos);
  return out;
}

/**
 * The `$unknown` of a message: its unknown entries with their values copied
 * out of the input, all into one buffer (one allocation per message, not
 * per entry).
 */
function unknownFields(r: CborReader, u: UnknownKeys): CborUnknownFields {
  const ranges = u.ranges;
  let size = 0;
  for (let i = 0; i < ranges.length; i += 2) size += ranges[i + 1]! - ranges[i]!;
  const buffer = new ArrayBuffer(size);
  const copy = new Uint8Array(buffer);
  const bytes = r.bytes;
  const data: CborUnknownEntry[] = [];
  let at = 0;
  let i = 0;
  for (const key of u.keys) {
    const start = ranges[i++]!;
    const end = ranges[i++]!;
    // Values are mostly a few bytes: a loop beats making a subarray to `set` from.
    if (end - start <= 32) for (let j = start; j < end; j++) copy[at++] = bytes[j]!;
    else {
      copy.set(bytes.subarray(start, end), at);
      at += end - start;
    }
    // A view made from the buffer costs about half of a `subarray`.
    data.push([key, new Uint8Array(buffer, at - (end - start), end - start)]);
  }
  return { codec: "cbor", data };
}

function textField(r: CborReader, path: string): string {
  const at = r.pos;
  const initial = r.head(path);
  if (initial >> 5 !== 3) r.wrongType(initial, at, path, "a text string");
  return r.text(at, path);
}

/** A text field that is a key (an extension namespace): bounded by maxKeyLength too. */
function keyField(r: CborReader, path: string): string {
  const at = r.pos;
  const initial = r.head(path);
  if (initial >> 5 !== 3) r.wrongType(initial, at, path, "a text string");
  return r.key(at, path);
}

function bytesField(r: CborReader, path: string): Uint8Array {
  const at = r.pos;
  const initial = r.head(path);
  if (initial >> 5 !== 2) r.wrongType(initial, at, path, "a byte string");
  return r.byteString(at, path);
}

function uintField(r: CborReader, path: string, max: number): number {
  const at = r.pos;
  const initial = r.head(path);
  if (initial >> 5 !== 0) r.wrongType(initial, at, path, "an unsigned integer");
  if (r.arg < 0) r.fail("invalid_cbor", "an integer cannot have an indefinite length", at, path);
  if (r.arg > max) r.fail("invalid_value", `${r.argBigInt()} is out of range 0..${max}`, at, path);
  return r.arg;
}

function uint64Field(r: CborReader, path: string): bigint {
  const at = r.pos;
  const initial = r.head(path);
  if (initial >> 5 !== 0) r.wrongType(initial, at, path, "an unsigned integer");
  if (r.arg < 0) r.fail("invalid_cbor", "an integer cannot have an indefinite length", at, path);
  return r.argBigInt();
}

/** Reads a whole unframed envelope: {1: Header, 2: Body}. */
export function readEnvelope(r: CborReader): Envelope {
  const count = messageHead(r, "", "an Envelope map");
  let header: Header | undefined;
  let body: Body | undefined;
  let seen = 0;
  let unknown: UnknownKeys | undefined;
  for (let i = 0; count < 0 ? !r.atBreak() : i < count; i++) {
    const at = r.pos;
    const key = messageKey(r, "");
    switch (key) {
      case 1:
        seen = seenOnce(r, seen, key, at, "header");
        header = readHeader(r);
        break;
      case 2:
        seen = seenOnce(r, seen, key, at, "body");
        body = readBody(r);
        break;
      default:
        unknown = readUnknown(r, key, unknown, at, "");
    }
  }
  if (header === undefined) {
    throw new EnvelopeError("missing_field", "envelope has no header (key 1)", {
      path: "header",
      offset: r.base,
    });
  }
  const envelope: Envelope = { header, body: body ?? { attributes: new Map(), extensions: [] } };
  if (unknown !== undefined) envelope.$unknown = unknownFields(r, unknown);
  return envelope;
}

/**
 * Reads a Header map. Absent `schema`, `producer` and `resource` stay absent
 * (validation reports `missing_field`), as in the JSON codec.
 */
export function readHeader(r: CborReader): Header {
  const count = messageHead(r, "header", "a Header map");
  const header = { eventId: EMPTY_BYTES, timeUnixNano: 0n } as Header;
  let seen = 0;
  let unknown: UnknownKeys | undefined;
  for (let i = 0; count < 0 ? !r.atBreak("header") : i < count; i++) {
    const at = r.pos;
    const key = messageKey(r, "header");
    switch (key) {
      case 1:
        seen = seenOnce(r, seen, key, at, "header.schema");
        header.schema = readSchema(r);
        break;
      case 2:
        seen = seenOnce(r, seen, key, at, "header.eventId");
        header.eventId = bytesField(r, "header.eventId");
        break;
      case 3:
        seen = seenOnce(r, seen, key, at, "header.timeUnixNano");
        header.timeUnixNano = uint64Field(r, "header.timeUnixNano");
        break;
      case 4:
        seen = seenOnce(r, seen, key, at, "header.producer");
        header.producer = readProducer(r);
        break;
      case 5:
        seen = seenOnce(r, seen, key, at, "header.trace");
        header.trace = readTrace(r);
        break;
      case 6:
        seen = seenOnce(r, seen, key, at, "header.resource");
        header.resource = readResource(r);
        break;
      case 7:
        seen = seenOnce(r, seen, key, at, "header.status");
        header.status = readStatus(r);
        break;
      default:
        unknown = readUnknown(r, key, unknown, at, "header");
    }
  }
  if (unknown !== undefined) header.$unknown = unknownFields(r, unknown);
  return header;
}

function readSchema(r: CborReader): SchemaRef {
  const path = "header.schema";
  const count = messageHead(r, path, "a SchemaRef map");
  const schema: SchemaRef = { type: "", subtype: "", version: "" };
  let seen = 0;
  let unknown: UnknownKeys | undefined;
  for (let i = 0; count < 0 ? !r.atBreak(path) : i < count; i++) {
    const at = r.pos;
    const key = messageKey(r, path);
    switch (key) {
      case 1:
        seen = seenOnce(r, seen, key, at, "header.schema.type");
        schema.type = textField(r, "header.schema.type");
        break;
      case 2:
        seen = seenOnce(r, seen, key, at, "header.schema.subtype");
        schema.subtype = textField(r, "header.schema.subtype");
        break;
      case 3:
        seen = seenOnce(r, seen, key, at, "header.schema.version");
        schema.version = textField(r, "header.schema.version");
        break;
      case 4:
        seen = seenOnce(r, seen, key, at, "header.schema.url");
        schema.url = textField(r, "header.schema.url");
        break;
      default:
        unknown = readUnknown(r, key, unknown, at, path);
    }
  }
  if (unknown !== undefined) schema.$unknown = unknownFields(r, unknown);
  return schema;
}

function readProducer(r: CborReader): Producer {
  const path = "header.producer";
  const count = messageHead(r, path, "a Producer map");
  const producer: Producer = { language: "", version: "" };
  let seen = 0;
  let unknown: UnknownKeys | undefined;
  for (let i = 0; count < 0 ? !r.atBreak(path) : i < count; i++) {
    const at = r.pos;
    const key = messageKey(r, path);
    switch (key) {
      case 1:
        seen = seenOnce(r, seen, key, at, "header.producer.language");
        producer.language = textField(r, "header.producer.language");
        break;
      case 2:
        seen = seenOnce(r, seen, key, at, "header.producer.version");
        producer.version = textField(r, "header.producer.version");
        break;
      default:
        unknown = readUnknown(r, key, unknown, at, path);
    }
  }
  if (unknown !== undefined) producer.$unknown = unknownFields(r, unknown);
  return producer;
}

/** TraceContext. An empty parent span id or trace state means absent (proto3 bytes/string, see the field table). */
function readTrace(r: CborReader): TraceContext {
  const path = "header.trace";
  const count = messageHead(r, path, "a TraceContext map");
  const trace: TraceContext = { traceId: EMPTY_BYTES, spanId: EMPTY_BYTES, traceFlags: 0 };
  let seen = 0;
  let unknown: UnknownKeys | undefined;
  for (let i = 0; count < 0 ? !r.atBreak(path) : i < count; i++) {
    const at = r.pos;
    const key = messageKey(r, path);
    switch (key) {
      case 1:
        seen = seenOnce(r, seen, key, at, "header.trace.traceId");
        trace.traceId = bytesField(r, "header.trace.traceId");
        break;
      case 2:
        seen = seenOnce(r, seen, key, at, "header.trace.spanId");
        trace.spanId = bytesField(r, "header.trace.spanId");
        break;
      case 3: {
        seen = seenOnce(r, seen, key, at, "header.trace.parentSpanId");
        const parent = bytesField(r, "header.trace.parentSpanId");
        if (parent.length > 0) trace.parentSpanId = parent;
        break;
      }
      case 4:
        seen = seenOnce(r, seen, key, at, "header.trace.traceFlags");
        trace.traceFlags = uintField(r, "header.trace.traceFlags", 0xffff_ffff);
        break;
      case 5: {
        seen = seenOnce(r, seen, key, at, "header.trace.traceState");
        const state = textField(r, "header.trace.traceState");
        if (state !== "") trace.traceState = state;
        break;
      }
      default:
        unknown = readUnknown(r, key, unknown, at, path);
    }
  }
  if (unknown !== undefined) trace.$unknown = unknownFields(r, unknown);
  return trace;
}

function readResource(r: CborReader): Resource {
  const path = "header.resource";
  const count = messageHead(r, path, "a Resource map");
  const resource: Resource = { serviceName: "", attributes: new Map() };
  let seen = 0;
  let unknown: UnknownKeys | undefined;
  for (let i = 0; count < 0 ? !r.atBreak(path) : i < count; i++) {
    const at = r.pos;
    const key = messageKey(r, path);
    switch (key) {
      case 1:
        seen = seenOnce(r, seen, key, at, "header.resource.serviceName");
        resource.serviceName = textField(r, "header.resource.serviceName");
        break;
      case 2:
        seen = seenOnce(r, seen, key, at, "header.resource.serviceVersion");
        resource.serviceVersion = textField(r, "header.resource.serviceVersion");
        break;
      case 3:
        seen = seenOnce(r, seen, key, at, "header.resource.environment");
        resource.environment = textField(r, "header.resource.environment");
        break;
      case 4:
        seen = seenOnce(r, seen, key, at, "header.resource.region");
        resource.region = textField(r, "header.resource.region");
        break;
      case 5:
        seen = seenOnce(r, seen, key, at, "header.resource.host");
        resource.host = textField(r, "header.resource.host");
        break;
      case 6:
        seen = seenOnce(r, seen, key, at, "header.resource.attributes");
        resource.attributes = readAttributes(r, "header.resource.attributes");
        break;
      default:
        unknown = readUnknown(r, key, unknown, at, path);
    }
  }
  if (unknown !== undefined) resource.$unknown = unknownFields(r, unknown);
  return resource;
}

/** Status. Codes this version does not name are kept as numbers (an open enum), up to 2^31-1. */
function readStatus(r: CborReader): Status {
  const path = "header.status";
  const count = messageHead(r, path, "a Status map");
  const status: Status = { code: 0, message: "" };
  let seen = 0;
  let unknown: UnknownKeys | undefined;
  for (let i = 0; count < 0 ? !r.atBreak(path) : i < count; i++) {
    const at = r.pos;
    const key = messageKey(r, path);
    switch (key) {
      case 1:
        seen = seenOnce(r, seen, key, at, "header.status.code");
        status.code = uintField(r, "header.status.code", 0x7fff_ffff) as StatusCode;
        break;
      case 2:
        seen = seenOnce(r, seen, key, at, "header.status.message");
        status.message = textField(r, "header.status.message");
        break;
      default:
        unknown = readUnknown(r, key, unknown, at, path);
    }
  }
  if (unknown !== undefined) status.$unknown = unknownFields(r, unknown);
  return status;
}

/** Reads a Body map: {1: attributes, 2: [Extension, ...]}. */
export function readBody(r: CborReader): Body {
  const path = "body";
  const count = messageHead(r, path, "a Body map");
  const body: Body = { attributes: new Map(), extensions: [] };
  let seen = 0;
  let unknown: UnknownKeys | undefined;
  for (let i = 0; count < 0 ? !r.atBreak(path) : i < count; i++) {
    const at = r.pos;
    const key = messageKey(r, path);
    switch (key) {
      case 1:
        seen = seenOnce(r, seen, key, at, "body.attributes");
        body.attributes = readAttributes(r, "body.attributes");
        break;
      case 2:
        seen = seenOnce(r, seen, key, at, "body.extensions");
        body.extensions = readExtensions(r);
        break;
      default:
        unknown = readUnknown(r, key, unknown, at, path);
    }
  }
  if (unknown !== undefined) body.$unknown = unknownFields(r, unknown);
  return body;
}

function readExtensions(r: CborReader): Extension[] {
  const path = "body.extensions";
  const at = r.pos;
  const initial = r.head(path);
  if (initial >> 5 !== 4) r.wrongType(initial, at, path, "an array of Extension maps");
  const count = r.arg;
  const out: Extension[] = [];
  if (count >= 0) {
    r.checkCount(count, at, path);
    r.checkEntries(count, at, path);
  }
  for (let i = 0; count < 0 ? !r.atBreak(path) : i < count; i++) out.push(readExtension(r, i));
  return out;
}

/** Reads an Extension map (an entry of the budget). */
function readExtension(r: CborReader, index: number): Extension {
  const path = `body.extensions[${index}]`;
  r.countEntry(r.pos, path);
  const count = messageHead(r, path, "an Extension map");
  const ext: Extension = { namespace: "", version: "", attributes: new Map() };
  let seen = 0;
  let unknown: UnknownKeys | undefined;
  for (let i = 0; count < 0 ? !r.atBreak(path) : i < count; i++) {
    const at = r.pos;
    const key = messageKey(r, path);
    switch (key) {
      case 1:
        seen = seenOnce(r, seen, key, at, `${path}.namespace`);
        ext.namespace = keyField(r, `${path}.namespace`);
        break;
      case 2:
        seen = seenOnce(r, seen, key, at, `${path}.version`);
        ext.version = textField(r, `${path}.version`);
        break;
      case 3:
        seen = seenOnce(r, seen, key, at, `${path}.attributes`);
        ext.attributes = readAttributes(r, `${path}.attributes`);
        break;
      default:
        unknown = readUnknown(r, key, unknown, at, path);
    }
  }
  if (unknown !== undefined) ext.$unknown = unknownFields(r, unknown);
  return ext;
}

/** Reads an attribute map field at `path`. */
function readAttributes(r: CborReader, path: string): Attributes {
  const at = r.pos;
  const initial = r.head(path);
  if (initial >> 5 !== 5) r.wrongType(initial, at, path, "an attribute map (text keys)");
  r.pathPrefix = path;
  r.pathStart = 0;
  return readMap(r, at, 0);
}

/**
 * Reads the entries of a map whose head was just read at `at`; its keys are
 * path level `level`, its values level `level + 1`.
 */
function readMap(r: CborReader, at: number, level: number): Attributes {
  const map: Attributes = new Map();
  const count = r.arg;
  if (count >= 0) {
    r.checkCount(count, at, level);
    r.checkEntries(count, at, level);
    for (let i = 0; i < count; i++) readEntry(r, map, level);
  } else {
    while (!r.atBreak(level)) readEntry(r, map, level);
  }
  return map;
}

function readEntry(r: CborReader, map: Attributes, level: number): void {
  const at = r.pos;
  r.countEntry(at, level);
  const initial = r.head(level);
  if (initial >> 5 !== 3) {
    if (initial === BREAK) r.fail("invalid_cbor", "unexpected break stop code", at, level);
    r.fail(
      "invalid_cbor",
      `attribute map keys must be text strings, got ${MAJOR_NAMES[initial >> 5]}`,
      at,
      level,
    );
  }
  const key = r.key(at, level);
  r.segments[level] = key;
  const size = map.size;
  map.set(key, readValue(r, level + 1));
  if (map.size === size)
    r.fail("duplicate_key", `key ${JSON.stringify(key)} appears twice`, at, level + 1);
}

function readArray(r: CborReader, at: number, level: number): AttributeValue[] {
  const count = r.arg;
  const segments = r.segments;
  if (count >= 0) {
    r.checkCount(count, at, level);
    r.checkEntries(count, at, level);
    r.budget.entries += count;
    const out: AttributeValue[] = new Array(count);
    for (let i = 0; i < count; i++) {
      segments[level] = i;
      out[i] = readValue(r, level + 1);
    }
    return out;
  }
  const out: AttributeValue[] = [];
  for (let i = 0; !r.atBreak(level); i++) {
    r.countEntry(r.pos, level);
    segments[level] = i;
    out.push(readValue(r, level + 1));
  }
  return out;
}

function outsideInt64(r: CborReader, at: number, level: number): never {
  return r.fail("invalid_value", "integer outside the int64 range", at, level);
}

/**
 * Reads one attribute value at path level `level` (an array or map here has
 * nesting depth `level`). CBOR integers become `bigint` (int64 range only),
 * floats of any width `number`; tags, null, undefined and other simple values
 * are not part of the mapping (`invalid_cbor`).
 */
export function readValue(r: CborReader, level: number): AttributeValue {
  const at = r.pos;
  const initial = r.head(level);
  switch (initial >> 5) {
    case 0:
      if (r.arg <= Number.MAX_SAFE_INTEGER) {
        if (r.arg < 0) break;
        return BigInt(r.arg);
      }
      if (r.argHigh >= 0x8000_0000) outsideInt64(r, at, level);
      return r.argBigInt();
    case 1:
      if (r.arg <= Number.MAX_SAFE_INTEGER) {
        if (r.arg < 0) break;
        return BigInt(-1 - r.arg);
      }
      if (r.argHigh >= 0x8000_0000) outsideInt64(r, at, level);
      return -1n - r.argBigInt();
    case 2:
      return r.byteString(at, level);
    case 3:
      return r.text(at, level);
    case 4:
      if (level > r.limits.maxDepth) r.tooDeep(at, level);
      return readArray(r, at, level);
    case 5:
      if (level > r.limits.maxDepth) r.tooDeep(at, level);
      return readMap(r, at, level);
    case 6:
      if (r.arg < 0) break;
      return r.fail(
        "invalid_cbor",
        `tag ${r.argBigInt()}: tags are not part of the envelope CBOR mapping`,
        at,
        level,
      );
    default:
      switch (initial & 0x1f) {
        case 20:
          return false;
        case 21:
          return true;
        case 25:
          return float16ToNumber(r.arg);
        case 26:
          return r.view.getFloat32(at + 1);
        case 27:
          return r.view.getFloat64(at + 1);
        case 22:
          return r.fail(
            "invalid_cbor",
            "null is not an attribute value (the contract has no null)",
            at,
            level,
          );
        case 23:
          return r.fail("invalid_cbor", "undefined is not an attribute value", at, level);
        case 24:
          if (r.arg < 32)
            r.fail("invalid_cbor", `simple value ${r.arg} must use the one-byte form`, at, level);
          return r.fail(
            "invalid_cbor",
            `simple value ${r.arg} is not an attribute value`,
            at,
            level,
          );
        case 31:
          return r.fail("invalid_cbor", "unexpected break stop code", at, level);
        default:
          return r.fail(
            "invalid_cbor",
            `simple value ${initial & 0x1f} is not an attribute value`,
            at,
            level,
          );
      }
  }
  // Additional information 31 on an integer or a tag.
  return r.fail(
    "invalid_cbor",
    `${MAJOR_NAMES[initial >> 5]} cannot have an indefinite length`,
    at,
    level,
  );
}
