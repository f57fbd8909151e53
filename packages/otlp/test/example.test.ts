// examples/otlp.ts: shown verbatim in README.md and packages/otlp/README.md, and run here
// (its transport against the real Collector).
import { readFileSync } from "node:fs";
import { SDK_VERSION, toJson } from "@envelope/sdk";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { failedLoginAsOtlp, sendToCollector } from "../../../examples/otlp.js";
import {
  type Collector,
  collectorAvailable,
  HANG_DEADLINE_MS,
  startCollectorOnFreePort,
} from "./collector.js";

const source = readFileSync(new URL("../../../examples/otlp.ts", import.meta.url), "utf8");

test.each(["../../../README.md", "../README.md"])("%s shows examples/otlp.ts verbatim", (path) => {
  const readme = readFileSync(new URL(path, import.meta.url), "utf8");
  const block = /```ts\n(\/\/ examples\/otlp\.ts\n[\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBe(source);
});

test("the mapping example: what a backend sees, and the envelope back", () => {
  const { record, resource, back, envelope } = failedLoginAsOtlp();
  expect(record.eventName).toBe("request/auth_request");
  expect([record.severityNumber, record.severityText]).toStrictEqual([17, "ERROR"]);
  expect(record.body).toStrictEqual({
    kvlistValue: {
      values: [
        { key: "user", value: { stringValue: "alice" } },
        { key: "attempts", value: { intValue: "3" } },
      ],
    },
  });
  expect(record.attributes?.filter((kv) => !kv.key.startsWith("envelope.e"))).toStrictEqual([
    { key: "envelope.schema.type", value: { stringValue: "request" } },
    { key: "envelope.schema.subtype", value: { stringValue: "auth_request" } },
    { key: "envelope.schema.version", value: { stringValue: "1.2.0" } },
    { key: "envelope.producer.language", value: { stringValue: "typescript" } },
    { key: "envelope.producer.version", value: { stringValue: SDK_VERSION } },
    { key: "envelope.status.code", value: { intValue: "2" } },
    { key: "envelope.status.message", value: { stringValue: "bad password" } },
    { key: "http.status_code", value: { intValue: "401" } },
  ]);
  expect(resource).toStrictEqual({
    attributes: [
      { key: "service.name", value: { stringValue: "auth" } },
      { key: "deployment.environment.name", value: { stringValue: "production" } },
    ],
  });
  expect(toJson(back)).toStrictEqual(toJson(envelope));
});

describe.skipIf(!collectorAvailable())("the send example", () => {
  let collector: Collector;
  beforeAll(async () => {
    collector = await startCollectorOnFreePort();
  }, HANG_DEADLINE_MS);
  afterAll(async () => {
    await collector?.stop();
  }, HANG_DEADLINE_MS);

  test(
    "delivers to the Collector through the exporter",
    async () => {
      const { envelope } = failedLoginAsOtlp();
      const stats = await sendToCollector(collector.url, [envelope, envelope]);
      expect([stats.accepted, stats.sent, stats.queued]).toStrictEqual([2, 2, 0]);
      const records = await collector.logRecords(2);
      expect(records.map((r) => r.eventName)).toStrictEqual([
        "request/auth_request",
        "request/auth_request",
      ]);
    },
    HANG_DEADLINE_MS,
  );
});
