/**
 * Semantic validation of an envelope (docs/spec.md, section "Validation").
 * Codecs check structure and types while they decode; this checks what the
 * contract requires of the values: ids, versions, required fields, limits.
 */
import { EnvelopeError, type ErrorCode } from "./errors.js";
import { isAllZero } from "./hex.js";
import type { Limits } from "./limits.js";
import { DEFAULT_LIMITS } from "./limits.js";
import {
  type Attributes,
  type AttributeValue,
  type Envelope,
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
 * `MAJOR.MINOR.PATCH`: decimal numbers without leading zeros, nothing else.
 * (Pre-release and build suffixes are not part of a schema version.)
 */
export function isSemver(text: string): boolean {
  let parts = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i === text.length ? 46 : text.charCodeAt(i);
    if (c === 46) {
      const length = i - start;
      if (length === 0 || length > 16) return false;
      if (length > 1 && text.charCodeAt(start) === 48) return false;
      if (length === 16 && Number(text.slice(start, i)) > Number.MAX_SAFE_INTEGER) return false;
      if (++parts > 3) return false;
      start = i + 1;
    } else if (c < 48 || c > 57) {
      return false;
    }
  }
  return parts === 3;
}

class Collector {
  readonly issues: ValidationIssue[] = [];
  constructor(readonly checkAttributes: boolean) {}
  add(path: string, code: ErrorCode, message: string): void {
    this.issues.push({ path, code, message });
  }
  required(value: unknown, path: string): boolean {
    if (value === undefined || value === null) {
      this.add(path, "missing_field", "is required");
      return false;
    }
    return true;
  }
  nonEmpty(value: string | undefined, path: string): void {
    if (typeof value !== "string" || value.length === 0) {
      this.add(path, "missing_field", "is required and must be a non-empty string");
    }
  }
  semver(value: string | undefined, path: string): void {
    if (typeof value !== "string" || !isSemver(value)) {
      this.add(path, "invalid_semver", `${JSON.stringify(value)} is not MAJOR.MINOR.PATCH`);
    }
  }
  id(value: Uint8Array | undefined, length: number, path: string): void {
    if (!(value instanceof Uint8Array)) {
      this.add(path, "invalid_id", `must be ${length} bytes`);
    } else if (value.length !== length) {
      this.add(path, "invalid_id", `must be ${length} bytes, got ${value.length}`);
    } else if (isAllZero(value)) {
      this.add(path, "invalid_id", "must not be all zero");
    }
  }
}

/**
 * Checks an envelope against the contract and returns every problem found,
 * or an empty list. Never throws for a value of the `Envelope` type.
 *
 * @see docs/spec.md, section "Validation"
 */
export function validateEnvelope(
  envelope: Envelope,
  limits: Limits = DEFAULT_LIMITS,
  options: ValidateOptions = {},
): ValidationIssue[] {
  const checkAttrs = options.attributes ?? true;
  if (quickValid(envelope, limits.maxDepth, checkAttrs)) return [];
  return fullValidation(envelope, limits, checkAttrs);
}

/**
 * The full check, without the fast pre-check: what {@link validateEnvelope}
 * returns whenever `quickValid` does not accept. Exported for the test that
 * holds the two to the same answer; not part of the package's API.
 *
 * @internal
 */
export function fullValidation(
  envelope: Envelope,
  limits: Limits,
  checkAttrs: boolean,
): ValidationIssue[] {
  const c = new Collector(checkAttrs);
  if (c.required(envelope?.header, "header")) checkHeader(c, envelope.header, limits);
  const body = envelope?.body;
  if (c.required(body, "body")) {
    checkAttributes(c, body.attributes, "body.attributes", limits);
    const seen = new Set<string>();
    body.extensions?.forEach((ext, i) => {
      const path = `body.extensions[${i}]`;
      c.nonEmpty(ext.namespace, `${path}.namespace`);
      c.semver(ext.version, `${path}.version`);
      if (seen.has(ext.namespace)) {
        c.add(
          `${path}.namespace`,
          "duplicate_key",
          `namespace ${JSON.stringify(ext.namespace)} appears twice`,
        );
      }
      seen.add(ext.namespace);
      checkAttributes(c, ext.attributes, `${path}.attributes`, limits);
    });
  }
  return c.issues;
}

/**
 * The hot path of validation: true when the envelope certainly has no issue.
 * It allocates nothing and builds no paths; anything it does not accept goes
 * through the full check, which finds and describes every issue. (Encoding
 * validates every envelope by default: this is most of that cost.)
 */
function quickValid(e: Envelope, maxDepth: number, attributes: boolean): boolean {
  if (typeof e !== "object" || e === null) return false;
  const h = e.header;
  const b = e.body;
  if (typeof h !== "object" || h === null || typeof b !== "object" || b === null) return false;
  const s = h.schema;
  if (typeof s !== "object" || s === null) return false;
  if (!filled(s.type) || !filled(s.subtype) || !semverOk(s.version)) return false;
  if (!idOk(h.eventId, 16)) return false;
  const time = h.timeUnixNano;
  if (typeof time !== "bigint" || time <= 0n || time > 0xffff_ffff_ffff_ffffn) return false;
  const p = h.producer;
  if (typeof p !== "object" || p === null || !filled(p.language) || !filled(p.version)) {
    return false;
  }
  const t = h.trace;
  if (t !== undefined) {
    if (typeof t !== "object" || t === null) return false;
    if (!idOk(t.traceId, 16) || !idOk(t.spanId, 8)) return false;
    const parent = t.parentSpanId;
    if (
      parent !== undefined &&
      !(parent instanceof Uint8Array && (parent.length === 0 || idOk(parent, 8)))
    ) {
      return false;
    }
    const f = t.traceFlags;
    if (!Number.isInteger(f) || f < 0 || f > 255) return false;
  }
  const r = h.resource;
  if (typeof r !== "object" || r === null || !filled(r.serviceName)) return false;
  if (attributes && !attributesOk(r.attributes, maxDepth)) return false;
  const st = h.status;
  if (st !== undefined) {
    if (typeof st !== "object" || st === null) return false;
    const code = st.code;
    if (!Number.isInteger(code) || code < 0 || code > 0x7fff_ffff) return false;
  }
  if (attributes && !attributesOk(b.attributes, maxDepth)) return false;
  const extensions = b.extensions;
  if (extensions !== undefined) {
    // Not a rule: past 16 extensions the pairwise namespace check below would
    // grow quadratic, so those go to the full check (which keeps a Set).
    if (!Array.isArray(extensions) || extensions.length > 16) return false;
    for (let i = 0; i < extensions.length; i++) {
      const x = extensions[i];
      if (typeof x !== "object" || x === null) return false;
      if (!filled(x.namespace) || !semverOk(x.version)) return false;
      for (let j = 0; j < i; j++) if (extensions[j]!.namespace === x.namespace) return false;
      if (attributes && !attributesOk(x.attributes, maxDepth)) return false;
    }
  }
  return true;
}

function filled(value: unknown): boolean {
  return typeof value === "string" && value.length > 0;
}

function semverOk(value: unknown): boolean {
  return typeof value === "string" && isSemver(value);
}

function idOk(value: unknown, length: number): boolean {
  return value instanceof Uint8Array && value.length === length && !isAllZero(value);
}

function attributesOk(attributes: Attributes | undefined, maxDepth: number): boolean {
  if (attributes === undefined) return true;
  if (!(attributes instanceof Map)) return false;
  for (const value of attributes.values()) if (!valueOk(value, 0, maxDepth)) return false;
  return true;
}

/** Checks a header alone (what `peek()` returns); same rules as {@link validateEnvelope}. */
export function validateHeader(
  header: Header,
  limits: Limits = DEFAULT_LIMITS,
  options: ValidateOptions = {},
): ValidationIssue[] {
  const c = new Collector(options.attributes ?? true);
  if (c.required(header, "header")) checkHeader(c, header, limits);
  return c.issues;
}

function checkHeader(c: Collector, header: Header, limits: Limits): void {
  if (c.required(header.schema, "header.schema")) {
    c.nonEmpty(header.schema.type, "header.schema.type");
    c.nonEmpty(header.schema.subtype, "header.schema.subtype");
    c.semver(header.schema.version, "header.schema.version");
  }
  c.id(header.eventId, 16, "header.eventId");
  if (typeof header.timeUnixNano !== "bigint" || header.timeUnixNano <= 0n) {
    c.add("header.timeUnixNano", "missing_field", "is required and must be > 0");
  } else if (header.timeUnixNano > 0xffff_ffff_ffff_ffffn) {
    c.add("header.timeUnixNano", "invalid_value", "must fit in 64 bits");
  }
  if (c.required(header.producer, "header.producer")) {
    c.nonEmpty(header.producer.language, "header.producer.language");
    c.nonEmpty(header.producer.version, "header.producer.version");
  }
  const trace = header.trace;
  if (trace !== undefined) {
    c.id(trace.traceId, 16, "header.trace.traceId");
    c.id(trace.spanId, 8, "header.trace.spanId");
    if (trace.parentSpanId !== undefined && trace.parentSpanId.length > 0) {
      c.id(trace.parentSpanId, 8, "header.trace.parentSpanId");
    }
    const f = trace.traceFlags;
    if (!Number.isInteger(f) || f < 0 || f > 255) {
      c.add("header.trace.traceFlags", "invalid_value", "must be an integer 0..255");
    }
  }
  if (c.required(header.resource, "header.resource")) {
    c.nonEmpty(header.resource.serviceName, "header.resource.serviceName");
    checkAttributes(c, header.resource.attributes, "header.resource.attributes", limits);
  }
  const status = header.status;
  if (
    status !== undefined &&
    (!Number.isInteger(status.code) || status.code < 0 || status.code > 0x7fff_ffff)
  ) {
    c.add("header.status.code", "invalid_value", "must be an integer 0..2^31-1");
  }
}

function checkAttributes(
  c: Collector,
  attributes: Attributes | undefined,
  path: string,
  limits: Limits,
): void {
  if (attributes === undefined || !c.checkAttributes) return;
  if (!(attributes instanceof Map)) {
    c.add(path, "invalid_value", "must be a Map");
    return;
  }
  // Fast pass without allocation; paths are built only for a value that fails it.
  for (const [key, value] of attributes) {
    if (!valueOk(value, 0, limits.maxDepth))
      checkValue(c, value, `${path}[${JSON.stringify(key)}]`, 0, limits);
  }
}

const INT64_MIN = -0x8000_0000_0000_0000n;
const INT64_MAX = 0x7fff_ffff_ffff_ffffn;

// typeof comparisons, not `switch (typeof value)`: V8 compiles `typeof v === "x"`
// to a type check, but a switch to a call that builds the type name.
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
    for (let i = 0; i < value.length; i++)
      if (!valueOk(value[i]!, depth + 1, maxDepth)) return false;
    return true;
  }
  if (value instanceof Map) {
    for (const v of value.values()) if (!valueOk(v, depth + 1, maxDepth)) return false;
    return true;
  }
  return false;
}

function checkValue(
  c: Collector,
  value: AttributeValue,
  path: string,
  depth: number,
  limits: Limits,
): void {
  switch (typeof value) {
    case "string":
    case "boolean":
    case "number":
      return;
    case "bigint":
      if (value < INT64_MIN || value > INT64_MAX)
        c.add(path, "invalid_value", "int64 out of range");
      return;
    case "object":
      if (value instanceof Uint8Array) return;
      if (Array.isArray(value) || value instanceof Map) {
        if (depth + 1 > limits.maxDepth) {
          c.add(path, "limit_exceeded", `nested deeper than ${limits.maxDepth}`);
          return;
        }
        if (Array.isArray(value)) {
          for (let i = 0; i < value.length; i++)
            checkValue(c, value[i]!, `${path}[${i}]`, depth + 1, limits);
        } else {
          for (const [k, v] of value)
            checkValue(c, v, `${path}[${JSON.stringify(k)}]`, depth + 1, limits);
        }
        return;
      }
      if (value instanceof UnknownValue) return;
      break;
  }
  c.add(path, "invalid_value", `unsupported attribute value type ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return value.constructor?.name ?? "object";
  return typeof value;
}

/** Throws the first issue of {@link validateEnvelope} as an `EnvelopeError`. */
export function assertValidEnvelope(
  envelope: Envelope,
  limits?: Limits,
  options?: ValidateOptions,
): void {
  throwFirst(validateEnvelope(envelope, limits, options));
}

/** Throws the first issue of {@link validateHeader} as an `EnvelopeError`. */
export function assertValidHeader(
  header: Header,
  limits?: Limits,
  options?: ValidateOptions,
): void {
  throwFirst(validateHeader(header, limits, options));
}

function throwFirst(issues: ValidationIssue[]): void {
  const first = issues[0];
  if (first !== undefined) {
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more issue(s))` : "";
    throw new EnvelopeError(first.code, `invalid envelope: ${first.message}${more}`, {
      path: first.path,
    });
  }
}
