// Shared fixtures: an envelope that sets every field, and its LogRecord and Resource.
import type { OtlpLogRecord, OtlpResource } from "@envelope/otlp";
import { createEnvelope, type Envelope, hexToBytes, StatusCode } from "@envelope/sdk";

export const OBSERVED = 1764892801000000000n;

export function fullEnvelope(): Envelope {
  return createEnvelope({
    schema: {
      type: "request",
      subtype: "auth_request",
      version: "1.2.0",
      url: "https://schemas.example/request/auth_request/1.2.0",
    },
    resource: {
      serviceName: "auth",
      serviceVersion: "2.3.4",
      environment: "production",
      region: "eu-west-1",
      host: "auth-7f9c",
      attributes: { "k8s.pod.name": "auth-0", replicas: 3n },
    },
    attributes: {
      user: "alice",
      attempts: 3n,
      duration_ms: 12.5,
      ok: true,
      raw: new Uint8Array([0, 1, 255]),
      tags: ["password", "mfa"],
      nested: { depth: -1n, ratio: Number.NaN },
      empty: [],
    },
    extensions: [
      { namespace: "http", version: "1.0.0", attributes: { method: "POST", status_code: 401n } },
      { namespace: "http.server", version: "2.1.0", attributes: { port: 8443n } },
    ],
    trace: {
      traceId: hexToBytes("4bf92f3577b34da6a3ce929d0e0e4736"),
      spanId: hexToBytes("00f067aa0ba902b7"),
      parentSpanId: hexToBytes("b7ad6b7169203331"),
      traceFlags: 3,
      traceState: "acme=1,rojo=00f067aa0ba902b7",
    },
    status: { code: StatusCode.ERROR, message: "bad password" },
    eventId: hexToBytes("0123456789abcdef0123456789abcdef"),
    timeUnixNano: 1764892800123456789n,
    producer: { language: "go", version: "0.4.0" },
  });
}

export const s = (stringValue: string) => ({ stringValue });

export const FULL_RECORD: OtlpLogRecord = {
  timeUnixNano: "1764892800123456789",
  observedTimeUnixNano: "1764892801000000000",
  severityNumber: 17,
  severityText: "ERROR",
  eventName: "request/auth_request",
  body: {
    kvlistValue: {
      values: [
        { key: "user", value: s("alice") },
        { key: "attempts", value: { intValue: "3" } },
        { key: "duration_ms", value: { doubleValue: 12.5 } },
        { key: "ok", value: { boolValue: true } },
        { key: "raw", value: { bytesValue: "AAH/" } },
        { key: "tags", value: { arrayValue: { values: [s("password"), s("mfa")] } } },
        {
          key: "nested",
          value: {
            kvlistValue: {
              values: [
                { key: "depth", value: { intValue: "-1" } },
                { key: "ratio", value: { doubleValue: "NaN" } },
              ],
            },
          },
        },
        { key: "empty", value: { arrayValue: {} } },
      ],
    },
  },
  attributes: [
    { key: "envelope.event_id", value: s("0123456789abcdef0123456789abcdef") },
    { key: "envelope.schema.type", value: s("request") },
    { key: "envelope.schema.subtype", value: s("auth_request") },
    { key: "envelope.schema.version", value: s("1.2.0") },
    {
      key: "envelope.schema.url",
      value: s("https://schemas.example/request/auth_request/1.2.0"),
    },
    { key: "envelope.producer.language", value: s("go") },
    { key: "envelope.producer.version", value: s("0.4.0") },
    { key: "envelope.trace.parent_span_id", value: s("b7ad6b7169203331") },
    { key: "envelope.trace.state", value: s("acme=1,rojo=00f067aa0ba902b7") },
    { key: "envelope.status.code", value: { intValue: "2" } },
    { key: "envelope.status.message", value: s("bad password") },
    {
      key: "envelope.extensions",
      value: {
        kvlistValue: {
          values: [
            { key: "http", value: s("1.0.0") },
            { key: "http.server", value: s("2.1.0") },
          ],
        },
      },
    },
    { key: "http.method", value: s("POST") },
    { key: "http.status_code", value: { intValue: "401" } },
    { key: "http.server.port", value: { intValue: "8443" } },
  ],
  flags: 3,
  traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
  spanId: "00f067aa0ba902b7",
};

export const FULL_RESOURCE: OtlpResource = {
  attributes: [
    { key: "service.name", value: s("auth") },
    { key: "service.version", value: s("2.3.4") },
    { key: "deployment.environment.name", value: s("production") },
    { key: "cloud.region", value: s("eu-west-1") },
    { key: "host.name", value: s("auth-7f9c") },
    { key: "k8s.pod.name", value: s("auth-0") },
    { key: "replicas", value: { intValue: "3" } },
  ],
};
