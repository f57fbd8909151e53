/**
 * Conversions between the SDK model and @bufbuild/protobuf's generated
 * messages: the reference path the schema-specialised codec is tested against.
 */
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import type { Attributes, AttributeValue, Envelope } from "@envelope/core";
import {
  type AnyValue,
  type AnyValueSchema,
  EnvelopeSchema,
  type KeyValue,
  type KeyValueSchema,
  type Envelope as PbEnvelope,
} from "@envelope/protobuf/schema";

function anyValue(value: AttributeValue): MessageInitShape<typeof AnyValueSchema> {
  switch (typeof value) {
    case "string":
      return { value: { case: "stringValue", value } };
    case "boolean":
      return { value: { case: "boolValue", value } };
    case "bigint":
      return { value: { case: "intValue", value } };
    case "number":
      return { value: { case: "doubleValue", value } };
  }
  if (value instanceof Uint8Array) return { value: { case: "bytesValue", value } };
  if (Array.isArray(value))
    return { value: { case: "arrayValue", value: { values: value.map(anyValue) } } };
  if (value instanceof Map)
    return { value: { case: "kvlistValue", value: { values: keyValues(value) } } };
  throw new Error("unsupported value");
}

function keyValues(attributes: Attributes): MessageInitShape<typeof KeyValueSchema>[] {
  return [...attributes].map(([key, value]) => ({ key, value: anyValue(value) }));
}

/** The SDK model as a protobuf-es message. */
export function toProtobufEs(e: Envelope): PbEnvelope {
  const h = e.header;
  return create(EnvelopeSchema, {
    header: {
      schema: { ...h.schema },
      eventId: h.eventId,
      timeUnixNano: h.timeUnixNano,
      producer: { ...h.producer },
      trace: h.trace && {
        traceId: h.trace.traceId,
        spanId: h.trace.spanId,
        parentSpanId: h.trace.parentSpanId ?? new Uint8Array(0),
        traceFlags: h.trace.traceFlags,
        traceState: h.trace.traceState ?? "",
      },
      resource: { ...h.resource, attributes: keyValues(h.resource.attributes) },
      status: h.status && { ...h.status },
    },
    body: {
      attributes: keyValues(e.body.attributes),
      extensions: e.body.extensions.map((x) => ({ ...x, attributes: keyValues(x.attributes) })),
    },
  } as unknown as MessageInitShape<typeof EnvelopeSchema>);
}

function fromAnyValue(v: AnyValue | undefined): AttributeValue {
  const value = v?.value;
  switch (value?.case) {
    case "arrayValue":
      return value.value.values.map(fromAnyValue);
    case "kvlistValue":
      return fromKeyValues(value.value.values);
    case "stringValue":
    case "boolValue":
    case "intValue":
    case "doubleValue":
    case "bytesValue":
      return value.value;
    default:
      throw new Error("empty AnyValue");
  }
}

function fromKeyValues(list: KeyValue[]): Attributes {
  return new Map(list.map((kv) => [kv.key, fromAnyValue(kv.value)]));
}

/** A protobuf-es message as the SDK model. */
export function fromProtobufEs(m: PbEnvelope): Envelope {
  const h = m.header!;
  const s = h.schema!;
  const t = h.trace;
  const r = h.resource!;
  const envelope: Envelope = {
    header: {
      schema: {
        type: s.type,
        subtype: s.subtype,
        version: s.version,
        ...(s.url !== undefined && { url: s.url }),
      },
      eventId: h.eventId,
      timeUnixNano: h.timeUnixNano,
      producer: { language: h.producer!.language, version: h.producer!.version },
      resource: {
        serviceName: r.serviceName,
        ...(r.serviceVersion !== undefined && { serviceVersion: r.serviceVersion }),
        ...(r.environment !== undefined && { environment: r.environment }),
        ...(r.region !== undefined && { region: r.region }),
        ...(r.host !== undefined && { host: r.host }),
        attributes: fromKeyValues(r.attributes),
      },
    },
    body: {
      attributes: fromKeyValues(m.body!.attributes),
      extensions: m.body!.extensions.map((x) => ({
        namespace: x.namespace,
        version: x.version,
        attributes: fromKeyValues(x.attributes),
      })),
    },
  };
  if (t) {
    envelope.header.trace = {
      traceId: t.traceId,
      spanId: t.spanId,
      traceFlags: t.traceFlags,
      ...(t.parentSpanId.length > 0 && { parentSpanId: t.parentSpanId }),
      ...(t.traceState !== "" && { traceState: t.traceState }),
    };
  }
  if (h.status)
    envelope.header.status = { code: h.status.code as 0 | 1 | 2, message: h.status.message };
  return envelope;
}
