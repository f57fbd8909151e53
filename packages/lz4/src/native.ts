/**
 * The native LZ4 block decoder, where the platform has one. This file is the
 * portable answer (none): package.json maps `#native` to it everywhere but
 * under the `node` condition, where native-node.ts loads lz4-napi.
 */

/** A native LZ4 block decoder. */
export interface NativeLz4 {
  /**
   * Decodes the compressed LZ4 block `block`, which the first pass measured
   * at exactly `size` output bytes; `dict` is the output before it that
   * matches may reach (linked blocks). Throws when the block is malformed.
   */
  decodeBlock(block: Uint8Array, size: number, dict: Uint8Array | undefined): Uint8Array;
}

/** No native decoder outside Node. */
// Stryker disable next-line BlockStatement: an empty body answers undefined as well
export function loadNative(): NativeLz4 | undefined {
  return undefined;
}
