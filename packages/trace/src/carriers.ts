/**
 * inject and extract: `traceparent` and `tracestate` in and out of carriers.
 *
 * Carriers, told apart at run time in this order:
 *
 * | carrier | read | write |
 * |---|---|---|
 * | `string[]`: Node's `rawHeaders` (name, value, name, value, ...) | yes | yes |
 * | `{ key, value }[]`: message headers | yes | yes |
 * | an object with a `rawHeaders` array (Node's `IncomingMessage`) | yes (from `rawHeaders`) | no |
 * | an object with `get` (Fetch `Headers`, `Map`) | yes | yes (`set`, `delete`) |
 * | any other object: Node's `IncomingHttpHeaders`, a plain record, Kafka-style `Record<string, string \| Uint8Array>` | yes | yes |
 *
 * Names are matched case-insensitively on read and written in lowercase.
 * Byte values are read as ASCII (any other byte makes the value invalid).
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#trace-context | docs/spec.md}, section "Trace context"
 */
import { EnvelopeError } from "@envelope/core";
import { TrustedSpanContext, writableTraceState } from "./context.js";
import { type RedactionPolicy, redactValid, validateRedactionPolicy } from "./redact.js";
import type { Span } from "./span.js";
import { parseTraceParentRaw, traceParentOf } from "./traceparent.js";
import { formatValid, parseTraceStateRaw } from "./tracestate.js";
import type { SpanContext, TraceParentIssue, TraceStateIssue } from "./types.js";

const TRACEPARENT = "traceparent";
const TRACESTATE = "tracestate";

/** A header value as carriers hold it. Numbers and other types are read as invalid values. */
export type HeaderValue =
  | string
  | Uint8Array
  | readonly (string | Uint8Array)[]
  | number
  | null
  | undefined;

/** A plain header record: Node's `IncomingHttpHeaders` / `OutgoingHttpHeaders`, Kafka-style message headers. */
export type HeaderRecord = { [name: string]: HeaderValue };

/** One message header (Kafka-style `{ key, value }` list). */
export interface MessageHeader {
  key: string;
  value: string | Uint8Array | null | undefined;
}

/** Something with a case-insensitive (or lowercase-keyed) `get`: Fetch `Headers`, `Map`. */
export interface HeadersGetter {
  get(name: string): string | null | undefined;
}

/** A writable {@link HeadersGetter}: Fetch `Headers`, `Map<string, string>`. */
export interface HeadersLike extends HeadersGetter {
  set(name: string, value: string): unknown;
  delete(name: string): unknown;
}

/** An incoming message that keeps its raw header list: Node's `IncomingMessage`. */
export interface RawHeadersSource {
  readonly rawHeaders: readonly string[];
}

/** Carriers {@link extract} reads. */
export type ExtractCarrier =
  | readonly string[]
  | readonly Readonly<MessageHeader>[]
  | RawHeadersSource
  | HeadersGetter
  | { readonly [name: string]: HeaderValue };

/** Carriers {@link inject} writes. */
export type InjectCarrier = string[] | MessageHeader[] | HeadersLike | HeaderRecord;

/**
 * Why {@link extractWithReason} found no context: `invalid_carrier` (not an
 * object), `missing_traceparent`, `duplicate_traceparent` (the header appears
 * more than once: only a raw header list, a record with several spellings or
 * an array value shows it), `invalid_header_value` (neither a string nor
 * ASCII bytes), or the {@link TraceParentIssue} of its value.
 */
export type ExtractIssue =
  | "invalid_carrier"
  | "missing_traceparent"
  | "duplicate_traceparent"
  | "invalid_header_value"
  | TraceParentIssue;

/** What {@link extractWithReason} found. */
export interface ExtractResult {
  /** The remote context with its tracestate; `undefined` when there is none. */
  readonly context: SpanContext | undefined;
  /** Why there is no context; `undefined` when there is one. */
  readonly issue: ExtractIssue | undefined;
  /**
   * Why the tracestate was dropped while the traceparent was kept
   * (`invalid_header_value`: a value that is not a string or ASCII bytes); otherwise `undefined`.
   */
  readonly traceStateIssue: TraceStateIssue | "invalid_header_value" | undefined;
}

/** Options of {@link inject}. */
export interface InjectOptions {
  /** Redacts tracestate members before they are written (calls that cross a trust boundary). */
  readonly redact?: RedactionPolicy | undefined;
  /**
   * How to write into an empty array, where the kind cannot be seen:
   * `raw` (name, value pairs; the default) or `entries` (`{ key, value }`).
   */
  readonly arrayCarrier?: "raw" | "entries" | undefined;
}

/** Case-insensitive ASCII comparison with a lowercase name. */
function nameIs(name: unknown, lower: string): boolean {
  if (name === lower) return true;
  if (typeof name !== "string" || name.length !== lower.length) return false;
  for (let i = 0; i < name.length; i++) {
    let c = name.charCodeAt(i);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, the names compared (traceparent, tracestate) hold no 'z', and a character under 'A' moved up by 32 is still no lowercase letter
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** ASCII text of `bytes`, or `null` when a byte is not ASCII. */
function bytesToText(bytes: Uint8Array): string | null {
  let out = "";
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b > 0x7f) return null;
    out += String.fromCharCode(b);
  }
  return out;
}

/** The text of one header value; `undefined` when absent, `null` when it cannot be a header value. */
function scalarText(value: unknown): string | null | undefined {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return undefined;
  if (value instanceof Uint8Array) return bytesToText(value);
  return null;
}

/** What a carrier holds, collected in one pass. */
class Found {
  parentCount = 0;
  // Stryker disable next-line StringLiteral: equivalent, parent is read only when parentCount > 0, after it was set
  parent: string | null = "";
  state: string[] | undefined;
  stateInvalid = false;

  add(isParent: boolean, raw: unknown): void {
    if (Array.isArray(raw)) {
      for (const item of raw) this.addOne(isParent, scalarText(item));
    } else {
      this.addOne(isParent, scalarText(raw));
    }
  }

  addOne(isParent: boolean, text: string | null | undefined): void {
    if (text === undefined) return;
    if (isParent) {
      if (this.parentCount++ === 0) this.parent = text;
    } else if (text === null) {
      this.stateInvalid = true;
    } else if (this.state === undefined) {
      this.state = [text];
    } else {
      this.state.push(text);
    }
  }

  addNamed(name: unknown, raw: unknown): void {
    if (nameIs(name, TRACEPARENT)) this.add(true, raw);
    else if (nameIs(name, TRACESTATE)) this.add(false, raw);
  }
}

function collect(carrier: unknown, found: Found): boolean {
  if (typeof carrier !== "object" || carrier === null) return false;
  if (Array.isArray(carrier)) {
    collectArray(carrier, found);
    return true;
  }
  const raw = (carrier as Partial<RawHeadersSource>).rawHeaders;
  if (Array.isArray(raw)) {
    collectArray(raw, found);
    return true;
  }
  const getter = carrier as Partial<HeadersGetter>;
  if (typeof getter.get === "function") {
    found.add(true, getter.get(TRACEPARENT));
    found.add(false, getter.get(TRACESTATE));
    return true;
  }
  const record = carrier as Record<string, unknown>;
  for (const name in record) {
    if (Object.hasOwn(record, name)) found.addNamed(name, record[name]);
  }
  return true;
}

function collectArray(items: readonly unknown[], found: Found): void {
  // Stryker disable next-line ConditionalExpression: equivalent, an empty list has nothing to read either way; the check only saves the type test
  if (items.length === 0) return;
  if (typeof items[0] === "string") {
    // Stryker disable next-line EqualityOperator,ArithmeticOperator: equivalent, a name without a value (odd length) or past the end reads as an absent header
    for (let i = 0; i + 1 < items.length; i += 2) found.addNamed(items[i], items[i + 1]);
    return;
  }
  for (const item of items) {
    if (typeof item === "object" && item !== null) {
      const entry = item as Partial<MessageHeader>;
      found.addNamed(entry.key, entry.value);
    }
  }
}

function failure(issue: ExtractIssue): ExtractResult {
  return { context: undefined, issue, traceStateIssue: undefined };
}

function extractFrom(carrier: unknown): ExtractResult {
  const found = new Found();
  let ok: boolean;
  try {
    ok = collect(carrier, found);
  } catch {
    // A carrier whose getters throw is as good as no carrier.
    ok = false;
  }
  if (!ok) return failure("invalid_carrier");
  if (found.parentCount === 0) return failure("missing_traceparent");
  if (found.parentCount > 1) return failure("duplicate_traceparent");
  if (found.parent === null) return failure("invalid_header_value");
  const parent = parseTraceParentRaw(found.parent);
  if (typeof parent === "string") return failure(parent);
  if (found.stateInvalid)
    return { context: parent, issue: undefined, traceStateIssue: "invalid_header_value" };
  if (found.state === undefined)
    return { context: parent, issue: undefined, traceStateIssue: undefined };
  // Stryker disable next-line ConditionalExpression: equivalent, a list of one header value parses as that value; the branch avoids a join
  const state = parseTraceStateRaw(found.state.length === 1 ? found.state[0]! : found.state);
  if (typeof state === "string")
    return { context: parent, issue: undefined, traceStateIssue: state };
  if (state.length === 0) return { context: parent, issue: undefined, traceStateIssue: undefined };
  const context = new TrustedSpanContext(
    parent.traceId,
    parent.spanId,
    parent.traceFlags,
    state,
    true,
  );
  return { context, issue: undefined, traceStateIssue: undefined };
}

/**
 * Reads the remote context from a carrier (untrusted input). A `tracestate`
 * is only read with a valid `traceparent`, and a bad `tracestate` is dropped
 * without touching the `traceparent`. A duplicated `traceparent` is invalid.
 *
 * @returns the context (`isRemote: true`), or `undefined`; never a partial
 * context, and never throws. Use {@link extractWithReason} to learn why.
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#trace-context | docs/spec.md}, section "Trace context"
 */
export function extract(carrier: ExtractCarrier | null | undefined): SpanContext | undefined {
  return extractFrom(carrier).context;
}

/**
 * Like {@link extract}, and tells why there is no context or why the
 * tracestate was dropped. Never throws.
 */
export function extractWithReason(carrier: ExtractCarrier | null | undefined): ExtractResult {
  return extractFrom(carrier);
}

function removeRaw(items: string[], lower: string): void {
  // Stryker disable next-line ArithmeticOperator: equivalent, starting past the end only visits undefined slots first
  for (let i = items.length - 2; i >= 0; i -= 2) if (nameIs(items[i], lower)) items.splice(i, 2);
}

function removeEntries(items: MessageHeader[], lower: string): void {
  // Stryker disable next-line ArithmeticOperator: equivalent, starting past the end only visits undefined slots first
  for (let i = items.length - 1; i >= 0; i--) if (nameIs(items[i]?.key, lower)) items.splice(i, 1);
}

/**
 * The two header values of `source`, or `undefined` when its traceparent part
 * is invalid or cannot be read. Never throws for the context.
 */
function valuesOf(
  source: unknown,
  redact: RedactionPolicy | undefined,
): { parent: string; state: string } | undefined {
  let context: unknown;
  let parent: string | undefined;
  try {
    // Stryker disable next-line ConditionalExpression,LogicalOperator: equivalent, `in` on a primitive or null throws and the catch below returns undefined; the check avoids the throw
    if (typeof source !== "object" || source === null) return undefined;
    context = "context" in source ? (source as Span).context : source;
    parent = traceParentOf(context);
    // Stryker disable next-line BlockStatement: equivalent, without the return parent stays undefined and the next line returns undefined
  } catch {
    // A context whose properties throw (a proxy, a getter) cannot be written.
    return undefined;
  }
  if (parent === undefined) return undefined;
  let list = writableTraceState(context as object);
  if (redact !== undefined) list = redactValid(list, redact);
  return { parent, state: formatValid(list) };
}

/**
 * Writes `traceparent` (version 00) and `tracestate` of `source` (a context or
 * a span: then its own context) into `carrier`, replacing any earlier values
 * whatever their case.
 *
 * What is written is always valid, whatever the context holds (contexts are
 * often built by hand): the tracestate is reduced to its valid members (a
 * member that is not a `[key, value]` pair of strings, breaks the grammar or
 * repeats an earlier key is dropped; at most the first 32 are kept), then
 * redacted, then truncated to 512 characters. When that leaves nothing, any
 * earlier `tracestate` is removed and none is written. A context whose trace
 * id, span id or flags (an integer 0..255) are invalid, or that is not an
 * object, writes nothing and leaves the carrier as it was.
 *
 * @returns `true` when the headers were written, `false` when the context was
 * invalid. Never throws because of the context.
 * @throws EnvelopeError `invalid_argument` when the carrier is not writable or
 * the redaction policy is invalid (checked on every call, with or without a tracestate).
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#trace-context | docs/spec.md}, section "Trace context"
 */
export function inject(
  source: SpanContext | Span,
  carrier: InjectCarrier,
  options: InjectOptions = {},
): boolean {
  if (typeof carrier !== "object" || carrier === null) {
    throw new EnvelopeError("invalid_argument", "the carrier must be an object or an array");
  }
  if (!Array.isArray(carrier) && "rawHeaders" in carrier) {
    throw new EnvelopeError(
      "invalid_argument",
      "cannot inject into an incoming message; use its response or a record",
    );
  }
  if (options.redact !== undefined) validateRedactionPolicy(options.redact);
  const values = valuesOf(source, options.redact);
  if (values === undefined) return false;
  const { parent, state: stateText } = values;
  if (Array.isArray(carrier)) {
    const kind =
      carrier.length === 0
        ? (options.arrayCarrier ?? "raw")
        : typeof carrier[0] === "string"
          ? "raw"
          : // Stryker disable next-line StringLiteral: equivalent, any kind but "raw" writes entries
            "entries";
    if (kind === "raw") {
      const items = carrier as string[];
      removeRaw(items, TRACEPARENT);
      removeRaw(items, TRACESTATE);
      items.push(TRACEPARENT, parent);
      if (stateText !== "") items.push(TRACESTATE, stateText);
    } else {
      const items = carrier as MessageHeader[];
      removeEntries(items, TRACEPARENT);
      removeEntries(items, TRACESTATE);
      items.push({ key: TRACEPARENT, value: parent });
      if (stateText !== "") items.push({ key: TRACESTATE, value: stateText });
    }
    return true;
  }
  const headers = carrier as Partial<HeadersLike>;
  if (typeof headers.set === "function" && typeof headers.delete === "function") {
    headers.set(TRACEPARENT, parent);
    if (stateText !== "") headers.set(TRACESTATE, stateText);
    else headers.delete(TRACESTATE);
    return true;
  }
  const record = carrier as HeaderRecord;
  for (const name in record) {
    if (Object.hasOwn(record, name) && (nameIs(name, TRACEPARENT) || nameIs(name, TRACESTATE))) {
      delete record[name];
    }
  }
  record[TRACEPARENT] = parent;
  if (stateText !== "") record[TRACESTATE] = stateText;
  return true;
}
