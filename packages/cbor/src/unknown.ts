/**
 * Unknown message keys (docs/spec.md, "Codec: CBOR", unknown keys): an integer
 * key a message map holds that this version does not know is kept, with the
 * raw bytes of its value, on the message's `$unknown`, and written back by the
 * CBOR codec: after the known keys by default, in sorted position in the
 * deterministic profile.
 */
import {
  DecodeBudget,
  EnvelopeError,
  type HasUnknown,
  MAX_DEPTH_CEILING,
  resolveLimits,
} from "@envelope/core";
import { CborReader } from "./wire/reader.js";
import { CborWriter, MT_NEGINT, MT_UINT } from "./wire/writer.js";

/**
 * A message key: a CBOR integer, as a `number` when it is a safe integer, else a `bigint`.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#codec-cbor | docs/spec.md}, section "Codec: CBOR" (unknown keys)
 */
export type CborKey = number | bigint;

/**
 * One unknown map entry: the key and the exact encoded bytes of its value (one CBOR item).
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#codec-cbor | docs/spec.md}, section "Codec: CBOR" (unknown keys)
 */
export type CborUnknownEntry = readonly [key: CborKey, value: Uint8Array];

/**
 * The `$unknown` of a message read by the CBOR codec: its unknown integer keys
 * in input order, written back by the CBOR codec only.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#codec-cbor | docs/spec.md}, sections "Codec: CBOR" and "Unknown fields"
 */
export interface CborUnknownFields {
  readonly codec: "cbor";
  readonly data: CborUnknownEntry[];
}

/** An unknown entry ready to write: the encoded key and the raw value. */
interface PreparedEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

const UINT64_MAX = 0xffff_ffff_ffff_ffffn;

/** The shortest encoding of an integer key. */
function encodeKey(k: bigint): Uint8Array {
  const w = new CborWriter(16);
  if (k >= 0n) w.headBig(MT_UINT, k);
  else w.headBig(MT_NEGINT, -1n - k);
  return w.result();
}

/**
 * Bytewise order of two encoded keys. Distinct keys differ within the shorter
 * one: the first byte fixes an encoding's length, so none is a prefix of another.
 */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  // Stryker disable next-line MethodExpression: distinct keys differ within the shorter
  const n = Math.min(a.length, b.length);
  // Stryker disable next-line EqualityOperator: distinct keys differ within the shorter
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  // Stryker disable next-line ArithmeticOperator: not reached for distinct keys
  return a.length - b.length;
}

/**
 * The unknown entries of `message` to write, checked: CBOR-read data only
 * (unknown data of another codec has no CBOR form and is left out, see
 * docs/spec.md "Unknown fields"), integer keys outside the message's known
 * range `1..knownMax`, unique, each value exactly one well-formed item.
 * Sorted by encoded key in the deterministic profile.
 */
export function prepareUnknown(
  message: HasUnknown,
  knownMax: number,
  deterministic: boolean,
  path: string,
): PreparedEntry[] | undefined {
  const unknown = message.$unknown;
  if (unknown === undefined || unknown.codec !== "cbor") return undefined;
  const data = unknown.data;
  // The envelope itself has the empty path: its unknown fields are at `$unknown`.
  const at = path === "" ? "$unknown" : `${path}.$unknown`;
  if (!Array.isArray(data))
    throw new EnvelopeError("invalid_value", "CBOR unknown fields must be a list of [key, bytes]", {
      path: at,
    });
  // Stryker disable next-line ConditionalExpression: an empty list writes nothing either way (a shortcut)
  if (data.length === 0) return undefined;
  const out: PreparedEntry[] = [];
  const seen = new Set<bigint>();
  for (let i = 0; i < data.length; i++) {
    const entry = data[i] as unknown;
    const where = `${at}[${i}]`;
    if (!Array.isArray(entry) || entry.length !== 2) {
      throw new EnvelopeError("invalid_value", "expected a [key, bytes] pair", { path: where });
    }
    const [key, value] = entry as [unknown, unknown];
    let k: bigint;
    if (typeof key === "number" && Number.isSafeInteger(key)) k = BigInt(key);
    else if (typeof key === "bigint") k = key;
    else
      throw new EnvelopeError("invalid_value", "an unknown key must be an integer", {
        path: where,
      });
    if (k < -UINT64_MAX - 1n || k > UINT64_MAX) {
      throw new EnvelopeError("invalid_value", "an unknown key must fit a CBOR integer", {
        path: where,
      });
    }
    if (k >= 1n && k <= BigInt(knownMax)) {
      throw new EnvelopeError("invalid_value", `key ${k} is a known field of this message`, {
        path: where,
      });
    }
    if (seen.has(k))
      throw new EnvelopeError("invalid_value", `key ${k} appears twice`, { path: where });
    seen.add(k);
    if (!(value instanceof Uint8Array)) {
      throw new EnvelopeError(
        "invalid_value",
        "an unknown value must be the raw bytes of one CBOR item",
        { path: where },
      );
    }
    checkOneItem(value, where);
    out.push({ key: encodeKey(k), value });
  }
  if (deterministic) out.sort((a, b) => compareBytes(a.key, b.key));
  return out;
}

/**
 * What the writer's well-formedness check of an unknown value allows: any
 * value a decoder may have read, however its limits were raised (the check
 * is linear in the value's size; only nesting is bounded, to the depth any
 * decoder may be configured to, so the walk cannot overflow the stack).
 */
const WRITE_CHECK_LIMITS = resolveLimits({
  maxDepth: MAX_DEPTH_CEILING,
  maxAttributes: Number.MAX_SAFE_INTEGER,
  maxKeyLength: Number.MAX_SAFE_INTEGER,
  maxStringLength: Number.MAX_SAFE_INTEGER,
  maxBytesLength: Number.MAX_SAFE_INTEGER,
});

/** Fails unless `bytes` is exactly one well-formed CBOR item. */
function checkOneItem(bytes: Uint8Array, path: string): void {
  const reader = new CborReader(bytes, new DecodeBudget(WRITE_CHECK_LIMITS), 0);
  try {
    reader.skip(1);
    reader.expectEnd();
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new EnvelopeError(
      "invalid_value",
      `an unknown value is not one well-formed CBOR item: ${detail}`,
      { path },
      { cause },
    );
  }
}

/**
 * Writes the unknown entries of one message map in their place among the
 * known keys. Known keys of the contract are 1..7, each encoded as the single
 * byte 0x01..0x07, so an unknown entry sorts before known key `k` exactly
 * when its first encoded byte is below `k` (the same first byte would be key
 * `k` itself, which {@link prepareUnknown} rejects).
 */
export class UnknownCursor {
  private i = 0;
  constructor(
    private readonly entries: PreparedEntry[],
    private readonly deterministic: boolean,
  ) {}

  /** Writes the entries that sort before known key `k` (deterministic profile only). */
  before(w: CborWriter, k: number): void {
    if (!this.deterministic) return;
    const entries = this.entries;
    while (
      this.i < entries.length &&
      // Stryker disable next-line EqualityOperator: the first byte is never k itself (a known key, refused)
      entries[this.i]!.key[0]! < k
    )
      this.write(w, entries[this.i++]!);
  }

  /** Writes the entries not written yet. */
  rest(w: CborWriter): void {
    const entries = this.entries;
    while (this.i < entries.length) this.write(w, entries[this.i++]!);
  }

  private write(w: CborWriter, entry: PreparedEntry): void {
    w.raw(entry.key);
    w.raw(entry.value);
  }
}
