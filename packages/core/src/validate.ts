/**
 * Semantic validation of an envelope (docs/spec.md, section "Validation").
 * Codecs check structure and types while they decode; this checks what the
 * contract requires of the values: ids, versions, required fields, limits.
 */
import { EnvelopeError, type ErrorCode, excerpt } from "./errors.js";
import { isAllZero } from "./hex.js";
import type { Limits } from "./limits.js";
import { DEFAULT_LIMITS } from "./limits.js";
import {
  type Attributes,
  type AttributeValue,
  type Envelope,
  type Extension,
  type Header,
  UnknownValue,
} from "./model.js";

/** One problem found by {@link validateEnvelope}. */
export interface ValidationIssue {
  /** Field path, e.g. `header.trace.spanId`. */
  readonly path: string;
  readonly code: ErrorCode;
  readonly message: string;
}

/** Options of {@link validateEnvelope}. */
export interface ValidateOptions {
  /**
   * Check attribute values (kinds, int64 range, nesting depth). Default `true`.
   * The SDK's decoders pass `false`: every codec already enforces these while
   * it reads, so checking again would only cost time.
   */
  readonly attributes?: boolean;
}

/**
 * `MAJOR.MINOR.PATCH`: decimal numbers without leading zeros, each at most
 * 2^53 - 1, nothing else. (Pre-release and build suffixes are not part of a
 * schema version.)
 */
export function isSemver(text: string): boolean {
  let parts = 0;
  let start = 0;
  let value = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i === text.length ? 46 : text.charCodeAt(i);
    if (c === 46) {
      const length = i - start;
      if (length === 0 || (length > 1 && text.charCodeAt(start) === 48)) return false;
      if (++parts > 3) return false;
      start = i + 1;
      value = 0;
    } else if (c >= 48 && c <= 57) {
      // Exact while it is a safe integer, so the first digit past 2^53 - 1 trips it.
      value = value * 10 + (c - 48);
      if (value > Number.MAX_SAFE_INTEGER) return false;
    } else {
      return false;
    }
  }
  return parts === 3;
}

/** Longest extension namespace, in UTF-8 bytes (the allowed characters are ASCII). */
const MAX_NAMESPACE_LENGTH = 255;

/** `^[a-z0-9][a-z0-9_.-]*$`, at most 255 bytes (docs/spec.md, "Validation"). */
function isNamespace(text: string): boolean {
  if (text.length === 0 || text.length > MAX_NAMESPACE_LENGTH) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const alnum = (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
    if (!alnum && (i === 0 || (c !== 95 && c !== 46 && c !== 45))) return false;
  }
  return true;
}

/**
 * Where the checks report: a list that collects every issue, or `undefined`
 * to throw the first one at once (so asserting on a body with many bad
 * entries does not describe them all). The checks call {@link report} only
 * for a failure: a valid envelope costs no path, message or allocation.
 */
type Issues = ValidationIssue[] | undefined;

function report(out: Issues, path: string, code: ErrorCode, message: string): void {
  if (out === undefined) throw new EnvelopeError(code, `invalid envelope: ${message}`, { path });
  out.push({ path, code, message });
}

/**
 * Checks an envelope against the contract and returns every problem found,
 * or an empty list. Never throws for a value of the `Envelope` type.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#validation | docs/spec.md}, section "Validation"
 */
export function validateEnvelope(
  envelope: Envelope,
  limits: Limits = DEFAULT_LIMITS,
  options: ValidateOptions = {},
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  checkEnvelope(issues, envelope, limits, options.attributes ?? true);
  return issues;
}

/** Checks a header alone (what `peek()` returns); same rules as {@link validateEnvelope}. */
export function validateHeader(
  header: Header,
  limits: Limits = DEFAULT_LIMITS,
  options: ValidateOptions = {},
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  checkHeader(issues, header, limits, options.attributes ?? true);
  return issues;
}

/**
 * Throws the first issue {@link validateEnvelope} would return, as an
 * `EnvelopeError` with its code and path; stops looking at the first.
 */
export function assertValidEnvelope(
  envelope: Envelope,
  limits: Limits = DEFAULT_LIMITS,
  options: ValidateOptions = {},
): void {
  checkEnvelope(undefined, envelope, limits, options.attributes ?? true);
}

/** Throws the first issue {@link validateHeader} would return, as an `EnvelopeError`. */
export function assertValidHeader(
  header: Header,
  limits: Limits = DEFAULT_LIMITS,
  options: ValidateOptions = {},
): void {
  checkHeader(undefined, header, limits, options.attributes ?? true);
}

function isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}

function filled(value: unknown): boolean {
  return typeof value === "string" && value.length > 0;
}

function idOk(value: unknown, length: number): boolean {
  return value instanceof Uint8Array && value.length === length && !isAllZero(value);
}

function checkEnvelope(out: Issues, e: Envelope, limits: Limits, attributes: boolean): void {
  checkHeader(out, isObject(e) ? e.header : undefined, limits, attributes);
  const body = isObject(e) ? e.body : undefined;
  if (!isObject(body)) {
    report(out, "body", "missing_field", "is required");
    return;
  }
  if (attributes) checkAttributes(out, body.attributes, "body.attributes", limits);
  const extensions = body.extensions;
  if (extensions === undefined) return;
  if (!Array.isArray(extensions)) {
    report(out, "body.extensions", "invalid_value", "must be an array");
    return;
  }
  // Few extensions are compared pairwise; past 16 that would grow quadratic, so a Set.
  // Stryker disable next-line all: pairwise or Set give the same answer, only the cost differs.
  const seen = extensions.length > 16 ? new Set<string>() : undefined;
  for (let i = 0; i < extensions.length; i++) {
    const x: Extension | undefined = extensions[i];
    if (!isObject(x)) {
      report(out, `body.extensions[${i}]`, "invalid_value", "must be an object");
      continue;
    }
    const ns = x.namespace;
    const nsOk = isNamespace(ns);
    if (!nsOk) {
      if (filled(ns)) {
        report(
          out,
          `body.extensions[${i}].namespace`,
          "invalid_value",
          `${JSON.stringify(excerpt(ns))} is not a namespace: [a-z0-9][a-z0-9_.-]*, at most ${MAX_NAMESPACE_LENGTH} bytes`,
        );
      } else {
        report(out, `body.extensions[${i}].namespace`, "missing_field", "is required");
      }
    }
    if (typeof x.version !== "string" || !isSemver(x.version)) {
      report(out, `body.extensions[${i}].version`, "invalid_semver", notSemver(x.version));
    }
    // Only valid namespaces are compared: they are short, so hashing and
    // comparing them is cheap whatever the input holds.
    if (nsOk) {
      let repeated: boolean;
      // Stryker disable next-line ConditionalExpression: pairwise always is the same answer, slower.
      if (seen === undefined) {
        repeated = false;
        for (let j = 0; j < i; j++) if (extensions[j]?.namespace === ns) repeated = true;
      } else {
        repeated = seen.has(ns);
        seen.add(ns);
      }
      if (repeated) {
        report(
          out,
          `body.extensions[${i}].namespace`,
          "duplicate_key",
          `namespace ${JSON.stringify(ns)} appears twice`,
        );
      }
    }
    if (attributes) {
      checkAttributes(out, x.attributes, `body.extensions[${i}].attributes`, limits);
    }
  }
}

function notSemver(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(excerpt(value)) : String(value);
  return `${text} is not MAJOR.MINOR.PATCH`;
}

function checkHeader(
  out: Issues,
  header: Header | undefined,
  limits: Limits,
  attributes: boolean,
): void {
  if (!isObject(header)) {
    report(out, "header", "missing_field", "is required");
    return;
  }
  const schema = header.schema;
  if (!isObject(schema)) {
    report(out, "header.schema", "missing_field", "is required");
  } else {
    if (!filled(schema.type)) report(out, "header.schema.type", "missing_field", NON_EMPTY);
    if (!filled(schema.subtype)) report(out, "header.schema.subtype", "missing_field", NON_EMPTY);
    if (typeof schema.version !== "string" || !isSemver(schema.version)) {
      report(out, "header.schema.version", "invalid_semver", notSemver(schema.version));
    }
  }
  checkId(out, header.eventId, 16, "header.eventId");
  const time = header.timeUnixNano;
  if (time === undefined) {
    report(out, "header.timeUnixNano", "missing_field", "is required");
  } else if (typeof time !== "bigint") {
    report(
      out,
      "header.timeUnixNano",
      "invalid_value",
      `must be a bigint of nanoseconds since the UNIX epoch, got ${typeof time === "number" ? "a number (BigInt(ms) * 1_000_000n, or dateToUnixNano(date))" : `a ${time === null ? "null" : typeof time}`}`,
    );
  } else if (time <= 0n) {
    report(out, "header.timeUnixNano", "missing_field", "is required and must be > 0");
  } else if (time > 0xffff_ffff_ffff_ffffn) {
    report(out, "header.timeUnixNano", "invalid_value", "must fit in 64 bits");
  }
  const producer = header.producer;
  if (!isObject(producer)) {
    report(out, "header.producer", "missing_field", "is required");
  } else {
    if (!filled(producer.language)) {
      report(out, "header.producer.language", "missing_field", NON_EMPTY);
    }
    if (!filled(producer.version))
      report(out, "header.producer.version", "missing_field", NON_EMPTY);
  }
  const trace = header.trace;
  if (trace !== undefined) {
    if (!isObject(trace)) {
      report(out, "header.trace", "invalid_value", "must be an object or absent");
    } else {
      checkId(out, trace.traceId, 16, "header.trace.traceId");
      checkId(out, trace.spanId, 8, "header.trace.spanId");
      const parent = trace.parentSpanId;
      // An empty parent span id is how the binary codecs say "root span".
      if (parent !== undefined && !(parent instanceof Uint8Array && parent.length === 0)) {
        checkId(out, parent, 8, "header.trace.parentSpanId");
      }
      const f = trace.traceFlags;
      if (!Number.isInteger(f) || f < 0 || f > 255) {
        report(out, "header.trace.traceFlags", "invalid_value", "must be an integer 0..255");
      }
    }
  }
  const resource = header.resource;
  if (!isObject(resource)) {
    report(out, "header.resource", "missing_field", "is required");
  } else {
    if (!filled(resource.serviceName)) {
      report(out, "header.resource.serviceName", "missing_field", NON_EMPTY);
    }
    if (attributes) {
      checkAttributes(out, resource.attributes, "header.resource.attributes", limits);
    }
  }
  const status = header.status;
  if (status !== undefined) {
    const code = isObject(status) ? status.code : undefined;
    if (!Number.isInteger(code) || (code as number) < 0 || (code as number) > 0x7fff_ffff) {
      report(out, "header.status.code", "invalid_value", "must be an integer 0..2^31-1");
    }
  }
}

const NON_EMPTY = "is required and must be a non-empty string";

function checkId(out: Issues, value: unknown, length: number, path: string): void {
  if (idOk(value, length)) return;
  if (!(value instanceof Uint8Array)) {
    report(out, path, "invalid_id", `must be ${length} bytes`);
  } else if (value.length !== length) {
    report(out, path, "invalid_id", `must be ${length} bytes, got ${value.length}`);
  } else {
    report(out, path, "invalid_id", "must not be all zero");
  }
}

function checkAttributes(
  out: Issues,
  attributes: Attributes | undefined,
  path: string,
  limits: Limits,
): void {
  if (attributes === undefined) return;
  if (!(attributes instanceof Map)) {
    report(out, path, "invalid_value", "must be a Map");
    return;
  }
  // Values only: iterating entries would allocate a pair each, and keys are
  // needed only for the path of a value that fails.
  const maxDepth = limits.maxDepth;
  for (const value of attributes.values()) {
    // Stryker disable next-line ConditionalExpression: the entry loop below reports the same, later.
    if (valueOk(value, 0, maxDepth)) continue;
    for (const [key, v] of attributes) {
      if (!valueOk(v, 0, maxDepth)) explain(out, v, `${path}[${JSON.stringify(key)}]`, 0, maxDepth);
    }
    return;
  }
}

/**
 * The rule for attribute values (docs/spec.md, "Attribute values"): true when
 * `value`, at nesting `depth`, is valid. The one place that decides; {@link explain}
 * only says why a value it refused is wrong.
 */
// `typeof v === "x"` comparisons, not `switch (typeof value)`: V8 compiles the
// comparison to a type check, but a switch to a call that builds the type name.
function valueOk(value: AttributeValue, depth: number, maxDepth: number): boolean {
  if (typeof value === "string" || typeof value === "boolean" || typeof value === "number") {
    return true;
  }
  // One builtin call; two BigInt comparisons cost twice as much in V8.
  if (typeof value === "bigint") return BigInt.asIntN(64, value) === value;
  if (typeof value !== "object") return false;
  if (value instanceof Uint8Array || value instanceof UnknownValue) return true;
  if (depth + 1 > maxDepth) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!valueOk(value[i]!, depth + 1, maxDepth)) return false;
    }
    return true;
  }
  if (value instanceof Map) {
    for (const v of value.values()) if (!valueOk(v, depth + 1, maxDepth)) return false;
    return true;
  }
  return false;
}

/**
 * Reports why {@link valueOk} refused `value`: it descends only into the
 * entries valueOk refuses, so paths are built down the failing branches only.
 */
function explain(out: Issues, value: unknown, path: string, depth: number, maxDepth: number): void {
  if (typeof value === "bigint") {
    report(out, path, "invalid_value", "int64 out of range");
  } else if (Array.isArray(value) || value instanceof Map) {
    if (depth + 1 > maxDepth) {
      report(out, path, "limit_exceeded", `nested deeper than ${maxDepth}`);
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v = value[i];
        if (!valueOk(v, depth + 1, maxDepth)) explain(out, v, `${path}[${i}]`, depth + 1, maxDepth);
      }
    } else {
      for (const [k, v] of value) {
        if (!valueOk(v, depth + 1, maxDepth)) {
          explain(out, v, `${path}[${JSON.stringify(k)}]`, depth + 1, maxDepth);
        }
      }
    }
  } else {
    report(out, path, "invalid_value", `unsupported attribute value type ${describe(value)}`);
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return value.constructor?.name ?? "object";
  return typeof value;
}
