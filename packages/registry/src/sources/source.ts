/**
 * Where descriptors come from: a directory (the embedded default) or an
 * HTTP(S) base URL serving the same files statically.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#sources | docs/spec.md} "Schema registry", "Sources"
 */
import type { EnvelopeError } from "@envelope/core";
import type { SchemaDescriptor, SchemaKey } from "../descriptor.js";
import type { RegistryError } from "../errors.js";

/** One descriptor a source lists. */
export interface SourceEntry extends SchemaKey {
  /** Path relative to the source's root, `type/subtype/version.json`. */
  readonly path: string;
  /** Lowercase hex SHA-256 of the file's bytes, when the listing has it (the index does). */
  readonly sha256?: string;
}

/** What a source lists. */
export interface SourceListing {
  readonly entries: readonly SourceEntry[];
  /** The listing is the last good copy, served because the source failed (stale-if-error). */
  readonly stale: boolean;
  /** Why the source failed, when `stale`. */
  readonly error?: EnvelopeError | RegistryError;
}

/** A place descriptors are read from. */
export interface SchemaSource {
  /** The directory or base URL, for messages. */
  readonly location: string;
  /**
   * Lists the descriptors. Throws `RegistryError` `registry_unavailable` when
   * the source fails and has no good copy, `invalid_descriptor` for a
   * malformed listing of a local source.
   */
  list(): Promise<SourceListing>;
  /**
   * Loads one descriptor. Throws `invalid_descriptor` (local, malformed file)
   * or `registry_unavailable` (remote, after retries, with no good copy).
   */
  load(entry: SourceEntry): Promise<SchemaDescriptor>;
}
