/**
 * The `tracestate` header: a comma-separated list of `key=value` members,
 * W3C Trace Context Level 2 with the current key grammar
 * `key = (lcalpha / DIGIT) 0*255(lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@")`.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#trace-context | docs/spec.md}, section "Trace context"
 */
import { EnvelopeError } from "@envelope/core";
import type { ParseResult, TraceState, TraceStateEntry, TraceStateIssue } from "./types.js";

/** Most list members in one tracestate; a header with more is dropped whole. */
export const MAX_TRACE_STATE_MEMBERS = 32;
/** Longest formatted tracestate; longer lists are truncated by whole members. */
export const MAX_TRACE_STATE_LENGTH = 512;
/** Members longer than this are dropped first when a list must be truncated. */
const LONG_MEMBER = 128;
const MAX_KEY_LENGTH = 256;
const MAX_VALUE_LENGTH = 256;
const COMMA = 44;
const EQUALS = 61;

/** 1 for characters allowed after the first character of a key. */
const KEY_CHAR = new Uint8Array(128);
for (let c = 97; c <= 122; c++) KEY_CHAR[c] = 1; // a-z
for (let c = 48; c <= 57; c++) KEY_CHAR[c] = 1; // 0-9
for (const ch of "_-*/@") KEY_CHAR[ch.charCodeAt(0)] = 1;

function isKeyStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
}

function isOws(c: number): boolean {
  return c === 32 || c === 9;
}

/** @internal Freezes a checked list; shared with the redaction. */
export function brand(entries: TraceStateEntry[]): TraceState {
  return Object.freeze(entries) as unknown as TraceState;
}

/** The empty list. */
export const EMPTY_TRACE_STATE: TraceState = brand([]);

/** A copy of `entry` when it is a `[key, value]` pair of strings that follow the grammar. */
function memberOf(entry: unknown): TraceStateEntry | undefined {
  if (!Array.isArray(entry)) return undefined;
  // Each read once: a getter cannot change a member after its check.
  // Both checks start with a string check of their own.
  const key = entry[0] as string;
  const value = entry[1] as string;
  return isValidTraceStateKey(key) && isValidTraceStateValue(value) ? [key, value] : undefined;
}

/**
 * True when `list` is an array of at most 32 valid `[key, value]` members with
 * distinct keys, so it can be used as it is (no copy). Never throws.
 * @internal
 */
export function isValidList(list: unknown): list is TraceState {
  if (!Array.isArray(list) || list.length > MAX_TRACE_STATE_MEMBERS) return false;
  try {
    for (let k = 0; k < list.length; k++) {
      if (memberOf(list[k]) === undefined) return false;
      const key = (list[k] as TraceStateEntry)[0];
      for (let j = 0; j < k; j++) if ((list[j] as TraceStateEntry)[0] === key) return false;
    }
  } catch {
    return false;
  }
  return true;
}

/**
 * The valid part of whatever a context holds as its tracestate: what
 * {@link formatTraceState}, `redactTraceState` and `inject` work on. The type's
 * brand exists only for the compiler, and a hand-made context can hold
 * anything, so a list is checked where it is written (contexts this package
 * built are checked once, when they are built). The list is read as an array
 * of `[key, value]` members, each copied: members that are not a pair of strings,
 * break the grammar or repeat an earlier key are dropped, and reading stops at
 * 32 members (the list is full: W3C drops the rightmost). A value that is not
 * an array, or that throws while it is read, gives the empty list. Never throws.
 *
 * @internal
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#trace-context | docs/spec.md}, section "Trace context", "tracestate"
 */
export function validTraceState(value: unknown): TraceState {
  if (!Array.isArray(value)) return EMPTY_TRACE_STATE;
  const out: TraceStateEntry[] = [];
  try {
    for (let k = 0; k < value.length && out.length < MAX_TRACE_STATE_MEMBERS; k++) {
      const member = memberOf(value[k]);
      if (member !== undefined && !hasKey(out, member[0])) out.push(member);
    }
  } catch {
    // A proxy or getter that throws: a list that cannot be read whole is not written.
    return EMPTY_TRACE_STATE;
  }
  return brand(out);
}

/** True when `key` follows the tracestate key grammar (1..256 characters). */
export function isValidTraceStateKey(key: string): boolean {
  if (typeof key !== "string" || key.length === 0 || key.length > MAX_KEY_LENGTH) return false;
  if (!isKeyStart(key.charCodeAt(0))) return false;
  // Stryker disable next-line EqualityOperator: the code past the end is NaN, which no check rejects or accepts differently
  for (let i = 1; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c >= 128 || KEY_CHAR[c] === 0) return false;
  }
  return true;
}

/** Checks value characters in `[start, end)`: printable ASCII without `,` and `=`. */
function scanValue(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === COMMA || c === EQUALS) return false;
  }
  return true;
}

/**
 * True when `value` follows the tracestate value grammar: 1..256 printable
 * ASCII characters (0x20-0x7E) without `,` and `=`, not ending in a space.
 */
export function isValidTraceStateValue(value: string): boolean {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_VALUE_LENGTH)
    return false;
  if (value.charCodeAt(value.length - 1) === 32) return false;
  return scanValue(value, 0, value.length);
}

function parse(value: string | readonly string[]): TraceState | TraceStateIssue {
  // Several tracestate headers are one list, combined in order.
  const text = typeof value === "string" ? value : value.join(",");
  const entries: TraceStateEntry[] = [];
  let members = 0;
  const n = text.length;
  let i = 0;
  // Stryker disable next-line EqualityOperator: i === n only after a trailing comma, an empty member either way
  while (i <= n) {
    let next = text.indexOf(",", i);
    if (next < 0) next = n;
    let start = i;
    let end = next;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the code at `end` is a comma or NaN, never a space
    while (start < end && isOws(text.charCodeAt(start))) start++;
    while (end > start && isOws(text.charCodeAt(end - 1))) end--;
    i = next + 1;
    if (start === end) continue; // empty members are allowed and do not count

    if (++members > MAX_TRACE_STATE_MEMBERS) return "too_many_members";
    if (!isKeyStart(text.charCodeAt(start))) return "invalid_key";
    let eq = start + 1;
    // Stryker disable next-line EqualityOperator: at `end` the code is a comma, a space or NaN, and the member is invalid either way
    for (; eq < end; eq++) {
      const c = text.charCodeAt(eq);
      if (c >= 128 || KEY_CHAR[c] === 0) break;
    }
    if (eq === end || text.charCodeAt(eq) !== EQUALS || eq - start > MAX_KEY_LENGTH)
      return "invalid_key";
    // The member was trimmed, so the value cannot end in a space.
    const valueLength = end - eq - 1;
    if (valueLength < 1 || valueLength > MAX_VALUE_LENGTH || !scanValue(text, eq + 1, end)) {
      return "invalid_value";
    }
    const key = text.slice(start, eq);
    if (!hasKey(entries, key)) entries.push([key, text.slice(eq + 1, end)]); // duplicates: keep the first
  }
  return brand(entries);
}

function hasKey(entries: readonly TraceStateEntry[], key: string): boolean {
  for (let k = 0; k < entries.length; k++) if (entries[k]![0] === key) return true;
  return false;
}

/** @internal Shared with the carriers: a list or the issue, without a result object. */
export const parseTraceStateRaw: (
  value: string | readonly string[],
) => TraceState | TraceStateIssue = parse;

/**
 * Parses `tracestate` (untrusted input). Several header values (an array) are
 * combined in order. Spaces and tabs around members are ignored, and so are
 * empty members. A duplicated key keeps its first member. The whole list is
 * dropped when it has more than 32 members or any member breaks the grammar.
 *
 * A valid list longer than 512 characters is kept whole here;
 * {@link formatTraceState} truncates it when it is written.
 *
 * @returns the list (empty for an empty header), or `undefined`. Never throws.
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#trace-context | docs/spec.md}, section "Trace context"
 */
export function parseTraceState(value: string | readonly string[]): TraceState | undefined {
  if (typeof value !== "string" && !Array.isArray(value)) return undefined;
  const result = parse(value);
  return typeof result === "string" ? undefined : result;
}

/** Like {@link parseTraceState}, but tells why a value was dropped. Never throws. */
export function parseTraceStateWithReason(
  value: string | readonly string[],
): ParseResult<TraceState, TraceStateIssue> {
  if (typeof value !== "string" && !Array.isArray(value))
    return { ok: false, issue: "invalid_key" };
  const result = parse(value);
  return typeof result === "string" ? { ok: false, issue: result } : { ok: true, value: result };
}

/**
 * Formats a tracestate list. When the result would be longer than `maxLength`
 * (default 512) whole members are dropped: first those longer than 128
 * characters, the longest first (of equal length, the rightmost first), then
 * any, from the right, until it fits.
 *
 * A list this package did not build (a hand-made array) is first reduced to
 * its valid members, at most 32 (see {@link inject}), so the result never
 * holds an invalid member, a CR or a LF. Never throws.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#trace-context | docs/spec.md}, section "Trace context"
 */
export function formatTraceState(
  list: TraceState,
  maxLength: number = MAX_TRACE_STATE_LENGTH,
): string {
  return formatValid(isValidList(list) ? list : validTraceState(list), maxLength);
}

/** @internal {@link formatTraceState} of a list {@link validTraceState} returned. */
export function formatValid(state: TraceState, maxLength: number = MAX_TRACE_STATE_LENGTH): string {
  const n = state.length;
  // The fast path of a list that fits: `truncate` gives the same string for it,
  // so a wrong total here changes only the cost.
  // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: see above
  let total = n > 0 ? n - 1 : 0;
  for (let k = 0; k < n; k++) {
    const [key, value] = state[k]!;
    total += key.length + 1 + value.length;
  }
  // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: see above
  if (total <= maxLength) {
    let out = "";
    for (let k = 0; k < n; k++) {
      const [key, value] = state[k]!;
      out += k === 0 ? `${key}=${value}` : `,${key}=${value}`;
    }
    return out;
  }
  return truncate(state, maxLength);
}

function truncate(state: TraceState, maxLength: number): string {
  const n = state.length;
  const lengths = state.map(([key, value]) => key.length + 1 + value.length);
  const keep = new Array<boolean>(n).fill(true);
  let sum = 0;
  for (const length of lengths) sum += length;
  let kept = n;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: only an empty list has kept 0, and its size is 0 or -1, both within any maxLength >= 0
  const size = () => sum + (kept > 0 ? kept - 1 : 0);
  // Members longer than 128 characters go first, the longest first (ties: the rightmost first).
  const long: number[] = [];
  // Stryker disable next-line EqualityOperator: lengths[n] is undefined, never long
  for (let k = 0; k < n; k++) if (lengths[k]! > LONG_MEMBER) long.push(k);
  long.sort((a, b) => lengths[b]! - lengths[a]! || b - a);
  for (let i = 0; i < long.length && size() > maxLength; i++) {
    const k = long[i]!;
    keep[k] = false;
    sum -= lengths[k]!;
    kept--;
  }
  // Stryker disable next-line ArithmeticOperator: starting past the end only visits two absent members first
  for (let k = n - 1; k >= 0 && size() > maxLength; k--) {
    if (keep[k]) {
      keep[k] = false;
      sum -= lengths[k]!;
      kept--;
    }
  }
  const parts: string[] = [];
  // Stryker disable next-line EqualityOperator: keep[n] is undefined, so nothing more is written
  for (let k = 0; k < n; k++) {
    if (keep[k]) parts.push(`${state[k]![0]}=${state[k]![1]}`);
  }
  return parts.join(",");
}

function checkMember(key: string, value: string): void {
  if (!isValidTraceStateKey(key)) {
    throw new EnvelopeError(
      "invalid_argument",
      `tracestate key ${JSON.stringify(key)} breaks the key grammar`,
    );
  }
  if (!isValidTraceStateValue(value)) {
    throw new EnvelopeError(
      "invalid_argument",
      `tracestate value for ${JSON.stringify(key)} breaks the value grammar`,
    );
  }
}

/**
 * Builds a list from programmer-supplied members, in order (leftmost first).
 *
 * @throws EnvelopeError `invalid_argument` when a key or value breaks the
 * grammar, a key appears twice, or there are more than 32 members.
 */
export function createTraceState(entries: Iterable<readonly [string, string]>): TraceState {
  const out: TraceStateEntry[] = [];
  for (const [key, value] of entries) {
    checkMember(key, value);
    if (hasKey(out, key)) {
      throw new EnvelopeError(
        "invalid_argument",
        `tracestate key ${JSON.stringify(key)} appears twice`,
      );
    }
    out.push([key, value]);
  }
  if (out.length > MAX_TRACE_STATE_MEMBERS) {
    throw new EnvelopeError(
      "invalid_argument",
      `tracestate has more than ${MAX_TRACE_STATE_MEMBERS} members`,
    );
  }
  return brand(out);
}

/** The value of `key`, or `undefined`. */
export function traceStateGet(state: TraceState | undefined, key: string): string | undefined {
  if (state === undefined) return undefined;
  for (const [k, v] of state) if (k === key) return v;
  return undefined;
}

/**
 * Returns a new list with `key=value` as its leftmost member (a vendor updating
 * its entry moves it to the front) and any older member of that key removed.
 * If that makes 33 members, the rightmost is dropped.
 *
 * @throws EnvelopeError `invalid_argument` when the key or value breaks the grammar.
 */
export function traceStateSet(
  state: TraceState | undefined,
  key: string,
  value: string,
): TraceState {
  checkMember(key, value);
  const out: TraceStateEntry[] = [[key, value]];
  // Stryker disable next-line ConditionalExpression: validTraceState(undefined) is the empty list
  if (state !== undefined) {
    for (const entry of validTraceState(state)) {
      if (entry[0] !== key && out.length < MAX_TRACE_STATE_MEMBERS) out.push(entry);
    }
  }
  return brand(out);
}

/** Returns a new list without `key` (and without any invalid member of a hand-made list). */
export function traceStateDelete(state: TraceState, key: string): TraceState {
  return brand(validTraceState(state).filter((entry) => entry[0] !== key));
}
