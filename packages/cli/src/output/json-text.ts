/**
 * JSON text for the `pretty` format: `JSON.stringify(value, null, 2)`, with
 * keys, strings, numbers and literals coloured when colour is on.
 */
import type { JsonValue } from "@envelope/sdk";
import type { Painter } from "./terminal.js";

/** Indented JSON, painted with `paint` (pass `undefined` for plain text). */
export function jsonText(value: JsonValue, paint: Painter | undefined): string {
  if (paint === undefined) return JSON.stringify(value, null, 2);
  return write(value, "", paint);
}

function write(value: JsonValue, indent: string, paint: Painter): string {
  if (value === null) return paint("magenta", "null");
  if (typeof value === "string") return paint("green", JSON.stringify(value));
  if (typeof value === "number") return paint("yellow", JSON.stringify(value));
  if (typeof value === "boolean") return paint("magenta", String(value));
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => inner + write(v, inner, paint)).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return "{}";
  const lines = entries.map(
    ([k, v]) =>
      `${inner}${paint("cyan", JSON.stringify(k))}: ${write(v as JsonValue, inner, paint)}`,
  );
  return `{\n${lines.join(",\n")}\n${indent}}`;
}
