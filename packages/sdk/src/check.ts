/**
 * Runs an attached {@link EnvelopeCheck} (schema validation, defaults,
 * redaction) by its mode.
 */
import { type CheckOptions, type CheckStage, type Envelope, EnvelopeError } from "@envelope/core";

/** Returns a function that runs the check, or `undefined` when there is none or its mode is off. */
export function compileCheck(
  options: CheckOptions | undefined,
): ((e: Envelope, stage: CheckStage) => Envelope) | undefined {
  if (options === undefined || options.mode === "off") return undefined;
  const { check, onIssues } = options;
  const strict = (options.mode ?? "strict") === "strict";
  return (envelope, stage) => {
    const result = check.check(envelope, stage);
    const issues = result.issues;
    if (issues.length > 0) {
      if (strict) {
        const first = issues[0]!;
        const more = issues.length > 1 ? ` (and ${issues.length - 1} more issue(s))` : "";
        throw new EnvelopeError(
          "schema_violation",
          `envelope does not satisfy its schema: ${first.code}: ${first.message}${more}`,
          { path: first.path },
          { issues },
        );
      }
      onIssues?.(issues, result.envelope, stage);
    }
    return result.envelope;
  };
}
