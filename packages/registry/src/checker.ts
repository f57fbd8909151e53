/**
 * The registry as an `EnvelopeCheck` (the SDK's check hook): validation at
 * both stages, defaults on read at `decode`, redaction at `encode`.
 *
 * ```ts
 * const encoder = createEncoder({
 *   check: { check: registry.checker({ redaction }), mode: "report", onIssues },
 * });
 * ```
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#validation-1 | docs/spec.md} "Schema registry", "Validation"
 */
import {
  type CheckResult,
  type CheckStage,
  type Envelope,
  type EnvelopeCheck,
  EnvelopeError,
  type SchemaRef,
} from "@envelope/core";
import type { CompiledSchema } from "./compile.js";
import { applyDefaults } from "./defaults.js";
import type { SchemaIssue, SchemaIssueCode } from "./issues.js";
import {
  type CompiledRedaction,
  compileRedaction,
  type RedactionPolicy,
  redactEnvelope,
} from "./redact.js";
import { DEFAULT_VALIDATION_POLICY, type ValidationPolicy, validateAgainst } from "./validate.js";

/** Options of a registry check. */
export interface CheckerOptions extends Partial<ValidationPolicy> {
  /** Applied at stage `encode` to attributes marked `pii`. Default: none (nothing redacted). */
  readonly redaction?: RedactionPolicy;
  /** Fill absent attributes that declare a default, at stage `decode`. Default `true`. */
  readonly defaults?: boolean;
  /** Log every issue found, rate-limited, through a logger of yours. Default: no log. */
  readonly log?: ViolationLogOptions;
}

/** One issue as the check logs it: structured, so a log pipeline can group and count. */
export interface ViolationLogEntry {
  readonly code: SchemaIssueCode;
  /** `type/subtype` the envelope declares. */
  readonly event: string;
  /** The schema version the envelope declares. */
  readonly version: string;
  /** Where, e.g. `body.attributes["amount"]`. */
  readonly path: string;
  readonly message: string;
  readonly stage: CheckStage;
  /**
   * Issues with the same code, event, version and path the rate limit kept
   * out of the log since the previous entry for them.
   */
  readonly suppressed: number;
}

/** How a check logs issues (see {@link CheckerOptions.log}). */
export interface ViolationLogOptions {
  /** Called with each entry let through; an exception it throws is swallowed (the check never throws). */
  readonly logger: (entry: ViolationLogEntry) => void;
  /** Entries per (code, event, version, path) per interval. Default 1. */
  readonly perInterval?: number;
  /** The interval, in milliseconds. Default 60 000. */
  readonly intervalMs?: number;
  /**
   * How many (code, event, version, path) the limiter remembers; past that the
   * one seen least recently is forgotten (with its suppressed count). Default 1024.
   */
  readonly maxKeys?: number;
  /** The clock, in milliseconds. Default `Date.now`. */
  readonly now?: () => number;
}

interface LimitState {
  windowStart: number;
  count: number;
  suppressed: number;
}

/** A fixed-window rate limit per (code, event, version, path), bounded in memory. */
function violationLogger(
  options: ViolationLogOptions,
): (envelope: Envelope, stage: CheckStage, issues: readonly SchemaIssue[]) => void {
  const perInterval = options.perInterval ?? 1;
  const intervalMs = options.intervalMs ?? 60_000;
  const maxKeys = options.maxKeys ?? 1024;
  const now = options.now ?? Date.now;
  if (!(Number.isSafeInteger(perInterval) && perInterval >= 1)) {
    throw new EnvelopeError("invalid_argument", "log.perInterval must be an integer >= 1");
  }
  if (!(intervalMs > 0)) throw new EnvelopeError("invalid_argument", "log.intervalMs must be > 0");
  if (!(Number.isSafeInteger(maxKeys) && maxKeys >= 1)) {
    throw new EnvelopeError("invalid_argument", "log.maxKeys must be an integer >= 1");
  }
  const states = new Map<string, LimitState>();
  return (envelope, stage, issues) => {
    const schema = envelope.header?.schema;
    const event = `${schema?.type ?? ""}/${schema?.subtype ?? ""}`;
    const version = schema?.version ?? "";
    const t = now();
    for (const issue of issues) {
      const key = `${issue.code}\0${event}\0${version}\0${issue.path}`;
      let state = states.get(key);
      if (state === undefined) {
        state = { windowStart: t, count: 0, suppressed: 0 };
        if (states.size >= maxKeys) states.delete(states.keys().next().value!);
      } else {
        states.delete(key); // re-inserted below: the map's order is least recently seen first
        if (t - state.windowStart >= intervalMs) {
          state.windowStart = t;
          state.count = 0;
        }
      }
      states.set(key, state);
      if (state.count >= perInterval) {
        state.suppressed++;
        continue;
      }
      state.count++;
      const entry: ViolationLogEntry = {
        code: issue.code,
        event,
        version,
        path: issue.path,
        message: issue.message,
        stage,
        suppressed: state.suppressed,
      };
      state.suppressed = 0;
      try {
        options.logger(entry);
      } catch {
        // A broken logger must not break report mode.
      }
    }
  };
}

/** What a registry check has seen, counted as it runs (cheap: one increment per envelope). */
export interface CheckStats {
  /** Envelopes checked, both stages. */
  readonly checked: number;
  /** Envelopes with at least one issue. */
  readonly withIssues: number;
  /** Issues found. */
  readonly issues: number;
  /** Issues found, per code. */
  readonly byCode: Readonly<Partial<Record<SchemaIssueCode, number>>>;
}

/** A registry check: the SDK's `EnvelopeCheck`, with its counters. */
export interface RegistryCheck extends EnvelopeCheck {
  readonly stats: CheckStats;
}

/** Finds the compiled schema an envelope declares, or says why there is none. */
export interface SchemaResolver {
  /** The schema, or the issue (`unknown_schema`, `unknown_version`, `registry_unavailable`). */
  resolve(ref: SchemaRef): CompiledSchema | SchemaIssue;
}

/**
 * Builds the check. Throws `invalid_argument` for a bad redaction policy
 * (once, here); `check()` itself never throws: every problem is an issue.
 */
export function createChecker(
  resolver: SchemaResolver,
  options: CheckerOptions = {},
): RegistryCheck {
  const policy: ValidationPolicy = {
    unknownAttributes: options.unknownAttributes ?? DEFAULT_VALIDATION_POLICY.unknownAttributes,
    deprecated: options.deprecated ?? DEFAULT_VALIDATION_POLICY.deprecated,
  };
  const defaults = options.defaults ?? true;
  const redaction: CompiledRedaction | undefined =
    options.redaction === undefined ? undefined : compileRedaction(options.redaction);
  const log = options.log === undefined ? undefined : violationLogger(options.log);
  const stats = { checked: 0, withIssues: 0, issues: 0, byCode: {} as Record<string, number> };
  const count = (result: CheckResult, input: Envelope, stage: CheckStage): CheckResult => {
    stats.checked++;
    const issues = result.issues;
    if (issues.length > 0) {
      stats.withIssues++;
      stats.issues += issues.length;
      for (const issue of issues) stats.byCode[issue.code] = (stats.byCode[issue.code] ?? 0) + 1;
      if (log !== undefined) log(input, stage, issues as readonly SchemaIssue[]);
    }
    return result;
  };
  return {
    stats,
    check(envelope: Envelope, at: CheckStage): CheckResult {
      try {
        const ref = envelope.header.schema;
        const found = resolver.resolve(ref);
        if (!("descriptor" in found)) return count({ envelope, issues: [found] }, envelope, at);
        const issues = validateAgainst(found, envelope, policy);
        let out = envelope;
        if (at === "decode") {
          if (defaults) out = applyDefaults(found, envelope);
        } else if (redaction !== undefined) {
          out = redactEnvelope(found, envelope, redaction);
        }
        return count({ envelope: out, issues }, envelope, at);
      } catch (error) {
        // Report mode must never throw: an envelope that is not shaped like the
        // model (no header, a body that is not an object) is an issue too.
        return count({ envelope, issues: [malformed(error)] }, envelope, at);
      }
    },
  };
}

function malformed(error: unknown): SchemaIssue {
  return {
    path: "",
    code: "invalid_envelope",
    message: `the envelope could not be checked: ${error instanceof Error ? error.message : String(error)}`,
  };
}

/** The issues of an envelope, without defaults or redaction (report-mode validation as a function). */
export function checkEnvelope(
  resolver: SchemaResolver,
  envelope: Envelope,
  options: Partial<ValidationPolicy> = {},
): readonly SchemaIssue[] {
  try {
    const found = resolver.resolve(envelope.header.schema);
    if (!("descriptor" in found)) return [found];
    return validateAgainst(found, envelope, { ...DEFAULT_VALIDATION_POLICY, ...options });
  } catch (error) {
    return [malformed(error)];
  }
}
