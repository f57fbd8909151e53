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
