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
import type { CheckResult, CheckStage, Envelope, EnvelopeCheck, SchemaRef } from "@envelope/core";
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
  const stats = { checked: 0, withIssues: 0, issues: 0, byCode: {} as Record<string, number> };
  const count = (result: CheckResult): CheckResult => {
    stats.checked++;
    const issues = result.issues;
    if (issues.length > 0) {
      stats.withIssues++;
      stats.issues += issues.length;
      for (const issue of issues) stats.byCode[issue.code] = (stats.byCode[issue.code] ?? 0) + 1;
    }
    return result;
  };
  return {
    stats,
    check(envelope: Envelope, stage: CheckStage): CheckResult {
      try {
        const ref = envelope.header.schema;
        const found = resolver.resolve(ref);
        if (!("descriptor" in found)) return count({ envelope, issues: [found] });
        const issues = validateAgainst(found, envelope, policy);
        let out = envelope;
        if (stage === "decode") {
          if (defaults) out = applyDefaults(found, envelope);
        } else if (redaction !== undefined) {
          out = redactEnvelope(found, envelope, redaction);
        }
        return count({ envelope: out, issues });
      } catch (error) {
        // Report mode must never throw: an envelope that is not shaped like the
        // model (no header, a body that is not an object) is an issue too.
        return count({ envelope, issues: [malformed(error)] });
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
