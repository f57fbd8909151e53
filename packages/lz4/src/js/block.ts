/**
 * The LZ4 block format in JavaScript (lz4_Block_format.md): a greedy
 * compressor with a 4096-entry hash table (the reference lz4's fast level:
 * the same hash, the same step-up over incompressible data, matches extended
 * backwards), and one bounds-checked reader that measures a block (the first
 * pass on every platform) or decodes it (where no native decoder is loaded,
 * and for small blocks). Differential-tested against lz4-napi.
 */
const MIN_MATCH = 4;
const LAST_LITERALS = 5; // the last 5 bytes are always literals
const MF_LIMIT = 12; // no match may start within the last 12 bytes
const HASH_LOG = 12;
const MAX_OFFSET = 65535;
/** After 2^SKIP_TRIGGER misses in a row the search steps 2 bytes, then 3...: incompressible data goes fast. */
const SKIP_TRIGGER = 6;
/** Copies up to this long are faster byte by byte than through subarray/copyWithin. */
const SHORT_COPY = 32;
/** Table values are kept below this; past it, the table is cleared once. */
const MAX_TABLE_VALUE = 0x7fff0000;

function read32(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
}

function hash(v: number): number {
  return Math.imul(v, 2654435761) >>> (32 - HASH_LOG);
}

/** Worst-case compressed size of a block of `n` bytes. */
export function compressBound(n: number): number {
  return n + Math.floor(n / 255) + 16;
}

/**
 * Compresses blocks, keeping its hash table between calls without clearing
 * it: positions are stored shifted past every earlier block's, so an entry
 * from an earlier block reads as stale and is never used. The output for a
 * block is therefore the same whatever was compressed before.
 */
export class BlockCompressor {
  private readonly table = new Int32Array(1 << HASH_LOG);
  /** Every value in the table is at most this; the current block's are above it. */
  private used = 0;

  /**
   * Compresses `src[start, end)` as one independent LZ4 block into `dst` at
   * `at` (room for {@link compressBound} bytes); returns the end of the block.
   */
  compress(src: Uint8Array, start: number, end: number, dst: Uint8Array, at: number): number {
    if (this.used > MAX_TABLE_VALUE - (end - start)) {
      this.table.fill(0);
      this.used = 0;
    }
    const table = this.table;
    const floor = this.used;
    // Stored value = position + shift: above `floor` for this block only.
    const shift = floor + 1 - start;
    this.used = floor + (end - start);
    let op = at;
    let anchor = start;
    let ip = start;
    const matchLimit = end - LAST_LITERALS;
    const searchLimit = end - MF_LIMIT;
    let misses = 1 << SKIP_TRIGGER;
    while (ip < searchLimit) {
      const seq = read32(src, ip);
      const h = hash(seq);
      const stored = table[h]!;
      table[h] = ip + shift;
      let ref = stored - shift;
      if (stored <= floor || ip - ref > MAX_OFFSET || read32(src, ref) !== seq) {
        ip += misses++ >> SKIP_TRIGGER;
        continue;
      }
      misses = 1 << SKIP_TRIGGER;
      // Extend backwards over literals not yet written, then forwards.
      let from = ip;
      while (from > anchor && ref > start && src[from - 1] === src[ref - 1]) {
        from--;
        ref--;
      }
      let e = ip + MIN_MATCH;
      let r = ref + (e - from);
      while (e + 4 <= matchLimit && read32(src, e) === read32(src, r)) {
        e += 4;
        r += 4;
      }
      while (e < matchLimit && src[e] === src[r]) {
        e++;
        r++;
      }
      op = writeSequence(src, anchor, from - anchor, from - ref, e - from, dst, op);
      ip = anchor = e;
      // The position just before the match end seeds the next search, as lz4 does.
      if (e - 2 < searchLimit) table[hash(read32(src, e - 2))] = e - 2 + shift;
    }
    return writeLiterals(src, anchor, end - anchor, dst, op);
  }
}

function writeLength(dst: Uint8Array, op: number, extra: number): number {
  while (extra >= 255) {
    dst[op++] = 255;
    extra -= 255;
  }
  dst[op++] = extra;
  return op;
}

/** Copies `length` bytes: a subarray costs more than copying a few bytes one by one. */
function copyLiterals(src: Uint8Array, from: number, length: number, dst: Uint8Array, op: number) {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: either copy gives the same bytes; only the cost differs
  if (length > SHORT_COPY) {
    dst.set(src.subarray(from, from + length), op);
  } else {
    // Stryker disable next-line EqualityOperator: one byte more is written where the next field goes, and overwritten by it
    for (let i = 0; i < length; i++) dst[op + i] = src[from + i]!;
  }
}

function writeSequence(
  src: Uint8Array,
  lit: number,
  litLen: number,
  offset: number,
  matchLen: number,
  dst: Uint8Array,
  op: number,
): number {
  const token = op++;
  const ml = matchLen - MIN_MATCH;
  dst[token] = (Math.min(litLen, 15) << 4) | Math.min(ml, 15);
  if (litLen >= 15) op = writeLength(dst, op, litLen - 15);
  copyLiterals(src, lit, litLen, dst, op);
  op += litLen;
  dst[op++] = offset & 0xff;
  dst[op++] = offset >>> 8;
  if (ml >= 15) op = writeLength(dst, op, ml - 15);
  return op;
}

function writeLiterals(
  src: Uint8Array,
  lit: number,
  litLen: number,
  dst: Uint8Array,
  op: number,
): number {
  const token = op++;
  dst[token] = Math.min(litLen, 15) << 4;
  if (litLen >= 15) op = writeLength(dst, op, litLen - 15);
  copyLiterals(src, lit, litLen, dst, op);
  return op + litLen;
}

/**
 * Reads the LZ4 block `src[start, end)`: decodes it into `dst` from `at`
 * when `dst` is given, else only measures it, reading its sequence headers
 * and writing nothing (the first pass of ../decompress.ts). Matches may reach
 * back to `windowStart` (the block's own start for independent blocks, the
 * frame's output start for linked ones); when measuring, `at` stands for the
 * output before the block and `windowStart` for where that output began.
 *
 * Returns the end of the output; -1 when the block is malformed (a length
 * past its end, an offset of 0 or before the window, no final literals-only
 * sequence); a value over `limit` as soon as the output would pass it, before
 * anything past it is written, so a bomb is refused after reading no more of
 * it than it takes to pass the limit.
 */
export function decodeBlock(
  src: Uint8Array,
  start: number,
  end: number,
  dst: Uint8Array | undefined,
  at: number,
  windowStart: number,
  limit: number,
): number {
  let ip = start;
  let op = at;
  while (ip < end) {
    const token = src[ip++]!;
    let litLen = token >>> 4;
    if (litLen === 15) {
      let b: number;
      do {
        // Stryker disable next-line ConditionalExpression,EqualityOperator: a length read past the block's end puts ip past it, refused by the next check
        if (ip >= end) return -1;
        b = src[ip++]!;
        litLen += b;
      } while (b === 255);
    }
    if (ip + litLen > end) return -1;
    if (op + litLen > limit) return op + litLen;
    if (dst !== undefined) copyLiterals(src, ip, litLen, dst, op);
    ip += litLen;
    op += litLen;
    if (ip === end) return op; // the last sequence has literals only
    if (ip + 2 > end) return -1;
    const offset = src[ip]! | (src[ip + 1]! << 8);
    ip += 2;
    if (offset === 0 || offset > op - windowStart) return -1;
    let matchLen = (token & 15) + MIN_MATCH;
    if ((token & 15) === 15) {
      let b: number;
      do {
        if (ip >= end) return -1;
        b = src[ip++]!;
        matchLen += b;
      } while (b === 255);
    }
    if (op + matchLen > limit) return op + matchLen;
    if (dst === undefined) {
      op += matchLen;
      continue;
    }
    let from = op - offset;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: copyWithin where the match does not overlap, else byte by byte: the same bytes either way
    if (offset >= matchLen && matchLen > SHORT_COPY) {
      dst.copyWithin(op, from, from + matchLen);
      op += matchLen;
    } else {
      // Byte by byte, an overlapping match repeats its pattern as LZ4 means.
      for (const stop = op + matchLen; op < stop; ) dst[op++] = dst[from++]!;
    }
  }
  return -1; // a block must end with a literals-only sequence
}
