/**
 * fast-check arbitraries for hostile inputs: random bytes, and mutations of
 * real fixtures (bit flips, truncation, splices, repeated regions, tampered
 * frame lengths with or without a re-computed prefix checksum).
 */
import { crc32c } from "@envelope/core";
import fc from "fast-check";

type Mutation = (b: Uint8Array) => Uint8Array;

const flip = fc
  .array(fc.tuple(fc.nat(), fc.nat(7)), { minLength: 1, maxLength: 8 })
  .map<Mutation>((flips) => (b) => {
    const out = Uint8Array.from(b);
    for (const [at, bit] of flips) if (out.length > 0) out[at % out.length]! ^= 1 << bit;
    return out;
  });
const truncate = fc
  .nat()
  .map<Mutation>((n) => (b) => b.subarray(0, b.length === 0 ? 0 : n % b.length));
const splice = fc
  .tuple(fc.nat(), fc.uint8Array({ maxLength: 16 }))
  .map<Mutation>(([at, insert]) => (b) => {
    const i = b.length === 0 ? 0 : at % b.length;
    return Uint8Array.from([...b.subarray(0, i), ...insert, ...b.subarray(i)]);
  });
const repeat = fc.tuple(fc.nat(), fc.nat(64)).map<Mutation>(([at, length]) => (b) => {
  const i = b.length === 0 ? 0 : at % b.length;
  const part = b.subarray(i, i + length);
  return Uint8Array.from([...b.subarray(0, i), ...part, ...part, ...b.subarray(i + part.length)]);
});
/** Rewrites a frame length (header, body, raw body) and, half the time, fixes the prefix checksum. */
const tamperLength = fc
  .tuple(fc.constantFrom(8, 12, 16), fc.oneof(fc.nat(0xffffffff), fc.nat(4096)), fc.boolean())
  .map<Mutation>(([at, value, fixCrc]) => (b) => {
    if (b.length < 24) return b;
    const out = Uint8Array.from(b);
    const view = new DataView(out.buffer);
    view.setUint32(at, value, true);
    if (fixCrc) view.setUint32(20, crc32c(out, 0, 0, 20), true);
    return out;
  });

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  flip,
  truncate,
  splice,
  repeat,
  tamperLength,
);

/** Random bytes, or a fixture after one to three mutations. */
export function hostileInput(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 256 }) },
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.nat(seeds.length - 1), fc.array(mutation, { minLength: 1, maxLength: 3 }))
        .map(([i, ms]) => ms.reduce((b, m) => m(b), seeds[i]!)),
    },
  );
}
