// otlpTransport -> a real OpenTelemetry Collector (OTLP/HTTP receiver, file
// exporter): what the Collector writes is what was sent, and what it writes
// maps back to the envelopes. Also: the Collector down at start.
import { ExportError } from "@envelope/export";
import { fromLogRecord, type OtlpLogsData, otlpTransport, toLogsData } from "@envelope/otlp";
import { createEnvelope, type Envelope, hexToBytes, StatusCode, toJson } from "@envelope/sdk";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type Collector,
  collectorAvailable,
  freePort,
  HANG_DEADLINE_MS,
  startCollector,
  startCollectorOnFreePort,
} from "./collector.js";
import { FULL_RECORD, FULL_RESOURCE, fullEnvelope, OBSERVED, s } from "./fixtures.js";
import { itemOf } from "./items.js";

const signal = () => AbortSignal.timeout(30_000);

/** An envelope on another service, with no trace and an OK status. */
function billing(): Envelope {
  return createEnvelope({
    schema: { type: "payment", subtype: "captured", version: "3.0.1" },
    resource: { serviceName: "billing", attributes: { tier: "gold" } },
    attributes: { amount: 12.75, currency: "EUR", items: [1n, "two", false] },
    status: { code: StatusCode.OK, message: "" },
    eventId: hexToBytes("fedcba9876543210fedcba9876543210"),
    timeUnixNano: 1764892800999999999n,
    producer: { language: "rust", version: "0.4.0" },
  });
}

/** Values the OpenTelemetry JS protobuf writer changes (docs/spec.md, "OTLP mapping"). */
function wireChanged(): Envelope {
  return createEnvelope({
    schema: { type: "metric", subtype: "gauge", version: "1.0.0" },
    resource: { serviceName: "billing", attributes: { tier: "gold" } },
    attributes: {
      whole: 2, // a double that holds an integer
      negzero: -0,
      big: 2n ** 60n, // an int64 beyond 2^53 - 1
      safe: -(2n ** 53n - 1n),
      order: new Map<string, string>([
        ["b", "first"],
        ["10", "second"],
        ["2", "third"],
        ["__proto__", "fourth"], // an ordinary key, not the prototype
      ]),
    },
    eventId: hexToBytes("11111111111111111111111111111111"),
    timeUnixNano: 2n ** 64n - 1n, // the largest fixed64: every bit of the time survives
    producer: { language: "typescript", version: "0.1.0" },
  });
}

describe.skipIf(!collectorAvailable())("through a real OpenTelemetry Collector", () => {
  let collector: Collector;
  beforeAll(async () => {
    collector = await startCollectorOnFreePort();
  }, HANG_DEADLINE_MS);
  afterAll(async () => {
    await collector?.stop();
  }, HANG_DEADLINE_MS);

  test(
    "what the Collector writes equals what was sent, and maps back to the envelopes",
    async () => {
      const envelopes = [fullEnvelope(), billing(), wireChanged()];
      const transport = otlpTransport({ url: collector.url, clock: () => OBSERVED });
      const items = [
        itemOf(envelopes[0] as Envelope, "protobuf"),
        itemOf(envelopes[1] as Envelope, "cbor", "lz4"),
        itemOf(envelopes[2] as Envelope, "json"),
      ];
      await expect(transport.send(items, signal())).resolves.toStrictEqual({});
      const [written] = await collector.requests(1);

      // Exactly the mapping, in OTLP/JSON, except what the writer changes in the third record.
      const expected = JSON.parse(
        JSON.stringify(toLogsData(envelopes, { observedTimeUnixNano: OBSERVED })),
      ) as OtlpLogsData;
      const third = expected.resourceLogs?.[1]?.scopeLogs?.[0]?.logRecords?.[1];
      if (third === undefined) throw new Error("fixture: no third record");
      third.body = {
        kvlistValue: {
          values: [
            { key: "whole", value: { intValue: "2" } }, // was doubleValue 2
            { key: "negzero", value: { intValue: "0" } }, // was doubleValue -0
            { key: "big", value: s("1152921504606846976") }, // was intValue
            { key: "safe", value: { intValue: "-9007199254740991" } },
            {
              key: "order",
              value: {
                kvlistValue: {
                  values: [
                    { key: "2", value: s("third") }, // index-like keys first, ascending
                    { key: "10", value: s("second") },
                    { key: "b", value: s("first") },
                    { key: "__proto__", value: s("fourth") },
                  ],
                },
              },
            },
          ],
        },
      };
      expect(written).toStrictEqual(expected);
      // The full record, spelled out: ids hex, times decimal, types kept.
      expect(written?.resourceLogs?.[0]?.resource).toStrictEqual(FULL_RESOURCE);
      expect(written?.resourceLogs?.[0]?.scopeLogs?.[0]?.logRecords?.[0]).toStrictEqual(
        FULL_RECORD,
      );

      // And back: the first two envelopes exactly; the third with the writer's changes.
      const back = (written?.resourceLogs ?? []).flatMap((rl) =>
        (rl.scopeLogs ?? []).flatMap((sl) =>
          (sl.logRecords ?? []).map((r) => fromLogRecord(r, rl.resource)),
        ),
      );
      expect(back.map((e) => toJson(e))).toStrictEqual(
        [envelopes[0], envelopes[1]]
          .map((e) => toJson(e as Envelope))
          .concat(
            toJson({
              ...(envelopes[2] as Envelope),
              body: {
                attributes: new Map<string, unknown>([
                  ["whole", 2n],
                  ["negzero", 0n],
                  ["big", "1152921504606846976"],
                  ["safe", -(2n ** 53n - 1n)],
                  [
                    "order",
                    new Map([
                      ["2", "third"],
                      ["10", "second"],
                      ["b", "first"],
                      ["__proto__", "fourth"],
                    ]),
                  ],
                ]) as Envelope["body"]["attributes"],
                extensions: [],
              },
            }),
          ),
      );
    },
    HANG_DEADLINE_MS,
  );

  test(
    "gzip: the Collector writes the same as without",
    async () => {
      const envelopes = [fullEnvelope(), billing()];
      const items = envelopes.map((e) => itemOf(e));
      for (const compression of ["none", "gzip"] as const) {
        const transport = otlpTransport({ url: collector.url, compression, clock: () => OBSERVED });
        await expect(transport.send(items, signal())).resolves.toStrictEqual({});
      }
      const written = await collector.requests(3);
      expect(written[2]).toStrictEqual(written[1]);
      expect(written[2]).toStrictEqual(
        JSON.parse(JSON.stringify(toLogsData(envelopes, { observedTimeUnixNano: OBSERVED }))),
      );
    },
    HANG_DEADLINE_MS,
  );
});

describe.skipIf(!collectorAvailable())("the Collector down at start", () => {
  let collector: Collector | undefined;
  afterAll(async () => {
    await collector?.stop();
  }, HANG_DEADLINE_MS);

  test(
    "a retryable error, then the same batch is delivered once it is up",
    async () => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}/v1/logs`;
      const transport = otlpTransport({ url, clock: () => OBSERVED });
      const items = [itemOf(fullEnvelope()), itemOf(billing())];

      const error = await transport.send(items, signal()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ExportError);
      expect((error as ExportError).retryable).toBe(true);
      expect((error as ExportError).message).toBe(`OTLP POST ${url}: network error`);

      collector = await startCollector(port);
      await expect(transport.send(items, signal())).resolves.toStrictEqual({});
      const written = await collector.requests(1);
      expect(written).toStrictEqual([
        JSON.parse(
          JSON.stringify(
            toLogsData([fullEnvelope(), billing()], { observedTimeUnixNano: OBSERVED }),
          ),
        ),
      ]);
    },
    HANG_DEADLINE_MS,
  );
});
