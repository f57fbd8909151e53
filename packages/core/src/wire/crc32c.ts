/**
 * CRC-32C (Castagnoli): polynomial 0x1EDC6F41, reflected 0x82F63B78, initial
 * value and final XOR 0xFFFFFFFF. Used by the frame (docs/spec.md, "Frame").
 */
const TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/**
 * Continues a CRC-32C over `bytes[start, end)`. Start with `crc = 0`;
 * the result is the finished CRC of everything fed so far.
 */
export function crc32c(bytes: Uint8Array, crc = 0, start = 0, end = bytes.length): number {
  let c = ~crc;
  for (let i = start; i < end; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * The CRC-32C of `A` followed by `B`, from the CRC of each and the length of
 * `B` (zlib's `crc32_combine`). Because the CRC is linear, this also gives the
 * CRC of `B` alone from the CRCs of `A` and of `A` followed by `B`: a stream
 * reader keeps one running CRC and reads the content checksum of any frame
 * in it without going over the same bytes again.
 */
export function crc32cCombine(crcA: number, crcB: number, lengthB: number): number {
  return (shift(crcA, lengthB) ^ crcB) >>> 0;
}

const POLY = 0x82f63b78;

/** `a * b` modulo the CRC-32C polynomial, bit-reflected (x^0 is the top bit). */
function multiply(a: number, b: number): number {
  let product = 0;
  let m = b;
  for (let bit = 0x80000000; bit !== 0; bit >>>= 1) {
    if ((a & bit) !== 0) product ^= m;
    m = m & 1 ? (m >>> 1) ^ POLY : m >>> 1;
  }
  return product >>> 0;
}

/**
 * `SHIFTS[k]`: four 256-entry tables that multiply a CRC by x^(8 * 2^k),
 * i.e. append 2^k zero bytes to what it covers; built on first use.
 */
const SHIFTS: Uint32Array[] = [];
/** x^(8 * 2^k) modulo the polynomial, for each k built so far. */
const POWERS: number[] = [];

function shiftTable(k: number): Uint32Array {
  let table = SHIFTS[k];
  if (table !== undefined) return table;
  if (POWERS.length === 0) {
    let x8 = 0x40000000; // x^1
    for (let i = 0; i < 3; i++) x8 = multiply(x8, x8); // x^8
    POWERS.push(x8);
  }
  while (POWERS.length <= k) {
    const last = POWERS[POWERS.length - 1]!;
    POWERS.push(multiply(last, last));
  }
  table = new Uint32Array(1024);
  for (let byte = 0; byte < 4; byte++) {
    const row = byte * 256;
    for (let bit = 0; bit < 8; bit++) {
      table[row + (1 << bit)] = multiply(POWERS[k]!, (1 << (byte * 8 + bit)) >>> 0);
    }
    for (let v = 3; v < 256; v++) {
      const low = v & -v;
      if (low !== v) table[row + v] = table[row + low]! ^ table[row + (v ^ low)]!;
    }
  }
  SHIFTS[k] = table;
  return table;
}

/** `crc` times x^(8n) modulo the polynomial: what the CRC of `A` contributes to the CRC of `A` followed by `n` more bytes. */
function shift(crc: number, n: number): number {
  // Bit k of n applies SHIFTS[k]; lengths of 2^32 bytes and more come only with raised limits.
  let value = applyBits(crc >>> 0, n >>> 0, 0);
  const high = Math.floor(n / 0x100000000);
  if (high > 0) value = applyBits(value, high, 32);
  return value;
}

/** Applies SHIFTS[from + k] for each bit k set in the 32-bit `bits`. */
function applyBits(crc: number, bits: number, from: number): number {
  let value = crc;
  for (let k = from, rest = bits; rest !== 0 && value !== 0; k++, rest >>>= 1) {
    if ((rest & 1) === 0) continue;
    const t = SHIFTS[k] ?? shiftTable(k);
    value =
      (t[value & 0xff]! ^
        t[256 + ((value >>> 8) & 0xff)]! ^
        t[512 + ((value >>> 16) & 0xff)]! ^
        t[768 + (value >>> 24)]!) >>>
      0;
  }
  return value;
}
