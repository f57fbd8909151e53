/**
 * Prepared encoders (docs/spec.md, "Prepared encoders"): for one registered
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
  toAttributes,
  writeFramePrefix,
} from "@envelope/core";
import { protobufCodec } from "./codec.js";
import { writeExtension, writeHeader, writeSchemaRef } from "./gen/envelope/v1/envelope_codec.js";
import { shortAsciiValue, writeAttributes, writeValue } from "./to-binary.js";
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
  /** The declared attributes: each key's bytes are written once; `type.kind` picks the value's tag. */
  readonly attributes: ReadonlyArray<{
    readonly key: string;
    readonly type: { readonly kind: string };
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
const HEADER_ONLY = Object.freeze({ attributes: false });

/** The body's attributes as validation sees them: the prepared path writes them from the producer's object. */
const NO_ATTRIBUTES: Attributes = new Map();
const NO_EXTENSIONS: Envelope["body"]["extensions"] = Object.freeze([]) as never;

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

/** Writes one KeyValue (field 1 of Body) from a key's bytes and a model value, the general way. */
function entry(w: ProtoWriter, key: Uint8Array, value: AttributeValue): void {
  w.byte(0x0a);
  const m = w.fork();
  w.ensure(key.length);
  copy(w, key);
  w.byte(0x12);
  const v = w.fork();
  writeValue(w, value, 0);
  w.join(v);
  w.join(m);
}

/** Writes one KeyValue with a string value: short ASCII text at once (as `writeAttributes` does), other text the general way. */
function stringEntry(w: ProtoWriter, key: Uint8Array, text: string): void {
  w.byte(0x0a);
  const m = w.fork();
  w.ensure(key.length);
  copy(w, key);
  if (!shortAsciiValue(w, text)) {
    w.byte(0x12);
    const v = w.fork();
    w.byte(0x0a);
    w.string(text);
    w.join(v);
  }
  w.join(m);
}

/**
 * Creates an encoder for the envelopes of one event. Preparing costs about
 * what a few encodes do; keep the encoder (the builders `schema gen` writes
 * keep one per event version in their module).
 *
 * ```ts
 * const login = prepareEncoder({
 *   type: "request", subtype: "login", version: "1.0.0",
 *   attributes: [{ key: "user", type: { kind: "string" } }],
 * });
 * const bytes = login.encode({ resource: { serviceName: "auth" }, attributes: { user: "alice" } });
 * ```
 *
 * Attributes the event does not declare, values of another kind than
 * declared, and attributes given as a `Map` are written too, the general
 * way: the descriptor makes the common case faster, never the output
 * different.
 */
export function prepareEncoder(event: PreparedEvent): PreparedEncoder {
  const schema: SchemaRef = { type: event.type, subtype: event.subtype, version: event.version };
  if (event.url !== undefined) schema.url = event.url;
  Object.freeze(schema);
  const plans = new Map<string, Plan>();
  for (const a of event.attributes) {
    if (a.key.isWellFormed()) plans.set(a.key, planOf(a.key, a.type.kind));
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

  /** Writes the body's attributes from the producer's object: declared keys from their plan. */
  const attributes = (w: ProtoWriter, init: AttributesInit | undefined): void => {
    if (init === undefined || init === null) return;
    if (init instanceof Map || Object.getPrototypeOf(init) !== Object.prototype) {
      writeAttributes(w, 0x0a, toAttributes(init), 0);
      return;
    }
    // `for in` over a plain object visits what `Object.entries` (createEnvelope)
    // does, in the same order, plus inherited enumerable keys, hence `hasOwn`.
    const object = init as { readonly [key: string]: unknown };
    for (const key in object) {
      if (!Object.hasOwn(object, key)) continue;
      const value = object[key];
      if (value === undefined || value === null) continue;
      const plan = plans.get(key);
      if (plan === undefined) {
        // Not declared: exactly as createEnvelope and the codec would.
        writeAttributes(w, 0x0a, toAttributes(new Map([[key, value as AttributeValue]])), 0);
        continue;
      }
      const t = typeof value;
      if (t === plan.kind) {
        const fixed = plan.fixed!;
        w.ensure(fixed.length + 8);
        copy(w, fixed);
        if (t === "number") w.double(value as number);
        else w.buf[w.pos++] = value ? 1 : 0;
      } else if (t === "string") {
        stringEntry(w, plan.key, value as string);
      } else if (t === "number" || t === "boolean" || t === "bigint") {
        // writeValue checks a bigint's range, as the codec does.
        entry(w, plan.key, value as AttributeValue);
      } else {
        // Bytes, arrays, maps and anything else: converted (and refused) as
        // createEnvelope does, with the same error and path.
        const one = toAttributes(new Map([[key, value as AttributeValue]]));
        entry(w, plan.key, one.get(key)!);
      }
    }
  };

  /** Writes the frame: prefix, header (the schema reference copied), body and the checksum when asked. */
  const writeFrame = (
    w: ProtoWriter,
    envelope: Envelope,
    init: PreparedInit,
    checksum: boolean,
  ): Uint8Array => {
    w.ensure(FRAME_PREFIX_SIZE + schemaBytes!.length);
    w.pos += FRAME_PREFIX_SIZE;
    copy(w, schemaBytes!);
    writeHeader(w, envelope.header); // its `schema` is unset: written above
    const headerEnd = w.offset();
    attributes(w, init.attributes);
    const extensions = envelope.body.extensions;
    for (let i = 0; i < extensions.length; i++) {
      w.byte(0x12);
      const n = w.fork();
      writeExtension(w, extensions[i]!);
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
    writeFramePrefix(
      bytes,
      CODEC_IDS.protobuf,
      "none",
      headerLength,
      bodyLength,
      bodyLength,
      checksum,
    );
    return bytes;
  };

  const own = new ProtoWriter();
  /** Runs `writeFrame` on the encoder's writer (a fresh one for a re-entrant call). */
  const run = (envelope: Envelope, init: PreparedInit, checksum: boolean): Uint8Array => {
    const w = own.busy ? new ProtoWriter(4096) : own;
    w.busy = true;
    w.begin();
    try {
      return writeFrame(w, envelope, init, checksum);
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
      // The header and extensions as createEnvelope makes them (defaults
      // filled, attributes converted); the body's attributes are written
      // from `init` without a model.
      const resource = { ...r };
      resource.attributes = toAttributes(r.attributes) as AttributesInit;
      const header: Header = {
        schema,
        eventId: init.eventId ?? newEventId(),
        timeUnixNano: init.timeUnixNano ?? nowUnixNano(),
        producer: init.producer ?? { language: SDK_LANGUAGE, version: SDK_VERSION },
        resource: resource as Resource,
      };
      if (init.trace !== undefined) header.trace = init.trace;
      if (init.status !== undefined) header.status = init.status;
      const given = init.extensions;
      const extensions =
        given === undefined || given.length === 0
          ? NO_EXTENSIONS
          : given.map(({ attributes, ...ext }) => ({
              ...ext,
              attributes: toAttributes(attributes),
            }));
      const envelope: Envelope = { header, body: { attributes: NO_ATTRIBUTES, extensions } };
      // The header (and the extensions) checked as `encode` checks them.
      assertValidEnvelope(envelope, undefined, HEADER_ONLY);
      // Written from schemaBytes (checked by prepareEncoder: `valid`).
      (header as { schema?: SchemaRef | undefined }).schema = undefined;
      const bytes = run(envelope, init, false);
      // A frame that carries a frame gets its content checksum, as `encode` does.
      if (findFrameCandidate(bytes, FRAME_PREFIX_SIZE) !== -1) return run(envelope, init, true);
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
