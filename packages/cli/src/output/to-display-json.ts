/**
 * The JSON mapping of an envelope for display. An attribute value of a kind
 * this version does not know, read by the protobuf or CBOR codec, has no JSON
 * form (`toJson` refuses it); on screen it is shown as
 * `{"unknownValue": {"codec": "protobuf", "hex": "…"}}` instead, so the
 * engineer still sees the envelope and what it held.
 */
import {
  type AttributeValue,
  type Envelope,
  isEnvelopeError,
  type JsonObject,
  toJson,
  UnknownValue,
} from "@envelope/sdk";

export function toDisplayJson(envelope: Envelope): JsonObject {
  try {
    return toJson(envelope);
  } catch (error) {
    if (!isEnvelopeError(error, "invalid_value")) throw error;
    return toJson(withVisibleUnknownValues(envelope));
  }
}

function visible(value: AttributeValue): AttributeValue {
  if (value instanceof UnknownValue && value.codec !== "json") {
    const hex =
      value.data instanceof Uint8Array
        ? Buffer.from(value.data).toString("hex")
        : String(value.data);
    return new UnknownValue("json", [["unknownValue", { codec: value.codec, hex }]]);
  }
  if (Array.isArray(value)) return value.map(visible);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, visible(v)]));
  return value;
}

function withVisibleUnknownValues(e: Envelope): Envelope {
  const map = (m: Map<string, AttributeValue>) => visible(m) as Map<string, AttributeValue>;
  return {
    ...e,
    header: {
      ...e.header,
      resource: { ...e.header.resource, attributes: map(e.header.resource.attributes) },
    },
    body: {
      ...e.body,
      attributes: map(e.body.attributes),
      extensions: e.body.extensions.map((x) => ({ ...x, attributes: map(x.attributes) })),
    },
  };
}
