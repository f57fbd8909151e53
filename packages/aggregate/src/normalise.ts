/**
 * Bringing envelopes of mixed versions to one version per event: validate an
 * envelope against its declared schema, then upgrade or downgrade it with the
 * registry's declared transforms. An envelope that cannot be brought to its
 * event's target version is refused with the reason, never guessed at.
 *
 * Shared by the aggregation and the Arrow/Parquet export, so both see the
 * same envelopes.
 *
 * @see docs/spec.md "Aggregation"
 */
import type { Envelope } from "@envelope/core";
import { isEnvelopeError } from "@envelope/core";
import {
  applyDefaults,
  type EventName,
  eventId,
  isRegistryError,
  type Registry,
  type SchemaIssue,
  type ValidationPolicy,
} from "@envelope/registry";

/**
 * The version to bring each event to. A string names one version for every
 * event (`"1.1.0"`), or `"latest"`: the highest version the registry holds.
 * A record maps `type/subtype` to a version (or `"latest"`); events it does
 * not name go to their latest version.
 */
export type TargetOption = string | Readonly<Record<string, string>>;

/** What to do with envelopes of events the registry does not know. */
export type UnknownEventPolicy = "skip" | "keep";

/** Options of {@link createNormaliser}. */
export interface NormaliseOptions {
  readonly registry: Registry;
  /** Default `"latest"`. */
  readonly to?: TargetOption;
  /**
   * `"skip"` (default): an envelope of an event the registry does not know is
   * refused (`unknown_schema`). `"keep"`: it is kept at its own version, since
   * no transform can apply; its `unknown_schema` issue is still counted.
   */
  readonly unknownEvents?: UnknownEventPolicy;
  /** Refuse envelopes with at least one validation issue (reason `invalid`). Default `false`. */
  readonly skipInvalid?: boolean;
  /** Fill absent attributes that declare a default, at the target version. Default `false`. */
  readonly defaults?: boolean;
  /** Validation policy (unknown and deprecated attributes); default: both reported. */
  readonly validation?: Partial<ValidationPolicy>;
}

/** An envelope at its event's target version. */
export interface Normalised {
  readonly ok: true;
  /** At the target version (the input itself when it already was). */
  readonly envelope: Envelope;
  /** The version the producer wrote. */
  readonly sourceVersion: string;
  /** The issues of the envelope as written, against its declared schema. */
  readonly issues: readonly SchemaIssue[];
}

/**
 * Why an envelope was refused: `unknown_schema`, `unknown_version`,
 * `registry_unavailable` (its declared schema is not usable),
 * `transform_unavailable` (no declared transform leads to the target, or a
 * transform would have had to guess), `invalid` (with `skipInvalid`).
 */
export type RefusalReason =
  | "unknown_schema"
  | "unknown_version"
  | "registry_unavailable"
  | "transform_unavailable"
  | "invalid";

/** An envelope that was not brought to its target version. */
export interface Refused {
  readonly ok: false;
  readonly reason: RefusalReason;
  readonly message: string;
  readonly issues: readonly SchemaIssue[];
}

/** Validates and transforms envelopes; see {@link createNormaliser}. */
export interface Normaliser {
  /** The target version of an event; `undefined` for an event the registry does not know. */
  target(event: EventName): string | undefined;
  /** Validates `envelope` as written, then brings it to its event's target version. Never throws. */
  normalise(envelope: Envelope): Normalised | Refused;
}

/**
 * Builds the normaliser. Validation runs on the envelope as the producer
 * wrote it (against the descriptor of its own version); the transform then
 * moves it to the target; defaults, when asked, are filled at the target.
 */
export function createNormaliser(options: NormaliseOptions): Normaliser {
  const { registry } = options;
  const to = options.to ?? "latest";
  const unknownEvents = options.unknownEvents ?? "skip";
  const skipInvalid = options.skipInvalid ?? false;
  const defaults = options.defaults ?? false;
  const policy = options.validation ?? {};
  const targets = new Map<string, string | undefined>();

  const target = (event: EventName): string | undefined => {
    const id = eventId(event);
    if (targets.has(id)) return targets.get(id);
    let wanted = typeof to === "string" ? to : (to[id] ?? "latest");
    if (wanted === "latest") wanted = registry.latest(event)?.version ?? "";
    const found = registry.versions(event).length === 0 ? undefined : wanted;
    targets.set(id, found);
    return found;
  };

  const normalise = (envelope: Envelope): Normalised | Refused => {
    const issues = registry.validate(envelope, policy);
    const schema = envelope.header.schema;
    const refusal = issues.find(
      (i) =>
        i.code === "unknown_schema" ||
        i.code === "unknown_version" ||
        i.code === "registry_unavailable",
    );
    if (refusal !== undefined) {
      if (refusal.code === "unknown_schema" && unknownEvents === "keep" && !skipInvalid) {
        return { ok: true, envelope, sourceVersion: schema.version, issues };
      }
      return {
        ok: false,
        reason: refusal.code as RefusalReason,
        message: refusal.message,
        issues,
      };
    }
    if (skipInvalid && issues.length > 0) {
      return {
        ok: false,
        reason: "invalid",
        message: `${issues.length} validation issue(s), the first: ${issues[0]!.code} at ${issues[0]!.path}`,
        issues,
      };
    }
    const version = target(schema);
    if (version === undefined || registry.get({ ...schema, version }) === undefined) {
      return {
        ok: false,
        reason: "transform_unavailable",
        message: `the registry has no version ${JSON.stringify(version ?? "")} of ${eventId(schema)} to bring it to`,
        issues,
      };
    }
    let out: Envelope;
    try {
      out = registry.transform(envelope, { version });
    } catch (error) {
      if (!isRegistryError(error) && !isEnvelopeError(error)) throw error;
      return { ok: false, reason: "transform_unavailable", message: error.message, issues };
    }
    if (defaults) {
      const compiled = registry.resolve(out.header.schema);
      if ("descriptor" in compiled) out = applyDefaults(compiled, out);
    }
    return { ok: true, envelope: out, sourceVersion: schema.version, issues };
  };

  return { target, normalise };
}
