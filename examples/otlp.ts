// examples/otlp.ts
import { createExporter } from "@envelope/export";
import { fromLogRecord, otlpTransport, toLogRecord, toResource } from "@envelope/otlp";
import { createEnvelope, type Envelope, StatusCode } from "@envelope/sdk";

/** Sends envelopes to a Collector's OTLP/HTTP receiver, e.g. `http://collector:4318/v1/logs`. */
export async function sendToCollector(url: string, envelopes: readonly Envelope[]) {
  const exporter = createExporter({ transport: otlpTransport({ url }) }); // once, at start-up
  for (const envelope of envelopes) exporter.export(envelope); // encodes now, sends later in batches
  const { stats } = await exporter.shutdown({ timeoutMs: 5_000 }); // at exit
  return stats;
}

/** A failed login as an OpenTelemetry backend sees it, and the envelope it maps back to. */
export function failedLoginAsOtlp() {
  const envelope = createEnvelope({
    schema: { type: "request", subtype: "auth_request", version: "1.2.0" },
    resource: { serviceName: "auth", environment: "production" },
    attributes: { user: "alice", attempts: 3n },
    extensions: [{ namespace: "http", version: "1.1.0", attributes: { status_code: 401n } }],
    status: { code: StatusCode.ERROR, message: "bad password" },
  });
  const record = toLogRecord(envelope); // eventName "request/auth_request", severity ERROR, body { user, attempts }
  const resource = toResource(envelope.header.resource); // service.name, deployment.environment.name
  const back: Envelope = fromLogRecord(record, resource); // equal to `envelope`
  return { record, resource, back, envelope };
}
