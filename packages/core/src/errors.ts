/**
 * The one error type the SDK throws. Every public decode path throws only
 * `EnvelopeError`, with a stable {@link ErrorCode}; messages say what went
 * wrong and, where known, at which byte offset or JSON path.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#errors | docs/spec.md}, section "Errors"
 */

/** Stable error codes. New codes may be added in minor versions; none is ever renamed. */
export type ErrorCode =
  /** The input ended before a complete value, section or frame. */
  | "truncated"
  /** The bytes do not start with the frame magic. */
  | "bad_magic"
  /** The frame version is not one this SDK reads. */
  | "unsupported_version"
  /** The frame names a codec id this SDK does not know, or a codec is not registered. */
  | "unsupported_codec"
  /** The frame names a compression id this SDK does not know. */
  | "unsupported_compression"
  /** A declared or actual size is over a configured limit (frame, decompressed body). */
  | "too_large"
  /** A structural limit was exceeded (nesting depth, attribute count, string or bytes length). */
  | "limit_exceeded"
  /** The frame prefix is inconsistent (reserved flag bits set, impossible lengths). */
  | "invalid_frame"
  /** A checksum did not match. */
  | "checksum_mismatch"
  /** Bytes follow a complete item where none may. */
  | "trailing_bytes"
  /** An id has the wrong length, is all zero, or is not lowercase hex. */
  | "invalid_id"
  /** A text field is not valid UTF-8. */
  | "invalid_utf8"
  /** The bytes are not a well-formed protobuf message of the envelope schema. */
  | "invalid_protobuf"
  /** The text is not well-formed JSON, or not the spec's JSON mapping. */
  | "invalid_json"
  /** The bytes are not well-formed CBOR, or not the spec's CBOR mapping. */
  | "invalid_cbor"
  /** The LZ4 frame is malformed (bad header, truncated, bad block, trailing garbage). */
  | "invalid_lz4"
  /** A field has a value of the wrong type or out of range. */
  | "invalid_value"
  /** A required field is absent or empty. */
  | "missing_field"
  /** A version string is not semver MAJOR.MINOR.PATCH. */
  | "invalid_semver"
  /** A key appears twice in one attribute map, or a namespace twice in one body. */
  | "duplicate_key"
  /** An argument to an SDK function is not acceptable (programming error). */
  | "invalid_argument"
  /** An envelope does not satisfy its declared schema (first issue's code is in `issues`). */
  | "schema_violation";
// The schema registry's own codes (invalid_descriptor, registry_unavailable,
// transform_unavailable) are @envelope/registry's `RegistryError`, not core's.

/** Which part of a frame an offset is relative to, when it is not the input given to the public function. */
export type ErrorSection =
  /** The body after LZ4 decompression: `offset` counts bytes of the decompressed body. */
  "decompressed-body";

/** Where in the input an error was found. */
export interface ErrorLocation {
  /** Byte offset from the start of the input given to the public function (or of `section`, when set). */
  readonly offset?: number;
  /** Path of the field, e.g. `header.trace.traceId` or `body.attributes["a"][2]`. */
  readonly path?: string;
  /** Set when `offset` is relative to a part of the frame rather than the whole input. */
  readonly section?: ErrorSection;
  /** With `section`: the byte offset in the input where that section is stored. */
  readonly sectionOffset?: number;
}

/** One problem in a list of issues (see `ValidationIssue`). */
export interface IssueLike {
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

/**
 * The SDK's error: structured fields, and a message composed from them.
 *
 * - `code`: a stable {@link ErrorCode};
 * - `detail`: what is wrong, in words, without the code or the location;
 * - `offset`, `path`, `section`, `sectionOffset`: where (each optional).
 *
 * `message` is `[code] detail (at path, at byte offset)`; read the fields, never
 * parse the message. {@link EnvelopeError.rebase} moves the offset when an inner
 * input is part of a larger one.
 */
export class EnvelopeError extends Error {
  override readonly name = "EnvelopeError";
  readonly code: ErrorCode;
  /** What is wrong, without the code or location. */
  readonly detail: string;
  readonly offset: number | undefined;
  readonly path: string | undefined;
  readonly section: ErrorSection | undefined;
  readonly sectionOffset: number | undefined;
  /** For `schema_violation`: every issue found, `{ path, code, message }`. */
  readonly issues: readonly IssueLike[] | undefined;

  constructor(
    code: ErrorCode,
    detail: string,
    location: ErrorLocation = {},
    options?: ErrorOptions & { readonly issues?: readonly IssueLike[] },
  ) {
    super(formatMessage(code, detail, location), options);
    this.code = code;
    this.detail = detail;
    this.offset = location.offset;
    this.path = location.path;
    this.section = location.section;
    this.sectionOffset = location.sectionOffset;
    this.issues = options?.issues;
  }

  /** The location fields of this error, as one object. */
  get location(): ErrorLocation {
    const l: { -readonly [K in keyof ErrorLocation]: ErrorLocation[K] } = {};
    if (this.offset !== undefined) l.offset = this.offset;
    if (this.path !== undefined) l.path = this.path;
    if (this.section !== undefined) l.section = this.section;
    if (this.sectionOffset !== undefined) l.sectionOffset = this.sectionOffset;
    return l;
  }

  /**
   * The same error with its location changed: `by` is added to a whole-input
   * offset (an error found in a part that starts at byte `by` of a larger
   * input); `location` fields, when given, replace this error's. The original
   * is kept as `cause`. Returns this error when nothing changes.
   */
  rebase(by: number, location: ErrorLocation = {}): EnvelopeError {
    const moves =
      by !== 0 &&
      ((this.offset !== undefined && this.section === undefined) ||
        this.sectionOffset !== undefined);
    if (!moves && Object.keys(location).length === 0) return this;
    const next: { -readonly [K in keyof ErrorLocation]: ErrorLocation[K] } = {
      ...this.location,
      ...location,
    };
    if (
      by !== 0 &&
      this.offset !== undefined &&
      this.section === undefined &&
      location.offset === undefined
    ) {
      next.offset = this.offset + by;
    }
    if (by !== 0 && this.sectionOffset !== undefined && location.sectionOffset === undefined) {
      next.sectionOffset = this.sectionOffset + by;
    }
    return new EnvelopeError(
      this.code,
      this.detail,
      next,
      this.issues === undefined ? { cause: this } : { cause: this, issues: this.issues },
    );
  }
}

function formatMessage(code: ErrorCode, detail: string, location: ErrorLocation): string {
  const where: string[] = [];
  if (location.path !== undefined) where.push(`at ${location.path}`);
  if (location.offset !== undefined) {
    where.push(
      location.section === "decompressed-body"
        ? `at byte ${location.offset} of the decompressed body${location.sectionOffset === undefined ? "" : `, stored at byte ${location.sectionOffset}`}`
        : `at byte ${location.offset}`,
    );
  }
  return `[${code}] ${detail}${where.length > 0 ? ` (${where.join(", ")})` : ""}`;
}

/** At most `max` characters of untrusted text for an error message, with an ellipsis when cut. */
export function excerpt(text: string, max = 40): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/**
 * Type guard for {@link EnvelopeError}, optionally for one code.
 * Works across copies of the package (checks the name and code, not the class identity).
 */
export function isEnvelopeError(value: unknown, code?: ErrorCode): value is EnvelopeError {
  if (value instanceof EnvelopeError) return code === undefined || value.code === code;
  if (typeof value !== "object" || value === null) return false;
  const e = value as { name?: unknown; code?: unknown };
  return (
    e.name === "EnvelopeError" &&
    typeof e.code === "string" &&
    (code === undefined || e.code === code)
  );
}
