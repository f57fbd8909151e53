/**
 * The standard LZ4 frame format written in JavaScript, on top of block.ts
 * and xxh32.ts: version 01, independent 64 KiB blocks, no checksums, blocks
 * that do not shrink stored uncompressed. Reading is ../decompress.ts.
 */
import { compressBlock, compressBound } from "./block.js";
import { xxh32 } from "./xxh32.js";

const BLOCK = 65536;
const FLG = 0x60; // version 01, independent blocks
const BD = 0x40; // 64 KiB block maximum
const HC = (xxh32(new Uint8Array([FLG, BD])) >>> 8) & 0xff;

function put32(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = (v >>> 24) & 0xff;
}

/** A JavaScript LZ4 frame writer with its own scratch state. */
export class JsLz4 {
  private readonly table = new Int32Array(4096);

  /** One LZ4 frame holding `src`. */
  compress(src: Uint8Array): Uint8Array {
    const blocks = Math.max(1, Math.ceil(src.length / BLOCK));
    const out = new Uint8Array(7 + blocks * (4 + compressBound(BLOCK)) + 4);
    out.set([0x04, 0x22, 0x4d, 0x18, FLG, BD, HC]);
    let op = 7;
    for (let start = 0; start < src.length; start += BLOCK) {
      const end = Math.min(start + BLOCK, src.length);
      const blockEnd = compressBlock(src, start, end, out, op + 4, this.table);
      const size = blockEnd - op - 4;
      if (size >= end - start) {
        put32(out, op, (end - start) | 0x80000000);
        out.set(src.subarray(start, end), op + 4);
        op += 4 + (end - start);
      } else {
        put32(out, op, size);
        op = blockEnd;
      }
    }
    put32(out, op, 0); // end mark
    return out.slice(0, op + 4);
  }
}
