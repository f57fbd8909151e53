/**
 * The LZ4 block format in JavaScript (lz4_Block_format.md): a greedy
 * compressor with a 4096-entry hash table, and one bounds-checked reader
 * that measures a block (every platform's first pass) or decodes it (where
 * no native decoder is loaded, and for small blocks). Differential-tested
 * against lz4-napi.
 */
const MIN_MATCH = 4;
const LAST_LITERALS = 5; // the last 5 bytes are always literals
const MF_LIMIT = 12; // no match may start within the last 12 bytes
const HASH_LOG = 12;
const MAX_OFFSET = 65535;
/** Copies up to this long are faster byte by byte than through subarray/copyWithin. */
const SHORT_COPY = 32;

function read32(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
}

function hash(v: number): number {
  return Math.imul(v, 2654435761) >>> (32 - HASH_LOG);
}

/** Worst-case compressed size of `n` bytes. */
export function compressBound(n: number): number {
  return n + Math.floor(n / 255) + 16;
}

/**
 * Compresses `src[start, end)` as one LZ4 block into `dst` at `at`; returns
 * the end of the written block. `table` is scratch state (Int32Array(4096)).
 */
export function compressBlock(
  src: Uint8Array,
  start: number,
  end: number,
  dst: Uint8Array,
  at: number,
  table: Int32Array,
): number {
  table.fill(-1);
  let op = at;
  let anchor = start;
  let ip = start;
  const matchLimit = end - LAST_LITERALS;
  const searchLimit = end - MF_LIMIT;
  while (ip < searchLimit) {
    const seq = read32(src, ip);
    const h = hash(seq);
    const ref = table[h]!;
    table[h] = ip;
    if (ref < start || ip - ref > MAX_OFFSET || read32(src, ref) !== seq) {
      ip++;
      continue;
    }
    // Extend the match forwards.
    let len = MIN_MATCH;
    while (ip + len < matchLimit && src[ip + len] === src[ref + len]) len++;
    op = writeSequence(src, anchor, ip - anchor, ip - ref, len, dst, op);
    ip += len;
    anchor = ip;
  }
  // The last literals.
  return writeLiterals(src, anchor, end - anchor, dst, op);
}

function writeLength(dst: Uint8Array, op: number, extra: number): number {
  while (extra >= 255) {
    dst[op++] = 255;
    extra -= 255;
  }
  dst[op++] = extra;
  return op;
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
  dst[token] = ((litLen >= 15 ? 15 : litLen) << 4) | (ml >= 15 ? 15 : ml);
  if (litLen >= 15) op = writeLength(dst, op, litLen - 15);
  dst.set(src.subarray(lit, lit + litLen), op);
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
  dst[token] = (litLen >= 15 ? 15 : litLen) << 4;
  if (litLen >= 15) op = writeLength(dst, op, litLen - 15);
  dst.set(src.subarray(lit, lit + litLen), op);
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
        if (ip >= end) return -1;
        b = src[ip++]!;
        litLen += b;
      } while (b === 255);
    }
    if (ip + litLen > end) return -1;
    if (op + litLen > limit) return op + litLen;
    if (dst === undefined) {
      ip += litLen;
      op += litLen;
    } else if (litLen > SHORT_COPY) {
      dst.set(src.subarray(ip, ip + litLen), op);
      ip += litLen;
      op += litLen;
    } else {
      // A subarray costs more than copying a few bytes one by one.
      for (const stop = ip + litLen; ip < stop; ) dst[op++] = src[ip++]!;
    }
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
