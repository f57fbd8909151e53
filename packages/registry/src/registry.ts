/**
 * The registry: compiled descriptors by event and version, loaded from a
 * source, with the check, validation and transforms built on them.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#schema-registry | docs/spec.md} "Schema registry"
 */
import { type Envelope, EnvelopeError, isEnvelopeError, type SchemaRef } from "@envelope/core";
import {
  type CheckerOptions,
  checkEnvelope,
  createChecker,
  type RegistryCheck,
  type SchemaResolver,
} from "./checker.js";
import { type CompiledSchema, compileSchema, internKey } from "./compile.js";
import { type EventName, type SchemaDescriptor, type SchemaKey, schemaId } from "./descriptor.js";
import { isRegistryError, RegistryError } from "./errors.js";
import type { SchemaIssue } from "./issues.js";
import { problemsError } from "./parse-descriptor.js";
import { compareVersions } from "./semver.js";
import { readSchemasFolder } from "./sources/directory.js";
import type { SchemaSource, SourceEntry } from "./sources/source.js";
import { type TransformTarget, transformEnvelope } from "./transform.js";
import type { ValidationPolicy } from "./validate.js";

/** What {@link Registry.refresh} did. */
export interface RefreshReport {
  /** Descriptors loaded by this refresh (new versions). */
  readonly loaded: readonly SchemaKey[];
  /** Listed descriptors that could not be loaded, and why. */
  readonly failed: readonly {
    readonly key: SchemaKey;
    readonly error: EnvelopeError | RegistryError;
  }[];
  /** The listing was the source's last good copy (the source is failing). */
  readonly stale: boolean;
  /** Why the listing is stale. */
  readonly error?: EnvelopeError | RegistryError;
}

/** A set of schemas, with everything built on them. */
export interface Registry extends SchemaResolver {
  /** The source's directory or URL; `undefined` for a registry built from descriptors. */
  readonly location: string | undefined;
  /** One descriptor, or `undefined`. */
  get(key: SchemaKey): SchemaDescriptor | undefined;
  /** The loaded versions of an event, ascending. */
  versions(event: EventName): readonly string[];
  /** The highest loaded version of an event. */
  latest(event: EventName): SchemaDescriptor | undefined;
  /** Every event with at least one loaded version, sorted. */
  events(): EventName[];
  /** Every loaded descriptor, sorted by type, subtype, version. */
  descriptors(): SchemaDescriptor[];
  /**
   * The SDK check hook: validation at encode and decode, defaults on read at
   * decode, redaction at encode. Throws `invalid_argument` for a bad policy.
   */
  checker(options?: CheckerOptions): RegistryCheck;
  /** The issues of an envelope against its declared schema (report mode as a function; never throws). */
  validate(envelope: Envelope, options?: Partial<ValidationPolicy>): readonly SchemaIssue[];
  /** Upgrades or downgrades an envelope to another version; see {@link transformEnvelope}. */
  transform(envelope: Envelope, target: TransformTarget): Envelope;
  /** Lists the source again and loads versions not loaded yet (loaded ones are immutable). */
  refresh(): Promise<RefreshReport>;
}

class SchemaRegistry implements Registry {
  private readonly tree = new Map<string, Map<string, Map<string, CompiledSchema>>>();
  private readonly failures = new Map<string, EnvelopeError | RegistryError>();
  private sorted = new Map<string, readonly string[]>();
  private unavailable: EnvelopeError | RegistryError | undefined;

  constructor(readonly source: SchemaSource | undefined) {}

  get location(): string | undefined {
    return this.source?.location;
  }

  add(descriptor: SchemaDescriptor): void {
    let subtypes = this.tree.get(descriptor.type);
    if (subtypes === undefined) {
      subtypes = new Map();
      this.tree.set(internKey(descriptor.type), subtypes);
    }
    let versions = subtypes.get(descriptor.subtype);
    if (versions === undefined) {
      versions = new Map();
      subtypes.set(internKey(descriptor.subtype), versions);
    }
    if (versions.has(descriptor.version)) {
      throw new EnvelopeError("invalid_argument", `${schemaId(descriptor)} is given twice`);
    }
    versions.set(internKey(descriptor.version), compileSchema(descriptor));
    this.sorted.delete(`${descriptor.type}/${descriptor.subtype}`);
    this.failures.delete(schemaId(descriptor));
  }

  resolve(ref: SchemaRef): CompiledSchema | SchemaIssue {
    const versions = this.tree.get(ref.type)?.get(ref.subtype);
    const found = versions?.get(ref.version);
    if (found !== undefined) return found;
    const name = `${ref.type}/${ref.subtype}@${ref.version}`;
    const failure = this.failures.get(name);
    if (failure !== undefined) {
      return {
        path: "header.schema.version",
        code: "registry_unavailable",
        message: `${name} is listed by the registry but could not be loaded: ${failure.message}`,
      };
    }
    if (versions !== undefined) {
      return {
        path: "header.schema.version",
        code: "unknown_version",
        message: `the registry has no version ${JSON.stringify(ref.version)} of ${ref.type}/${ref.subtype} (it has ${this.versions(ref).join(", ")})`,
      };
    }
    if (this.unavailable !== undefined && this.tree.size === 0) {
      return {
        path: "header.schema",
        code: "registry_unavailable",
        message: `the registry could not be read: ${this.unavailable.message}`,
      };
    }
    return {
      path: "header.schema",
      code: "unknown_schema",
      message: `the registry has no schema ${JSON.stringify(`${ref.type}/${ref.subtype}`)}`,
    };
  }

  get(key: SchemaKey): SchemaDescriptor | undefined {
    return this.tree.get(key.type)?.get(key.subtype)?.get(key.version)?.descriptor;
  }

  versions(event: EventName): readonly string[] {
    const id = `${event.type}/${event.subtype}`;
    let list = this.sorted.get(id);
    if (list === undefined) {
      const versions = this.tree.get(event.type)?.get(event.subtype);
      list = Object.freeze(
        versions === undefined ? [] : [...versions.keys()].sort(compareVersions),
      );
      this.sorted.set(id, list);
    }
    return list;
  }

  latest(event: EventName): SchemaDescriptor | undefined {
    const list = this.versions(event);
    const last = list[list.length - 1];
    return last === undefined ? undefined : this.get({ ...event, version: last });
  }

  events(): EventName[] {
    const out: EventName[] = [];
    for (const type of [...this.tree.keys()].sort()) {
      for (const subtype of [...this.tree.get(type)!.keys()].sort()) out.push({ type, subtype });
    }
    return out;
  }

  descriptors(): SchemaDescriptor[] {
    return this.events().flatMap((e) =>
      this.versions(e).map((version) => this.get({ ...e, version })!),
    );
  }

  checker(options?: CheckerOptions): RegistryCheck {
    return createChecker(this, options);
  }

  validate(envelope: Envelope, options?: Partial<ValidationPolicy>): readonly SchemaIssue[] {
    return checkEnvelope(this, envelope, options);
  }

  transform(envelope: Envelope, target: TransformTarget): Envelope {
    return transformEnvelope(this, envelope, target);
  }

  async refresh(): Promise<RefreshReport> {
    const source = this.source;
    if (source === undefined) return { loaded: [], failed: [], stale: false };
    let listing: Awaited<ReturnType<SchemaSource["list"]>>;
    try {
      listing = await source.list();
    } catch (error) {
      this.unavailable = asError(error);
      throw this.unavailable;
    }
    this.unavailable = listing.error;
    const missing = listing.entries.filter((e) => this.get(e) === undefined);
    const loaded: SchemaKey[] = [];
    const failed: { key: SchemaKey; error: EnvelopeError | RegistryError }[] = [];
    const results = await mapLimit(missing, 8, async (entry: SourceEntry) => {
      try {
        return { entry, descriptor: await source.load(entry) };
      } catch (error) {
        return { entry, error: asError(error) };
      }
    });
    for (const r of results) {
      const key = { type: r.entry.type, subtype: r.entry.subtype, version: r.entry.version };
      if (r.descriptor !== undefined) {
        // A concurrent refresh may have loaded it meanwhile: versions are immutable, keep that one.
        if (this.get(key) === undefined) this.add(r.descriptor);
        loaded.push(key);
      } else {
        this.failures.set(schemaId(key), r.error!);
        failed.push({ key, error: r.error! });
      }
    }
    return {
      loaded,
      failed,
      stale: listing.stale,
      ...(listing.error === undefined ? {} : { error: listing.error }),
    };
  }
}

function asError(error: unknown): EnvelopeError | RegistryError {
  return isEnvelopeError(error) || isRegistryError(error)
    ? error
    : new RegistryError(
        "registry_unavailable",
        String((error as Error)?.message ?? error),
        {},
        {
          cause: error,
        },
      );
}

async function mapLimit<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>) {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await run(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * A registry of the given descriptors (no source; `refresh()` does nothing).
 * Throws `invalid_argument` when one version is given twice.
 */
export function createRegistry(descriptors: Iterable<SchemaDescriptor>): Registry {
  const registry = new SchemaRegistry(undefined);
  for (const d of descriptors) registry.add(d);
  return registry;
}

/**
 * Loads a schemas folder synchronously (the embedded default, e.g. at
 * start-up). Throws `invalid_descriptor` naming the file, line and JSON path
 * of the first problem, and `invalid_argument` when `dir` cannot be read.
 */
export function loadRegistry(dir: string): Registry {
  const folder = readSchemasFolder(dir);
  if (folder.problems.length > 0) throw problemsError(folder.problems, dir);
  return createRegistry(folder.files.map((f) => ({ ...f.parsed.descriptor!, source: f.file })));
}

/**
 * Opens a registry on a source: lists it and loads every descriptor. A
 * descriptor that cannot be loaded does not fail the call: it is left out,
 * and envelopes that declare it get the issue `registry_unavailable` (see
 * the returned report). Throws `registry_unavailable` only when the source
 * cannot be listed and has no good copy.
 */
export async function openRegistry(
  source: SchemaSource,
): Promise<{ readonly registry: Registry; readonly report: RefreshReport }> {
  const registry = new SchemaRegistry(source);
  const report = await registry.refresh();
  return { registry, report };
}
