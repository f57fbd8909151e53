/**
 * Reads a descriptor file (JSON) into a checked {@link SchemaDescriptor}.
 * Every problem names the file, the line and column, and the JSON path.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#descriptor-format | docs/spec.md} "Schema registry", "Descriptor format"
 */
import { type AttributeValue, base64ToBytes, isSemver } from "@envelope/core";
import {
  COMPATIBILITY_MODES,
  type CompatibilityMode,
  carriesArray,
  type Deprecation,
  type ExtensionDescriptor,
  type FieldDescriptor,
  formatType,
  type Presence,
  parseType,
  ruleValueType,
  type SchemaDescriptor,
  type TransformChange,
  type TransformsDescriptor,
  VALUE_RULE_NAMES,
  type ValueType,
} from "./descriptor.js";
import { RegistryError } from "./errors.js";
import {
  JsonSyntaxError,
  jsonPathKey,
  type PositionedJson,
  parseJsonWithPositions,
  type TextPosition,
} from "./json-positions.js";
import { ruleViolations } from "./rules.js";
import { compareVersions, parseRange } from "./semver.js";

/** One problem in a descriptor file. */
export interface DescriptorProblem {
  /** The file (or URL) as given to the parser. */
  readonly file: string;
  /** JSON path of the offending value, e.g. `$.attributes[2].type`. */
  readonly path: string;
  /** 1-based line, when known. */
  readonly line?: number;
  /** 1-based column, when known. */
  readonly column?: number;
  readonly message: string;
}

/** What {@link parseDescriptor} returns: the descriptor when there are no problems. */
export interface ParsedDescriptor {
  readonly descriptor: SchemaDescriptor | undefined;
  readonly problems: readonly DescriptorProblem[];
  /** The parsed JSON (for comparing files by content); `undefined` when it is not JSON. */
  readonly json: unknown;
  /** Where the value at a JSON path starts, for messages about a valid descriptor. */
  locate(path: string): TextPosition | undefined;
}

/** `file:line:column: message (at path)`, the form compilers use, so editors can jump to it. */
export function formatProblem(problem: DescriptorProblem): string {
  const where =
    problem.line === undefined ? problem.file : `${problem.file}:${problem.line}:${problem.column}`;
  return `${where}: ${problem.message} (at ${problem.path})`;
}

/** Names of types, subtypes and namespaces: lowercase, digits, `_`, `-`, `.`; safe as path segments. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]*$/;

/** Whether `text` is usable as a type, subtype or namespace name. */
export function isValidName(text: unknown): text is string {
  return (
    typeof text === "string" &&
    text.length <= 128 &&
    NAME_PATTERN.test(text) &&
    !text.includes("..")
  );
}

const ROOT_KEYS = new Set([
  "$schema",
  "$comment",
  "type",
  "subtype",
  "version",
  "description",
  "compatibility",
  "attributes",
  "reserved",
  "extensions",
  "transforms",
]);
const FIELD_KEYS = new Set([
  "key",
  "type",
  "presence",
  "default",
  "unit",
  "description",
  "pii",
  "deprecated",
  ...VALUE_RULE_NAMES,
]);
const EXTENSION_KEYS = new Set(["namespace", "version", "description", "attributes"]);
const DEPRECATION_KEYS = new Set(["since", "removal", "removalDate", "replacement"]);
const TRANSFORMS_KEYS = new Set(["from", "changes"]);
const CHANGE_KINDS = new Set(["rename_attributes", "rename_event", "move_to_extension"]);
const MOVE_KEYS = new Set(["namespace", "version", "attributes"]);
const RENAME_EVENT_KEYS = new Set(["from"]);

/** Property names the parser accepts, per object kind (the JSON Schema must agree; a test checks it). */
export const DESCRIPTOR_PROPERTY_NAMES: Readonly<Record<string, ReadonlySet<string>>> = {
  root: ROOT_KEYS,
  field: FIELD_KEYS,
  extension: EXTENSION_KEYS,
  deprecation: DEPRECATION_KEYS,
  transforms: TRANSFORMS_KEYS,
  change: CHANGE_KINDS,
  move_to_extension: MOVE_KEYS,
  rename_event: RENAME_EVENT_KEYS,
};

type Json = unknown;
type JsonObject = Record<string, Json>;

class Context {
  readonly problems: DescriptorProblem[] = [];
  constructor(
    readonly file: string,
    readonly doc: PositionedJson,
  ) {}

  fail(path: string, message: string): void {
    const p = this.doc.locate(path) ?? this.doc.locate(parentPath(path));
    this.problems.push(
      p === undefined
        ? { file: this.file, path, message }
        : { file: this.file, path, line: p.line, column: p.column, message },
    );
  }

  object(value: Json, path: string, allowed: ReadonlySet<string>): JsonObject | undefined {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.fail(path, `must be an object, got ${kindOf(value)}`);
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (!allowed.has(key)) {
        this.fail(
          jsonPathKey(path, key),
          `unknown property ${JSON.stringify(key)} (allowed: ${[...allowed].join(", ")})`,
        );
      }
    }
    return value as JsonObject;
  }

  string(obj: JsonObject, key: string, path: string, required: boolean): string | undefined {
    const value = obj[key];
    const at = jsonPathKey(path, key);
    if (value === undefined) {
      if (required) this.fail(path, `${JSON.stringify(key)} is required`);
      return undefined;
    }
    if (typeof value !== "string" || value.length === 0) {
      this.fail(at, `must be a non-empty string, got ${kindOf(value)}`);
      return undefined;
    }
    return value;
  }

  name(obj: JsonObject, key: string, path: string): string | undefined {
    const value = this.string(obj, key, path, true);
    if (value !== undefined && !isValidName(value)) {
      this.fail(
        jsonPathKey(path, key),
        `${JSON.stringify(value)} is not a valid name (lowercase letters, digits, "_", "-", ".")`,
      );
      return undefined;
    }
    return value;
  }

  semver(obj: JsonObject, key: string, path: string, required: boolean): string | undefined {
    const value = this.string(obj, key, path, required);
    if (value !== undefined && !isSemver(value)) {
      this.fail(jsonPathKey(path, key), `${JSON.stringify(value)} is not MAJOR.MINOR.PATCH`);
      return undefined;
    }
    return value;
  }

  array(value: Json, path: string): Json[] | undefined {
    if (!Array.isArray(value)) {
      this.fail(path, `must be an array, got ${kindOf(value)}`);
      return undefined;
    }
    return value;
  }
}

function parentPath(path: string): string {
  const m = /^(.*?)(?:\.[A-Za-z_$][A-Za-z0-9_$]*|\[[^\]]*\])$/.exec(path);
  return m?.[1] ?? "$";
}

function kindOf(value: Json): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Parses and checks a descriptor. Never throws: problems come back in
 * `problems`, each with file, line, column and JSON path.
 *
 * @param text the file's contents (JSON)
 * @param file the name used in messages (a path or URL)
 */
export function parseDescriptor(text: string, file: string): ParsedDescriptor {
  let doc: PositionedJson;
  try {
    doc = parseJsonWithPositions(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      return {
        descriptor: undefined,
        json: undefined,
        locate: () => undefined,
        problems: [
          {
            file,
            path: "$",
            line: error.position.line,
            column: error.position.column,
            message: `not valid JSON: ${error.message}`,
          },
        ],
      };
    }
    throw error;
  }
  const ctx = new Context(file, doc);
  const descriptor = readRoot(ctx, doc.value);
  return {
    descriptor: ctx.problems.length === 0 ? descriptor : undefined,
    problems: ctx.problems,
    json: doc.value,
    locate: doc.locate,
  };
}

/**
 * Parses a descriptor and throws `RegistryError` code `invalid_descriptor`
 * naming the file, line, column and JSON path of the first problem.
 */
export function readDescriptor(text: string, file: string): SchemaDescriptor {
  const parsed = parseDescriptor(text, file);
  if (parsed.descriptor === undefined || parsed.problems.length > 0) {
    throw problemsError(parsed.problems, file);
  }
  return parsed.descriptor;
}

/**
 * The `invalid_descriptor` error for a list of problems: the first one as
 * `file:line:column: message`, its JSON path as the error's path, and how
 * many more there are.
 */
export function problemsError(problems: readonly DescriptorProblem[], file: string): RegistryError {
  const first = problems[0];
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s))` : "";
  if (first === undefined) return new RegistryError("invalid_descriptor", `${file}: invalid`);
  const where =
    first.line === undefined ? first.file : `${first.file}:${first.line}:${first.column}`;
  return new RegistryError("invalid_descriptor", `${where}: ${first.message}${more}`, {
    path: first.path,
  });
}

function readRoot(ctx: Context, value: Json): SchemaDescriptor | undefined {
  const root = ctx.object(value, "$", ROOT_KEYS);
  if (root === undefined) return undefined;
  const type = ctx.name(root, "type", "$");
  const subtype = ctx.name(root, "subtype", "$");
  const version = ctx.semver(root, "version", "$", true);
  const description = ctx.string(root, "description", "$", false);
  let compatibility: CompatibilityMode | undefined;
  if (root.compatibility !== undefined) {
    if (COMPATIBILITY_MODES.includes(root.compatibility as CompatibilityMode)) {
      compatibility = root.compatibility as CompatibilityMode;
    } else {
      ctx.fail(
        "$.compatibility",
        `must be one of ${COMPATIBILITY_MODES.join(", ")}, got ${kindOf(root.compatibility)}`,
      );
    }
  }
  const attributes =
    root.attributes === undefined
      ? []
      : readFields(ctx, root.attributes, "$.attributes", version ?? "0.0.0");
  const reserved =
    root.reserved === undefined ? undefined : readReserved(ctx, root.reserved, attributes);
  const extensions =
    root.extensions === undefined
      ? []
      : readExtensions(ctx, root.extensions, "$.extensions", version ?? "0.0.0");
  let transforms: TransformsDescriptor | undefined;
  if (root.transforms !== undefined && version !== undefined && type !== undefined) {
    transforms = readTransforms(ctx, root.transforms, {
      version,
      type,
      subtype: subtype ?? "",
      attributes,
      extensions,
    });
  }
  if (type === undefined || subtype === undefined || version === undefined) return undefined;
  return {
    type,
    subtype,
    version,
    ...(description === undefined ? {} : { description }),
    ...(compatibility === undefined ? {} : { compatibility }),
    attributes,
    ...(reserved === undefined ? {} : { reserved }),
    extensions,
    ...(transforms === undefined ? {} : { transforms }),
  };
}

function readReserved(
  ctx: Context,
  value: Json,
  attributes: readonly FieldDescriptor[],
): string[] | undefined {
  const list = ctx.array(value, "$.reserved");
  if (list === undefined) return undefined;
  const declared = new Set(attributes.map((f) => f.key));
  const out: string[] = [];
  list.forEach((item, i) => {
    const at = `$.reserved[${i}]`;
    if (typeof item !== "string" || item === "") {
      ctx.fail(at, `must be a non-empty attribute key, got ${kindOf(item)}`);
    } else if (declared.has(item)) {
      ctx.fail(at, `${JSON.stringify(item)} is reserved and declared at once`);
    } else if (out.includes(item)) {
      ctx.fail(at, `${JSON.stringify(item)} is listed twice`);
    } else {
      out.push(item);
    }
  });
  return out;
}

function readFields(ctx: Context, value: Json, path: string, version: string): FieldDescriptor[] {
  const list = ctx.array(value, path);
  if (list === undefined) return [];
  const out: FieldDescriptor[] = [];
  const seen = new Map<string, number>();
  list.forEach((item, i) => {
    const at = `${path}[${i}]`;
    const field = readField(ctx, item, at, version);
    if (field === undefined) return;
    const before = seen.get(field.key);
    if (before !== undefined) {
      ctx.fail(
        `${at}.key`,
        `key ${JSON.stringify(field.key)} is already declared at ${path}[${before}]`,
      );
      return;
    }
    seen.set(field.key, i);
    out.push(field);
  });
  out.forEach((field, i) => {
    const replacement = field.deprecated?.replacement;
    if (replacement !== undefined && !seen.has(replacement)) {
      ctx.fail(
        `${path}[${seen.get(field.key) ?? i}].deprecated.replacement`,
        `names ${JSON.stringify(replacement)}, which this schema does not declare`,
      );
    }
  });
  return out;
}

function readField(
  ctx: Context,
  value: Json,
  path: string,
  version: string,
): FieldDescriptor | undefined {
  const obj = ctx.object(value, path, FIELD_KEYS);
  if (obj === undefined) return undefined;
  const key = ctx.string(obj, "key", path, true);
  const typeText = ctx.string(obj, "type", path, true);
  let type: ValueType | undefined;
  if (typeText !== undefined) {
    type = parseType(typeText);
    if (type === undefined) {
      ctx.fail(
        `${path}.type`,
        `unknown type ${JSON.stringify(typeText)} (string, bool, int, double, bytes, array<T>, map, map<T>)`,
      );
    }
  }
  let presence: Presence = "optional";
  if (obj.presence !== undefined) {
    if (obj.presence === "required" || obj.presence === "optional" || obj.presence === "repeated") {
      presence = obj.presence;
    } else {
      ctx.fail(
        `${path}.presence`,
        `must be "required", "optional" or "repeated", got ${kindOf(obj.presence)}`,
      );
    }
  }
  const unit = ctx.string(obj, "unit", path, false);
  const description = ctx.string(obj, "description", path, false);
  let pii = false;
  if (obj.pii !== undefined) {
    if (typeof obj.pii === "boolean") pii = obj.pii;
    else ctx.fail(`${path}.pii`, `must be true or false, got ${kindOf(obj.pii)}`);
  }
  let deflt: AttributeValue | undefined;
  if (obj.default !== undefined && type !== undefined) {
    if (presence === "required") {
      ctx.fail(`${path}.default`, "a required attribute cannot have a default");
    } else {
      const target: ValueType = presence === "repeated" ? { kind: "array", of: type } : type;
      deflt = valueFromJson(ctx, target, obj.default, `${path}.default`);
    }
  }
  let deprecated: Deprecation | undefined;
  if (obj.deprecated !== undefined) {
    deprecated = readDeprecation(ctx, obj.deprecated, `${path}.deprecated`, version);
  }
  if (key === undefined || type === undefined || typeText === undefined) return undefined;
  const rules = readRules(ctx, obj, path, { type, presence });
  const field: FieldDescriptor = {
    key,
    type,
    typeText,
    presence,
    ...(deflt === undefined ? {} : { default: deflt }),
    ...(unit === undefined ? {} : { unit }),
    ...(description === undefined ? {} : { description }),
    pii,
    ...(deprecated === undefined ? {} : { deprecated }),
    ...rules,
  };
  if (deflt !== undefined) {
    for (const { index, violation } of ruleViolations(field, deflt)) {
      ctx.fail(
        `${path}.default${index === undefined ? "" : `[${index}]`}`,
        `the default breaks the field's rules: ${violation.message}`,
      );
    }
  }
  return field;
}

type Rules = {
  -readonly [K in (typeof VALUE_RULE_NAMES)[number]]?: FieldDescriptor[K];
};

/**
 * Reads the value rules of a field: each on a type it applies to, with
 * values of the field's type, lower bounds not above upper bounds, and enum
 * values unique and within the other rules.
 */
function readRules(
  ctx: Context,
  obj: JsonObject,
  path: string,
  field: Pick<FieldDescriptor, "type" | "presence">,
): Rules {
  const out: Rules = {};
  const scalar = ruleValueType(field);
  const typeName =
    field.presence === "repeated" ? `repeated ${formatType(field.type)}` : formatType(field.type);
  const applies = (name: string, ok: boolean, to: string): boolean => {
    if (obj[name] === undefined) return false;
    if (!ok) ctx.fail(`${path}.${name}`, `${name} applies to ${to}, not to ${typeName}`);
    return ok;
  };
  const numeric = scalar === "int" || scalar === "double";
  const bound = (name: "minimum" | "maximum"): bigint | number | undefined => {
    if (!applies(name, numeric, "int and double values (and arrays of them)")) return undefined;
    const json = obj[name];
    if (scalar === "int") {
      const n = jsonInt(json);
      if (n === undefined) {
        ctx.fail(
          `${path}.${name}`,
          `must be an int64 (a safe JSON integer, or a decimal string), got ${kindOf(json)}`,
        );
      }
      return n;
    }
    if (typeof json !== "number" || !Number.isFinite(json)) {
      // JSON reads 1e400 as Infinity: a bound is a finite number.
      const got = typeof json === "number" ? `number ${json}` : kindOf(json);
      ctx.fail(`${path}.${name}`, `must be a finite number, got ${got}`);
      return undefined;
    }
    return json;
  };
  const count = (
    name: "minLength" | "maxLength" | "minItems" | "maxItems",
    ok: boolean,
    to: string,
  ) => {
    if (!applies(name, ok, to)) return undefined;
    const json = obj[name];
    if (typeof json !== "number" || !Number.isSafeInteger(json) || json < 0) {
      ctx.fail(`${path}.${name}`, `must be a non-negative integer, got ${kindOf(json)}`);
      return undefined;
    }
    return json;
  };
  const minimum = bound("minimum");
  const maximum = bound("maximum");
  if (minimum !== undefined) out.minimum = minimum;
  if (maximum !== undefined) out.maximum = maximum;
  if (minimum !== undefined && maximum !== undefined && minimum > maximum) {
    ctx.fail(`${path}.minimum`, `minimum ${minimum} is above maximum ${maximum}`);
  }
  const length = scalar === "string" || scalar === "bytes";
  const lengthTo = "string and bytes values (and arrays of them)";
  const minLength = count("minLength", length, lengthTo);
  const maxLength = count("maxLength", length, lengthTo);
  if (minLength !== undefined) out.minLength = minLength;
  if (maxLength !== undefined) out.maxLength = maxLength;
  if (minLength !== undefined && maxLength !== undefined && minLength > maxLength) {
    ctx.fail(`${path}.minLength`, `minLength ${minLength} is above maxLength ${maxLength}`);
  }
  const array = carriesArray(field);
  const itemsTo = "repeated fields and array<T> types";
  const minItems = count("minItems", array, itemsTo);
  const maxItems = count("maxItems", array, itemsTo);
  if (minItems !== undefined) out.minItems = minItems;
  if (maxItems !== undefined) out.maxItems = maxItems;
  if (minItems !== undefined && maxItems !== undefined && minItems > maxItems) {
    ctx.fail(`${path}.minItems`, `minItems ${minItems} is above maxItems ${maxItems}`);
  }
  if (
    applies(
      "enum",
      scalar === "string" || scalar === "int",
      "string and int values (and arrays of them)",
    )
  ) {
    const list = ctx.array(obj.enum, `${path}.enum`);
    if (list !== undefined) {
      if (list.length === 0) ctx.fail(`${path}.enum`, "must list at least one value");
      const values: (string | bigint)[] = [];
      const seen = new Set<string | bigint>(); // not values.includes: a long enum would be quadratic
      const probe: FieldDescriptor = {
        key: "",
        typeText: "",
        pii: false,
        ...field,
        presence: "optional",
        ...out,
      };
      list.forEach((item, i) => {
        const at = `${path}.enum[${i}]`;
        const value =
          scalar === "int" ? jsonInt(item) : typeof item === "string" ? item : undefined;
        if (value === undefined) {
          ctx.fail(
            at,
            scalar === "int"
              ? `must be an int64 (a safe JSON integer, or a decimal string), got ${kindOf(item)}`
              : `must be a string, got ${kindOf(item)}`,
          );
          return;
        }
        if (seen.has(value)) {
          ctx.fail(at, `${kindOf(item)} is listed twice`);
          return;
        }
        const broken = ruleViolations({ ...probe, type: { kind: scalar! } }, value)[0];
        if (broken !== undefined) {
          ctx.fail(
            at,
            `the enum value breaks the field's other rules: ${broken.violation.message}`,
          );
        }
        seen.add(value);
        values.push(value);
      });
      if (values.length > 0) out.enum = values;
    }
  }
  return out;
}

function jsonInt(json: Json): bigint | undefined {
  let n: bigint | undefined;
  if (typeof json === "number" && Number.isSafeInteger(json)) n = BigInt(json);
  else if (typeof json === "string" && /^-?(0|[1-9][0-9]*)$/.test(json) && json.length <= 21) {
    n = BigInt(json);
  }
  if (n === undefined || n < INT64_MIN || n > INT64_MAX) return undefined;
  return n;
}

function readDeprecation(
  ctx: Context,
  value: Json,
  path: string,
  version: string,
): Deprecation | undefined {
  const obj = ctx.object(value, path, DEPRECATION_KEYS);
  if (obj === undefined) return undefined;
  const since = ctx.semver(obj, "since", path, true);
  const removal = ctx.semver(obj, "removal", path, false);
  const removalDate = ctx.string(obj, "removalDate", path, false);
  if (removalDate !== undefined && !isIsoDate(removalDate)) {
    ctx.fail(`${path}.removalDate`, `${JSON.stringify(removalDate)} is not a date YYYY-MM-DD`);
  }
  const replacement = ctx.string(obj, "replacement", path, false);
  if (since !== undefined && compareVersions(since, version) > 0) {
    ctx.fail(`${path}.since`, `${since} is after this schema's version ${version}`);
  }
  if (since !== undefined && removal !== undefined && compareVersions(removal, since) <= 0) {
    ctx.fail(`${path}.removal`, `${removal} must come after since (${since})`);
  }
  if (since === undefined) return undefined;
  return {
    since,
    ...(removal === undefined ? {} : { removal }),
    ...(removalDate === undefined || !isIsoDate(removalDate) ? {} : { removalDate }),
    ...(replacement === undefined ? {} : { replacement }),
  };
}

/** Whether `text` is a calendar date `YYYY-MM-DD` (proleptic Gregorian, years 0001-9999). */
export function isIsoDate(text: string): boolean {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(text);
  if (m === null) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

function readExtensions(
  ctx: Context,
  value: Json,
  path: string,
  version: string,
): ExtensionDescriptor[] {
  const list = ctx.array(value, path);
  if (list === undefined) return [];
  const out: ExtensionDescriptor[] = [];
  const seen = new Set<string>();
  list.forEach((item, i) => {
    const at = `${path}[${i}]`;
    const obj = ctx.object(item, at, EXTENSION_KEYS);
    if (obj === undefined) return;
    const namespace = ctx.name(obj, "namespace", at);
    const range = ctx.string(obj, "version", at, true);
    if (range !== undefined && parseRange(range) === undefined) {
      ctx.fail(
        `${at}.version`,
        `${JSON.stringify(range)} is not a version range (1.2.0, ^1.0.0, ~1.2.0, *, A || B)`,
      );
    }
    const description = ctx.string(obj, "description", at, false);
    const attributes =
      obj.attributes === undefined
        ? undefined
        : readFields(ctx, obj.attributes, `${at}.attributes`, version);
    if (namespace !== undefined && seen.has(namespace)) {
      ctx.fail(`${at}.namespace`, `namespace ${JSON.stringify(namespace)} is declared twice`);
      return;
    }
    if (namespace === undefined || range === undefined) return;
    seen.add(namespace);
    out.push({
      namespace,
      version: range,
      ...(description === undefined ? {} : { description }),
      ...(attributes === undefined ? {} : { attributes }),
    });
  });
  return out;
}

interface Own {
  readonly version: string;
  readonly type: string;
  readonly subtype: string;
  readonly attributes: readonly FieldDescriptor[];
  readonly extensions: readonly ExtensionDescriptor[];
}

function readTransforms(ctx: Context, value: Json, own: Own): TransformsDescriptor | undefined {
  const path = "$.transforms";
  const obj = ctx.object(value, path, TRANSFORMS_KEYS);
  if (obj === undefined) return undefined;
  const from = ctx.semver(obj, "from", path, true);
  if (from !== undefined && compareVersions(from, own.version) >= 0) {
    ctx.fail(`${path}.from`, `${from} must be lower than this schema's version ${own.version}`);
  }
  const changes: TransformChange[] = [];
  const list = obj.changes === undefined ? [] : (ctx.array(obj.changes, `${path}.changes`) ?? []);
  const declared = new Set(own.attributes.map((f) => f.key));
  list.forEach((item, i) => {
    const at = `${path}.changes[${i}]`;
    const change = ctx.object(item, at, CHANGE_KINDS);
    if (change === undefined) return;
    const kinds = Object.keys(change);
    if (kinds.length !== 1) {
      ctx.fail(at, `must have exactly one of ${[...CHANGE_KINDS].join(", ")}`);
      return;
    }
    const kind = kinds[0]!;
    const body = change[kind];
    const bodyPath = jsonPathKey(at, kind);
    if (kind === "rename_attributes") {
      const renames = readKeyMap(ctx, body, bodyPath);
      for (const [oldKey, newKey] of renames) {
        const keyPath = jsonPathKey(bodyPath, oldKey);
        if (!declared.has(newKey)) {
          ctx.fail(
            keyPath,
            `renames to ${JSON.stringify(newKey)}, which this schema does not declare`,
          );
        }
        if (declared.has(oldKey)) {
          ctx.fail(keyPath, `renames ${JSON.stringify(oldKey)}, which this schema still declares`);
        }
      }
      if (renames.length > 0) changes.push({ kind: "rename_attributes", renames });
    } else if (kind === "rename_event") {
      const ev = ctx.object(body, bodyPath, RENAME_EVENT_KEYS);
      const text = ev === undefined ? undefined : ctx.string(ev, "from", bodyPath, true);
      if (text === undefined) return;
      const [type, subtype, ...rest] = text.split("/");
      if (rest.length > 0 || !isValidName(type) || !isValidName(subtype)) {
        ctx.fail(`${bodyPath}.from`, `${JSON.stringify(text)} is not "type/subtype"`);
        return;
      }
      if (type === own.type && subtype === own.subtype) {
        ctx.fail(`${bodyPath}.from`, "names this schema's own event");
        return;
      }
      changes.push({ kind: "rename_event", from: { type, subtype } });
    } else {
      const move = ctx.object(body, bodyPath, MOVE_KEYS);
      if (move === undefined) return;
      const namespace = ctx.name(move, "namespace", bodyPath);
      const version = ctx.semver(move, "version", bodyPath, true);
      const moves = readKeyMap(ctx, move.attributes, `${bodyPath}.attributes`, true);
      if (namespace === undefined || version === undefined) return;
      const ext = own.extensions.find((e) => e.namespace === namespace);
      if (ext === undefined) {
        ctx.fail(
          `${bodyPath}.namespace`,
          `${JSON.stringify(namespace)} is not an allowed extension`,
        );
        return;
      }
      if (parseRange(ext.version)?.accepts(version) === false) {
        ctx.fail(`${bodyPath}.version`, `${version} is outside the allowed range ${ext.version}`);
      }
      const extKeys =
        ext.attributes === undefined ? undefined : new Set(ext.attributes.map((f) => f.key));
      for (const [oldKey, newKey] of moves) {
        const keyPath = jsonPathKey(`${bodyPath}.attributes`, oldKey);
        if (declared.has(oldKey)) {
          ctx.fail(keyPath, `moves ${JSON.stringify(oldKey)}, which this schema still declares`);
        }
        if (extKeys !== undefined && !extKeys.has(newKey)) {
          ctx.fail(
            keyPath,
            `moves to ${namespace}.${newKey}, which the extension does not declare`,
          );
        }
      }
      if (moves.length > 0) changes.push({ kind: "move_to_extension", namespace, version, moves });
    }
  });
  if (from === undefined) return undefined;
  return { from, changes };
}

function readKeyMap(
  ctx: Context,
  value: Json,
  path: string,
  allowSame = false,
): [string, string][] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    ctx.fail(path, `must be an object of "old": "new" keys, got ${kindOf(value)}`);
    return [];
  }
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string" || v.length === 0 || k.length === 0) {
      ctx.fail(jsonPathKey(path, k), "must map a non-empty key to a non-empty key");
    } else if (k === v && !allowSame) {
      ctx.fail(jsonPathKey(path, k), "maps a key to itself");
    } else {
      out.push([k, v]);
    }
  }
  if (out.length === 0 && Object.keys(value).length === 0) ctx.fail(path, "is empty");
  return out;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function valueFromJson(
  ctx: Context,
  type: ValueType,
  json: Json,
  path: string,
): AttributeValue | undefined {
  const wrong = (what: string): undefined => {
    ctx.fail(path, `default must be ${what}, got ${kindOf(json)}`);
    return undefined;
  };
  switch (type.kind) {
    case "string":
      return typeof json === "string" ? json : wrong("a string");
    case "bool":
      return typeof json === "boolean" ? json : wrong("true or false");
    case "int": {
      const n = jsonInt(json);
      if (n === undefined) return wrong("an int64 (a safe JSON integer, or a decimal string)");
      return n;
    }
    case "double": {
      if (typeof json === "number") return json;
      const special: Record<string, number> = {
        NaN: Number.NaN,
        Infinity: Number.POSITIVE_INFINITY,
        "-Infinity": Number.NEGATIVE_INFINITY,
        "-0": -0,
      };
      if (typeof json === "string" && json in special) return special[json]!;
      return wrong('a number (or "NaN", "Infinity", "-Infinity", "-0")');
    }
    case "bytes":
      if (typeof json !== "string") return wrong("base64 text");
      try {
        return base64ToBytes(json, path);
      } catch {
        return wrong("base64 text");
      }
    case "array": {
      if (!Array.isArray(json)) return wrong(`an array of ${type.of.kind}`);
      const out: AttributeValue[] = [];
      for (let i = 0; i < json.length; i++) {
        const v = valueFromJson(ctx, type.of, json[i], `${path}[${i}]`);
        if (v === undefined) return undefined;
        out.push(v);
      }
      return out;
    }
    case "map": {
      if (typeof json !== "object" || json === null || Array.isArray(json))
        return wrong("an object");
      const out = new Map<string, AttributeValue>();
      for (const [k, v] of Object.entries(json)) {
        const at = jsonPathKey(path, k);
        const value =
          type.of === undefined ? inferValue(ctx, v, at) : valueFromJson(ctx, type.of, v, at);
        if (value === undefined) return undefined;
        out.set(k, value);
      }
      return out;
    }
  }
}

/** A JSON value in an untyped `map` default: numbers are doubles, objects are maps. */
function inferValue(ctx: Context, json: Json, path: string): AttributeValue | undefined {
  if (typeof json === "string" || typeof json === "boolean" || typeof json === "number")
    return json;
  if (Array.isArray(json)) {
    const out: AttributeValue[] = [];
    for (let i = 0; i < json.length; i++) {
      const v = inferValue(ctx, json[i], `${path}[${i}]`);
      if (v === undefined) return undefined;
      out.push(v);
    }
    return out;
  }
  if (typeof json === "object" && json !== null) {
    return valueFromJson(ctx, { kind: "map", of: undefined }, json, path);
  }
  ctx.fail(path, "null has no attribute kind");
  return undefined;
}
