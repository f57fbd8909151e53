/**
 * Examples printed in docs/spec.md are checked here, so the document cannot
 * drift from the code.
 */
import { readFileSync } from "node:fs";
import { decode, type Envelope, encode, peek } from "@envelope/sdk";
import { expect, test } from "vitest";

const spec = readFileSync(new URL("../../../docs/spec.md", import.meta.url), "utf8");

function section(title: string): string {
  const start = spec.indexOf(`### ${title}`);
  if (start < 0) throw new Error(`docs/spec.md has no section ${title}`);
  return spec.slice(start, spec.indexOf("\n## ", start));
}

function workedExample(): Envelope {
  return {
    header: {
      schema: { type: "ping", subtype: "ping", version: "1.0.0" },
      eventId: new Uint8Array(16).fill(1),
      timeUnixNano: 1n,
      producer: { language: "ts", version: "0.1.0" },
      resource: { serviceName: "s", attributes: new Map() },
    },
    body: { attributes: new Map([["ok", true]]), extensions: [] },
  };
}

test("the worked frame example in docs/spec.md is what encode() writes, byte for byte", () => {
  const block = /```hex\n([\s\S]*?)```/.exec(section("Worked example"))?.[1];
  expect(block).toBeDefined();
  const documented = block!.replace(/\s+/g, "");
  const bytes = encode(workedExample());
  expect(Buffer.from(bytes).toString("hex")).toBe(documented);
  expect(bytes).toHaveLength(100);
  expect(decode(bytes)).toEqual(workedExample());
  expect(peek(bytes).frame).toMatchObject({ headerLength: 66, bodyLength: 10, frameLength: 100 });
});
