/**
 * The two ways into the JSON mapping: {@link parseJson} reads JSON text,
 * {@link asJsonValue} checks a JavaScript value. Both return a JSON value the
 * mapping can trust (docs/spec.md, section "Codec: JSON"):
 *
 * - plain objects and arrays, strings, finite numbers, booleans and null only;
 * - no object with two members of the same name (`invalid_json`);
 * - no lone surrogate in any string or name (`invalid_utf8`);
 * - at most {@link JsonBounds.maxNesting} levels of arrays and objects and
 *   {@link JsonBounds.maxMembers} members and elements in all, and member names of at most
 *   `maxKeyLength` UTF-8 bytes (`limit_exceeded`), so neither the parser nor
 *   the mapping can recurse or allocate past the limits.
 *
 * The mapping then charges what it keeps to the decode budget exactly.
 */
import { EnvelopeError, excerpt } from "../errors.js";
import type { Limits } from "../limits.js";
import type { JsonObject, JsonValue } from "./to-json.js";
import { utf8Length, utf8LongerThan } from "./utf8-length.js";

/** Structural bounds on a JSON value, derived from the decode limits by {@link jsonBounds}. */
export interface JsonBounds {
  /** Deepest nesting of arrays and objects, the outermost one counting 1. */
  readonly maxNesting: number;
  /** Most object members and array elements in the whole value. */
  readonly maxMembers: number;
  /** Longest object member name, in UTF-8 bytes. */
  readonly maxKeyLength: number;
}

/**
 * Bounds that no valid envelope within `limits` reaches. An attribute value of
 * depth d sits at most 7 + 4d levels deep in an envelope (root, body,
 * extensions, extension, attributes, KeyValue, AnyValue, then kvlistValue,
 * values, KeyValue, AnyValue per level); every entry the budget counts takes at
 * most 6 members or elements (a KeyValue holding a map: the list element, `key`,
 * `value`, `kvlistValue`, `values`, plus the AnyValue member), and the header
 * fewer than 4,096. Anything past these bounds is refused by the mapping anyway;
 * refusing it while parsing keeps the parse tree within a constant factor of the limits.
 */
export function jsonBounds(limits: Limits): JsonBounds {
  return {
    maxNesting: 4 * limits.maxDepth + 8,
    maxMembers: 8 * limits.maxAttributes + 4096,
    maxKeyLength: limits.maxKeyLength,
  };
}

/** Sets a member; a `__proto__` name stays an own member and never touches the prototype. */
export function defineKey(target: JsonObject, key: string, value: JsonValue): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}

/** A character for an error message: `'x'` when printable ASCII, else its code point. */
function describe(text: string, i: number): string {
  if (i >= text.length) return "end of input";
  const c = text.codePointAt(i)!;
  return c >= 0x20 && c < 0x7f
    ? `'${String.fromCharCode(c)}'`
    : `U+${c.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * RFC 8259 JSON text to a JSON value, in time linear in its length.
 *
 * Why not `JSON.parse`: it keeps the last of two members with the same name
 * where the mapping must refuse them (as protojson does), it builds the whole
 * tree before any limit can be checked (`[{},{},…]` costs about 15 times its
 * size in memory), it recurses as deep as the input nests, and its errors carry
 * no byte offset. The maintained alternatives (jsonc-parser, momoa,
 * lossless-json) accept more than JSON, allow duplicate names or cost several
 * times more per byte; this parser is a few dozen lines over `charCodeAt`, and
 * `test/json-value.test.ts` checks it against `JSON.parse` on valid input.
 */
class Parser {
  i = 0;
  members = 0;
  /** Member names of the objects being parsed, innermost last, up to `top`. */
  readonly names: string[] = [];
  top = 0;
  readonly cache: (string | undefined)[] = new Array(256);
  constructor(
    readonly text: string,
    readonly bounds: JsonBounds,
    /** Byte offset of the text in the caller's input, for error offsets. */
    readonly offset: number,
  ) {}

  fail(detail: string, at = this.i, code: "invalid_json" | "invalid_utf8" = "invalid_json"): never {
    throw new EnvelopeError(code, detail, { offset: this.offset + utf8Length(this.text, at) });
  }

  unexpected(): never {
    return this.fail(`unexpected ${describe(this.text, this.i)}`);
  }

  /** Skips whitespace; returns the next character code (NaN at the end). */
  skip(): number {
    const text = this.text;
    let i = this.i;
    let c = text.charCodeAt(i);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++i);
    this.i = i;
    return c;
  }

  value(depth: number): JsonValue {
    const c = this.skip();
    if (c === 0x22) return this.string();
    if (c === 0x7b) return this.object(depth + 1);
    if (c === 0x5b) return this.array(depth + 1);
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    if (c === 0x74) return this.literal("true", true);
    if (c === 0x66) return this.literal("false", false);
    if (c === 0x6e) return this.literal("null", null);
    return this.unexpected();
  }

  literal<T extends JsonValue>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.i)) this.unexpected();
    this.i += word.length;
    return value;
  }

  enter(depth: number): void {
    if (depth > this.bounds.maxNesting) {
      throw new EnvelopeError(
        "limit_exceeded",
        `JSON nested deeper than ${this.bounds.maxNesting} levels (the bound for maxDepth)`,
        { offset: this.offset + utf8Length(this.text, this.i) },
      );
    }
  }

  count(): void {
    if (++this.members > this.bounds.maxMembers) {
      throw new EnvelopeError(
        "limit_exceeded",
        `more than ${this.bounds.maxMembers} JSON members and elements (the bound for maxAttributes)`,
        { offset: this.offset + utf8Length(this.text, this.i) },
      );
    }
  }

  object(depth: number): JsonObject {
    this.enter(depth);
    this.i++;
    const obj: JsonObject = {};
    let c = this.skip();
    if (c === 0x7d) {
      this.i++;
      return obj;
    }
    // Member names seen in this object: a scan of the shared stack while the
    // object is small (most are); past 16 members, a lookup in the object
    // itself, the hash table being built anyway. Values are never undefined,
    // so only inherited names ("constructor", "__proto__") need hasOwn.
    const names = this.names;
    const first = this.top;
    let large = false;
    for (;;) {
      if (c !== 0x22) this.fail(`expected a member name, got ${describe(this.text, this.i)}`);
      const at = this.i;
      const key = this.name();
      this.count();
      if (utf8LongerThan(key, this.bounds.maxKeyLength)) {
        throw new EnvelopeError(
          "limit_exceeded",
          `a member name of ${utf8Length(key)} bytes is longer than maxKeyLength (${this.bounds.maxKeyLength})`,
          { offset: this.offset + utf8Length(this.text, at) },
        );
      }
      let twice: boolean;
      if (large) {
        twice = obj[key] !== undefined && Object.hasOwn(obj, key);
      } else {
        twice = false;
        const top = this.top;
        for (let k = first; k < top; k++) {
          if (names[k] === key) {
            twice = true;
            break;
          }
        }
        names[top] = key;
        this.top = top + 1;
        // Stryker disable next-line all: when to switch to a Set only changes the cost of finding a duplicate
        if (top + 1 - first > 16) large = true;
      }
      if (twice) {
        this.fail(`member name ${JSON.stringify(excerpt(key))} appears twice in one object`, at);
      }
      if (this.skip() !== 0x3a) this.fail(`expected ':', got ${describe(this.text, this.i)}`);
      this.i++;
      const value = this.value(depth);
      if (key === "__proto__") defineKey(obj, key, value);
      else obj[key] = value;
      c = this.skip();
      if (c === 0x2c) {
        this.i++;
        c = this.skip();
      } else if (c === 0x7d) {
        this.i++;
        this.top = first;
        return obj;
      } else {
        this.fail(`expected ',' or '}', got ${describe(this.text, this.i)}`);
      }
    }
  }

  array(depth: number): JsonValue[] {
    this.enter(depth);
    this.i++;
    const out: JsonValue[] = [];
    if (this.skip() === 0x5d) {
      this.i++;
      return out;
    }
    for (;;) {
      this.count();
      out.push(this.value(depth));
      const c = this.skip();
      if (c === 0x2c) this.i++;
      else if (c === 0x5d) {
        this.i++;
        return out;
      } else {
        this.fail(`expected ',' or ']', got ${describe(this.text, this.i)}`);
      }
    }
  }

  /**
   * A member name. Names repeat (every KeyValue has "key" and "value"), and a
   * fresh string would be hashed and interned again by each property store:
   * a small cache keyed by a hash taken during the scan returns the same
   * string instead.
   */
  name(): string {
    const text = this.text;
    const start = this.i + 1;
    let i = start;
    let h = 0;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x5c || !(c >= 0x20)) return this.string();
      // Stryker disable next-line ArithmeticOperator: another hash only picks other cache slots
      h = (h * 31 + c) | 0;
      i++;
    }
    this.i = i + 1;
    const slot = (h ^ (h >>> 8)) & 255;
    const cached = this.cache[slot];
    // Stryker disable next-line BlockStatement: without the cached string, the slice below is equal
    if (cached !== undefined && cached.length === i - start && text.startsWith(cached, start)) {
      return cached;
    }
    const key = text.slice(start, i);
    // Stryker disable next-line all: which names are cached only changes the cost
    if (key.length <= 32) this.cache[slot] = key;
    return key;
  }

  string(): string {
    const text = this.text;
    const start = this.i + 1;
    let i = start;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        this.i = i + 1;
        return text.slice(start, i);
      }
      if (c === 0x5c) return this.escaped(start, i);
      if (!(c >= 0x20)) this.badInString(i);
      i++;
    }
  }

  /** A control character or the end of the text inside a string. */
  badInString(i: number): never {
    return this.fail(
      i >= this.text.length
        ? "unterminated string"
        : `control character ${describe(this.text, i)} in a string`,
      i,
    );
  }

  /** The rest of a string from its first escape at `i`. */
  escaped(start: number, i: number): string {
    const text = this.text;
    let out = text.slice(start, i);
    let chunk = i;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        this.i = i + 1;
        return out + text.slice(chunk, i);
      }
      if (c === 0x5c) {
        out += text.slice(chunk, i);
        const e = text.charCodeAt(i + 1);
        let unit: number;
        switch (e) {
          case 0x22:
          case 0x5c:
          case 0x2f:
            unit = e;
            break;
          case 0x62:
            unit = 0x08;
            break;
          case 0x66:
            unit = 0x0c;
            break;
          case 0x6e:
            unit = 0x0a;
            break;
          case 0x72:
            unit = 0x0d;
            break;
          case 0x74:
            unit = 0x09;
            break;
          case 0x75:
            unit = this.hex4(i + 2);
            break;
          default:
            this.fail(`invalid escape ${describe(text, i + 1)}`, i);
        }
        if (unit >= 0xd800 && unit < 0xe000) {
          const low =
            unit < 0xdc00 && text.charCodeAt(i + 6) === 0x5c && text.charCodeAt(i + 7) === 0x75
              ? this.hex4(i + 8)
              : -1;
          if (!(low >= 0xdc00 && low < 0xe000)) {
            this.fail("a \\u escape is a lone surrogate, not a character", i, "invalid_utf8");
          }
          out += String.fromCharCode(unit, low);
          i += 12;
        } else {
          out += String.fromCharCode(unit);
          i += e === 0x75 ? 6 : 2;
        }
        chunk = i;
        continue;
      }
      if (!(c >= 0x20)) this.badInString(i);
      i++;
    }
  }

  hex4(i: number): number {
    let n = 0;
    for (let k = i; k < i + 4; k++) {
      const c = this.text.charCodeAt(k);
      const d =
        c >= 0x30 && c <= 0x39
          ? c - 0x30
          : c >= 0x61 && c <= 0x66
            ? c - 0x57
            : c >= 0x41 && c <= 0x46
              ? c - 0x37
              : -1;
      if (d < 0) this.fail("a \\u escape needs four hex digits", i - 2);
      n = n * 16 + d;
    }
    return n;
  }

  number(): number {
    const text = this.text;
    const start = this.i;
    let i = start;
    let c = text.charCodeAt(i);
    if (c === 0x2d) c = text.charCodeAt(++i);
    let n = 0;
    if (c === 0x30) c = text.charCodeAt(++i);
    else if (c >= 0x31 && c <= 0x39) {
      do {
        n = n * 10 + (c - 0x30);
        c = text.charCodeAt(++i);
      } while (c >= 0x30 && c <= 0x39);
    } else {
      this.i = i;
      this.fail(`expected a digit, got ${describe(text, i)}`);
    }
    // Up to 15 digits, the accumulated integer is exact.
    // Stryker disable next-line all: the exact-integer shortcut only saves a Number() call; both give the same double
    let exact = i - start <= 15;
    if (c === 0x2e) {
      exact = false;
      c = text.charCodeAt(++i);
      if (!(c >= 0x30 && c <= 0x39)) {
        this.i = i;
        this.fail(`expected a digit after '.', got ${describe(text, i)}`);
      }
      do c = text.charCodeAt(++i);
      while (c >= 0x30 && c <= 0x39);
    }
    if (c === 0x65 || c === 0x45) {
      exact = false;
      c = text.charCodeAt(++i);
      if (c === 0x2b || c === 0x2d) c = text.charCodeAt(++i);
      if (!(c >= 0x30 && c <= 0x39)) {
        this.i = i;
        this.fail(`expected a digit in the exponent, got ${describe(text, i)}`);
      }
      do c = text.charCodeAt(++i);
      while (c >= 0x30 && c <= 0x39);
    }
    this.i = i;
    // Stryker disable next-line ConditionalExpression: as above
    if (exact) return text.charCodeAt(start) === 0x2d ? -n : n;
    const value = Number(text.slice(start, i));
    if (!Number.isFinite(value)) {
      this.fail(`number ${excerpt(text.slice(start, i))} is beyond the range of a double`, start);
    }
    return value;
  }
}

/**
 * Parses JSON text (already decoded from UTF-8) into a checked JSON value.
 * Throws `invalid_json` for anything that is not one RFC 8259 JSON value
 * (a leading byte order mark, duplicate member names and numbers beyond the
 * range of a double included), `invalid_utf8` for a `\u` escape that is a lone
 * surrogate, and `limit_exceeded` past `bounds`. `offset` is the byte offset of
 * the text in the caller's input; error offsets count UTF-8 bytes from there.
 */
export function parseJson(text: string, bounds: JsonBounds, offset = 0): JsonValue {
  const parser = new Parser(text, bounds, offset);
  if (text.charCodeAt(0) === 0xfeff) {
    parser.fail("a byte order mark before the JSON text (the JSON codec has none)");
  }
  const value = parser.value(0);
  parser.skip();
  if (parser.i < text.length)
    parser.fail(`unexpected ${describe(text, parser.i)} after the JSON value`);
  return value;
}

type PathSegment = string | number;

function formatPath(base: string, segments: readonly PathSegment[]): string {
  let path = base;
  for (const s of segments) {
    if (typeof s === "number") path += `[${s}]`;
    else path += path === "" ? excerpt(s) : `.${excerpt(s)}`;
  }
  return path;
}

/** Walks a JavaScript value with an explicit path, so an error names where. */
class Checker {
  members = 0;
  readonly ancestors = new Set<object>();
  readonly segments: PathSegment[] = [];
  constructor(
    readonly bounds: JsonBounds,
    readonly base: string,
  ) {}

  fail(code: "invalid_json" | "invalid_utf8" | "limit_exceeded", detail: string): never {
    throw new EnvelopeError(code, detail, { path: formatPath(this.base, this.segments) });
  }

  check(value: unknown, depth: number): void {
    switch (typeof value) {
      case "string":
        if (!value.isWellFormed()) this.fail("invalid_utf8", "string has a lone surrogate");
        return;
      case "number":
        if (!Number.isFinite(value)) this.fail("invalid_json", `${value} is not a JSON number`);
        return;
      case "boolean":
        return;
      case "object":
        if (value === null) return;
        break;
      default:
        this.fail(
          "invalid_json",
          `${value === undefined ? "undefined" : `a ${typeof value}`} is not a JSON value`,
        );
    }
    if (depth + 1 > this.bounds.maxNesting) {
      this.fail(
        "limit_exceeded",
        `nested deeper than ${this.bounds.maxNesting} levels (the bound for maxDepth)`,
      );
    }
    if (this.ancestors.has(value)) this.fail("invalid_json", "a circular reference is not JSON");
    this.ancestors.add(value);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        this.segments.push(i);
        this.count();
        this.check(value[i], depth + 1);
        this.segments.pop();
      }
    } else {
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        this.fail(
          "invalid_json",
          `a ${excerpt(String(proto?.constructor?.name ?? "non-plain object"))} is not a JSON value (plain objects only)`,
        );
      }
      for (const key of Object.keys(value)) {
        this.segments.push(key);
        this.count();
        if (!key.isWellFormed()) this.fail("invalid_utf8", "member name has a lone surrogate");
        if (utf8LongerThan(key, this.bounds.maxKeyLength)) {
          this.fail(
            "limit_exceeded",
            `a member name of ${utf8Length(key)} bytes is longer than maxKeyLength (${this.bounds.maxKeyLength})`,
          );
        }
        this.check((value as Record<string, unknown>)[key], depth + 1);
        this.segments.pop();
      }
    }
    this.ancestors.delete(value);
  }

  count(): void {
    if (++this.members > this.bounds.maxMembers) {
      this.fail(
        "limit_exceeded",
        `more than ${this.bounds.maxMembers} JSON members and elements (the bound for maxAttributes)`,
      );
    }
  }
}

/**
 * Checks that a JavaScript value is a JSON value the mapping can read, and
 * returns it typed. Throws `invalid_json` for anything JSON cannot hold
 * (undefined, bigint, functions, symbols, NaN and infinities, circular
 * references, objects other than plain objects and arrays), `invalid_utf8`
 * for a lone surrogate, and `limit_exceeded` past `bounds`. Own enumerable
 * string-keyed properties are read, as `JSON.stringify` reads them.
 * `path` prefixes the paths in error messages.
 */
export function asJsonValue(value: unknown, bounds: JsonBounds, path = ""): JsonValue {
  new Checker(bounds, path).check(value, 0);
  return value as JsonValue;
}
