/**
 * lz4-napi's block decoder on Node (the `node` condition of the `#native`
 * import in package.json). lz4-napi is loaded on first use, so a process
 * that never decompresses LZ4 never loads a native addon (nor asks Deno for
 * the permissions one needs). Where it cannot load (no prebuilt binary for
 * the platform, `npm install --omit=optional`, a bundle run away from
 * node_modules, a runtime that refuses addons), `loadNative` answers none and
 * the JavaScript decoder is used: the output is the same either way.
 *
 * Only `uncompressSync` is used: it decodes one raw block into a buffer of
 * the size its 4-byte prefix states, so its output is bounded by what the
 * first pass measured, and (measured with lz4-napi 2.10) the garbage
 * collector frees its results at once, whereas the frame functions' results
 * wait for the event loop to turn.
 */
import { createRequire } from "node:module";
import type { NativeLz4 } from "./native.js";

interface Lz4Napi {
  uncompressSync(data: Uint8Array, dict?: Uint8Array): Uint8Array;
}

/** Loaded once per process: undefined until the first call, null when lz4-napi cannot load. */
let native: NativeLz4 | null | undefined;

function load(): NativeLz4 | null {
  let binding: Lz4Napi;
  try {
    binding = createRequire(import.meta.url)("lz4-napi") as Lz4Napi;
  } catch {
    return null;
  }
  return {
    decodeBlock(block, size, dict) {
      const prefixed = new Uint8Array(4 + block.length);
      prefixed[0] = size & 0xff;
      prefixed[1] = (size >>> 8) & 0xff;
      prefixed[2] = (size >>> 16) & 0xff;
      prefixed[3] = size >>> 24;
      prefixed.set(block, 4);
      return binding.uncompressSync(prefixed, dict);
    },
  };
}

/** lz4-napi's block decoder, or undefined where it cannot load. */
export function loadNative(): NativeLz4 | undefined {
  if (native === undefined) native = load();
  return native ?? undefined;
}
