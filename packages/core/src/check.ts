/**
 * The hook through which schema validation (the registry), defaults and
 * redaction run on every envelope: at capture (encode) and at the boundary
 * (decode). The SDK calls it after the contract's own validation.
 */

import type { IssueLike } from "./errors.js";
import type { Envelope } from "./model.js";

/** What a check does with the issues it finds: nothing, report them, or throw. */
export type CheckMode = "off" | "report" | "strict";

/** Where a check runs. */
export type CheckStage = "encode" | "decode";

/** What a check returns. */
export interface CheckResult {
  /** The envelope to go on with: the input, or a copy with defaults applied or fields redacted. */
  readonly envelope: Envelope;
  /** Problems found, `{ path, code, message }` with the check's own stable codes; empty when none. */
  readonly issues: readonly IssueLike[];
}

/**
 * A check run on every envelope. `check` must not throw for problems in the
 * envelope (it returns them as issues); the SDK decides, by `mode`, whether
 * issues are reported (`onIssues`) or thrown as an `EnvelopeError`.
 */
export interface EnvelopeCheck {
  check(envelope: Envelope, stage: CheckStage): CheckResult;
}

/** Options that attach a check to an encoder or decoder. */
export interface CheckOptions {
  /** The check, e.g. a registry validator. */
  readonly check: EnvelopeCheck;
  /** Default `"strict"`. */
  readonly mode?: CheckMode;
  /** Called in `"report"` mode with the issues of each envelope that has any. */
  readonly onIssues?: (issues: readonly IssueLike[], envelope: Envelope, stage: CheckStage) => void;
}
