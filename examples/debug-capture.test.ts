/**
 * Runs examples/debug-capture.ts on a capture with a broken frame in the middle.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEnvelope, encode } from "@envelope/sdk";
import { expect, test } from "vitest";
import { debugCapture } from "./debug-capture.js";

test("the debug-capture example prints every intact frame and each bad one", async () => {
  const frame = (user: string) =>
    encode(
      createEnvelope({
        schema: { type: "request", subtype: "auth_request", version: "1.2.0" },
        resource: { serviceName: "auth" },
        attributes: { user, attempts: 1n },
      }),
      { codec: "cbor" },
    );
  const first = frame("alice");
  const broken = frame("mallory").slice();
  broken[20]! ^= 0xff; // the prefix checksum no longer matches
  const last = frame("bob");
  const dir = mkdtempSync(join(tmpdir(), "envelope-debug-"));
  const path = join(dir, "capture.bin");
  writeFileSync(path, Buffer.concat([first, broken, last]));

  const printed: string[] = [];
  const counts = await debugCapture(path, (line) => printed.push(line));
  rmSync(dir, { recursive: true, force: true });

  expect(counts).toEqual({ good: 2, bad: 1 });
  expect(printed).toEqual([
    `@0 cbor/none ${first.length} bytes: request/auth_request@1.2.0 from auth, 2 attributes`,
    `@${first.length} bad frame (checksum_mismatch), ${broken.length} bytes skipped`,
    `@${first.length + broken.length} cbor/none ${last.length} bytes: request/auth_request@1.2.0 from auth, 2 attributes`,
    "2 envelopes, 1 bad frames",
  ]);
});
