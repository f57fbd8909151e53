/**
 * Schema-specialised protobuf binary encoder for the envelope contract
 * (proto/envelope/v1/envelope.proto; docs/spec.md, "Codec: protobuf binary").
 * Fields are written in field-number order, defaults omitted, unknown fields
 * appended after the known ones: the bytes Go's proto.Marshal and prost write.
 *
 * Field numbers and wire types (tag byte = field << 3 | wire type):
 *
 * | message      | field                 | no | wire              | tag  |
 * |--------------|-----------------------|----|-------------------|------|
 * | Envelope     | header                | 1  | LEN               | 0x0a |
 * |              | body                  | 2  | LEN               | 0x12 |
 * | Header       | schema                | 1  | LEN               | 0x0a |
 * |              | event_id              | 2  | LEN               | 0x12 |
 * |              | time_unix_nano        | 3  | I64 (fixed64)     | 0x19 |
 * |              | producer              | 4  | LEN               | 0x22 |
 * |              | trace                 | 5  | LEN               | 0x2a |
 * |              | resource              | 6  | LEN               | 0x32 |
 * |              | status                | 7  | LEN               | 0x3a |
 * | SchemaRef    | type, subtype, version, url | 1-4 | LEN        | 0x0a 0x12 0x1a 0x22 |
 * | Producer     | language, version     | 1-2| LEN               | 0x0a 0x12 |
 * | TraceContext | trace_id, span_id, parent_span_id | 1-3 | LEN  | 0x0a 0x12 0x1a |
 * |              | trace_flags           | 4  | VARINT            | 0x20 |
 * |              | trace_state           | 5  | LEN               | 0x2a |
 * | Resource     | service_name ... host | 1-5| LEN               | 0x0a ... 0x2a |
 * |              | attributes            | 6  | LEN (KeyValue)    | 0x32 |
 * | Status       | code                  | 1  | VARINT            | 0x08 |
 * |              | message               | 2  | LEN               | 0x12 |
 * | Body         | attributes            | 1  | LEN (KeyValue)    | 0x0a |
 * |              | extensions            | 2  | LEN               | 0x12 |
 * | Extension    | namespace, version    | 1-2| LEN               | 0x0a 0x12 |
 * |              | attributes            | 3  | LEN (KeyValue)    | 0x1a |
 * | KeyValue     | key                   | 1  | LEN               | 0x0a |
 * |              | value                 | 2  | LEN (AnyValue)    | 0x12 |
 * | AnyValue     | string_value          | 1  | LEN               | 0x0a |
 * |              | bool_value            | 2  | VARINT            | 0x10 |
 * |              | int_value             | 3  | VARINT            | 0x18 |
 * |              | double_value          | 4  | I64               | 0x21 |
 * |              | array_value           | 5  | LEN               | 0x2a |
 * |              | kvlist_value          | 6  | LEN               | 0x32 |
 * |              | bytes_value           | 7  | LEN               | 0x3a |
 * | ArrayValue   | values                | 1  | LEN (AnyValue)    | 0x0a |
 * | KeyValueList | values                | 1  | LEN (KeyValue)    | 0x0a |
 */
import {
  type Attributes,
  type AttributeValue,
  type Body,
  DEFAULT_LIMITS,
  type Envelope,
  EnvelopeError,
  type HasUnknown,
  type Header,
  type Producer,
  type Resource,
  type SchemaRef,
  type Status,
  type TraceContext,
  UnknownValue,
} from "@envelope/core";
import type { ProtoWriter } from "./wire/writer.js";

/**
 * Appends a message's unknown fields read by the protobuf codec. Callers
 * load `$unknown` themselves: a load at each call site sees one object
 * shape, where one load in here sees all of them (megamorphic).
 */
function unknown(w: ProtoWriter, u: NonNullable<HasUnknown["$unknown"]>): void {
  if (u.codec === "protobuf") w.raw(u.data as Uint8Array);
}

function optionalString(w: ProtoWriter, tag: number, value: string | undefined): void {
  if (value !== undefined) {
    w.byte(tag);
    w.string(value);
  }
}

function nonEmptyString(w: ProtoWriter, tag: number, value: string | undefined): void {
  if (value !== undefined && value.length > 0) {
    w.byte(tag);
    w.string(value);
  }
}

function nonEmptyBytes(w: ProtoWriter, tag: number, value: Uint8Array | undefined): void {
  if (value !== undefined && value.length > 0) {
    w.byte(tag);
    w.bytes(value);
  }
}

/**
 * Writes the Header message's fields (without its own tag and length). Each
 * sub-message has a function of its own: one function for all of them was
 * past what V8 inlines into one function, and its small helpers stayed calls.
 */
export function writeHeader(w: ProtoWriter, h: Header): void {
  if (h.schema !== undefined) writeSchema(w, h.schema);
  nonEmptyBytes(w, 0x12, h.eventId);
  if (h.timeUnixNano !== undefined && h.timeUnixNano !== 0n) {
    w.byte(0x19);
    w.fixed64(h.timeUnixNano);
  }
  if (h.producer !== undefined) writeProducer(w, h.producer);
  if (h.trace !== undefined) writeTrace(w, h.trace);
  if (h.resource !== undefined) writeResource(w, h.resource);
  if (h.status !== undefined) writeStatus(w, h.status);
  if (h.$unknown !== undefined) unknown(w, h.$unknown);
}

/** Header field 1, SchemaRef. */
function writeSchema(w: ProtoWriter, s: SchemaRef): void {
  w.byte(0x0a);
  const m = w.fork();
  nonEmptyString(w, 0x0a, s.type);
  nonEmptyString(w, 0x12, s.subtype);
  nonEmptyString(w, 0x1a, s.version);
  optionalString(w, 0x22, s.url);
  if (s.$unknown !== undefined) unknown(w, s.$unknown);
  w.join(m);
}

/** Header field 4, Producer. */
function writeProducer(w: ProtoWriter, p: Producer): void {
  w.byte(0x22);
  const m = w.fork();
  nonEmptyString(w, 0x0a, p.language);
  nonEmptyString(w, 0x12, p.version);
  if (p.$unknown !== undefined) unknown(w, p.$unknown);
  w.join(m);
}

/** Header field 5, TraceContext. */
function writeTrace(w: ProtoWriter, t: TraceContext): void {
  w.byte(0x2a);
  const m = w.fork();
  nonEmptyBytes(w, 0x0a, t.traceId);
  nonEmptyBytes(w, 0x12, t.spanId);
  nonEmptyBytes(w, 0x1a, t.parentSpanId);
  if (t.traceFlags !== 0) {
    w.byte(0x20);
    w.uint32(t.traceFlags);
  }
  nonEmptyString(w, 0x2a, t.traceState);
  if (t.$unknown !== undefined) unknown(w, t.$unknown);
  w.join(m);
}

/** Header field 6, Resource. */
function writeResource(w: ProtoWriter, r: Resource): void {
  w.byte(0x32);
  const m = w.fork();
  nonEmptyString(w, 0x0a, r.serviceName);
  optionalString(w, 0x12, r.serviceVersion);
  optionalString(w, 0x1a, r.environment);
  optionalString(w, 0x22, r.region);
  optionalString(w, 0x2a, r.host);
  if (r.attributes !== undefined) writeAttributes(w, 0x32, r.attributes, 0);
  if (r.$unknown !== undefined) unknown(w, r.$unknown);
  w.join(m);
}

/** Header field 7, Status. */
function writeStatus(w: ProtoWriter, st: Status): void {
  w.byte(0x3a);
  const m = w.fork();
  if (st.code !== 0) {
    w.byte(0x08);
    w.uint32(st.code);
  }
  nonEmptyString(w, 0x12, st.message);
  if (st.$unknown !== undefined) unknown(w, st.$unknown);
  w.join(m);
}

/** Writes the Body message's fields (without its own tag and length). */
export function writeBody(w: ProtoWriter, b: Body): void {
  if (b.attributes !== undefined) writeAttributes(w, 0x0a, b.attributes, 0);
  const extensions = b.extensions;
  if (extensions !== undefined) {
    for (let i = 0; i < extensions.length; i++) {
      const e = extensions[i]!;
      w.byte(0x12);
      const m = w.fork();
      nonEmptyString(w, 0x0a, e.namespace);
      nonEmptyString(w, 0x12, e.version);
      if (e.attributes !== undefined) writeAttributes(w, 0x1a, e.attributes, 0);
      if (e.$unknown !== undefined) unknown(w, e.$unknown);
      w.join(m);
    }
  }
  if (b.$unknown !== undefined) unknown(w, b.$unknown);
}

/** Writes the Envelope message's fields. */
export function writeEnvelope(w: ProtoWriter, e: Envelope): void {
  w.byte(0x0a);
  let m = w.fork();
  writeHeader(w, e.header);
  w.join(m);
  w.byte(0x12);
  m = w.fork();
  writeBody(w, e.body);
  w.join(m);
  if (e.$unknown !== undefined) unknown(w, e.$unknown);
}

/**
 * Keys and string values up to this many UTF-16 units are written inline.
 * Measured: inline beats a call into ProtoWriter.string (which goes native
 * past 20) up to about 24 units here.
 */
const SHORT_TEXT = 24;

/**
 * Writes each entry as a KeyValue with the given field tag. The common case,
 * a short ASCII key (and often a short ASCII string value), is written with
 * one room check and no calls: the KeyValue tag, its length byte (patched by
 * `join`), `0a <n> key`, then `12 <n+2> 0a <n> value`. Anything else takes
 * the general path (ProtoWriter.string, fork/join); the differential test
 * against protobuf-es covers both.
 */
function writeAttributes(w: ProtoWriter, tag: number, attributes: Attributes, depth: number): void {
  // Map#forEach is measurably faster than for-of here (no entry arrays).
  attributes.forEach((value, key) => {
    const klen = key.length;
    w.ensure(4 + klen);
    const buf = w.buf;
    const at = w.pos;
    const mark = at + 1 - w.start; // as fork() returns it
    buf[at] = tag;
    const keyAt = at + 2;
    w.pos = keyAt;
    if (klen > 0) {
      let i = 0;
      if (klen <= SHORT_TEXT) {
        const q = keyAt + 2;
        for (; i < klen; i++) {
          const c = key.charCodeAt(i);
          if (c >= 0x80) break;
          buf[q + i] = c;
        }
      }
      if (i === klen) {
        buf[keyAt] = 0x0a;
        buf[keyAt + 1] = klen;
        w.pos = keyAt + 2 + klen;
      } else {
        w.byte(0x0a);
        w.string(key);
      }
    }
    if (typeof value !== "string" || !shortAsciiValue(w, value)) {
      w.byte(0x12);
      const v = w.fork();
      writeValue(w, value, depth);
      w.join(v);
    }
    w.join(mark);
  });
}

/**
 * Writes field 2 of a KeyValue holding an AnyValue with a short ASCII string
 * (`12 <n+2> 0a <n> text`) in one go and returns true; false, having written
 * nothing, for any other string.
 */
function shortAsciiValue(w: ProtoWriter, value: string): boolean {
  const len = value.length;
  if (len > SHORT_TEXT) return false;
  w.ensure(4 + len);
  const buf = w.buf;
  const q = w.pos + 4;
  for (let i = 0; i < len; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) return false;
    buf[q + i] = c;
  }
  const at = w.pos;
  buf[at] = 0x12;
  buf[at + 1] = len + 2;
  buf[at + 2] = 0x0a;
  buf[at + 3] = len;
  w.pos = q + len;
  return true;
}

/**
 * The depth of the values inside an array or map at `depth`; past
 * DEFAULT_LIMITS.maxDepth it is an error, as in validation (a Map that
 * contains itself ends here, not in a stack overflow). The encoder relies on
 * it: this codec checks attribute values for it (`checksAttributes`), and
 * an encoder validates at the default limits, so a value decoded under a
 * raised `maxDepth` is not written deeper than 32 (the CBOR and JSON
 * writers are held to the same by validation).
 */
function enter(depth: number): number {
  const next = depth + 1;
  if (next > MAX_DEPTH) {
    throw new EnvelopeError("limit_exceeded", `nested deeper than ${MAX_DEPTH}`);
  }
  return next;
}

const MAX_DEPTH = DEFAULT_LIMITS.maxDepth;

/**
 * Writes the fields of an AnyValue. (typeof comparisons, not
 * `switch (typeof value)`: V8 compiles `typeof v === "x"` to a type check,
 * but a switch to a call that builds the type name.)
 */
function writeValue(w: ProtoWriter, value: AttributeValue, depth: number): void {
  if (typeof value === "string") {
    w.byte(0x0a);
    w.string(value);
  } else if (typeof value === "bigint") {
    if (BigInt.asIntN(64, value) !== value) {
      throw new EnvelopeError("invalid_value", "int64 out of range");
    }
    w.byte(0x18);
    w.int64(value);
  } else if (typeof value === "number") {
    w.byte(0x21);
    w.double(value);
  } else if (typeof value === "boolean") {
    w.byte(0x10);
    w.byte(value ? 1 : 0);
  } else if (typeof value === "object") {
    writeObjectValue(w, value, depth);
  } else {
    throw new EnvelopeError("invalid_value", `unsupported attribute value type ${typeof value}`);
  }
}

/** Writes the fields of an AnyValue holding bytes, an array, a map or a value of an unknown kind. */
function writeObjectValue(w: ProtoWriter, value: AttributeValue, depth: number): void {
  if (value instanceof Uint8Array) {
    w.byte(0x3a);
    w.bytes(value);
    return;
  }
  if (Array.isArray(value)) {
    const inner = enter(depth);
    w.byte(0x2a);
    const m = w.fork();
    for (let i = 0; i < value.length; i++) {
      w.byte(0x0a);
      const v = w.fork();
      writeValue(w, value[i]!, inner);
      w.join(v);
    }
    w.join(m);
    return;
  }
  if (value instanceof Map) {
    const inner = enter(depth);
    w.byte(0x32);
    const m = w.fork();
    writeAttributes(w, 0x0a, value, inner);
    w.join(m);
    return;
  }
  if (value instanceof UnknownValue) {
    if (value.codec === "protobuf") {
      w.raw(value.data as Uint8Array);
      return;
    }
    throw new EnvelopeError(
      "invalid_value",
      `an attribute value of a kind unknown to this version was read by the ${value.codec} codec and cannot be written as protobuf`,
    );
  }
  throw new EnvelopeError(
    "invalid_value",
    `unsupported attribute value type ${value === null ? "null" : "object"}`,
  );
}
