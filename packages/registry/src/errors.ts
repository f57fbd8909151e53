/**
 * The registry's own error: what only a schema registry can get wrong (a
 * malformed descriptor, a source that cannot deliver, versions no transform
 * connects). Decoding and the wire format throw core's `EnvelopeError`; its
 * codes are core's. Programming errors in calls to the registry (bad options)
 * are core's `invalid_argument`.
 *
 * @see docs/spec.md "Schema registry", "Errors"
 */

/** What each registry error code means. Codes are stable: none is ever renamed. */
export const REGISTRY_ERROR_CODES = {
  invalid_descriptor:
    "a schema descriptor (or index.json) is malformed; the message names the file, line and JSON path",
  registry_unavailable: "a registry source cannot deliver and holds no good copy",
  transform_unavailable:
    "no version transforms lead from an envelope's schema version to the requested one (or the step would lose or collide values)",
} as const;

/** A stable registry error code; see {@link REGISTRY_ERROR_CODES}. */
export type RegistryErrorCode = keyof typeof REGISTRY_ERROR_CODES;

/**
 * The registry's error, shaped like core's `EnvelopeError`: `code`, `detail`
 * (what is wrong, without the code or location), `path` (where, when known)
 * and a message `[code] detail (at path)`. Read the fields, never parse the
 * message.
 */
export class RegistryError extends Error {
  override readonly name = "RegistryError";
  readonly code: RegistryErrorCode;
  /** What is wrong, without the code or location. */
  readonly detail: string;
  /** Where: a JSON path in a descriptor (`$.attributes[0].type`) or a field of an envelope (`header.schema`). */
  readonly path: string | undefined;

  constructor(
    code: RegistryErrorCode,
    detail: string,
    location: { readonly path?: string } = {},
    options?: ErrorOptions,
  ) {
    super(
      `[${code}] ${detail}${location.path === undefined ? "" : ` (at ${location.path})`}`,
      options,
    );
    this.code = code;
    this.detail = detail;
    this.path = location.path;
  }
}

/**
 * Type guard for {@link RegistryError}, optionally for one code. Works across
 * copies of the package (checks the name and code, not the class identity).
 */
export function isRegistryError(value: unknown, code?: RegistryErrorCode): value is RegistryError {
  if (value instanceof RegistryError) return code === undefined || value.code === code;
  if (typeof value !== "object" || value === null) return false;
  const e = value as { name?: unknown; code?: unknown };
  return (
    e.name === "RegistryError" &&
    typeof e.code === "string" &&
    Object.hasOwn(REGISTRY_ERROR_CODES, e.code) &&
    (code === undefined || e.code === code)
  );
}
