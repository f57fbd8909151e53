// Hand-built LZ4 frames (lz4_Frame_format.md, lz4_Block_format.md) for tests
// and hostile-input cases: valid frames no writer at hand produces (thousands
// of small linked blocks, as streaming writers that flush often write) and
// invalid ones (bombs, forged sizes). Every block keeps the format's end
// rules (the last 5 bytes are literals, no match starts in the last 12), so
// strict decoders read the valid ones too.
import { xxh32 } from "@envelope/lz4";

/** Little-endian u32. */
function u32(value) {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24];
}

/** An LZ4 length: the 4-bit field value and the extension bytes after it. */
function lengthBytes(length) {
  if (length < 15) return { field: length, extra: [] };
  const extra = [];
  let rest = length - 15;
  while (rest >= 255) {
    extra.push(255);
    rest -= 255;
  }
  extra.push(rest);
  return { field: 15, extra };
}

/**
 * One LZ4 sequence: `literals`, then (unless `match` is omitted, for the last
 * sequence) a match of `match.length` bytes (at least 4) `match.offset` back.
 */
export function sequence(literals, match) {
  const lit = lengthBytes(literals.length);
  if (match === undefined) return [(lit.field << 4) | 0, ...lit.extra, ...literals];
  const ml = lengthBytes(match.length - 4);
  return [
    (lit.field << 4) | ml.field,
    ...lit.extra,
    ...literals,
    match.offset & 0xff,
    match.offset >>> 8,
    ...ml.extra,
  ];
}

/**
 * A compressed block that expands to exactly `size` bytes (at least 11):
 * one literal, a match that repeats it, and 5 final literals. About 255
 * output bytes per block byte: the bomb's building block.
 */
export function bombBlock(size) {
  const five = [1, 2, 3, 4, 5];
  return Uint8Array.from([...sequence([120], { offset: 1, length: size - 6 }), ...sequence(five)]);
}

/**
 * A frame of `blocks` (compressed block data, or `{ stored: bytes }` for a
 * block stored uncompressed). Options: `linked` (blocks may reach into
 * earlier blocks), `blockMaxCode` (4..7: 64 KiB..4 MiB), `contentSize` (a
 * declared size, true or forged), `blockChecksums`, `content` (the
 * decompressed bytes, to append their content checksum).
 */
export function lz4Frame(blocks, options = {}) {
  const flg =
    0x40 |
    (options.linked ? 0 : 0x20) |
    (options.blockChecksums ? 0x10 : 0) |
    (options.contentSize !== undefined ? 0x08 : 0) |
    (options.content !== undefined ? 0x04 : 0);
  const descriptor = [flg, (options.blockMaxCode ?? 4) << 4];
  if (options.contentSize !== undefined) {
    const size = options.contentSize;
    descriptor.push(...u32(size % 2 ** 32), ...u32(Math.floor(size / 2 ** 32)));
  }
  const parts = [
    [0x04, 0x22, 0x4d, 0x18, ...descriptor, (xxh32(Uint8Array.from(descriptor)) >>> 8) & 0xff],
  ];
  for (const block of blocks) {
    const stored = block instanceof Uint8Array ? undefined : block.stored;
    const data = stored ?? block;
    parts.push(u32((data.length | (stored ? 0x80000000 : 0)) >>> 0), data);
    if (options.blockChecksums) parts.push(u32(xxh32(data)));
  }
  parts.push(u32(0));
  if (options.content !== undefined) parts.push(u32(xxh32(options.content)));
  return concat(...parts);
}

/** The parts (byte arrays or plain arrays of bytes) one after another. */
export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * A frame of `count` copies of one compressed block (see {@link lz4Frame}
 * for `options`), built directly: an array of a million blocks is large.
 */
export function repeatBlocks(block, count, options = {}) {
  const one = lz4Frame([block], options);
  const header = one.length - block.length - 8; // before the block's size word; after it, the end mark
  const out = new Uint8Array(header + (4 + block.length) * count + 4);
  out.set(one.subarray(0, header + 4 + block.length));
  for (let i = 1; i < count; i++) {
    out.set(one.subarray(header, header + 4 + block.length), header + i * (4 + block.length));
  }
  return out;
}

/** Deterministic pseudo-random bytes (xorshift32). */
export function noise(length, seed = 1) {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * What a streaming writer that flushes every record writes: one frame of
 * `count` linked blocks of `recordSize` output bytes each. Every block after
 * the first holds `fresh` new bytes and repeats the rest from the block
 * before it, so it compresses to a little over `fresh` bytes. Returns the
 * frame and the bytes it decompresses to.
 */
export function streamingFrame(count, recordSize = 1024, fresh = 800) {
  const content = new Uint8Array(count * recordSize);
  const blocks = [];
  const first = noise(recordSize, 7);
  content.set(first, 0);
  blocks.push(Uint8Array.from(sequence([...first])));
  for (let i = 1; i < count; i++) {
    const start = i * recordSize;
    const head = noise(fresh, i + 7);
    const tail = noise(5, i + 100_000);
    const repeated = recordSize - fresh - 5;
    content.set(head, start);
    content.copyWithin(
      start + fresh,
      start + fresh - recordSize,
      start + fresh - recordSize + repeated,
    );
    content.set(tail, start + recordSize - 5);
    blocks.push(
      Uint8Array.from([
        ...sequence([...head], { offset: recordSize, length: repeated }),
        ...sequence([...tail]),
      ]),
    );
  }
  return { frame: lz4Frame(blocks, { linked: true, content }), content };
}
