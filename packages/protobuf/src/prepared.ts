/**
 * Prepared encoders (README.md, "Prepared encoders for registered events"): for one registered
 * event, the bytes that never change from one envelope to the next (the
 * schema reference, and each declared attribute's KeyValue tag, key and
 * AnyValue tag) are written once, when the encoder is prepared; an encode
 * writes them by copying and encodes only the values and the varying header
 * fields. The output is the frame `encode` of `@envelope/sdk` (default
 * options) writes for the same envelope, byte for byte.
 */
import {
  type Attributes,
  type AttributesInit,
  type AttributeValue,
  assertValidEnvelope,
  CODEC_IDS,
  createEnvelope,
  DEFAULT_LIMITS,
  type Envelope,
  type EnvelopeInit,
  FRAME_PREFIX_SIZE,
  findFrameCandidate,
  type Header,
  isSemver,
  newEventId,
  nowUnixNano,
  type Resource,
  type SchemaRef,
  SDK_LANGUAGE,
  SDK_VERSION,
  type Status,
  toAttributes,
  UnknownValue,
  writeFramePrefix,
} from "@envelope/core";
import { protobufCodec } from "./codec.js";
import { writeHeader, writeSchemaRef, writeStatus } from "./gen/envelope/v1/envelope_codec.js";
import {
  nonEmptyString,
  optionalString,
  shortAsciiValue,
  unknown,
  writeAttributes,
  writeValue,
} from "./to-binary.js";
import { ProtoWriter } from "./wire/writer.js";

/**
 * What a prepared encoder needs to know of an event: its schema reference
 * and the attributes it declares (a registry `SchemaDescriptor` is one).
 */
export interface PreparedEvent {
  readonly type: string;
  readonly subtype: string;
  readonly version: string;
  /** Written in the schema reference when given. */
  readonly url?: string;
  /**
   * The declared attributes: each key's bytes are written once, and the
   * whole entry up to the value for a `double` or `bool` (`type.kind`) that
   * is not `repeated` (`presence`).
   */
  readonly attributes: ReadonlyArray<{
    readonly key: string;
    readonly type: { readonly kind: string };
    readonly presence?: string;
  }>;
}

/** What {@link PreparedEncoder.encode} takes: {@link EnvelopeInit} without the schema, which is the event's. */
export type PreparedInit = Omit<EnvelopeInit, "schema">;

/** An encoder for the envelopes of one event; see {@link prepareEncoder}. */
export interface PreparedEncoder {
  /** The schema reference every envelope of this encoder carries. */
  readonly schema: Readonly<SchemaRef>;
  /**
   * Encodes an envelope of this event: the bytes of
   * `encode(createEnvelope({ ...init, schema }))` (`@envelope/sdk`, default
   * options: a protobuf frame, uncompressed, validated), and the same
   * `EnvelopeError` for an invalid one. Like `encode`, the result may share
   * its `ArrayBuffer` with other results.
   */
  encode(init: PreparedInit): Uint8Array;
}

/** Validation without the attribute walk, as `encode` runs it for the protobuf codec (it checks attribute values while it writes them). */
const HEADER_ONLY = /* @__PURE__ */ Object.freeze({ attributes: false });

/** The body's attributes as validation sees them: the prepared path writes them from the producer's object. */
const NO_ATTRIBUTES: Attributes = /* @__PURE__ */ new Map();
const NO_EXTENSIONS: Envelope["body"]["extensions"] = /* @__PURE__ */ Object.freeze([]) as never;

/** An extension as given: its attributes not converted. */
type ExtensionInit = NonNullable<EnvelopeInit["extensions"]>[number];

/** What writeFrame writes: the envelope, its attribute maps as the producer gave them. */
interface Parts {
  /** The header without its schema, resource and status. */
  readonly header: Header;
  readonly resource: EnvelopeInit["resource"];
  readonly resourceAttributes: AttributesInit | undefined;
  readonly status: Status | undefined;
  readonly attributes: AttributesInit | undefined;
  readonly extensions: readonly ExtensionInit[];
}

/** A declared attribute's bytes. */
interface Plan {
  /** The KeyValue's key field, `0a <n> key` (nothing for an empty key, as the generic writer omits it). */
  readonly key: Uint8Array;
  /**
   * For a declared `double` or `bool`, whose entry has a fixed size: every
   * byte before the value, `0a <n> key 12 09 21` or `0a <n> key 12 02 10`.
   */
  readonly fixed: Uint8Array | undefined;
  /** The value kind `fixed` is for: "number", "boolean", or "" when there is none. */
  readonly kind: string;
}

/** The bytes `write` writes, as a copy of their own. */
function bytesOf(write: (w: ProtoWriter) => void): Uint8Array {
  const w = new ProtoWriter(256);
  w.begin();
  write(w);
  return w.result().slice();
}

function planOf(key: string, kind: string): Plan {
  const keyBytes = bytesOf((w) => {
    if (key.length > 0) {
      w.byte(0x0a);
      w.string(key);
    }
  });
  // The entry's length is one byte when it is below 128 (keys up to 116
  // UTF-8 bytes for a double); longer keys take the general path.
  const tail = kind === "double" ? [0x12, 0x09, 0x21] : kind === "bool" ? [0x12, 0x02, 0x10] : [];
  const length = keyBytes.length + tail.length + (kind === "double" ? 8 : 1);
  if (tail.length === 0 || length >= 0x80) return { key: keyBytes, fixed: undefined, kind: "" };
  const fixed = new Uint8Array(2 + keyBytes.length + tail.length);
  fixed[0] = 0x0a;
  fixed[1] = length;
  fixed.set(keyBytes, 2);
  fixed.set(tail, 2 + keyBytes.length);
  return { key: keyBytes, fixed, kind: kind === "double" ? "number" : "boolean" };
}

/** Copies `bytes` at `w.pos` (room already ensured): a loop beats `TypedArray#set` for a few dozen bytes. */
function copy(w: ProtoWriter, bytes: Uint8Array): void {
  const buf = w.buf;
  const at = w.pos;
  const n = bytes.length;
  for (let i = 0; i < n; i++) buf[at + i] = bytes[i]!;
  w.pos = at + n;
}

/**
 * Thrown by the prepared path for anything it leaves to the general path:
 * values createEnvelope or the codec refuse (the general path throws their
 * error) and objects it does not walk itself (class instances, Map subclasses).
 */
const GENERAL = /* @__PURE__ */ Object.freeze(
  /* @__PURE__ */ new Error("the general path takes this envelope"),
);

const hasOwn = Object.prototype.hasOwnProperty;
const MAX_DEPTH = DEFAULT_LIMITS.maxDepth;

/**
 * Writes an attribute map as the producer gave it (a plain object or a
 * `Map`, values as createEnvelope takes them) as KeyValues with field tag
 * `tag`: the bytes the codec writes for the map createEnvelope makes of it,
 * without making it. Declared keys (`plans`, the body's) are copied.
 */
function writeInit(
  w: ProtoWriter,
  tag: number,
  init: AttributesInit | undefined,
  plans: Map<string, Plan> | undefined,
  depth: number,
): void {
  if (init === undefined || init === null) return;
  const proto = Object.getPrototypeOf(init);
  if (proto === Object.prototype) {
    // `for in` over a plain object visits what `Object.entries`
    // (createEnvelope) does, in the same order, plus inherited enumerable
    // keys: hence hasOwnProperty (which V8 answers from the object's map here).
    const object = init as { readonly [key: string]: unknown };
    for (const key in object) {
      if (hasOwn.call(object, key)) entry(w, tag, key, object[key], plans, depth);
    }
  } else if (proto === Map.prototype) {
    (init as Map<string, unknown>).forEach((value, key) => {
      entry(w, tag, key, value, plans, depth);
    });
  } else if (depth === 0) {
    // createEnvelope takes any object at the top (Object.entries of it).
    writeAttributes(w, tag, toAttributes(init), 0);
  } else {
    throw GENERAL;
  }
}

/** Writes one KeyValue of an attribute map as the producer gave it (nothing for an absent value). */
function entry(
  w: ProtoWriter,
  tag: number,
  key: string,
  value: unknown,
  plans: Map<string, Plan> | undefined,
  depth: number,
): void {
  if (value === undefined || value === null) return;
  const plan = plans?.get(key);
  if (plan !== undefined) {
    const t = typeof value;
    if (t === plan.kind) {
      const fixed = plan.fixed!;
      w.ensure(fixed.length + 8);
      copy(w, fixed);
      if (t === "number") w.double(value as number);
      else w.buf[w.pos++] = value ? 1 : 0;
      return;
    }
  }
  w.byte(tag);
  const m = w.fork();
  if (plan !== undefined) {
    w.ensure(plan.key.length);
    copy(w, plan.key);
  } else if (key.length > 0) {
    w.byte(0x0a);
    w.string(key);
  }
  if (typeof value !== "string" || !shortAsciiValue(w, value)) {
    w.byte(0x12);
    const v = w.fork();
    writeInitValue(w, value, depth);
    w.join(v);
  }
  w.join(m);
}

/**
 * Writes the fields of the AnyValue of a value as the producer gave it: what
 * writeValue writes for the value createEnvelope makes of it.
 */
function writeInitValue(w: ProtoWriter, value: unknown, depth: number): void {
  if (typeof value !== "object" || value instanceof Uint8Array || value instanceof UnknownValue) {
    // Scalars, bytes and unknown values are what createEnvelope keeps as
    // they are; writeValue refuses the rest (functions, symbols).
    writeValue(w, value as AttributeValue, depth);
    return;
  }
  if (value === null || depth + 1 > MAX_DEPTH) throw GENERAL;
  if (Array.isArray(value)) {
    w.byte(0x2a);
    const m = w.fork();
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      // createEnvelope refuses an absent item (leaving it out would shift the others).
      if (item === undefined || item === null) throw GENERAL;
      w.byte(0x0a);
      const v = w.fork();
      writeInitValue(w, item, depth + 1);
      w.join(v);
    }
    w.join(m);
    return;
  }
  w.byte(0x32);
  const m = w.fork();
  writeInit(w, 0x0a, value as AttributesInit, undefined, depth + 1);
  w.join(m);
}

/**
 * Creates an encoder for the envelopes of one event. Prepare it once and
 * keep it (the modules `schema gen` writes keep one per event version).
 *
 * ```ts
 * const login = prepareEncoder({
 *   type: "request", subtype: "login", version: "1.0.0",
 *   attributes: [{ key: "user", type: { kind: "string" } }],
 * });
 * const bytes = login.encode({ resource: { serviceName: "auth" }, attributes: { user: "alice" } });
 * ```
 *
 * Attributes the event does not declare and values of another kind than
 * declared are written too, the general way; attributes may be a plain
 * object or a `Map` (declared keys are copied from both): the descriptor
 * makes the common case faster, never the output different.
 */
export function prepareEncoder(event: PreparedEvent): PreparedEncoder {
  const schema: SchemaRef = { type: event.type, subtype: event.subtype, version: event.version };
  if (event.url !== undefined) schema.url = event.url;
  Object.freeze(schema);
  const plans = new Map<string, Plan>();
  for (const a of event.attributes) {
    const kind = a.presence === "repeated" ? "array" : a.type.kind;
    if (a.key.isWellFormed()) plans.set(a.key, planOf(a.key, kind));
  }
  // `0a <n> SchemaRef`, the header's field 1. A reference validation would
  // refuse (the descriptor parser refuses it first) leaves the encoder on
  // the general path, so it fails as `encode` does.
  const valid =
    schema.type.length > 0 &&
    schema.subtype.length > 0 &&
    isSemver(schema.version) &&
    [schema.type, schema.subtype, schema.url ?? ""].every((t) => t.isWellFormed());
  const schemaBytes = valid
    ? bytesOf((w) => {
        w.byte(0x0a);
        const n = w.fork();
        writeSchemaRef(w, schema);
        w.join(n);
      })
    : undefined;

  /** Writes the frame: prefix, header (the schema reference copied), body and the checksum when asked. */
  const writeFrame = (w: ProtoWriter, e: Parts, checksum: boolean): Uint8Array => {
    w.ensure(FRAME_PREFIX_SIZE + schemaBytes!.length);
    w.pos += FRAME_PREFIX_SIZE;
    copy(w, schemaBytes!);
    // The header's schema, resource and status are unset: the schema is
    // written above, the resource (its attributes as given) and the status here.
    writeHeader(w, e.header);
    const resource = e.resource;
    w.byte(0x32);
    const r = w.fork();
    nonEmptyString(w, 0x0a, resource.serviceName);
    optionalString(w, 0x12, resource.serviceVersion);
    optionalString(w, 0x1a, resource.environment);
    optionalString(w, 0x22, resource.region);
    optionalString(w, 0x2a, resource.host);
    writeInit(w, 0x32, e.resourceAttributes, undefined, 0);
    if (resource.$unknown !== undefined) unknown(w, resource.$unknown);
    w.join(r);
    if (e.status !== undefined) {
      w.byte(0x3a);
      const n = w.fork();
      writeStatus(w, e.status);
      w.join(n);
    }
    const headerEnd = w.offset();
    writeInit(w, 0x0a, e.attributes, plans, 0);
    const extensions = e.extensions;
    for (let i = 0; i < extensions.length; i++) {
      const x = extensions[i]!;
      w.byte(0x12);
      const n = w.fork();
      nonEmptyString(w, 0x0a, x.namespace);
      nonEmptyString(w, 0x12, x.version);
      writeInit(w, 0x1a, x.attributes, undefined, 0);
      if (x.$unknown !== undefined) unknown(w, x.$unknown);
      w.join(n);
    }
    const bodyEnd = w.offset();
    if (checksum) {
      w.ensure(4);
      w.pos += 4;
    }
    const bytes = w.result();
    const headerLength = headerEnd - FRAME_PREFIX_SIZE;
    const bodyLength = bodyEnd - headerEnd;
    const id = CODEC_IDS.protobuf;
    writeFramePrefix(bytes, id, "none", headerLength, bodyLength, bodyLength, checksum);
    return bytes;
  };

  const own = new ProtoWriter();
  /** Runs `writeFrame` on the encoder's writer (a fresh one for a re-entrant call). */
  const run = (parts: Parts, checksum: boolean): Uint8Array => {
    const w = own.busy ? new ProtoWriter(4096) : own;
    w.busy = true;
    w.begin();
    try {
      return writeFrame(w, parts, checksum);
    } catch (cause) {
      w.abort();
      throw cause;
    } finally {
      w.busy = false;
    }
  };

  const encode = (init: PreparedInit): Uint8Array => {
    const r = init?.resource;
    if (schemaBytes === undefined || typeof r !== "object" || r === null) {
      return general(schema, init);
    }
    try {
      // The header and the extensions as createEnvelope makes them (defaults
      // filled), but attribute maps are written as given, not converted.
      const resourceAttributes = r.attributes;
      const resource = { ...r };
      const header: Header = {
        schema,
        eventId: init.eventId ?? newEventId(),
        timeUnixNano: init.timeUnixNano ?? nowUnixNano(),
        producer: init.producer ?? { language: SDK_LANGUAGE, version: SDK_VERSION },
        resource: resource as Resource,
      };
      const status = init.status;
      if (init.trace !== undefined) header.trace = init.trace;
      if (status !== undefined) header.status = status;
      const given = init.extensions;
      const extensions = (
        given === undefined || given.length === 0
          ? NO_EXTENSIONS
          : given.map(({ attributes, ...ext }) => ({ ...ext, attributes }))
      ) as ExtensionInit[];
      const envelope = { header, body: { attributes: NO_ATTRIBUTES, extensions } } as Envelope;
      // The header and the extensions' namespaces and versions checked as
      // `encode` checks them (attribute values are checked as they are written).
      assertValidEnvelope(envelope, undefined, HEADER_ONLY);
      // The schema reference is written from schemaBytes (prepareEncoder
      // checked it: `valid`), the resource and the status by writeFrame.
      const unset = header as { schema?: unknown; resource?: unknown; status?: unknown };
      unset.schema = undefined;
      unset.resource = undefined;
      unset.status = undefined;
      const parts: Parts = {
        header,
        resource,
        resourceAttributes,
        status,
        attributes: init.attributes,
        extensions,
      };
      const bytes = run(parts, false);
      // A frame that carries a frame gets its content checksum, as `encode` does.
      if (findFrameCandidate(bytes, FRAME_PREFIX_SIZE) !== -1) return run(parts, true);
      return bytes;
    } catch {
      // Whatever failed, the general path throws what `encode` throws for
      // this envelope (every check runs there, in `encode`'s order).
      return general(schema, init);
    }
  };
  return Object.freeze({ schema, encode });
}

/**
 * The general path, `encode(createEnvelope({ ...init, schema }))` of
 * `@envelope/sdk` with its default options: for the envelopes the prepared
 * path does not take, and to report the error of one it could not write.
 */
function general(schema: SchemaRef, init: PreparedInit): Uint8Array {
  const envelope = createEnvelope({ ...init, schema });
  assertValidEnvelope(envelope, undefined, HEADER_ONLY);
  try {
    return frame(envelope, false);
  } catch (error) {
    assertValidEnvelope(envelope);
    throw error;
  }
}

function frame(envelope: Envelope, checksum: boolean): Uint8Array {
  const s = protobufCodec.encodeSections!(envelope, FRAME_PREFIX_SIZE, checksum ? 4 : 0);
  const id = CODEC_IDS.protobuf;
  writeFramePrefix(s.bytes, id, "none", s.headerLength, s.bodyLength, s.bodyLength, checksum);
  if (!checksum && findFrameCandidate(s.bytes, FRAME_PREFIX_SIZE) !== -1) {
    return frame(envelope, true);
  }
  return s.bytes;
}
