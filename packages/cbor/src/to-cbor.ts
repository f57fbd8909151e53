/**
 * The CBOR mapping, writing side (docs/spec.md, section "Codec: CBOR").
 *
 * Every message is a map keyed by its protobuf field numbers; a field is
 * written exactly when protobuf binary would write it. Keys are written in
 * ascending order (which is also the deterministic order: 0x01 < ... < 0x07),
 * unknown keys after them, or in sorted position in the deterministic profile.
 *
 * | message      | key: field, CBOR type                                                                 |
 * |--------------|----------------------------------------------------------------------------------------|
 * | Envelope     | 1 header: map, 2 body: map                                                             |
 * | Header       | 1 schema: map, 2 event_id: bytes, 3 time_unix_nano: uint, 4 producer: map,           |
 * |              | 5 trace: map, 6 resource: map, 7 status: map                                           |
 * | SchemaRef    | 1 type: text, 2 subtype: text, 3 version: text, 4 url: text (presence)                 |
 * | Producer     | 1 language: text, 2 version: text                                                      |
 * | TraceContext | 1 trace_id: bytes, 2 span_id: bytes, 3 parent_span_id: bytes, 4 trace_flags: uint,     |
 * |              | 5 trace_state: text                                                                    |
 * | Resource     | 1 service_name: text, 2..5 service_version, environment, region, host: text (presence),|
 * |              | 6 attributes: attribute map                                                            |
 * | Status       | 1 code: uint, 2 message: text                                                          |
 * | Body         | 1 attributes: attribute map, 2 extensions: array of Extension maps                    |
 * | Extension    | 1 namespace: text, 2 version: text, 3 attributes: attribute map                        |
 *
 * Attribute maps are CBOR maps with text keys and natively typed values:
 * text, true/false, integer (int64, shortest form), float (float64 always by
 * default; shortest exact float in the deterministic profile), byte string,
 * array, map.
 */
import {
  type Attributes,
  type AttributeValue,
  type Body,
  type Envelope,
  EnvelopeError,
  type Extension,
  type Header,
  MAX_DEPTH_CEILING,
  type Producer,
  type Resource,
  type SchemaRef,
  type Status,
  type TraceContext,
} from "@envelope/core";
import { prepareUnknown, UnknownCursor } from "./unknown.js";
import type { PathSegment } from "./wire/reader.js";
import { CborWriter, MT_ARRAY, MT_MAP, MT_NEGINT, MT_UINT } from "./wire/writer.js";

const UINT64_MAX = 0xffff_ffff_ffff_ffffn;
const INT64_MIN = -0x8000_0000_0000_0000n;
const INT64_MAX = 0x7fff_ffff_ffff_ffffn;
const keyEncoder = new TextEncoder();

function bad(path: string, message: string): never {
  throw new EnvelopeError("invalid_value", message, { path });
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return value.constructor?.name ?? "object";
  return typeof value;
}

/** `true` when a proto3 string field is to be written (non-empty); checks the type. */
function hasText(value: unknown, path: string): value is string {
  if (typeof value === "string") return value !== "";
  if (value === undefined) return false;
  return bad(path, `expected a string, got ${describe(value)}`);
}

/** `true` when an `optional` string field is present; checks the type. */
function presentText(value: unknown, path: string): value is string {
  if (typeof value === "string") return true;
  if (value === undefined) return false;
  return bad(path, `expected a string, got ${describe(value)}`);
}

/** `true` when a proto3 bytes field is to be written (non-empty); checks the type. */
function hasBytes(value: unknown, path: string): value is Uint8Array {
  if (value instanceof Uint8Array) return value.length > 0;
  if (value === undefined) return false;
  return bad(path, `expected a Uint8Array, got ${describe(value)}`);
}

/** `true` when a uint32 field is to be written (non-zero); checks the type and range. */
function hasUint32(value: unknown, path: string): value is number {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff)
    return value !== 0;
  if (value === undefined) return false;
  return bad(
    path,
    `expected an integer 0..2^32-1, got ${typeof value === "number" ? value : describe(value)}`,
  );
}

/** `true` when a message field is present; checks that it is an object. */
function hasMessage(value: unknown, path: string): value is object {
  if (typeof value === "object" && value !== null) return true;
  if (value === undefined) return false;
  return bad(path, `expected an object, got ${describe(value)}`);
}

/** `true` when an attribute map is to be written (non-empty); checks the type. */
function hasAttributes(value: unknown, path: string): value is Attributes {
  if (value instanceof Map) return value.size > 0;
  if (value === undefined) return false;
  return bad(path, `expected a Map, got ${describe(value)}`);
}

function formatPath(prefix: string, segments: PathSegment[], level: number): string {
  let path = prefix;
  for (let i = 0; i < level; i++) {
    const s = segments[i]!;
    path += typeof s === "number" ? `[${s}]` : `[${JSON.stringify(s)}]`;
  }
  return path;
}

/** An attribute map entry with what its encoded key sorts by. */
interface SortEntry {
  readonly key: string;
  readonly value: AttributeValue;
  /** UTF-8 length of the key. */
  readonly length: number;
  /** The key's UTF-8 bytes; only for non-ASCII keys (an ASCII key compares as itself). */
  readonly utf8: Uint8Array | undefined;
}

function sortEntry(key: string, value: AttributeValue): SortEntry {
  for (let i = 0; i < key.length; i++) {
    if (key.charCodeAt(i) >= 0x80) {
      const utf8 = keyEncoder.encode(key);
      return { key, value, length: utf8.length, utf8 };
    }
  }
  return { key, value, length: key.length, utf8: undefined };
}

/**
 * Bytewise order of encoded text keys: all have major type 3, so a shorter
 * length sorts first (its head is smaller or shorter), then the UTF-8 bytes
 * decide. For two ASCII keys that is JavaScript's own string order.
 */
function compareEncodedKeys(a: SortEntry, b: SortEntry): number {
  if (a.length !== b.length) return a.length - b.length;
  if (a.utf8 === undefined && b.utf8 === undefined)
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  const x = a.utf8 ?? keyEncoder.encode(a.key);
  const y = b.utf8 ?? keyEncoder.encode(b.key);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

/**
 * Writes envelope messages with one {@link CborWriter}. One per codec
 * instance; `segments` tracks where in an attribute value it is, for error paths.
 */
export class EnvelopeWriter {
  readonly w: CborWriter;
  readonly deterministic: boolean;
  private readonly segments: PathSegment[] = [];
  private prefix = "";
  private levelBase = 0;

  constructor(deterministic: boolean, writer: CborWriter = new CborWriter()) {
    this.deterministic = deterministic;
    this.w = writer;
  }

  /** Envelope {1: Header, 2: Body}. */
  envelope(e: Envelope): void {
    const w = this.w;
    if (!hasMessage(e, "")) bad("", `expected an envelope object, got ${describe(e)}`);
    const unknown = prepareUnknown(e, 2, this.deterministic, "");
    const hasHeader = hasMessage(e.header, "header");
    const hasBody = hasMessage(e.body, "body");
    w.head(MT_MAP, (hasHeader ? 1 : 0) + (hasBody ? 1 : 0) + (unknown?.length ?? 0));
    const u = unknown && new UnknownCursor(unknown, this.deterministic);
    if (hasHeader) {
      u?.before(w, 1);
      w.byte(1);
      this.header(e.header);
    }
    if (hasBody) {
      u?.before(w, 2);
      w.byte(2);
      this.body(e.body);
    }
    u?.rest(w);
  }

  /** Header {1 schema, 2 event_id, 3 time_unix_nano, 4 producer, 5 trace, 6 resource, 7 status}. */
  header(h: Header): void {
    const w = this.w;
    if (!hasMessage(h, "header")) bad("header", `expected a header object, got ${describe(h)}`);
    const unknown = prepareUnknown(h, 7, this.deterministic, "header");
    const hasSchema = hasMessage(h.schema, "header.schema");
    const hasEventId = hasBytes(h.eventId, "header.eventId");
    const time = h.timeUnixNano;
    if (time !== undefined && (typeof time !== "bigint" || time < 0n || time > UINT64_MAX)) {
      bad(
        "header.timeUnixNano",
        `expected a bigint 0..2^64-1, got ${typeof time === "bigint" ? time : describe(time)}`,
      );
    }
    const hasTime = time !== undefined && time !== 0n;
    const hasProducer = hasMessage(h.producer, "header.producer");
    const hasTrace = hasMessage(h.trace, "header.trace");
    const hasResource = hasMessage(h.resource, "header.resource");
    const hasStatus = hasMessage(h.status, "header.status");
    const count =
      (hasSchema ? 1 : 0) +
      (hasEventId ? 1 : 0) +
      (hasTime ? 1 : 0) +
      (hasProducer ? 1 : 0) +
      (hasTrace ? 1 : 0) +
      (hasResource ? 1 : 0) +
      (hasStatus ? 1 : 0);
    w.head(MT_MAP, count + (unknown?.length ?? 0));
    const u = unknown && new UnknownCursor(unknown, this.deterministic);
    if (hasSchema) {
      u?.before(w, 1);
      w.byte(1);
      this.schema(h.schema);
    }
    if (hasEventId) {
      u?.before(w, 2);
      w.byte(2);
      w.bytes(h.eventId);
    }
    if (hasTime) {
      u?.before(w, 3);
      w.byte(3);
      w.headBig(MT_UINT, time);
    }
    if (hasProducer) {
      u?.before(w, 4);
      w.byte(4);
      this.producer(h.producer);
    }
    if (hasTrace) {
      u?.before(w, 5);
      w.byte(5);
      this.trace(h.trace!);
    }
    if (hasResource) {
      u?.before(w, 6);
      w.byte(6);
      this.resource(h.resource);
    }
    if (hasStatus) {
      u?.before(w, 7);
      w.byte(7);
      this.status(h.status!);
    }
    u?.rest(w);
  }

  private schema(s: SchemaRef): void {
    const w = this.w;
    const unknown = prepareUnknown(s, 4, this.deterministic, "header.schema");
    const hasType = hasText(s.type, "header.schema.type");
    const hasSubtype = hasText(s.subtype, "header.schema.subtype");
    const hasVersion = hasText(s.version, "header.schema.version");
    const hasUrl = presentText(s.url, "header.schema.url");
    const count =
      (hasType ? 1 : 0) + (hasSubtype ? 1 : 0) + (hasVersion ? 1 : 0) + (hasUrl ? 1 : 0);
    w.head(MT_MAP, count + (unknown?.length ?? 0));
    const u = unknown && new UnknownCursor(unknown, this.deterministic);
    if (hasType) {
      u?.before(w, 1);
      w.byte(1);
      w.text(s.type);
    }
    if (hasSubtype) {
      u?.before(w, 2);
      w.byte(2);
      w.text(s.subtype);
    }
    if (hasVersion) {
      u?.before(w, 3);
      w.byte(3);
      w.text(s.version);
    }
    if (hasUrl) {
      u?.before(w, 4);
      w.byte(4);
      w.text(s.url!);
    }
    u?.rest(w);
  }

  private producer(p: Producer): void {
    const w = this.w;
    const unknown = prepareUnknown(p, 2, this.deterministic, "header.producer");
    const hasLanguage = hasText(p.language, "header.producer.language");
    const hasVersion = hasText(p.version, "header.producer.version");
    w.head(MT_MAP, (hasLanguage ? 1 : 0) + (hasVersion ? 1 : 0) + (unknown?.length ?? 0));
    const u = unknown && new UnknownCursor(unknown, this.deterministic);
    if (hasLanguage) {
      u?.before(w, 1);
      w.byte(1);
      w.text(p.language);
    }
    if (hasVersion) {
      u?.before(w, 2);
      w.byte(2);
      w.text(p.version);
    }
    u?.rest(w);
  }

  private trace(t: TraceContext): void {
    const w = this.w;
    const unknown = prepareUnknown(t, 5, this.deterministic, "header.trace");
    const hasTraceId = hasBytes(t.traceId, "header.trace.traceId");
    const hasSpanId = hasBytes(t.spanId, "header.trace.spanId");
    const hasParent = hasBytes(t.parentSpanId, "header.trace.parentSpanId");
    const hasFlags = hasUint32(t.traceFlags, "header.trace.traceFlags");
    const hasState = hasText(t.traceState, "header.trace.traceState");
    const count =
      (hasTraceId ? 1 : 0) +
      (hasSpanId ? 1 : 0) +
      (hasParent ? 1 : 0) +
      (hasFlags ? 1 : 0) +
      (hasState ? 1 : 0);
    w.head(MT_MAP, count + (unknown?.length ?? 0));
    const u = unknown && new UnknownCursor(unknown, this.deterministic);
    if (hasTraceId) {
      u?.before(w, 1);
      w.byte(1);
      w.bytes(t.traceId);
    }
    if (hasSpanId) {
      u?.before(w, 2);
      w.byte(2);
      w.bytes(t.spanId);
    }
    if (hasParent) {
      u?.before(w, 3);
      w.byte(3);
      w.bytes(t.parentSpanId!);
    }
    if (hasFlags) {
      u?.before(w, 4);
      w.byte(4);
      w.head(MT_UINT, t.traceFlags);
    }
    if (hasState) {
      u?.before(w, 5);
      w.byte(5);
      w.text(t.traceState!);
    }
    u?.rest(w);
  }

  private resource(r: Resource): void {
    const w = this.w;
    const unknown = prepareUnknown(r, 6, this.deterministic, "header.resource");
    const hasName = hasText(r.serviceName, "header.resource.serviceName");
    const hasVersion = presentText(r.serviceVersion, "header.resource.serviceVersion");
    const hasEnvironment = presentText(r.environment, "header.resource.environment");
    const hasRegion = presentText(r.region, "header.resource.region");
    const hasHost = presentText(r.host, "header.resource.host");
    const hasAttrs = hasAttributes(r.attributes, "header.resource.attributes");
    const count =
      (hasName ? 1 : 0) +
      (hasVersion ? 1 : 0) +
      (hasEnvironment ? 1 : 0) +
      (hasRegion ? 1 : 0) +
      (hasHost ? 1 : 0) +
      (hasAttrs ? 1 : 0);
    w.head(MT_MAP, count + (unknown?.length ?? 0));
    const u = unknown && new UnknownCursor(unknown, this.deterministic);
    if (hasName) {
      u?.before(w, 1);
      w.byte(1);
      w.text(r.serviceName);
    }
    if (hasVersion) {
      u?.before(w, 2);
      w.byte(2);
      w.text(r.serviceVersion!);
    }
    if (hasEnvironment) {
      u?.before(w, 3);
      w.byte(3);
      w.text(r.environment!);
    }
    if (hasRegion) {
      u?.before(w, 4);
      w.byte(4);
      w.text(r.region!);
    }
    if (hasHost) {
      u?.before(w, 5);
      w.byte(5);
      w.text(r.host!);
    }
    if (hasAttrs) {
      u?.before(w, 6);
      w.byte(6);
      this.attributes(r.attributes, "header.resource.attributes");
    }
    u?.rest(w);
  }

  private status(s: Status): void {
    const w = this.w;
    const unknown = prepareUnknown(s, 2, this.deterministic, "header.status");
    const hasCode = hasUint32(s.code, "header.status.code");
    const hasMessageText = hasText(s.message, "header.status.message");
    w.head(MT_MAP, (hasCode ? 1 : 0) + (hasMessageText ? 1 : 0) + (unknown?.length ?? 0));
    const u = unknown && new UnknownCursor(unknown, this.deterministic);
    if (hasCode) {
      u?.before(w, 1);
      w.byte(1);
      w.head(MT_UINT, s.code);
    }
    if (hasMessageText) {
      u?.before(w, 2);
      w.byte(2);
      w.text(s.message);
    }
    u?.rest(w);
  }

  /** Body {1 attributes, 2 extensions}. */
  body(b: Body): void {
    const w = this.w;
    if (!hasMessage(b, "body")) bad("body", `expected a body object, got ${describe(b)}`);
    const unknown = prepareUnknown(b, 2, this.deterministic, "body");
    const hasAttrs = hasAttributes(b.attributes, "body.attributes");
    const extensions = b.extensions;
    if (extensions !== undefined && !Array.isArray(extensions)) {
      bad("body.extensions", `expected an array, got ${describe(extensions)}`);
    }
    const hasExtensions = extensions !== undefined && extensions.length > 0;
    w.head(MT_MAP, (hasAttrs ? 1 : 0) + (hasExtensions ? 1 : 0) + (unknown?.length ?? 0));
    const u = unknown && new UnknownCursor(unknown, this.deterministic);
    if (hasAttrs) {
      u?.before(w, 1);
      w.byte(1);
      this.attributes(b.attributes, "body.attributes");
    }
    if (hasExtensions) {
      u?.before(w, 2);
      w.byte(2);
      w.head(MT_ARRAY, extensions.length);
      for (let i = 0; i < extensions.length; i++) this.extension(extensions[i]!, i);
    }
    u?.rest(w);
  }

  /** Extension {1 namespace, 2 version, 3 attributes}. */
  private extension(e: Extension, index: number): void {
    const w = this.w;
    const path = `body.extensions[${index}]`;
    if (!hasMessage(e, path)) bad(path, `expected an extension object, got ${describe(e)}`);
    const unknown = prepareUnknown(e, 3, this.deterministic, path);
    const hasNamespace = hasText(e.namespace, `${path}.namespace`);
    const hasVersion = hasText(e.version, `${path}.version`);
    const hasAttrs = hasAttributes(e.attributes, `${path}.attributes`);
    w.head(
      MT_MAP,
      (hasNamespace ? 1 : 0) + (hasVersion ? 1 : 0) + (hasAttrs ? 1 : 0) + (unknown?.length ?? 0),
    );
    const u = unknown && new UnknownCursor(unknown, this.deterministic);
    if (hasNamespace) {
      u?.before(w, 1);
      w.byte(1);
      w.text(e.namespace);
    }
    if (hasVersion) {
      u?.before(w, 2);
      w.byte(2);
      w.text(e.version);
    }
    if (hasAttrs) {
      u?.before(w, 3);
      w.byte(3);
      this.attributes(e.attributes, `${path}.attributes`);
    }
    u?.rest(w);
  }

  /** An attribute map at `path` (a field of a message). */
  attributes(map: Attributes, path: string): void {
    this.prefix = path;
    this.levelBase = 0;
    this.map(map, 0);
  }

  /** A single attribute value (the generic item encoder); errors report paths below `prefix`. */
  item(value: AttributeValue, prefix: string): void {
    this.prefix = prefix;
    this.levelBase = 1;
    this.value(value, 1);
  }

  private path(level: number): string {
    return formatPath(this.prefix, this.segments.slice(this.levelBase), level - this.levelBase);
  }

  /** A map whose entries are path level `level` (its keys go in `segments[level]`). */
  private map(map: Attributes, level: number): void {
    const w = this.w;
    const segments = this.segments;
    w.head(MT_MAP, map.size);
    if (this.deterministic && map.size > 1) {
      this.sortedMap(map, level);
      return;
    }
    for (const [key, value] of map) {
      segments[level] = key;
      if (typeof key !== "string")
        bad(this.path(level), `attribute keys must be strings, got ${describe(key)}`);
      w.text(key);
      this.value(value, level + 1);
    }
  }

  /** Deterministic profile: keys sorted by their encoded bytes (RFC 8949 section 4.2.1). */
  private sortedMap(map: Attributes, level: number): void {
    const w = this.w;
    const entries: SortEntry[] = [];
    for (const [key, value] of map) {
      this.segments[level] = key;
      if (typeof key !== "string")
        bad(this.path(level), `attribute keys must be strings, got ${describe(key)}`);
      entries.push(sortEntry(key, value));
    }
    entries.sort(compareEncodedKeys);
    for (const entry of entries) {
      this.segments[level] = entry.key;
      w.text(entry.key);
      this.value(entry.value, level + 1);
    }
  }

  /** A value at path level `level` (its path is `segments[0, level)`). */
  private value(v: AttributeValue, level: number): void {
    const w = this.w;
    switch (typeof v) {
      case "string":
        w.text(v);
        return;
      case "number":
        if (this.deterministic) w.floatShortest(v);
        else w.float64(v);
        return;
      case "boolean":
        w.byte(v ? 0xf5 : 0xf4);
        return;
      case "bigint":
        this.int64(v, level);
        return;
      case "object":
        if (v instanceof Uint8Array) {
          w.bytes(v);
          return;
        }
        if (Array.isArray(v)) {
          if (level > MAX_DEPTH_CEILING) this.tooDeep(level);
          w.head(MT_ARRAY, v.length);
          const segments = this.segments;
          for (let i = 0; i < v.length; i++) {
            segments[level] = i;
            this.value(v[i]!, level + 1);
          }
          return;
        }
        if (v instanceof Map) {
          if (level > MAX_DEPTH_CEILING) this.tooDeep(level);
          this.map(v, level);
          return;
        }
    }
    bad(
      this.path(level),
      `cannot encode ${describe(v)} as an attribute value (the CBOR mapping has string, bool, int64, double, bytes, array, map)`,
    );
  }

  /**
   * Validation holds encoded values to the configured `maxDepth`; the writer
   * itself goes as deep as any decoder may be configured to read, so whatever
   * was decoded can be written back, and past that (a Map that contains
   * itself) it stops with `limit_exceeded`, never a stack overflow.
   */
  private tooDeep(level: number): never {
    throw new EnvelopeError("limit_exceeded", `nested deeper than ${MAX_DEPTH_CEILING}`, {
      path: this.path(level),
    });
  }

  /** int64: major 0 or 1 in the shortest form, never a float. */
  private int64(v: bigint, level: number): void {
    const n = Number(v);
    // Exact: a bigint within ±2^32 converts without rounding.
    if (n >= -0x1_0000_0000 && n <= 0xffff_ffff) {
      if (n >= 0) this.w.head(MT_UINT, n);
      else this.w.head(MT_NEGINT, -1 - n);
      return;
    }
    if (v < INT64_MIN || v > INT64_MAX) bad(this.path(level), `${v} is outside the int64 range`);
    if (v >= 0n) this.w.headBig(MT_UINT, v);
    else this.w.headBig(MT_NEGINT, -1n - v);
  }
}
