/**
 * Checks an envelope's body against its compiled schema. Returns issues,
 * never throws; allocates only for the issues it finds.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#validation-1 | docs/spec.md} "Schema registry", "Validation" and "Issue codes"
 */
import type { Attributes, Envelope } from "@envelope/core";
import {
  type CompiledFields,
  type CompiledSchema,
  KIND_BOOL,
  KIND_BYTES,
  KIND_DOUBLE,
  KIND_INT,
  KIND_STRING,
  kindName,
} from "./compile.js";
import type { SchemaIssue } from "./issues.js";

/** What to report besides the errors. */
export interface ValidationPolicy {
  /** Report attributes the schema does not declare (`unknown_attribute`). Default `"report"`. */
  readonly unknownAttributes: "report" | "ignore";
  /** Report deprecated attributes that are present (`deprecated_attribute`). Default `"report"`. */
  readonly deprecated: "report" | "ignore";
}

/** The policy used when none is given. */
export const DEFAULT_VALIDATION_POLICY: ValidationPolicy = Object.freeze({
  unknownAttributes: "report",
  deprecated: "report",
});

/** The one empty issue list, shared, so a valid envelope costs no allocation. */
export const NO_ISSUES: readonly SchemaIssue[] = Object.freeze([]);

/**
 * Checks `envelope.body` against `schema`: body attributes, then the
 * extensions. The header's schema reference is assumed to name `schema`.
 */
export function validateAgainst(
  schema: CompiledSchema,
  envelope: Envelope,
  policy: ValidationPolicy = DEFAULT_VALIDATION_POLICY,
): readonly SchemaIssue[] {
  let issues: SchemaIssue[] | undefined;
  const body = envelope.body;
  const attributes = body?.attributes;
  if (attributes !== undefined && !(attributes instanceof Map)) {
    return [{ path: "body.attributes", code: "invalid_envelope", message: "must be a Map" }];
  }
  issues = checkFields(schema.body, attributes, "body.attributes", policy, issues);
  const extensions = body?.extensions;
  if (extensions !== undefined && extensions.length > 0) {
    for (let i = 0; i < extensions.length; i++) {
      const ext = extensions[i]!;
      const allowed = schema.extensions.get(ext.namespace);
      if (allowed === undefined) {
        issues = add(issues, {
          path: `body.extensions[${i}].namespace`,
          code: "extension_not_allowed",
          message: `extension ${JSON.stringify(ext.namespace)} is not allowed by ${schemaName(schema)} (allowed: ${[...schema.extensions.keys()].join(", ") || "none"})`,
        });
        continue;
      }
      if (!allowed.accepts(ext.version)) {
        issues = add(issues, {
          path: `body.extensions[${i}].version`,
          code: "extension_version_not_allowed",
          message: `extension ${ext.namespace} ${JSON.stringify(ext.version)} is outside the allowed range ${allowed.descriptor.version}`,
        });
      }
      if (allowed.fields !== undefined) {
        const attrs = ext.attributes;
        if (attrs !== undefined && !(attrs instanceof Map)) {
          issues = add(issues, {
            path: `body.extensions[${i}].attributes`,
            code: "invalid_envelope",
            message: "must be a Map",
          });
          continue;
        }
        issues = checkFields(
          allowed.fields,
          attrs,
          `body.extensions[${i}].attributes`,
          policy,
          issues,
        );
      }
    }
  }
  return issues ?? NO_ISSUES;
}

/** Appends an issue, creating the list on the first one (a valid envelope allocates none). */
function add(issues: SchemaIssue[] | undefined, issue: SchemaIssue): SchemaIssue[] {
  if (issues === undefined) return [issue];
  issues.push(issue);
  return issues;
}

function schemaName(schema: CompiledSchema): string {
  const d = schema.descriptor;
  return `${d.type}/${d.subtype}@${d.version}`;
}

function checkFields(
  fields: CompiledFields,
  attributes: Attributes | undefined,
  path: string,
  policy: ValidationPolicy,
  issues: SchemaIssue[] | undefined,
): SchemaIssue[] | undefined {
  let requiredSeen = 0;
  if (attributes !== undefined) {
    const byKey = fields.byKey;
    for (const [key, value] of attributes) {
      const field = byKey.get(key);
      if (field === undefined) {
        if (policy.unknownAttributes === "report") {
          issues = add(issues, {
            path: `${path}[${JSON.stringify(key)}]`,
            code: "unknown_attribute",
            message: `${JSON.stringify(key)} is not declared by the schema`,
          });
        }
        continue;
      }
      if (field.required) requiredSeen++;
      let ok: boolean;
      switch (field.kind) {
        case KIND_STRING:
          ok = typeof value === "string";
          break;
        case KIND_BOOL:
          ok = typeof value === "boolean";
          break;
        case KIND_INT:
          ok = typeof value === "bigint";
          break;
        case KIND_DOUBLE:
          ok = typeof value === "number";
          break;
        case KIND_BYTES:
          ok = value instanceof Uint8Array;
          break;
        default:
          ok = field.check(value);
      }
      if (!ok) {
        const f = field.field;
        const expected = f.presence === "repeated" ? `repeated ${f.typeText}` : f.typeText;
        issues = add(issues, {
          path: `${path}[${JSON.stringify(key)}]`,
          code: "wrong_type",
          message: `expected ${expected}, got ${describeValue(value)}`,
        });
      } else if (field.rules !== undefined) {
        issues = field.rules(value, `${path}[${JSON.stringify(key)}]`, issues);
      }
      if (field.deprecated && policy.deprecated === "report") {
        const deprecated = field.field.deprecated!;
        issues = add(issues, {
          path: `${path}[${JSON.stringify(key)}]`,
          code: "deprecated_attribute",
          message: `${JSON.stringify(key)} is deprecated since ${deprecated.since}${deprecated.removal === undefined ? "" : `, to be removed in ${deprecated.removal}`}${deprecated.removalDate === undefined ? "" : `, to be removed by ${deprecated.removalDate}`}${deprecated.replacement === undefined ? "" : `; use ${JSON.stringify(deprecated.replacement)}`}`,
        });
      }
    }
  }
  if (requiredSeen < fields.requiredCount) {
    for (const field of fields.list) {
      if (field.required && (attributes === undefined || !attributes.has(field.key))) {
        issues = add(issues, {
          path: `${path}[${JSON.stringify(field.key)}]`,
          code: "missing_attribute",
          message: `required attribute ${JSON.stringify(field.key)} (${field.field.typeText}) is absent`,
        });
      }
    }
  }
  return issues;
}

function describeValue(value: Parameters<typeof kindName>[0]): string {
  const kind = kindName(value);
  if (Array.isArray(value)) {
    const kinds = [...new Set(value.map(kindName))];
    return kinds.length === 0 ? "an empty array" : `array of ${kinds.join(" | ")}`;
  }
  if (value instanceof Map) {
    const kinds = [...new Set([...value.values()].map(kindName))];
    return kinds.length === 0 ? "an empty map" : `map of ${kinds.join(" | ")}`;
  }
  return kind;
}
