/**
 * Defaults on read: fills absent attributes that declare a `default`.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#defaults-on-read | docs/spec.md} "Schema registry", "Defaults on read"
 */
import type { Attributes, AttributeValue, Envelope, Extension } from "@envelope/core";
import type { CompiledFields, CompiledSchema } from "./compile.js";

/**
 * Returns `envelope` itself when no defaulted attribute is absent; otherwise
 * a copy whose body (and affected extensions) gain the absent attributes,
 * appended after the present ones in descriptor order. The input is never
 * modified; each filled value is a fresh copy of the default.
 */
export function applyDefaults(schema: CompiledSchema, envelope: Envelope): Envelope {
  // Stryker disable next-line ConditionalExpression: a fast path only; without defaults nothing below changes
  if (!schema.hasDefaults) return envelope;
  const body = envelope.body;
  if (body === undefined) return envelope;
  const attributes = fill(schema.body, body.attributes);
  let extensions: Extension[] | undefined;
  const list = body.extensions ?? [];
  for (let i = 0; i < list.length; i++) {
    const ext = list[i]!;
    const fields = schema.extensions.get(ext.namespace)?.fields;
    if (fields === undefined || fields.withDefaults.length === 0) continue;
    const filled = fill(fields, ext.attributes);
    if (filled !== ext.attributes) {
      extensions ??= list.slice();
      extensions[i] = { ...ext, attributes: filled };
    }
  }
  if (attributes === body.attributes && extensions === undefined) return envelope;
  return {
    ...envelope,
    body: { ...body, attributes, extensions: extensions ?? list },
  };
}

function fill(fields: CompiledFields, attributes: Attributes | undefined): Attributes {
  const present: Attributes = attributes instanceof Map ? attributes : new Map();
  let out: Attributes | undefined;
  for (const field of fields.withDefaults) {
    if (present.has(field.key)) continue;
    out ??= new Map(present);
    out.set(field.key, cloneValue(field.field.default!));
  }
  return out ?? present;
}

/** A deep copy of a value (bytes, arrays and maps are mutable; scalars are returned as is). */
export function cloneValue(value: AttributeValue): AttributeValue {
  if (value instanceof Uint8Array) return value.slice();
  if (Array.isArray(value)) return value.map(cloneValue);
  if (value instanceof Map) {
    const out = new Map<string, AttributeValue>();
    for (const [k, v] of value) out.set(k, cloneValue(v));
    return out;
  }
  return value;
}
