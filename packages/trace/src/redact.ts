/**
 * tracestate redaction: before a context crosses a trust boundary, configured
 * vendor members are masked (value replaced) or dropped.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#trace-context | docs/spec.md}, section "Trace context", "Redaction"
 */
import { EnvelopeError } from "@envelope/core";
import {
  brand,
  isValidList,
  isValidTraceStateKey,
  isValidTraceStateValue,
  validTraceState,
} from "./tracestate.js";
import type { TraceState, TraceStateEntry } from "./types.js";

/**
 * Selects tracestate keys: a string matches that exact key; `{ prefix }`
 * matches every key that starts with it (e.g. `{ prefix: "acme" }` matches
 * `acme` and `acme@tenant1`). A trailing `*` is not a wildcard: `*` is a valid
 * key character, so `"vendor*"` names that exact key.
 */
export type KeyPattern = string | { readonly prefix: string };

/**
 * Which tracestate members to hide. A key matched by both lists is dropped.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#trace-context | docs/spec.md}, section "Trace context", "Redaction"
 */
export interface RedactionPolicy {
  /** Members whose value is replaced by {@link RedactionPolicy.maskValue}. */
  readonly mask?: readonly KeyPattern[];
  /** Members removed from the list. */
  readonly drop?: readonly KeyPattern[];
  /** The replacement value; must follow the value grammar. Default {@link DEFAULT_MASK}. */
  readonly maskValue?: string;
}

/** The default mask value: valid in the tracestate value grammar. */
export const DEFAULT_MASK = "redacted";

interface Matcher {
  readonly exact: ReadonlySet<string>;
  readonly prefixes: readonly string[];
}

interface CompiledPolicy {
  readonly mask: Matcher;
  readonly drop: Matcher;
  readonly maskValue: string;
}

const compiled = new WeakMap<RedactionPolicy, CompiledPolicy>();

function isValidKeyPrefix(prefix: string): boolean {
  // Any non-empty prefix of a valid key is itself a valid key.
  return isValidTraceStateKey(prefix);
}

function compileMatcher(patterns: readonly KeyPattern[] | undefined, field: string): Matcher {
  const exact = new Set<string>();
  // Stryker disable next-line ArrayDeclaration: no tracestate key starts with the capitalised text Stryker puts here
  const prefixes: string[] = [];
  if (patterns === undefined) return { exact, prefixes };
  if (!Array.isArray(patterns)) {
    throw new EnvelopeError("invalid_argument", "redaction patterns must be an array", {
      path: field,
    });
  }
  patterns.forEach((pattern: KeyPattern, index: number) => {
    if (typeof pattern === "string") {
      if (!isValidTraceStateKey(pattern)) {
        throw new EnvelopeError(
          "invalid_argument",
          `${JSON.stringify(pattern)} is not a tracestate key`,
          {
            path: `${field}[${index}]`,
          },
        );
      }
      exact.add(pattern);
    } else if (
      typeof pattern === "object" &&
      pattern !== null &&
      typeof pattern.prefix === "string"
    ) {
      if (!isValidKeyPrefix(pattern.prefix)) {
        throw new EnvelopeError(
          "invalid_argument",
          `${JSON.stringify(pattern.prefix)} is not the start of a tracestate key`,
          { path: `${field}[${index}].prefix` },
        );
      }
      prefixes.push(pattern.prefix);
    } else {
      throw new EnvelopeError("invalid_argument", "a key pattern is a string or { prefix }", {
        path: `${field}[${index}]`,
      });
    }
  });
  return { exact, prefixes };
}

function compile(policy: RedactionPolicy): CompiledPolicy {
  let result = compiled.get(policy);
  // Stryker disable next-line ConditionalExpression: the cache only saves compiling the same policy again
  if (result !== undefined) return result;
  if (typeof policy !== "object" || policy === null) {
    throw new EnvelopeError("invalid_argument", "a redaction policy must be an object");
  }
  const maskValue = policy.maskValue ?? DEFAULT_MASK;
  if (!isValidTraceStateValue(maskValue)) {
    throw new EnvelopeError(
      "invalid_argument",
      "the mask value breaks the tracestate value grammar",
      {
        path: "maskValue",
      },
    );
  }
  result = {
    mask: compileMatcher(policy.mask, "mask"),
    drop: compileMatcher(policy.drop, "drop"),
    maskValue,
  };
  compiled.set(policy, result);
  return result;
}

function matches(matcher: Matcher, key: string): boolean {
  if (matcher.exact.has(key)) return true;
  for (const prefix of matcher.prefixes) if (key.startsWith(prefix)) return true;
  return false;
}

/**
 * Checks a policy once (it is then cached per policy object).
 * @throws EnvelopeError `invalid_argument` when a pattern is not a valid key
 * (or key prefix) or the mask value breaks the value grammar.
 */
export function validateRedactionPolicy(policy: RedactionPolicy): void {
  compile(policy);
}

/**
 * Applies a policy: matched members are dropped, or keep their key and
 * position with the mask as value. Returns `list` itself when nothing matched
 * and it was valid; a hand-made list with invalid members is first reduced to
 * its valid members (as `formatTraceState` does).
 *
 * @throws EnvelopeError `invalid_argument` for an invalid policy (see {@link validateRedactionPolicy}).
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#trace-context | docs/spec.md}, section "Trace context", "Redaction"
 */
export function redactTraceState(list: TraceState, policy: RedactionPolicy): TraceState {
  // A valid list is not copied: whoever writes it checks it again (contexts copy on start).
  return redactValid(isValidList(list) ? list : validTraceState(list), policy);
}

/** @internal {@link redactTraceState} of a list `validTraceState` returned. */
export function redactValid(state: TraceState, policy: RedactionPolicy): TraceState {
  const p = compile(policy);
  let out: TraceStateEntry[] | undefined;
  for (let k = 0; k < state.length; k++) {
    const entry = state[k]!;
    const key = entry[0];
    let replacement: TraceStateEntry | null = entry;
    if (matches(p.drop, key)) replacement = null;
    else if (matches(p.mask, key) && entry[1] !== p.maskValue) replacement = [key, p.maskValue];
    if (replacement !== entry && out === undefined) out = state.slice(0, k);
    if (out !== undefined && replacement !== null) out.push(replacement);
  }
  return out === undefined ? state : brand(out);
}
