/**
 * The stable codes of the issues a registry check reports. Issues are
 * `{ path, code, message }` (core's `IssueLike`); codes are never renamed.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#issue-codes | docs/spec.md} "Schema registry", "Issue codes"
 */
import type { IssueLike } from "@envelope/core";

/** What each issue code means. */
export const SCHEMA_ISSUE_CODES = {
  unknown_schema: "the registry has no schema for the envelope's type/subtype",
  unknown_version: "the registry has the type/subtype but not the declared version",
  registry_unavailable:
    "the registry lists the declared version but could not load it (source down, corrupted); the envelope was not checked",
  missing_attribute: "a required attribute is absent",
  wrong_type: "an attribute's value is not of its declared type",
  out_of_range:
    "an int or double value below its field's minimum or above its maximum (NaN is outside every range)",
  not_allowed_value: "a string or int value that is not one of its field's enum values",
  wrong_length:
    "a string (in code points) or bytes value outside minLength/maxLength, or an array outside minItems/maxItems",
  unknown_attribute: "an attribute the schema does not declare (option unknownAttributes)",
  deprecated_attribute: "an attribute the schema marks deprecated is present (option deprecated)",
  extension_not_allowed: "an extension namespace the schema does not allow",
  extension_version_not_allowed: "an allowed extension namespace at a version outside its range",
  invalid_envelope:
    "the envelope is not shaped like the model (e.g. body.attributes is not a Map), so it could not be checked",
} as const;

/** A stable issue code; see {@link SCHEMA_ISSUE_CODES}. */
export type SchemaIssueCode = keyof typeof SCHEMA_ISSUE_CODES;

/** One problem found by a registry check. */
export interface SchemaIssue extends IssueLike {
  /** Field path, e.g. `body.attributes["user"]`, `body.extensions[0].version`, `header.schema.version`. */
  readonly path: string;
  readonly code: SchemaIssueCode;
  readonly message: string;
}
