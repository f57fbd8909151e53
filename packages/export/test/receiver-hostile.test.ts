/**
 * The receiver faces untrusted bytes: for damaged batches (bytes flipped,
 * cut short, garbage inserted) it always answers 200 or 400 with a report,
 * and the frames it took and the runs it rejected tile the body exactly,
 * back to back, as the reading rule promises (docs/spec.md, "Streams and
 * resynchronisation").
 */
import { createFetchReceiver, FRAMES_MEDIA_TYPE, type ReceiverReport } from "@envelope/export";
import { encode, type StreamEnvelope } from "@envelope/sdk";
import fc from "fast-check";
import { expect, test, vi } from "vitest";
import { testEnvelope } from "./support.js";

// Hang detection only: loopback servers, retries and deadlines run slower when the whole suite shares two cores.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const frames = [1, 2, 3, 4].map((n, i) => encode(testEnvelope(n), { checksum: i % 2 === 0 }));
const batch = new Uint8Array(frames.reduce((n, f) => n + f.byteLength, 0));
{
  let at = 0;
  for (const f of frames) {
    batch.set(f, at);
    at += f.byteLength;
  }
}

const KNOWN_CODES = new Set([
  "truncated",
  "bad_magic",
  "unsupported_version",
  "unsupported_codec",
  "unsupported_compression",
  "too_large",
  "limit_exceeded",
  "invalid_frame",
  "checksum_mismatch",
  "invalid_id",
  "invalid_utf8",
  "invalid_protobuf",
  "invalid_value",
  "missing_field",
  "invalid_semver",
  "duplicate_key",
]);

/** A damaged copy of the batch. */
const damaged = fc
  .record({
    flips: fc.array(
      fc.record({ at: fc.nat(batch.length - 1), xor: fc.integer({ min: 1, max: 255 }) }),
      {
        maxLength: 4,
      },
    ),
    cut: fc.option(fc.nat(batch.length), { nil: undefined }),
    insert: fc.option(
      fc.record({ at: fc.nat(batch.length), bytes: fc.uint8Array({ maxLength: 40 }) }),
      {
        nil: undefined,
      },
    ),
  })
  .map(({ flips, cut, insert }) => {
    let body = batch.slice();
    for (const { at, xor } of flips) body[at]! ^= xor;
    if (insert !== undefined) {
      const out = new Uint8Array(body.length + insert.bytes.length);
      out.set(body.subarray(0, insert.at));
      out.set(insert.bytes, insert.at);
      out.set(body.subarray(insert.at), insert.at + insert.bytes.length);
      body = out;
    }
    return cut === undefined ? body : body.slice(0, Math.min(cut, body.length));
  });

test("damaged batches: 200 or 400, known codes, and taken frames plus rejected runs tile the body", async () => {
  await fc.assert(
    fc.asyncProperty(damaged, async (body) => {
      let taken: StreamEnvelope[] = [];
      const handle = createFetchReceiver({
        onEnvelopes: (items) => {
          taken = items;
        },
      });
      const response = await handle(
        new Request("http://receiver.test/", {
          method: "POST",
          headers: { "content-type": FRAMES_MEDIA_TYPE },
          body,
        }),
      );
      const report = (await response.json()) as ReceiverReport;
      expect(response.status).toBe(taken.length > 0 || body.length === 0 ? 200 : 400);
      expect(report.accepted).toBe(taken.length);
      const spans = [
        ...taken.map((t) => [t.offset, t.frame.frameLength, "taken"] as const),
        ...report.rejected.map((r) => [r.offset, r.length, r.code] as const),
      ].sort((a, b) => a[0] - b[0]);
      let at = 0;
      for (const [offset, length, what] of spans) {
        expect(offset).toBe(at);
        expect(length).toBeGreaterThan(0);
        if (what !== "taken") expect(KNOWN_CODES.has(what), what).toBe(true);
        at += length;
      }
      expect(at).toBe(body.length);
      // index counts the items before each run.
      for (const run of report.rejected) {
        expect(run.index).toBe(spans.findIndex(([offset]) => offset === run.offset));
      }
    }),
    { numRuns: 300, seed: 16 },
  );
});
