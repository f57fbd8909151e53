/**
 * The standard LZ4 frame format written in JavaScript, on top of block.ts and
 * xxh32.ts: version 01, independent 64 KiB blocks, no content size, blocks
 * that do not shrink stored uncompressed, block and content checksums when
 * asked. The one LZ4 writer on every platform (see ../compress.ts); reading
 * is ../decompress.ts.
 */
import { BlockCompressor, compressBound } from "./block.js";
import { xxh32 } from "./xxh32.js";

const BLOCK = 65536;
const MAGIC = Uint8Array.of(0x04, 0x22, 0x4d, 0x18);
const BD = 0x40; // 64 KiB block maximum
/** Outputs up to this size are written into a scratch buffer kept between calls. */
const SCRATCH_MAX = 1 << 20;

function put32(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = (v >>> 24) & 0xff;
}

/** Options of {@link FrameWriter.write}. */
export interface FrameOptions {
  readonly blockChecksums: boolean;
  readonly contentChecksum: boolean;
}

/**
 * Writes LZ4 frames. Its scratch (hash table, output buffer) never changes
 * what it writes: the bytes depend only on the input and the options.
 */
export class FrameWriter {
  private readonly blocks = new BlockCompressor();
  private scratch = new Uint8Array(0);

  /** One LZ4 frame holding `src`, in a new buffer of its exact size. */
  write(src: Uint8Array, options: FrameOptions): Uint8Array {
    const count = Math.ceil(src.length / BLOCK);
    const trailer = options.blockChecksums ? 4 : 0;
    // Stryker disable next-line ArithmeticOperator: room only; every block has 273 bytes of slack, so a few bytes less or more change nothing written
    const bound = 7 + src.length + count * (4 + trailer + compressBound(BLOCK) - BLOCK) + 4 + 4;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the scratch or a new buffer: the same bytes, at another cost
    const out = bound <= SCRATCH_MAX ? this.scratchOf(bound) : new Uint8Array(bound);
    const flg = 0x60 | (options.blockChecksums ? 0x10 : 0) | (options.contentChecksum ? 0x04 : 0);
    out.set(MAGIC, 0);
    out[4] = flg;
    out[5] = BD;
    out[6] = (xxh32(out, 4, 6) >>> 8) & 0xff;
    let op = 7;
    for (let start = 0; start < src.length; start += BLOCK) {
      const end = Math.min(start + BLOCK, src.length);
      const data = op + 4;
      const blockEnd = this.blocks.compress(src, start, end, out, data);
      let size = blockEnd - data;
      if (size >= end - start) {
        size = end - start;
        put32(out, op, size | 0x80000000);
        out.set(src.subarray(start, end), data);
      } else {
        put32(out, op, size);
      }
      op = data + size;
      if (options.blockChecksums) {
        put32(out, op, xxh32(out, data, op));
        op += 4;
      }
    }
    put32(out, op, 0); // end mark
    op += 4;
    if (options.contentChecksum) {
      put32(out, op, xxh32(src));
      op += 4;
    }
    return out.slice(0, op);
  }

  private scratchOf(size: number): Uint8Array {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: growing it more often changes only the cost
    if (this.scratch.length < size) this.scratch = new Uint8Array(Math.max(size, 4096));
    return this.scratch;
  }
}
