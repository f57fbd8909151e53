/**
 * Runs the examples, and checks that README.md shows them exactly as they are.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEnvelope, decode, encode } from "@envelope/sdk";
import { expect, test, vi } from "vitest";
import { describeCapture } from "./decode-capture.js";
import { recordLogin as recordPreparedLogin } from "./prepared-encoder.js";
import { recordLogin } from "./producer.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

test.each([
  "examples/producer.ts",
  "examples/decode-capture.ts",
  "examples/kafka.ts",
  "examples/prepared-encoder.ts",
])("README shows %s verbatim", (file) => {
  const source = readFileSync(new URL(`../${file}`, import.meta.url), "utf8");
  const block = new RegExp(`\`\`\`ts\\n// ${file.replace(".", "\\.")}\\n([\\s\\S]*?)\`\`\``).exec(
    readme,
  )?.[1];
  expect(block, `README.md has a ts block starting with // ${file}`).toBeDefined();
  expect(block).toBe(source);
});

test('every code block of README "Sending envelopes" is an example shown verbatim, and each is run', () => {
  const start = readme.indexOf("\n## Sending envelopes\n");
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  const blocks = [...section.matchAll(/```(\w*)\n([\s\S]*?)```/g)];
  // Where each is run: examples/send-http.test.ts (against the receiver on
  // loopback), packages/kafka/test/kafka.test.ts (a real broker),
  // packages/otlp/test/example.test.ts (the real Collector).
  expect(blocks.map(([, lang, body]) => `${lang} ${body!.split("\n")[0]}`)).toEqual([
    "ts // examples/send-http.ts",
    "ts // examples/receive-http.ts",
    "ts // examples/kafka.ts",
    "ts // examples/otlp.ts",
  ]);
  for (const [, , body] of blocks) {
    const file = body!.split("\n")[0]!.slice(3);
    const source = readFileSync(new URL(`../${file}`, import.meta.url), "utf8");
    // examples/otlp.ts carries its own first line; the others start after it.
    expect(body, file).toBe(source.startsWith(`// ${file}\n`) ? source : `// ${file}\n${source}`);
  }
});

test("the producer example encodes a valid, typed envelope", () => {
  const bytes = recordLogin("alice", 2, 12.5);
  const envelope = decode(bytes);
  expect(envelope.header.schema).toEqual({
    type: "request",
    subtype: "auth_request",
    version: "1.2.0",
  });
  expect(envelope.body.attributes).toEqual(
    new Map<string, unknown>([
      ["user", "alice"],
      ["attempts", 2n],
      ["duration_ms", 12.5],
      ["tags", ["password", "mfa"]],
    ]),
  );
});

test("the capture example prints the frame, the schema and the JSON mapping, or a one-line error", () => {
  const dir = mkdtempSync(join(tmpdir(), "envelope-capture-"));
  const good = join(dir, "good.bin");
  writeFileSync(good, recordLogin("bob", 1, 3));
  const out = describeCapture(good);
  expect(out.split("\n")[0]).toBe("protobuf/none request/auth_request@1.2.0 from auth");
  expect(JSON.parse(out.slice(out.indexOf("\n") + 1)).body.attributes[1]).toEqual({
    key: "attempts",
    value: { intValue: "1" },
  });
  const bad = join(dir, "bad.bin");
  writeFileSync(bad, new TextEncoder().encode("not an envelope"));
  expect(describeCapture(bad)).toBe(
    `cannot decode ${bad}: [bad_magic] input does not start with the frame magic 89 45 4e 56 (at byte 0)`,
  );
});

test("the codecs tour (the main job) round-trips every codec and compression", async () => {
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  const table = vi.spyOn(console, "table").mockImplementation(() => {});
  await import("./codecs-tour.mjs");
  expect(table.mock.calls[0]![0]).toHaveLength(18);
  expect(log).toHaveBeenCalledWith("every envelope decoded back to what was encoded");
  log.mockRestore();
  table.mockRestore();
});

test("packages/protobuf/README.md shows the prepared encoder example verbatim", () => {
  const file = "examples/prepared-encoder.ts";
  const text = readFileSync(new URL("../packages/protobuf/README.md", import.meta.url), "utf8");
  const block = /```ts\n\/\/ examples\/prepared-encoder\.ts\n([\s\S]*?)```/.exec(text)?.[1];
  expect(block).toBe(readFileSync(new URL(`../${file}`, import.meta.url), "utf8"));
});

test("the prepared encoder example writes the frame encode(createEnvelope(...)) writes", () => {
  const bytes = recordPreparedLogin("alice", 2, 12.5);
  const envelope = decode(bytes);
  expect(envelope.header.schema).toEqual({
    type: "request",
    subtype: "auth_request",
    version: "1.2.0",
  });
  expect(envelope.body.attributes).toEqual(
    new Map<string, unknown>([
      ["user", "alice"],
      ["attempts", 2n],
      ["duration_ms", 12.5],
    ]),
  );
  // The same envelope (its id and time as decoded), the general way.
  const again = encode(
    createEnvelope({
      schema: envelope.header.schema,
      eventId: envelope.header.eventId,
      timeUnixNano: envelope.header.timeUnixNano,
      resource: { serviceName: "auth", environment: "production" },
      attributes: { user: "alice", attempts: 2n, duration_ms: 12.5 },
    }),
  );
  expect(Buffer.from(bytes).toString("hex")).toBe(Buffer.from(again).toString("hex"));
});
