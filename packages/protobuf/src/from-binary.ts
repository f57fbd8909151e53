/**
 * Schema-specialised protobuf binary decoder for the envelope contract
 * (docs/spec.md, "Codec: protobuf binary"; field table in to-binary.ts).
 * Reads straight into the model, checks every length against its message's
 * end and the limits before it allocates, and keeps unknown fields.
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

/** Collects the raw bytes of unknown fields of one message. */
class UnknownCollector {
  private chunks: Uint8Array[] | undefined;
  add(r: ProtoReader, start: number): void {
    this.chunks ??= [];
    this.chunks.push(r.buf.subarray(start, r.pos));
  }
  attach(target: HasUnknown): void {
    const chunks = this.chunks;
    if (chunks === undefined) return;
    let size = 0;
    for (const c of chunks) size += c.length;
    const data = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      data.set(c, at);
      at += c.length;
    }
    target.$unknown = { codec: "protobuf", data };
  }
}

/** State of one decode call. */
class Ctx {
  readonly view: DataView;
  constructor(
    readonly r: ProtoReader,
    readonly budget: DecodeBudget,
  ) {
    this.view = new DataView(r.buf.buffer, r.buf.byteOffset, r.buf.byteLength);
  }
}

function expectWire(c: Ctx, wt: number, want: number, field: string, tagAt: number): void {
  if (wt !== want) c.r.fail(`field ${field} has wire type ${wt}, expected ${want}`, tagAt);
}

/** Reads the next tag; returns [fieldNo, wireType, tagStart]. */
function readTag(c: Ctx, end: number): [number, number, number] {
  const start = c.r.pos;
  const tag = c.r.uint32(end);
  const fieldNo = tag >>> 3;
  if (fieldNo === 0) c.r.fail("field number 0", start);
  return [fieldNo, tag & 7, start];
}

function skipUnknown(
  c: Ctx,
  u: UnknownCollector,
  fieldNo: number,
  wt: number,
  tagAt: number,
  end: number,
): void {
  if (wt === 4) c.r.fail(`unexpected end group ${fieldNo}`, tagAt);
  c.r.skip(wt, fieldNo, end);
  u.add(c.r, tagAt);
}

/** Enters a length-delimited sub-message; returns its end. */
function sub(c: Ctx, end: number, what: string): number {
  const len = c.r.length(end, what);
  return c.r.pos + len;
}

function str(c: Ctx, end: number): string {
  return c.r.string(end, c.budget.limits.maxStringLength);
}

function bytes(c: Ctx, end: number): Uint8Array {
  return c.r.bytes(end, c.budget.limits.maxBytesLength);
}

export function readHeader(c: Ctx, end: number): Header {
  const h = { eventId: EMPTY, timeUnixNano: 0n } as Header;
  const u = new UnknownCollector();
  while (c.r.pos < end) {
    const [no, wt, at] = readTag(c, end);
    switch (no) {
      case 1:
        expectWire(c, wt, 2, "Header.schema", at);
        h.schema = readSchema(c, sub(c, end, "Header.schema"));
        break;
      case 2:
        expectWire(c, wt, 2, "Header.event_id", at);
        h.eventId = bytes(c, end);
        break;
      case 3:
        expectWire(c, wt, 1, "Header.time_unix_nano", at);
        h.timeUnixNano = c.r.fixed64(end);
        break;
      case 4:
        expectWire(c, wt, 2, "Header.producer", at);
        h.producer = readProducer(c, sub(c, end, "Header.producer"));
        break;
      case 5:
        expectWire(c, wt, 2, "Header.trace", at);
        h.trace = readTrace(c, sub(c, end, "Header.trace"));
        break;
      case 6:
        expectWire(c, wt, 2, "Header.resource", at);
        h.resource = readResource(c, sub(c, end, "Header.resource"));
        break;
      case 7:
        expectWire(c, wt, 2, "Header.status", at);
        h.status = readStatus(c, sub(c, end, "Header.status"));
        break;
      default:
        skipUnknown(c, u, no, wt, at, end);
    }
  }
  u.attach(h);
  return h;
}

function readSchema(c: Ctx, end: number): SchemaRef {
  const s: SchemaRef = { type: "", subtype: "", version: "" };
  const u = new UnknownCollector();
  while (c.r.pos < end) {
    const [no, wt, at] = readTag(c, end);
    if (no >= 1 && no <= 4) {
      expectWire(c, wt, 2, `SchemaRef field ${no}`, at);
      const v = str(c, end);
      if (no === 1) s.type = v;
      else if (no === 2) s.subtype = v;
      else if (no === 3) s.version = v;
      else s.url = v;
    } else skipUnknown(c, u, no, wt, at, end);
  }
  u.attach(s);
  return s;
}

function readProducer(c: Ctx, end: number): Producer {
  const p: Producer = { language: "", version: "" };
  const u = new UnknownCollector();
  while (c.r.pos < end) {
    const [no, wt, at] = readTag(c, end);
    if (no === 1 || no === 2) {
      expectWire(c, wt, 2, `Producer field ${no}`, at);
      if (no === 1) p.language = str(c, end);
      else p.version = str(c, end);
    } else skipUnknown(c, u, no, wt, at, end);
  }
  u.attach(p);
  return p;
}

function readTrace(c: Ctx, end: number): TraceContext {
  const t: TraceContext = { traceId: EMPTY, spanId: EMPTY, traceFlags: 0 };
  const u = new UnknownCollector();
  while (c.r.pos < end) {
    const [no, wt, at] = readTag(c, end);
    switch (no) {
      case 1:
        expectWire(c, wt, 2, "TraceContext.trace_id", at);
        t.traceId = bytes(c, end);
        break;
      case 2:
        expectWire(c, wt, 2, "TraceContext.span_id", at);
        t.spanId = bytes(c, end);
        break;
      case 3: {
        expectWire(c, wt, 2, "TraceContext.parent_span_id", at);
        const v = bytes(c, end);
        if (v.length > 0) t.parentSpanId = v;
        else delete t.parentSpanId;
        break;
      }
      case 4:
        expectWire(c, wt, 0, "TraceContext.trace_flags", at);
        t.traceFlags = c.r.varint64(end)[0];
        break;
      case 5: {
        expectWire(c, wt, 2, "TraceContext.trace_state", at);
        const v = str(c, end);
        if (v.length > 0) t.traceState = v;
        else delete t.traceState;
        break;
      }
      default:
        skipUnknown(c, u, no, wt, at, end);
    }
  }
  u.attach(t);
  return t;
}

function readResource(c: Ctx, end: number): Resource {
  const r: Resource = { serviceName: "", attributes: new Map() };
  const u = new UnknownCollector();
  while (c.r.pos < end) {
    const [no, wt, at] = readTag(c, end);
    if (no >= 1 && no <= 5) {
      expectWire(c, wt, 2, `Resource field ${no}`, at);
      const v = str(c, end);
      if (no === 1) r.serviceName = v;
      else if (no === 2) r.serviceVersion = v;
      else if (no === 3) r.environment = v;
      else if (no === 4) r.region = v;
      else r.host = v;
    } else if (no === 6) {
      expectWire(c, wt, 2, "Resource.attributes", at);
      readKeyValue(c, sub(c, end, "Resource.attributes"), r.attributes, 0);
    } else skipUnknown(c, u, no, wt, at, end);
  }
  u.attach(r);
  return r;
}

function readStatus(c: Ctx, end: number): Status {
  const s: Status = { code: 0, message: "" };
  const u = new UnknownCollector();
  while (c.r.pos < end) {
    const [no, wt, at] = readTag(c, end);
    if (no === 1) {
      expectWire(c, wt, 0, "Status.code", at);
      // An enum is an int32; values this version does not name are kept as numbers.
      s.code = c.r.varint64(end)[0] | 0;
    } else if (no === 2) {
      expectWire(c, wt, 2, "Status.message", at);
      s.message = str(c, end);
    } else skipUnknown(c, u, no, wt, at, end);
  }
  u.attach(s);
  return s;
}

export function readBody(c: Ctx, end: number): Body {
  const b: Body = { attributes: new Map(), extensions: [] };
  const u = new UnknownCollector();
  while (c.r.pos < end) {
    const [no, wt, at] = readTag(c, end);
    if (no === 1) {
      expectWire(c, wt, 2, "Body.attributes", at);
      readKeyValue(c, sub(c, end, "Body.attributes"), b.attributes, 0);
    } else if (no === 2) {
      expectWire(c, wt, 2, "Body.extensions", at);
      b.extensions.push(readExtension(c, sub(c, end, "Body.extensions")));
    } else skipUnknown(c, u, no, wt, at, end);
  }
  u.attach(b);
  return b;
}

function readExtension(c: Ctx, end: number): Extension {
  const e: Extension = { namespace: "", version: "", attributes: new Map() };
  const u = new UnknownCollector();
  while (c.r.pos < end) {
    const [no, wt, at] = readTag(c, end);
    if (no === 1 || no === 2) {
      expectWire(c, wt, 2, `Extension field ${no}`, at);
      if (no === 1) e.namespace = str(c, end);
      else e.version = str(c, end);
    } else if (no === 3) {
      expectWire(c, wt, 2, "Extension.attributes", at);
      readKeyValue(c, sub(c, end, "Extension.attributes"), e.attributes, 0);
    } else skipUnknown(c, u, no, wt, at, end);
  }
  u.attach(e);
  return e;
}

/**
 * Reads one KeyValue into `into`. Unknown fields of a KeyValue have no place
 * in the model and are skipped (docs/spec.md, "Unknown fields").
 */
function readKeyValue(c: Ctx, end: number, into: Attributes, depth: number): void {
  const start = c.r.pos;
  c.budget.countAttribute(() => `attribute at byte ${c.r.base + start}`);
  let key = "";
  let value: AttributeValue | undefined;
  while (c.r.pos < end) {
    const [no, wt, at] = readTag(c, end);
    if (no === 1) {
      expectWire(c, wt, 2, "KeyValue.key", at);
      key = str(c, end);
    } else if (no === 2) {
      expectWire(c, wt, 2, "KeyValue.value", at);
      value = readAnyValue(c, sub(c, end, "KeyValue.value"), depth);
    } else c.r.skip(wt, no, end);
  }
  if (value === undefined) {
    throw new EnvelopeError("invalid_value", `attribute ${JSON.stringify(key)} has no value`, {
      offset: c.r.base + start,
    });
  }
  if (into.has(key)) {
    throw new EnvelopeError(
      "duplicate_key",
      `attribute key ${JSON.stringify(key)} appears twice in one map`,
      {
        offset: c.r.base + start,
      },
    );
  }
  into.set(key, value);
}

function enter(c: Ctx, depth: number, at: number): number {
  const next = depth + 1;
  if (next > c.budget.limits.maxDepth) {
    throw new EnvelopeError(
      "limit_exceeded",
      `attribute value nested deeper than ${c.budget.limits.maxDepth}`,
      {
        offset: c.r.base + at,
      },
    );
  }
  return next;
}

/**
 * Reads an AnyValue. As in protobuf, the last member of the oneof wins. An
 * AnyValue holding only fields this version does not know becomes an
 * `UnknownValue` with its raw bytes, written back as it was.
 */
function readAnyValue(c: Ctx, end: number, depth: number): AttributeValue {
  const start = c.r.pos;
  let value: AttributeValue | undefined;
  let sawUnknown = false;
  while (c.r.pos < end) {
    const [no, wt, at] = readTag(c, end);
    switch (no) {
      case 1:
        expectWire(c, wt, 2, "AnyValue.string_value", at);
        value = str(c, end);
        break;
      case 2:
        expectWire(c, wt, 0, "AnyValue.bool_value", at);
        value = c.r.bool(end);
        break;
      case 3:
        expectWire(c, wt, 0, "AnyValue.int_value", at);
        value = c.r.int64(end);
        break;
      case 4:
        expectWire(c, wt, 1, "AnyValue.double_value", at);
        value = c.r.double(end, c.view);
        break;
      case 5: {
        expectWire(c, wt, 2, "AnyValue.array_value", at);
        const inner = enter(c, depth, at);
        value = readArray(c, sub(c, end, "AnyValue.array_value"), inner);
        break;
      }
      case 6: {
        expectWire(c, wt, 2, "AnyValue.kvlist_value", at);
        const inner = enter(c, depth, at);
        value = readKvList(c, sub(c, end, "AnyValue.kvlist_value"), inner);
        break;
      }
      case 7:
        expectWire(c, wt, 2, "AnyValue.bytes_value", at);
        value = bytes(c, end);
        break;
      default:
        if (wt === 4) c.r.fail(`unexpected end group ${no}`, at);
        c.r.skip(wt, no, end);
        sawUnknown = true;
    }
  }
  if (value === undefined) {
    if (sawUnknown) return new UnknownValue("protobuf", c.r.buf.slice(start, end));
    throw new EnvelopeError("invalid_value", "attribute value (AnyValue) has no value set", {
      offset: c.r.base + start,
    });
  }
  return value;
}

function readArray(c: Ctx, end: number, depth: number): AttributeValue[] {
  const out: AttributeValue[] = [];
  while (c.r.pos < end) {
    const [no, wt, at] = readTag(c, end);
    if (no === 1) {
      expectWire(c, wt, 2, "ArrayValue.values", at);
      c.budget.countAttribute(() => `array element at byte ${c.r.base + at}`);
      out.push(readAnyValue(c, sub(c, end, "ArrayValue.values"), depth));
    } else c.r.skip(wt, no, end);
  }
  return out;
}

function readKvList(c: Ctx, end: number, depth: number): Attributes {
  const out: Attributes = new Map();
  while (c.r.pos < end) {
    const [no, wt, at] = readTag(c, end);
    if (no === 1) {
      expectWire(c, wt, 2, "KeyValueList.values", at);
      readKeyValue(c, sub(c, end, "KeyValueList.values"), out, depth);
    } else c.r.skip(wt, no, end);
  }
  return out;
}

export function readEnvelope(c: Ctx, end: number): Envelope {
  const e = {} as Envelope;
  const u = new UnknownCollector();
  while (c.r.pos < end) {
    const [no, wt, at] = readTag(c, end);
    if (no === 1) {
      expectWire(c, wt, 2, "Envelope.header", at);
      e.header = readHeader(c, sub(c, end, "Envelope.header"));
    } else if (no === 2) {
      expectWire(c, wt, 2, "Envelope.body", at);
      e.body = readBody(c, sub(c, end, "Envelope.body"));
    } else skipUnknown(c, u, no, wt, at, end);
  }
  if (e.header === undefined) {
    throw new EnvelopeError("missing_field", "envelope has no header", { offset: c.r.base });
  }
  e.body ??= { attributes: new Map(), extensions: [] };
  u.attach(e);
  return e;
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
