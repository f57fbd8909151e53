/**
 * A strict JSON (RFC 8259) parser that remembers where every value starts, so
 * descriptor errors can name the line and column as well as the JSON path.
 * `JSON.parse` keeps no positions.
 */

/** A line and column, both 1-based (columns count UTF-16 code units). */
export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

/** What {@link parseJsonWithPositions} returns. */
export interface PositionedJson {
  /** The parsed value (objects are plain objects, numbers are numbers). */
  readonly value: unknown;
  /** Where the value at a JSON path (`$`, `$.attributes[2].type`, `$["a.b"]`) starts. */
  locate(path: string): TextPosition | undefined;
}

/** A syntax error, with its position. */
export class JsonSyntaxError extends Error {
  override readonly name = "JsonSyntaxError";
  constructor(
    message: string,
    readonly position: TextPosition,
  ) {
    super(message);
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Appends an object key to a JSON path: `.key` when it is an identifier, `["key"]` otherwise. */
export function jsonPathKey(path: string, key: string): string {
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Parses `text` as JSON and records the start of every value by JSON path.
 * Duplicate object keys are an error (a descriptor must say one thing once).
 * Throws {@link JsonSyntaxError} with the line and column of the problem.
 */
export function parseJsonWithPositions(text: string): PositionedJson {
  const parser = new Parser(text);
  return parser.parseDocument();
}

class Parser {
  private pos = 0;
  private readonly starts = new Map<string, number>();
  private lineStarts: number[] | undefined;

  constructor(private readonly text: string) {
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  parseDocument(): PositionedJson {
    this.skipSpace();
    const value = this.parseValue("$", 0);
    this.skipSpace();
    if (this.pos < this.text.length) this.fail("unexpected text after the JSON value");
    return {
      value,
      locate: (path) => {
        const offset = this.starts.get(path);
        return offset === undefined ? undefined : this.position(offset);
      },
    };
  }

  private position(offset: number): TextPosition {
    if (this.lineStarts === undefined) {
      const starts = [0];
      for (let i = 0; i < this.text.length; i++) {
        if (this.text.charCodeAt(i) === 10) starts.push(i + 1);
      }
      this.lineStarts = starts;
    }
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  }

  private fail(message: string, offset = this.pos): never {
    const p = this.position(offset);
    throw new JsonSyntaxError(message, p);
  }

  private skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else break;
    }
  }

  private parseValue(path: string, depth: number): unknown {
    if (depth > 64) this.fail("nested deeper than 64");
    this.starts.set(path, this.pos);
    const c = this.text[this.pos];
    switch (c) {
      case "{":
        return this.parseObject(path, depth);
      case "[":
        return this.parseArray(path, depth);
      case '"':
        return this.parseString();
      case "t":
        return this.literal("true", true);
      case "f":
        return this.literal("false", false);
      case "n":
        return this.literal("null", null);
      case undefined:
        return this.fail("unexpected end of input");
      default:
        if (c === "-" || (c >= "0" && c <= "9")) return this.parseNumber();
        return this.fail(`unexpected character ${JSON.stringify(c)}`);
    }
  }

  private literal<T>(word: string, value: T): T {
    if (this.text.startsWith(word, this.pos)) {
      this.pos += word.length;
      return value;
    }
    return this.fail("unexpected token");
  }

  private parseObject(path: string, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const seen = new Set<string>();
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return out;
    }
    for (;;) {
      if (this.text[this.pos] !== '"') this.fail("expected a string key");
      const keyStart = this.pos;
      const key = this.parseString();
      if (seen.has(key)) this.fail(`duplicate key ${JSON.stringify(key)}`, keyStart);
      seen.add(key);
      this.skipSpace();
      if (this.text[this.pos] !== ":") this.fail("expected ':'");
      this.pos++;
      this.skipSpace();
      const value = this.parseValue(jsonPathKey(path, key), depth + 1);
      // defineProperty: a key named "__proto__" is data, not the prototype.
      Object.defineProperty(out, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === ",") {
        this.pos++;
        this.skipSpace();
      } else if (next === "}") {
        this.pos++;
        return out;
      } else {
        this.fail("expected ',' or '}'");
      }
    }
  }

  private parseArray(path: string, depth: number): unknown[] {
    const out: unknown[] = [];
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.parseValue(`${path}[${out.length}]`, depth + 1));
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === ",") {
        this.pos++;
        this.skipSpace();
      } else if (next === "]") {
        this.pos++;
        return out;
      } else {
        this.fail("expected ',' or ']'");
      }
    }
  }

  private parseString(): string {
    const t = this.text;
    const start = ++this.pos;
    let out = "";
    let chunk = start;
    for (;;) {
      if (this.pos >= t.length) this.fail("unterminated string", start - 1);
      const c = t.charCodeAt(this.pos);
      if (c === 34) {
        out += t.slice(chunk, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail("control character in a string");
      if (c === 92) {
        out += t.slice(chunk, this.pos);
        const e = t[this.pos + 1];
        switch (e) {
          case '"':
          case "\\":
          case "/":
            out += e;
            break;
          case "b":
            out += "\b";
            break;
          case "f":
            out += "\f";
            break;
          case "n":
            out += "\n";
            break;
          case "r":
            out += "\r";
            break;
          case "t":
            out += "\t";
            break;
          case "u": {
            const hex = t.slice(this.pos + 2, this.pos + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("bad \\u escape");
            out += String.fromCharCode(Number.parseInt(hex, 16));
            this.pos += 4;
            break;
          }
          default:
            this.fail("bad escape");
        }
        this.pos += 2;
        chunk = this.pos;
        continue;
      }
      this.pos++;
    }
  }

  private parseNumber(): number {
    const match = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(
      this.text.slice(this.pos, this.pos + 400),
    );
    if (match === null) return this.fail("bad number");
    this.pos += match[0].length;
    return Number(match[0]);
  }
}
