/**
 * The standard LZ4 frame format written and read in JavaScript, on top of
 * block.ts and xxh32.ts. Frames written here: version 01, independent 64 KiB
 * blocks, no checksums, blocks that do not shrink stored uncompressed.
 * Frames read here: anything the structural walker (../wire/lz4-frame.ts)
 * accepted, with header, block and content checksums verified.
 */
import { EnvelopeError } from "@envelope/core";
import type { Lz4Scan } from "../wire/lz4-frame.js";
import { compressBlock, compressBound, decompressBlock } from "./block.js";
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

function get32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** A JavaScript LZ4 frame writer/reader with its own scratch state. */
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

  /**
   * Decompresses the frames `scan` found in `bytes` into a buffer of at most
   * `capacity` bytes. Throws `invalid_lz4` for a bad checksum or block.
   */
  decompress(bytes: Uint8Array, scan: Lz4Scan, capacity: number, base: number): Uint8Array {
    const out = new Uint8Array(capacity);
    let op = 0;
    for (const frame of scan.frames) {
      let p = frame.start + 4;
      const flg = bytes[p]!;
      const descriptorLength = 2 + (flg & 0x08 ? 8 : 0) + (flg & 0x01 ? 4 : 0);
      if (((xxh32(bytes, p, p + descriptorLength) >>> 8) & 0xff) !== bytes[p + descriptorLength]) {
        throw new EnvelopeError("invalid_lz4", "LZ4 frame header checksum does not match", {
          offset: base + frame.start,
        });
      }
      const independent = (flg & 0x20) !== 0;
      const blockChecksum = (flg & 0x10) !== 0;
      const contentChecksum = (flg & 0x04) !== 0;
      p += descriptorLength + 1;
      const frameStart = op;
      for (;;) {
        const word = get32(bytes, p);
        p += 4;
        if (word === 0) break;
        const size = word & 0x7fffffff;
        if (blockChecksum && xxh32(bytes, p, p + size) !== get32(bytes, p + size)) {
          throw new EnvelopeError("invalid_lz4", "LZ4 block checksum does not match", {
            offset: base + p - 4,
          });
        }
        if (word & 0x80000000) {
          if (op + size > capacity) throw tooLong(base + p);
          out.set(bytes.subarray(p, p + size), op);
          op += size;
        } else {
          const next = decompressBlock(
            bytes,
            p,
            p + size,
            out,
            op,
            independent ? op : frameStart,
            capacity,
          );
          if (next < 0)
            throw new EnvelopeError("invalid_lz4", "LZ4 data is corrupt (bad block)", {
              offset: base + p - 4,
            });
          op = next;
        }
        p += size + (blockChecksum ? 4 : 0);
      }
      if (frame.contentSize !== undefined && op - frameStart !== frame.contentSize) {
        throw new EnvelopeError(
          "invalid_lz4",
          `LZ4 frame declares ${frame.contentSize} bytes of content but holds ${op - frameStart}`,
          { offset: base + frame.start },
        );
      }
      if (contentChecksum && xxh32(out, frameStart, op) !== get32(bytes, p)) {
        throw new EnvelopeError("invalid_lz4", "LZ4 content checksum does not match", {
          offset: base + p,
        });
      }
    }
    return out.subarray(0, op);
  }
}

function tooLong(offset: number): EnvelopeError {
  return new EnvelopeError("invalid_lz4", "LZ4 data decompresses to more than declared", {
    offset,
  });
}
