// Hostile streams of frames (docs/spec.md, "Streams and resynchronisation"):
// forged prefixes that declare huge or overlapping frames, and floods of
// magics. Each run reads the whole stream with decodeFrames (or decodeStream)
// and summarises what came out; every intact frame must be recovered and the
// items must cover the input exactly. See ../README.md.
import { crc32c } from "@envelope/core";
import { createEnvelope, decodeFrames, decodeStream, encode } from "@envelope/sdk";

const MiB = 1024 * 1024;

/** A small valid frame (about 100 bytes), different for each `n`. */
function frame(n) {
  return encode(
    createEnvelope({
      schema: { type: "t", subtype: "s", version: "1.0.0" },
      resource: { serviceName: `svc-${n}` },
      attributes: { n: BigInt(n), text: "x".repeat(n % 50) },
    }),
  );
}

function concat(parts) {
  return new Uint8Array(Buffer.concat(parts));
}

/** `count` valid frames back to back. */
function frames(count) {
  return concat(Array.from({ length: count }, (_, i) => frame(i)));
}

/** Valid frames filling about `size` bytes. */
function framesOfSize(size) {
  const parts = [];
  for (let i = 0, n = 0; n < size; i++) {
    const f = frame(i);
    parts.push(f);
    n += f.length;
  }
  return concat(parts);
}

/**
 * Writes a 24-byte prefix at `at` whose prefix checksum verifies: protobuf,
 * no compression, the given flags and section lengths.
 */
function forgePrefix(out, at, { flags = 0, header = 0, body = 0 }) {
  const view = new DataView(out.buffer, out.byteOffset);
  out.set([0x89, 0x45, 0x4e, 0x56, 1, 1, 0, flags], at);
  view.setUint32(at + 8, header, true);
  view.setUint32(at + 12, body, true);
  view.setUint32(at + 16, body, true);
  view.setUint32(at + 20, crc32c(out, 0, at, at + 20), true);
}

/**
 * A chain of forged candidates, one every `step` bytes over the first
 * `size` bytes, each declaring a frame with a content checksum that ends
 * where `end(at)` says (stream offsets); the rest is zeros.
 */
function chain(total, step, count, end, flags = 1) {
  const out = new Uint8Array(total);
  for (let i = 0; i < count; i++) {
    const at = i * step;
    const length = end(at) - at;
    const sections = length - 24 - (flags & 1 ? 4 : 0);
    const header = Math.min(1, sections);
    forgePrefix(out, at, { flags, header, body: sections - header });
  }
  return out;
}

/** What a reader yielded, small enough to compare: counts, the first bad runs, bytes covered. */
function summary(items, input) {
  let frames = 0;
  let badRuns = 0;
  let covered = 0;
  let gapsOrOverlaps = 0;
  const bad = [];
  for (const item of items) {
    const length = item.error === undefined ? item.frame.frameLength : item.length;
    if (item.offset !== covered) gapsOrOverlaps++;
    covered = item.offset + length;
    if (item.error === undefined) {
      frames++;
    } else {
      badRuns++;
      if (bad.length < 3) bad.push([item.offset, item.length, item.error.code]);
    }
  }
  return { frames, badRuns, bad, exact: gapsOrOverlaps === 0 && covered === input.length };
}

const sync = (input) => summary(decodeFrames(input), input);

async function* chunks(bytes, size) {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

const streamed = async (input) => {
  const items = [];
  for await (const item of decodeStream(chunks(input, 64 * 1024))) items.push(item);
  return summary(items, input);
};

const THOUSAND = frames(1000);
const CHAIN_SIZE = 8 * MiB;

export const cases = [
  {
    name: "stream: a forged prefix declaring 8 GiB before 1,000 intact frames",
    build: () => {
      const forged = new Uint8Array(24);
      forgePrefix(forged, 0, { header: 0xffffffff, body: 0xffffffff });
      return concat([forged, THOUSAND]);
    },
    run: sync,
    expect: { value: { frames: 1000, badRuns: 1, bad: [[0, 24, "too_large"]], exact: true } },
    peer: () => frames(1001),
  },
  {
    name: "stream: a forged prefix declaring 60 MiB (within the limit) before 1,000 intact frames, streamed",
    build: () => {
      const forged = new Uint8Array(24);
      forgePrefix(forged, 0, { body: 60 * MiB });
      return concat([forged, THOUSAND]);
    },
    run: streamed,
    expect: { value: { frames: 1000, badRuns: 1, bad: [[0, 24, "truncated"]], exact: true } },
    peer: () => frames(1001),
  },
  {
    name: "stream: 8 MiB of chained forged candidates with content checksums, all ending at the end",
    build: () => chain(CHAIN_SIZE, 24, CHAIN_SIZE / 24 - 8, () => CHAIN_SIZE),
    run: sync,
    expect: {
      value: { frames: 0, badRuns: 1, bad: [[0, CHAIN_SIZE, "checksum_mismatch"]], exact: true },
    },
    peer: () => framesOfSize(CHAIN_SIZE),
  },
  {
    name: "stream: 8 MiB of nested forged candidates with content checksums (each ends before the last)",
    build: () => chain(CHAIN_SIZE, 24, CHAIN_SIZE / 48 - 8, (at) => CHAIN_SIZE - at),
    run: sync,
    expect: {
      value: { frames: 0, badRuns: 1, bad: [[0, CHAIN_SIZE, "checksum_mismatch"]], exact: true },
    },
    peer: () => framesOfSize(CHAIN_SIZE),
  },
  {
    name: "stream: 8 MiB of chained forged candidates without content checksums",
    build: () => chain(CHAIN_SIZE, 24, CHAIN_SIZE / 24 - 8, () => CHAIN_SIZE, 0),
    run: sync,
    expect: {
      value: { frames: 0, badRuns: 1, bad: [[0, CHAIN_SIZE, "truncated"]], exact: true },
    },
    peer: () => framesOfSize(CHAIN_SIZE),
  },
  {
    name: "stream: 8 MiB of 24-byte frames with empty sections (each fails to decode)",
    build: () => chain(CHAIN_SIZE, 24, Math.floor(CHAIN_SIZE / 24), (at) => at + 24, 0),
    run: sync,
    expect: {
      value: { frames: 0, badRuns: 1, bad: [[0, CHAIN_SIZE, "missing_field"]], exact: true },
    },
    peer: () => framesOfSize(CHAIN_SIZE),
  },
  {
    name: "stream: 8 MiB of frame magics whose prefix checksums do not match",
    build: () => {
      const out = new Uint8Array(CHAIN_SIZE);
      for (let at = 0; at < out.length; at += 4) out.set([0x89, 0x45, 0x4e, 0x56], at);
      return out;
    },
    run: sync,
    expect: {
      value: {
        frames: 0,
        badRuns: 1,
        bad: [[0, CHAIN_SIZE, "unsupported_version"]],
        exact: true,
      },
    },
    peer: () => framesOfSize(CHAIN_SIZE),
  },
];
