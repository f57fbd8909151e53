/**
 * Group-by dimensions: what a group key is made of, read from an envelope at
 * its target version (and the version its producer wrote).
 *
 * @see docs/spec.md "Aggregation"
 */
import { type AttributeValue, bytesToHex, type Envelope, EnvelopeError } from "@envelope/core";

/** The dimensions read from the header, by name. */
export const HEADER_DIMENSIONS = {
  /** `type/subtype`. */
  event: (e: Envelope) => `${e.header.schema.type}/${e.header.schema.subtype}`,
  type: (e: Envelope) => e.header.schema.type,
  subtype: (e: Envelope) => e.header.schema.subtype,
  /** The version at which the event is aggregated (its target). */
  target: (e: Envelope) => e.header.schema.version,
  /** `resource.serviceName`. */
  service: (e: Envelope) => e.header.resource.serviceName,
  service_version: (e: Envelope) => e.header.resource.serviceVersion,
  /** `resource.environment` (OpenTelemetry's `deployment.environment`). */
  environment: (e: Envelope) => e.header.resource.environment,
  region: (e: Envelope) => e.header.resource.region,
  host: (e: Envelope) => e.header.resource.host,
  /** `producer.language`: the SDK that encoded it (`typescript`, `go`, `rust`, ...). */
  language: (e: Envelope) => e.header.producer.language,
  producer_version: (e: Envelope) => e.header.producer.version,
  /** The status code as a number (0 unset, 1 ok, 2 error); absent when there is no status. */
  status: (e: Envelope) =>
    e.header.status === undefined ? undefined : String(e.header.status.code),
} as const satisfies Record<string, (e: Envelope) => string | undefined>;

/** A parsed dimension. */
export type Dimension =
  | {
      readonly name: string;
      readonly kind: "header";
      readonly read: (e: Envelope) => string | undefined;
    }
  | { readonly name: string; readonly kind: "version" }
  | { readonly name: string; readonly kind: "attr"; readonly key: string }
  | { readonly name: string; readonly kind: "resource"; readonly key: string }
  | {
      readonly name: string;
      readonly kind: "ext";
      readonly namespace: string;
      readonly key: string;
    };

/**
 * Parses a dimension: a header name (`event`, `type`, `subtype`, `version`
 * — the version the producer wrote —, `target`, `service`, `service_version`,
 * `environment`, `region`, `host`, `language`, `producer_version`, `status`),
 * `attr:KEY` (a body attribute at the target version), `ext:NAMESPACE:KEY`
 * (an extension attribute at the target version; namespaces hold no `:`) or
 * `resource:KEY` (a resource attribute). Throws `invalid_argument` for
 * anything else.
 */
export function parseDimension(text: string): Dimension {
  if (text === "version") return { name: text, kind: "version" };
  if (Object.hasOwn(HEADER_DIMENSIONS, text)) {
    return {
      name: text,
      kind: "header",
      read: HEADER_DIMENSIONS[text as keyof typeof HEADER_DIMENSIONS],
    };
  }
  const ext = /^ext:([^:]+):(.+)$/s.exec(text);
  if (ext !== null) return { name: text, kind: "ext", namespace: ext[1]!, key: ext[2]! };
  const m = /^(attr|resource):(.+)$/s.exec(text);
  if (m !== null) return { name: text, kind: m[1] as "attr" | "resource", key: m[2]! };
  throw new EnvelopeError(
    "invalid_argument",
    `unknown dimension ${JSON.stringify(text)}: use one of ${["version", ...Object.keys(HEADER_DIMENSIONS)].join(", ")}, attr:KEY, ext:NAMESPACE:KEY or resource:KEY`,
  );
}

/** The key part of one dimension; `undefined` when absent (shown as `null` in JSON, empty in CSV). */
export function dimensionValue(
  dimension: Dimension,
  envelope: Envelope,
  sourceVersion: string,
): string | undefined {
  switch (dimension.kind) {
    case "header":
      return dimension.read(envelope);
    case "version":
      return sourceVersion;
    case "attr":
      return valueText(envelope.body.attributes.get(dimension.key));
    case "resource":
      return valueText(envelope.header.resource.attributes.get(dimension.key));
    case "ext":
      return valueText(
        envelope.body.extensions
          .find((x) => x.namespace === dimension.namespace)
          ?.attributes.get(dimension.key),
      );
  }
}

/**
 * A scalar attribute value as a group key: strings as they are, int64 in
 * decimal, doubles as JavaScript prints them, `true`/`false`, bytes in hex.
 * Arrays and maps are not grouped on: they read `(array)` and `(map)` (a
 * value kind from a newer contract, `(unknown)`).
 */
export function valueText(value: AttributeValue | undefined): string | undefined {
  switch (typeof value) {
    case "undefined":
      return undefined;
    case "string":
      return value;
    case "bigint":
    case "number":
    case "boolean":
      return String(value);
    default:
      if (value instanceof Uint8Array) return bytesToHex(value);
      if (Array.isArray(value)) return "(array)";
      if (value instanceof Map) return "(map)";
      return "(unknown)";
  }
}
