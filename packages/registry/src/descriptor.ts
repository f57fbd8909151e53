/**
 * The model of a schema descriptor: one event type and version, its
 * attributes, the extension namespaces it allows and the transforms from the
 * previous version. Files hold it as JSON (`schemas/<type>/<subtype>/<version>.json`,
 * JSON Schema in `schemas/descriptor.schema.json`); {@link parseDescriptor} reads it.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#descriptor-format | docs/spec.md} "Schema registry", "Descriptor format"
 */
import type { AttributeValue } from "@envelope/core";

/** The scalar attribute types (contract kinds: string, bool, int64, double, bytes). */
export type ScalarTypeName = "string" | "bool" | "int" | "double" | "bytes";

/**
 * An attribute type: a scalar, `array<T>`, `map` (values of any kind) or
 * `map<T>` (every value a T). Written as text in descriptors, e.g. `array<map<string>>`.
 */
export type ValueType =
  | { readonly kind: ScalarTypeName }
  | { readonly kind: "array"; readonly of: ValueType }
  | { readonly kind: "map"; readonly of: ValueType | undefined };

/**
 * `required`: must be present. `optional`: may be absent. `repeated`: zero or
 * more values of the type, carried as an array (absent means none).
 */
export type Presence = "required" | "optional" | "repeated";

/** A field's deprecation. */
export interface Deprecation {
  /** The schema version that deprecated it. */
  readonly since: string;
  /** The version that will remove it, if planned. */
  readonly removal?: string;
  /**
   * The date (ISO `YYYY-MM-DD`, UTC) by which the field must be gone: `schema
   * check` warns while the event's latest version declares it before that day,
   * and fails from that day on.
   */
  readonly removalDate?: string;
  /** The key to use instead, if any. */
  readonly replacement?: string;
}

/** One attribute of a schema (or of an extension namespace). */
export interface FieldDescriptor {
  /** The attribute key, e.g. `duration_ms`. */
  readonly key: string;
  /** The parsed type. */
  readonly type: ValueType;
  /** The type as written, e.g. `array<string>`. */
  readonly typeText: string;
  /** Default `optional`. */
  readonly presence: Presence;
  /** Filled in on read when the attribute is absent (see "Defaults on read"). */
  readonly default?: AttributeValue;
  /** Unit of measure, e.g. `ms`, `By`, `1` (UCUM-style, as OpenTelemetry). */
  readonly unit?: string;
  readonly description?: string;
  /** Personal data: redacted at encode time by a redaction policy. */
  readonly pii: boolean;
  readonly deprecated?: Deprecation;
  /**
   * Value rules (see docs/spec.md "Value rules"). `minimum`/`maximum`:
   * inclusive bounds of an `int` (a bigint, int64-exact) or `double` (a
   * number) value. They apply to the field's value, or to each element of a
   * `repeated` field or of an `array<T>` of a scalar.
   */
  readonly minimum?: bigint | number;
  /** Inclusive upper bound; see {@link FieldDescriptor.minimum}. */
  readonly maximum?: bigint | number;
  /** The allowed values of a `string` (strings) or `int` (bigints) value; declaration order kept. */
  readonly enum?: readonly (string | bigint)[];
  /** Least length of a `string` value in Unicode code points, of a `bytes` value in bytes. */
  readonly minLength?: number;
  /** Greatest length; see {@link FieldDescriptor.minLength}. */
  readonly maxLength?: number;
  /** Least number of elements of a `repeated` field or an `array<T>` value. */
  readonly minItems?: number;
  /** Greatest number of elements; see {@link FieldDescriptor.minItems}. */
  readonly maxItems?: number;
}

/** The names of the value rules a field may carry, in the order descriptors write them. */
export const VALUE_RULE_NAMES = [
  "minimum",
  "maximum",
  "enum",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
] as const;

/** One of {@link VALUE_RULE_NAMES}. */
export type ValueRuleName = (typeof VALUE_RULE_NAMES)[number];

/**
 * The scalar type each value of a field holds, as value rules see it: the
 * type itself for a scalar, the element type of a `repeated` scalar field or
 * of an `array<S>` of a scalar S; `undefined` when the values are not
 * scalars (maps, nested arrays), which take no value rules.
 */
export function ruleValueType(
  field: Pick<FieldDescriptor, "type" | "presence">,
): ScalarTypeName | undefined {
  const t = field.type;
  if (field.presence === "repeated")
    return t.kind === "array" || t.kind === "map" ? undefined : t.kind;
  if (t.kind === "array")
    return t.of.kind === "array" || t.of.kind === "map" ? undefined : t.of.kind;
  if (t.kind === "map") return undefined;
  return t.kind;
}

/** Whether the field carries an array (so `minItems`/`maxItems` apply): `repeated`, or an `array<T>` type. */
export function carriesArray(field: Pick<FieldDescriptor, "type" | "presence">): boolean {
  return field.presence === "repeated" || field.type.kind === "array";
}

/** An extension namespace a schema allows. */
export interface ExtensionDescriptor {
  /** e.g. `http`. */
  readonly namespace: string;
  /** The allowed versions of the namespace, a range: `1.2.0`, `^1.0.0`, `~1.2.0`, `*`, `A || B`. */
  readonly version: string;
  readonly description?: string;
  /** The namespace's fields, when the schema declares them; `undefined` leaves them unchecked. */
  readonly attributes?: readonly FieldDescriptor[];
}

/** The name of an event: type and domain subtype. */
export interface EventName {
  readonly type: string;
  readonly subtype: string;
}

/** A reference to one descriptor: event name and version. */
export interface SchemaKey extends EventName {
  readonly version: string;
}

/** One change of a transform, applied from the previous version to this one. */
export type TransformChange =
  | {
      /** Renames body attributes: `[oldKey, newKey]` pairs, in declaration order. */
      readonly kind: "rename_attributes";
      readonly renames: readonly (readonly [from: string, to: string])[];
    }
  | {
      /** The previous version was published under another event name. */
      readonly kind: "rename_event";
      readonly from: EventName;
    }
  | {
      /** Moves body attributes into an extension namespace: `[bodyKey, extensionKey]` pairs. */
      readonly kind: "move_to_extension";
      readonly namespace: string;
      /** The namespace version written when the extension is created. */
      readonly version: string;
      readonly moves: readonly (readonly [from: string, to: string])[];
    };

/** The transforms from the previous version of the event to this one. */
export interface TransformsDescriptor {
  /** The previous version (of this event, or of the event named by `rename_event`). */
  readonly from: string;
  /** Applied in order to upgrade; in reverse order, inverted, to downgrade. */
  readonly changes: readonly TransformChange[];
}

/** Compatibility modes (Confluent Schema Registry's), which `checkCompatibility` in @envelope/schema-tools enforces. */
export type CompatibilityMode =
  | "NONE"
  | "BACKWARD"
  | "BACKWARD_TRANSITIVE"
  | "FORWARD"
  | "FORWARD_TRANSITIVE"
  | "FULL"
  | "FULL_TRANSITIVE";

/** Every {@link CompatibilityMode}. */
export const COMPATIBILITY_MODES: readonly CompatibilityMode[] = [
  "NONE",
  "BACKWARD",
  "BACKWARD_TRANSITIVE",
  "FORWARD",
  "FORWARD_TRANSITIVE",
  "FULL",
  "FULL_TRANSITIVE",
];

/** A parsed, checked descriptor. */
export interface SchemaDescriptor extends SchemaKey {
  readonly description?: string;
  /**
   * The compatibility mode this event is held to from this version on. The
   * event keeps the strictest mode any of its versions declared (BACKWARD when
   * none did): a version may tighten it, never relax it.
   */
  readonly compatibility?: CompatibilityMode;
  readonly attributes: readonly FieldDescriptor[];
  /**
   * Body keys this version must not declare, besides every key an earlier
   * version declared (which `schema check` derives from history): names used
   * by producers outside the registry, or by versions a registry no longer holds.
   */
  readonly reserved?: readonly string[];
  readonly extensions: readonly ExtensionDescriptor[];
  readonly transforms?: TransformsDescriptor;
  /** Where it was read from (file path or URL), for messages. */
  readonly source?: string;
}

/** `type/subtype`. */
export function eventId(name: EventName): string {
  return `${name.type}/${name.subtype}`;
}

/** `type/subtype@version`. */
export function schemaId(key: SchemaKey): string {
  return `${name(key)}@${key.version}`;
}

function name(key: EventName): string {
  return `${key.type}/${key.subtype}`;
}

/** Formats a type as descriptors write it, e.g. `array<map<string>>`. */
export function formatType(type: ValueType): string {
  switch (type.kind) {
    case "array":
      return `array<${formatType(type.of)}>`;
    case "map":
      return type.of === undefined ? "map" : `map<${formatType(type.of)}>`;
    default:
      return type.kind;
  }
}

const SCALARS: ReadonlySet<string> = new Set(["string", "bool", "int", "double", "bytes"]);

/** Parses a type expression (`string`, `array<int>`, `map`, `map<double>`, ...); `undefined` if invalid. */
export function parseType(text: string): ValueType | undefined {
  if (typeof text !== "string") return undefined;
  // White space around the names and brackets only, as descriptor.schema.json allows: "str ing" is no type.
  const compact = text.trim().replace(/\s*([<>])\s*/g, "$1");
  let depth = 0;
  const parse = (s: string): ValueType | undefined => {
    if (++depth > 32) return undefined;
    if (SCALARS.has(s)) return { kind: s as ScalarTypeName };
    if (s === "map") return { kind: "map", of: undefined };
    const m = /^(array|map)<(.+)>$/.exec(s);
    if (m === null) return undefined;
    const inner = parse(m[2]!);
    if (inner === undefined) return undefined;
    return m[1] === "array" ? { kind: "array", of: inner } : { kind: "map", of: inner };
  };
  return parse(compact);
}
