/**
 * IEEE 754 half precision, for reading CBOR floats (major 7, additional
 * information 25) and for the deterministic profile's shortest-float rule
 * (RFC 8949 section 4.2.1 with the preferred serialization of section 4.1).
 */

/** The value of an IEEE 754 binary16 bit pattern. Exact: every half is a double. */
export function float16ToNumber(bits: number): number {
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  let value: number;
  if (exponent === 0) {
    value = mantissa * 2 ** -24; // zero and subnormals
  } else if (exponent === 31) {
    value = mantissa === 0 ? Number.POSITIVE_INFINITY : Number.NaN;
  } else {
    value = (1024 + mantissa) * 2 ** (exponent - 25);
  }
  return bits & 0x8000 ? -value : value;
}

/**
 * The binary16 bit pattern of `float32Bits` when the float32 value converts to
 * half precision without loss, else -1. Infinities convert; NaN is the
 * caller's business (the profile writes every NaN as the canonical 0x7e00).
 */
export function float32BitsToFloat16(float32Bits: number): number {
  const sign = (float32Bits >>> 16) & 0x8000;
  const exponent = (float32Bits >>> 23) & 0xff;
  const mantissa = float32Bits & 0x7fffff;
  // Stryker disable next-line ConditionalExpression,UnaryOperator: the writer never passes NaN here
  if (exponent === 0xff) return mantissa === 0 ? sign | 0x7c00 : -1;
  if (exponent === 0) return mantissa === 0 ? sign : -1; // ±0; float32 subnormals are below half's range
  const e = exponent - 127;
  if (e > 15 || e < -24) return -1;
  // Stryker disable next-line EqualityOperator: at -14 the subnormal formula gives the same bits
  if (e >= -14) {
    // Normal half: 10 mantissa bits, so the low 13 of float32's 23 must be zero.
    if ((mantissa & 0x1fff) !== 0) return -1;
    return sign | ((e + 15) << 10) | (mantissa >> 13);
  }
  // Subnormal half: value = m * 2^-24 with m < 1024, so the full 24-bit
  // significand must have no bits below 2^-24.
  const significand = 0x800000 | mantissa;
  const shift = -e - 1; // 14..23
  if ((significand & ((1 << shift) - 1)) !== 0) return -1;
  return sign | (significand >> shift);
}
