// The official OpenTelemetry JS log exporter (@opentelemetry/exporter-logs-otlp-proto,
// through sdk-logs' LoggerProvider) as a peer: for the same record, written here by
// hand as an OpenTelemetry user would emit it, the Collector writes exactly what it
// writes for our transport's request.

import { otlpTransport } from "@envelope/otlp";
import { context, trace } from "@opentelemetry/api";
import { SeverityNumber } from "@opentelemetry/api-logs";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type Collector,
  collectorAvailable,
  HANG_DEADLINE_MS,
  startCollectorOnFreePort,
} from "./collector.js";
import { fullEnvelope, OBSERVED } from "./fixtures.js";
import { itemOf } from "./items.js";

describe.skipIf(!collectorAvailable())("OpenTelemetry's own exporter as a peer", () => {
  let collector: Collector;
  beforeAll(async () => {
    collector = await startCollectorOnFreePort();
  }, HANG_DEADLINE_MS);
  afterAll(async () => {
    await collector?.stop();
  }, HANG_DEADLINE_MS);

  test(
    "the Collector writes the same for our request and for the official exporter's",
    async () => {
      const ours = otlpTransport({ url: collector.url, clock: () => OBSERVED });
      await expect(
        ours.send([itemOf(fullEnvelope())], AbortSignal.timeout(30_000)),
      ).resolves.toStrictEqual({});

      // fullEnvelope() as an OpenTelemetry JS user would emit it, field by field.
      const provider = new LoggerProvider({
        resource: resourceFromAttributes({
          "service.name": "auth",
          "service.version": "2.3.4",
          "deployment.environment.name": "production",
          "cloud.region": "eu-west-1",
          "host.name": "auth-7f9c",
          "k8s.pod.name": "auth-0",
          replicas: 3,
        }),
        processors: [
          new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: collector.url }) }),
        ],
      });
      const span = trace.setSpanContext(context.active(), {
        traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
        spanId: "00f067aa0ba902b7",
        traceFlags: 3,
      });
      provider.getLogger("@envelope/otlp").emit({
        eventName: "request/auth_request",
        timestamp: [1764892800, 123456789],
        observedTimestamp: [1764892801, 0],
        severityNumber: SeverityNumber.ERROR,
        severityText: "ERROR",
        context: span,
        body: {
          user: "alice",
          attempts: 3,
          duration_ms: 12.5,
          ok: true,
          raw: new Uint8Array([0, 1, 255]),
          tags: ["password", "mfa"],
          nested: { depth: -1, ratio: Number.NaN },
          empty: [],
        },
        attributes: {
          "envelope.event_id": "0123456789abcdef0123456789abcdef",
          "envelope.schema.type": "request",
          "envelope.schema.subtype": "auth_request",
          "envelope.schema.version": "1.2.0",
          "envelope.schema.url": "https://schemas.example/request/auth_request/1.2.0",
          "envelope.producer.language": "go",
          "envelope.producer.version": "0.4.0",
          "envelope.trace.parent_span_id": "b7ad6b7169203331",
          "envelope.trace.state": "acme=1,rojo=00f067aa0ba902b7",
          "envelope.status.code": 2,
          "envelope.status.message": "bad password",
          "envelope.extensions": { http: "1.0.0", "http.server": "2.1.0" },
          "http.method": "POST",
          "http.status_code": 401,
          "http.server.port": 8443,
        },
      });
      await provider.forceFlush();
      await provider.shutdown();

      const [fromOurs, fromPeer] = await collector.requests(2);
      expect(fromPeer).toStrictEqual(fromOurs);
    },
    HANG_DEADLINE_MS,
  );
});
