/**
 * Scratch typed arrays shared by the reader and the writer (both run
 * synchronously, so one set serves every call).
 *
 * - Doubles: protobuf's are little-endian; the host's Float64Array may not be.
 * - 64-bit integers: a bigint is split into, or made from, two 32-bit halves
 *   through a BigInt64Array element. In V8 that is about 10x cheaper than
 *   `Number(v)` and 3x cheaper than `BigInt(hi * 2 ** 32 + lo)`, both runtime
 *   calls. Storing wraps modulo 2^64, as protobuf does.
 */

/** Byte order of the host's typed arrays. */
export const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export const F64 = new Float64Array(1);
export const F64_BYTES = new Uint8Array(F64.buffer);

export const I64 = new BigInt64Array(1);
export const U64 = new BigUint64Array(I64.buffer);
/** The two 32-bit halves of `I64[0]` / `U64[0]`: `W32[LO]` and `W32[HI]`. */
export const W32 = new Uint32Array(I64.buffer);
export const LO = HOST_LE ? 0 : 1;
// Stryker disable next-line ArithmeticOperator: LO is 0 on a little-endian host, where 1 + LO is 1 - LO
export const HI = 1 - LO;
