// LZ4 inputs built to exhaust memory or time (docs/security.md, "LZ4"), and
// the valid input that bound-by-worst-case checks used to refuse.
import { DEFAULT_LIMITS, FRAME_PREFIX_SIZE, readFramePrefix, writeFrame } from "@envelope/core";
import { compress, decompress } from "@envelope/lz4";
import { createEnvelope, decode, encode } from "@envelope/sdk";
import {
  bombBlock,
  lz4Frame,
  noise,
  repeatBlocks,
  streamingFrame,
} from "../../support/lz4-frames.mjs";

const MiB = 1024 * 1024;

/** 267 blocks of 4 MiB each (1.1 GB) behind a content size of 1,000 bytes: 4.4 MB. */
const declaredSmall = () =>
  repeatBlocks(bombBlock(4 * MiB), 267, { blockMaxCode: 7, contentSize: 1000 });
/** 16,384 blocks of 64 KiB each (1 GiB), no content size: 4.4 MB. */
const undeclared = () => repeatBlocks(bombBlock(65536), 16384, {});

/**
 * The peer: a valid frame of about `size` bytes as producers write them,
 * envelope-like text that LZ4 shrinks about 3.4 times. (Against a frame of
 * stored blocks, whose decoding is one copy, every other input costs more.)
 */
function validFrame(size) {
  const records = [];
  let raw = 0;
  for (let i = 0; raw < size * 3.4; i++) {
    const record = `{"service":"checkout-${i % 17}","attr_${i % 301}":"value ${(i * 2654435761) >>> 12}","n":${i}}\n`;
    records.push(record);
    raw += record.length;
  }
  return compress(new TextEncoder().encode(records.join("")));
}

/** An envelope frame (protobuf) whose body section is `body`, declaring `rawLength` after LZ4. */
function envelopeWithBody(body, rawLength) {
  const plain = encode(
    createEnvelope({
      schema: { type: "t", subtype: "s", version: "1.0.0" },
      resource: { serviceName: "x" },
    }),
  );
  const frame = readFramePrefix(plain, 0, DEFAULT_LIMITS);
  const header = plain.subarray(FRAME_PREFIX_SIZE, FRAME_PREFIX_SIZE + frame.headerLength);
  return writeFrame({ codecId: 1, compression: "lz4", header, body, bodyRawLength: rawLength });
}

/** A valid LZ4-compressed envelope frame of about 4.4 MB (a bytes attribute of noise). */
function validEnvelope() {
  const envelope = createEnvelope({
    schema: { type: "t", subtype: "s", version: "1.0.0" },
    resource: { serviceName: "x" },
    attributes: { blob: noise(4_400_000, 5) },
  });
  return encode(envelope, { compression: "lz4", compressMinSize: 0 });
}

/**
 * The promise: a decode costs at most the limit plus a constant. The heap cap
 * of the child does not cover buffers outside the heap, so the peak RSS is
 * checked here: a run that grew it by more fails, whatever it threw.
 */
const BOUND = 64 * MiB + 32 * MiB;
function withinMemory(run) {
  const before = process.resourceUsage().maxRSS * 1024;
  try {
    return run();
  } finally {
    const grown = process.resourceUsage().maxRSS * 1024 - before;
    // biome-ignore lint/correctness/noUnsafeFinally: a run over the bound fails whatever it threw
    if (grown > BOUND) throw new Error(`the run grew peak RSS by ${Math.round(grown / MiB)} MiB`);
  }
}

const summary = (bytes) => ({ bytes: bytes.length });
const decoded = (envelope) => ({ attributes: envelope.body.attributes.size });

export const cases = [
  {
    name: "lz4: bomb declaring 1,000 bytes of content, 1.1 GB of blocks (decompress)",
    build: declaredSmall,
    run: (input) => withinMemory(() => summary(decompress(input))),
    expect: { code: "invalid_lz4" },
    peer: () => validFrame(4_400_000),
  },
  {
    name: "lz4: bomb of 64 KiB blocks expanding to 1 GiB, no content size (decompress)",
    build: undeclared,
    run: (input) => withinMemory(() => summary(decompress(input))),
    expect: { code: "too_large" },
    peer: () => validFrame(4_400_000),
  },
  {
    name: "lz4: bomb body in an envelope frame declaring a 1,000-byte body (decode)",
    build: () => envelopeWithBody(undeclared(), 1000),
    run: (input) => withinMemory(() => decoded(decode(input))),
    expect: { code: "too_large" },
    peer: validEnvelope,
  },
  {
    name: "lz4: bomb body in an envelope frame declaring the 64 MiB limit (decode)",
    build: () => envelopeWithBody(undeclared(), 64 * MiB),
    run: (input) => withinMemory(() => decoded(decode(input))),
    expect: { code: "too_large" },
    peer: validEnvelope,
  },
  {
    name: "lz4: declared-small bomb body in an envelope frame (decode)",
    build: () => envelopeWithBody(declaredSmall(), 1000),
    run: (input) => withinMemory(() => decoded(decode(input))),
    expect: { code: "invalid_lz4" },
    peer: validEnvelope,
  },
  {
    name: "lz4: 4,267 small linked blocks, 3.5 MB decoding to 4.4 MB (decompress)",
    build: () => streamingFrame(4267).frame,
    // The frame carries its content checksum, which the decoder verifies.
    run: (input) => withinMemory(() => summary(decompress(input))),
    expect: { value: { bytes: 4267 * 1024 } },
    peer: () => validFrame(3_500_000),
  },
  {
    name: "lz4: 880,000 empty blocks (decompress)",
    build: () => repeatBlocks(Uint8Array.of(0), 880_000, {}),
    run: (input) => withinMemory(() => summary(decompress(input))),
    expect: { value: { bytes: 0 } },
    peer: () => validFrame(4_400_000),
  },
  {
    name: "lz4: a forged content checksum on 4.4 MB (decompress)",
    build: () => {
      const content = noise(4_400_000, 9);
      return lz4Frame(
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16].map((i) => ({
          stored: content.subarray(i * 262144, (i + 1) * 262144),
        })),
        { blockMaxCode: 5, content: noise(10, 1) },
      );
    },
    run: (input) => withinMemory(() => summary(decompress(input))),
    expect: { code: "invalid_lz4" },
    peer: () => validFrame(4_400_000),
  },
];
