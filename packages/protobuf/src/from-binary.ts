/**
 * Schema-specialised protobuf binary decoder for the envelope contract
 * (docs/spec.md, "Codec: protobuf binary"; field table in to-binary.ts).
 * Reads straight into the model, checks every length against its message's
 * end and the limits before it allocates, and keeps unknown fields.
 *
 * Each message loop switches on the whole tag (field number and wire type),
 * so a known field with the expected wire type costs one comparison; anything
 * else goes to `other()`, which rejects a known field with the wrong wire
 * type and keeps an unknown one.
 */
import {
  type Attributes,
  type AttributeValue,
  type Body,
  type DecodeBudget,
  type Envelope,
  EnvelopeError,
  type Extension,
  type HasUnknown,
  type Header,
  type Producer,
  type Resource,
  type SchemaRef,
  type Status,
  type TraceContext,
  UnknownValue,
} from "@envelope/core";
import { ProtoReader } from "./wire/reader.js";

const EMPTY = new Uint8Array(0);

/** State of one decode call. */
class Ctx {
  readonly maxString: number;
  readonly maxBytes: number;
  readonly maxDepth: number;
  /** Raw bytes of unknown fields, collected per message (see `attachUnknown`). */
  unknown: Uint8Array[] | undefined = undefined;
  constructor(
    readonly r: ProtoReader,
    readonly budget: DecodeBudget,
  ) {
    const l = budget.limits;
    this.maxString = l.maxStringLength;
    this.maxBytes = l.maxBytesLength;
    this.maxDepth = l.maxDepth;
  }

  /** Counts one attribute entry at `at` (see DecodeBudget.countAttribute). */
  count(at: number): void {
    this.budget.countEntry(this.r.base + at);
  }
}

/** Wire types of the known fields of each message, by field number. */
type Known = readonly (number | undefined)[];
const HEADER: Known = [undefined, 2, 2, 1, 2, 2, 2, 2];
const SCHEMA: Known = [undefined, 2, 2, 2, 2];
const PRODUCER: Known = [undefined, 2, 2];
const TRACE: Known = [undefined, 2, 2, 2, 0, 2];
const RESOURCE: Known = [undefined, 2, 2, 2, 2, 2, 2];
const STATUS: Known = [undefined, 0, 2];
const BODY: Known = [undefined, 2, 2];
const EXTENSION: Known = [undefined, 2, 2, 2];
const ENVELOPE: Known = [undefined, 2, 2];
const KEY_VALUE: Known = [undefined, 2, 2];
const ANY_VALUE: Known = [undefined, 2, 0, 0, 1, 2, 2, 2];
const LIST: Known = [undefined, 2];

/**
 * A field the message loop did not take: a known field with the wrong wire
 * type is an error; an unknown field is skipped and, when `keep`, its raw
 * bytes (tag included) are collected for re-encoding.
 */
function other(c: Ctx, known: Known, tag: number, at: number, end: number, keep: boolean): void {
  const no = tag >>> 3;
  const wt = tag & 7;
  if (no === 0) c.r.fail("field number 0", at);
  const expected = known[no];
  if (expected !== undefined) c.r.fail(`field ${no} has wire type ${wt}, expected ${expected}`, at);
  if (wt === 4) c.r.fail(`unexpected end group ${no}`, at);
  c.r.skip(wt, no, end);
  if (keep) {
    c.unknown ??= [];
    c.unknown.push(c.r.buf.subarray(at, c.r.pos));
  }
}

/**
 * Moves the unknown fields collected since `mark` onto `target` as one copied
 * byte string. (Small: it runs at the end of every message; the copying is
 * in `keepUnknown`.)
 */
function attachUnknown(c: Ctx, target: HasUnknown, mark: Uint8Array[] | undefined): void {
  const chunks = c.unknown;
  c.unknown = mark;
  if (chunks !== undefined && chunks !== mark) keepUnknown(target, chunks);
}

function keepUnknown(target: HasUnknown, chunks: Uint8Array[]): void {
  let size = 0;
  for (const chunk of chunks) size += chunk.length;
  const data = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    data.set(chunk, at);
    at += chunk.length;
  }
  target.$unknown = { codec: "protobuf", data };
}

/** Enters a length-delimited sub-message; returns its end. */
function sub(c: Ctx, end: number, what: string): number {
  const len = c.r.length(end, what);
  return c.r.pos + len;
}

function str(c: Ctx, end: number): string {
  return c.r.string(end, c.maxString);
}

function bytes(c: Ctx, end: number): Uint8Array {
  return c.r.bytes(end, c.maxBytes);
}

export function readHeader(c: Ctx, end: number): Header {
  const h = { eventId: EMPTY, timeUnixNano: 0n } as Header;
  const mark = c.unknown;
  c.unknown = undefined;
  const r = c.r;
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.uint32(end);
    switch (tag) {
      case 0x0a:
        h.schema = readSchema(c, sub(c, end, "Header.schema"));
        break;
      case 0x12:
        h.eventId = bytes(c, end);
        break;
      case 0x19:
        h.timeUnixNano = r.fixed64(end);
        break;
      case 0x22:
        h.producer = readProducer(c, sub(c, end, "Header.producer"));
        break;
      case 0x2a:
        h.trace = readTrace(c, sub(c, end, "Header.trace"));
        break;
      case 0x32:
        h.resource = readResource(c, sub(c, end, "Header.resource"));
        break;
      case 0x3a:
        h.status = readStatus(c, sub(c, end, "Header.status"));
        break;
      default:
        other(c, HEADER, tag, at, end, true);
    }
  }
  attachUnknown(c, h, mark);
  return h;
}

function readSchema(c: Ctx, end: number): SchemaRef {
  const s: SchemaRef = { type: "", subtype: "", version: "" };
  const mark = c.unknown;
  c.unknown = undefined;
  const r = c.r;
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.uint32(end);
    if (tag === 0x0a) s.type = str(c, end);
    else if (tag === 0x12) s.subtype = str(c, end);
    else if (tag === 0x1a) s.version = str(c, end);
    else if (tag === 0x22) s.url = str(c, end);
    else other(c, SCHEMA, tag, at, end, true);
  }
  attachUnknown(c, s, mark);
  return s;
}

function readProducer(c: Ctx, end: number): Producer {
  const p: Producer = { language: "", version: "" };
  const mark = c.unknown;
  c.unknown = undefined;
  const r = c.r;
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.uint32(end);
    if (tag === 0x0a) p.language = str(c, end);
    else if (tag === 0x12) p.version = str(c, end);
    else other(c, PRODUCER, tag, at, end, true);
  }
  attachUnknown(c, p, mark);
  return p;
}

function readTrace(c: Ctx, end: number): TraceContext {
  const t: TraceContext = { traceId: EMPTY, spanId: EMPTY, traceFlags: 0 };
  const mark = c.unknown;
  c.unknown = undefined;
  const r = c.r;
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.uint32(end);
    switch (tag) {
      case 0x0a:
        t.traceId = bytes(c, end);
        break;
      case 0x12:
        t.spanId = bytes(c, end);
        break;
      case 0x1a: {
        const v = bytes(c, end);
        if (v.length > 0) t.parentSpanId = v;
        else delete t.parentSpanId;
        break;
      }
      case 0x20:
        t.traceFlags = r.varint32(end) >>> 0;
        break;
      case 0x2a: {
        const v = str(c, end);
        if (v.length > 0) t.traceState = v;
        else delete t.traceState;
        break;
      }
      default:
        other(c, TRACE, tag, at, end, true);
    }
  }
  attachUnknown(c, t, mark);
  return t;
}

function readResource(c: Ctx, end: number): Resource {
  const res: Resource = { serviceName: "", attributes: new Map() };
  const mark = c.unknown;
  c.unknown = undefined;
  const r = c.r;
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.uint32(end);
    switch (tag) {
      case 0x0a:
        res.serviceName = str(c, end);
        break;
      case 0x12:
        res.serviceVersion = str(c, end);
        break;
      case 0x1a:
        res.environment = str(c, end);
        break;
      case 0x22:
        res.region = str(c, end);
        break;
      case 0x2a:
        res.host = str(c, end);
        break;
      case 0x32:
        readKeyValue(c, sub(c, end, "Resource.attributes"), res.attributes, 0, at);
        break;
      default:
        other(c, RESOURCE, tag, at, end, true);
    }
  }
  attachUnknown(c, res, mark);
  return res;
}

function readStatus(c: Ctx, end: number): Status {
  const s: Status = { code: 0, message: "" };
  const mark = c.unknown;
  c.unknown = undefined;
  const r = c.r;
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.uint32(end);
    // An enum is an int32; values this version does not name are kept as numbers.
    if (tag === 0x08) s.code = r.varint32(end) | 0;
    else if (tag === 0x12) s.message = str(c, end);
    else other(c, STATUS, tag, at, end, true);
  }
  attachUnknown(c, s, mark);
  return s;
}

export function readBody(c: Ctx, end: number): Body {
  const b: Body = { attributes: new Map(), extensions: [] };
  const mark = c.unknown;
  c.unknown = undefined;
  const r = c.r;
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.uint32(end);
    if (tag === 0x0a) readKeyValue(c, sub(c, end, "Body.attributes"), b.attributes, 0, at);
    else if (tag === 0x12) b.extensions.push(readExtension(c, sub(c, end, "Body.extensions")));
    else other(c, BODY, tag, at, end, true);
  }
  attachUnknown(c, b, mark);
  return b;
}

function readExtension(c: Ctx, end: number): Extension {
  const e: Extension = { namespace: "", version: "", attributes: new Map() };
  const mark = c.unknown;
  c.unknown = undefined;
  const r = c.r;
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.uint32(end);
    if (tag === 0x0a) e.namespace = str(c, end);
    else if (tag === 0x12) e.version = str(c, end);
    else if (tag === 0x1a)
      readKeyValue(c, sub(c, end, "Extension.attributes"), e.attributes, 0, at);
    else other(c, EXTENSION, tag, at, end, true);
  }
  attachUnknown(c, e, mark);
  return e;
}

/**
 * Reads one KeyValue into `into`. Unknown fields of a KeyValue have no place
 * in the model and are skipped (docs/spec.md, "Unknown fields").
 */
function readKeyValue(c: Ctx, end: number, into: Attributes, depth: number, at: number): void {
  c.count(at);
  const r = c.r;
  const start = r.pos;
  let key = "";
  let value: AttributeValue | undefined;
  while (r.pos < end) {
    const tagAt = r.pos;
    const tag = r.uint32(end);
    if (tag === 0x0a) key = str(c, end);
    else if (tag === 0x12) value = readAnyValue(c, sub(c, end, "KeyValue.value"), depth);
    else other(c, KEY_VALUE, tag, tagAt, end, false);
  }
  if (value === undefined) noValue(r, key, start);
  // One hash operation: a set that does not grow the map found the key already there.
  const size = into.size;
  into.set(key, value);
  if (into.size === size) duplicateKey(r, key, start);
}

function noValue(r: ProtoReader, key: string, at: number): never {
  throw new EnvelopeError("invalid_value", `attribute ${JSON.stringify(key)} has no value`, {
    offset: r.base + at,
  });
}

function duplicateKey(r: ProtoReader, key: string, at: number): never {
  throw new EnvelopeError(
    "duplicate_key",
    `attribute key ${JSON.stringify(key)} appears twice in one map`,
    {
      offset: r.base + at,
    },
  );
}

function enter(c: Ctx, depth: number, at: number): number {
  const next = depth + 1;
  if (next > c.maxDepth) tooDeep(c, at);
  return next;
}

function tooDeep(c: Ctx, at: number): never {
  throw new EnvelopeError("limit_exceeded", `attribute value nested deeper than ${c.maxDepth}`, {
    offset: c.r.base + at,
  });
}

/**
 * Reads an AnyValue. As in protobuf, the last member of the oneof wins. An
 * AnyValue holding only fields this version does not know becomes an
 * `UnknownValue` with its raw bytes, written back as it was.
 */
function readAnyValue(c: Ctx, end: number, depth: number): AttributeValue {
  const r = c.r;
  const start = r.pos;
  let value: AttributeValue | undefined;
  let sawUnknown = false;
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.uint32(end);
    switch (tag) {
      case 0x0a:
        value = str(c, end);
        break;
      case 0x10:
        value = r.bool(end);
        break;
      case 0x18:
        value = r.int64(end);
        break;
      case 0x21:
        value = r.double(end);
        break;
      case 0x2a:
        value = readArray(c, sub(c, end, "AnyValue.array_value"), enter(c, depth, at));
        break;
      case 0x32:
        value = readKvList(c, sub(c, end, "AnyValue.kvlist_value"), enter(c, depth, at));
        break;
      case 0x3a:
        value = bytes(c, end);
        break;
      default:
        other(c, ANY_VALUE, tag, at, end, false);
        sawUnknown = true;
    }
  }
  return value === undefined ? noKnownValue(r, start, end, sawUnknown) : value;
}

/** An AnyValue with no member this version knows: kept whole if it had unknown ones, else an error. */
function noKnownValue(
  r: ProtoReader,
  start: number,
  end: number,
  sawUnknown: boolean,
): UnknownValue {
  if (sawUnknown) return new UnknownValue("protobuf", r.buf.slice(start, end));
  throw new EnvelopeError("invalid_value", "attribute value (AnyValue) has no value set", {
    offset: r.base + start,
  });
}

function readArray(c: Ctx, end: number, depth: number): AttributeValue[] {
  const out: AttributeValue[] = [];
  const r = c.r;
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.uint32(end);
    if (tag === 0x0a) {
      c.count(at);
      out.push(readAnyValue(c, sub(c, end, "ArrayValue.values"), depth));
    } else other(c, LIST, tag, at, end, false);
  }
  return out;
}

function readKvList(c: Ctx, end: number, depth: number): Attributes {
  const out: Attributes = new Map();
  const r = c.r;
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.uint32(end);
    if (tag === 0x0a) readKeyValue(c, sub(c, end, "KeyValueList.values"), out, depth, at);
    else other(c, LIST, tag, at, end, false);
  }
  return out;
}

export function readEnvelope(c: Ctx, end: number): Envelope {
  const e = {} as Envelope;
  const mark = c.unknown;
  c.unknown = undefined;
  const r = c.r;
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.uint32(end);
    if (tag === 0x0a) e.header = readHeader(c, sub(c, end, "Envelope.header"));
    else if (tag === 0x12) e.body = readBody(c, sub(c, end, "Envelope.body"));
    else other(c, ENVELOPE, tag, at, end, true);
  }
  if (e.header === undefined) {
    throw new EnvelopeError("missing_field", "envelope has no header", { offset: r.base });
  }
  e.body ??= { attributes: new Map(), extensions: [] };
  attachUnknown(c, e, mark);
  return e;
}

/**
 * Decodes the header section `bytes[headerStart, bodyStart)` and the body
 * section `bytes[bodyStart, end)` of a frame with one reader, so both share
 * one latin1 string of the input (see ProtoReader.ascii).
 */
export function decodeSections(
  bytes: Uint8Array,
  headerStart: number,
  bodyStart: number,
  end: number,
  budget: DecodeBudget,
): Envelope {
  // Positions are absolute in `bytes` (base 0): no subarray per decode.
  const c = new Ctx(new ProtoReader(bytes, 0, headerStart, end), budget);
  const header = readHeader(c, bodyStart);
  const body = readBody(c, end);
  return { header, body };
}

/** Runs `read` over `bytes` as one whole message. */
export function decodeMessage<T>(
  bytes: Uint8Array,
  budget: DecodeBudget,
  offset: number,
  read: (c: Ctx, end: number) => T,
): T {
  const c = new Ctx(new ProtoReader(bytes, offset), budget);
  return read(c, bytes.length);
}
