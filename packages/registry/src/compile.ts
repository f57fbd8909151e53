/**
 * Precompiles a descriptor into what the hot path needs: per-key lookup, one
 * type-check closure per field, the lists of required, defaulted and PII
 * fields, and the extension ranges. Done once per descriptor, so checking an
 * envelope allocates nothing beyond the issues it finds.
 */
import { type AttributeValue, UnknownValue } from "@envelope/core";
import type {
  ExtensionDescriptor,
  FieldDescriptor,
  SchemaDescriptor,
  ValueType,
} from "./descriptor.js";
import { compileRules, type RuleCheck } from "./rules.js";
import { parseRange, type VersionRange } from "./semver.js";

/**
 * How the hot path checks a field's value: the scalar kinds inline (a switch
 * on a small integer is cheaper than a call through one of many closures,
 * which V8 cannot inline at a megamorphic site), anything else by `check`.
 */
export type CheckKind = 0 | 1 | 2 | 3 | 4 | 5;
/** {@link CheckKind}: a string. */
export const KIND_STRING = 0;
/** {@link CheckKind}: a bool. */
export const KIND_BOOL = 1;
/** {@link CheckKind}: an int64 (bigint). */
export const KIND_INT = 2;
/** {@link CheckKind}: a double (number). */
export const KIND_DOUBLE = 3;
/** {@link CheckKind}: bytes. */
export const KIND_BYTES = 4;
/** {@link CheckKind}: anything else; call `check`. */
export const KIND_OTHER = 5;

/** A field with its type check. */
export interface CompiledField {
  readonly field: FieldDescriptor;
  readonly key: string;
  readonly required: boolean;
  /** The scalar kind to check inline, or `Other` to call `check`. */
  readonly kind: CheckKind;
  /** Whether the field is deprecated (copied here so the hot path reads one property). */
  readonly deprecated: boolean;
  /** Whether a value is of the field's type (and presence: repeated means an array of it). */
  readonly check: (value: AttributeValue) => boolean;
  /** The value rules, run on a value of the right type; `undefined` when the field has none. */
  readonly rules: RuleCheck | undefined;
}

// Stryker disable next-line ObjectLiteral: without it every field is checked by its closure, which answers the same, slower
const SCALAR_KINDS: Readonly<Record<string, CheckKind>> = {
  string: KIND_STRING,
  bool: KIND_BOOL,
  int: KIND_INT,
  double: KIND_DOUBLE,
  bytes: KIND_BYTES,
};

/** The fields of a body or of an extension. */
export interface CompiledFields {
  readonly byKey: ReadonlyMap<string, CompiledField>;
  readonly list: readonly CompiledField[];
  readonly requiredCount: number;
  readonly withDefaults: readonly CompiledField[];
  readonly pii: readonly CompiledField[];
}

/** An allowed extension namespace. */
export interface CompiledExtension {
  readonly descriptor: ExtensionDescriptor;
  readonly range: VersionRange;
  /** `undefined` when the schema does not declare the namespace's fields. */
  readonly fields: CompiledFields | undefined;
  /** Whether `version` is in the range; memoised per version string. */
  accepts(version: string): boolean;
}

/** A descriptor ready for checking envelopes. */
export interface CompiledSchema {
  readonly descriptor: SchemaDescriptor;
  readonly body: CompiledFields;
  readonly extensions: ReadonlyMap<string, CompiledExtension>;
  /** Some field (body or extension) has a default. */
  readonly hasDefaults: boolean;
  /** Some field (body or extension) is PII. */
  readonly hasPii: boolean;
}

/**
 * The same text as a V8 internalized string (a property key is one). Keys
 * read from a descriptor file are slices of the file's text; envelope keys
 * written in source code are internalized. A map lookup between the two then
 * compares contents, between two internalized strings only pointers: on the
 * medium bench envelope this alone makes validation about a third faster.
 */
export function internKey(text: string): string {
  // Stryker disable next-line LogicalOperator,ObjectLiteral: interning changes only the speed of lookups
  return Object.keys({ [text]: 0 })[0] ?? text;
}

/** Compiles a descriptor (once; the registry keeps the result). */
export function compileSchema(descriptor: SchemaDescriptor): CompiledSchema {
  const body = compileFields(descriptor.attributes);
  const extensions = new Map<string, CompiledExtension>();
  let hasDefaults = body.withDefaults.length > 0;
  let hasPii = body.pii.length > 0;
  for (const ext of descriptor.extensions) {
    const range = parseRange(ext.version);
    if (range === undefined) continue; // the parser rejects such descriptors
    const fields = ext.attributes === undefined ? undefined : compileFields(ext.attributes);
    if (fields !== undefined) {
      hasDefaults ||= fields.withDefaults.length > 0;
      hasPii ||= fields.pii.length > 0;
    }
    const seen = new Map<string, boolean>();
    extensions.set(internKey(ext.namespace), {
      descriptor: ext,
      range,
      fields,
      accepts(version) {
        let ok = seen.get(version);
        if (ok === undefined) {
          ok = range.accepts(version);
          // Stryker disable next-line ConditionalExpression,EqualityOperator: the memo's bound changes only memory
          if (seen.size < 64) seen.set(version, ok);
        }
        return ok;
      },
    });
  }
  return { descriptor, body, extensions, hasDefaults, hasPii };
}

function compileFields(fields: readonly FieldDescriptor[]): CompiledFields {
  const byKey = new Map<string, CompiledField>();
  const list: CompiledField[] = [];
  for (const field of fields) {
    const valueCheck = typeCheck(field.type);
    const check = field.presence === "repeated" ? arrayOf(valueCheck) : valueCheck;
    const key = internKey(field.key);
    const compiled: CompiledField = {
      field,
      key,
      required: field.presence === "required",
      kind:
        // Stryker disable next-line LogicalOperator: a kind the switch does not know falls back to the closure too
        field.presence === "repeated" ? KIND_OTHER : (SCALAR_KINDS[field.type.kind] ?? KIND_OTHER),
      deprecated: field.deprecated !== undefined,
      check,
      rules: compileRules(field),
    };
    byKey.set(key, compiled);
    list.push(compiled);
  }
  return {
    byKey,
    list,
    requiredCount: list.filter((f) => f.required).length,
    withDefaults: list.filter((f) => f.field.default !== undefined),
    pii: list.filter((f) => f.field.pii),
  };
}

const isString = (v: AttributeValue): boolean => typeof v === "string";
const isBool = (v: AttributeValue): boolean => typeof v === "boolean";
const isInt = (v: AttributeValue): boolean => typeof v === "bigint";
const isDouble = (v: AttributeValue): boolean => typeof v === "number";
const isBytes = (v: AttributeValue): boolean => v instanceof Uint8Array;
const isAnyMap = (v: AttributeValue): boolean => v instanceof Map;

function arrayOf(element: (v: AttributeValue) => boolean): (v: AttributeValue) => boolean {
  return (v) => {
    if (!Array.isArray(v)) return false;
    for (let i = 0; i < v.length; i++) if (!element(v[i]!)) return false;
    return true;
  };
}

function mapOf(element: (v: AttributeValue) => boolean): (v: AttributeValue) => boolean {
  return (v) => {
    if (!(v instanceof Map)) return false;
    for (const item of v.values()) if (!element(item)) return false;
    return true;
  };
}

/** The check for one type. */
export function typeCheck(type: ValueType): (v: AttributeValue) => boolean {
  switch (type.kind) {
    case "string":
      return isString;
    case "bool":
      return isBool;
    case "int":
      return isInt;
    case "double":
      return isDouble;
    case "bytes":
      return isBytes;
    case "array":
      return arrayOf(typeCheck(type.of));
    case "map":
      return type.of === undefined ? isAnyMap : mapOf(typeCheck(type.of));
  }
}

/** The kind of a value as descriptors name types: `string`, `int`, `array`, ... */
export function kindName(value: AttributeValue): string {
  switch (typeof value) {
    case "string":
      return "string";
    case "boolean":
      return "bool";
    case "bigint":
      return "int";
    case "number":
      return "double";
    default:
      if (value instanceof Uint8Array) return "bytes";
      if (Array.isArray(value)) return "array";
      if (value instanceof Map) return "map";
      if (value instanceof UnknownValue) return "a value kind this SDK does not know";
      return typeof value;
  }
}
