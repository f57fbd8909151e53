// The audit of a flow: written once, for the envelopes of every language.
// It follows the flow from the caller's span id, hop by hop (server span, then
// the client span of its call, then the next service's server span, ...), and
// names the hop and the field of every divergence.

import { bytesToHex } from "@envelope/core";
import type { Envelope } from "@envelope/sdk";

export interface FlowExpectation {
  /** The `flow` attribute every envelope of the flow carries. */
  readonly flow: string;
  /** Service names (resource.serviceName), in call order. */
  readonly hops: readonly string[];
  /** The trace id and span id the first caller sent in its traceparent. */
  readonly traceId: string;
  readonly callerSpanId: string;
  /** Per hop: the sampled flag of its spans. */
  readonly sampled: readonly boolean[];
  /** Per hop: the tracestate of its spans ("" for none). */
  readonly traceState: readonly string[];
}

export interface AuditReport {
  /** One line per divergence, naming the hop and the field; empty when the flow is intact. */
  readonly problems: string[];
  /** The producers' languages seen in the flow, sorted. */
  readonly languages: string[];
  /** How the server spans of the flow found their incoming context (valid, missing, malformed, ...). */
  readonly incoming: Record<string, number>;
  /** Server spans of the flow that started a new trace although their caller sent trace headers. */
  readonly restarted: number;
}

interface Span {
  readonly service: string;
  readonly role: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly traceFlags: number;
  readonly traceState: string;
  readonly language: string;
  readonly incoming: string;
  readonly restarted: boolean;
}

function spanOf(envelope: Envelope): Span {
  const { header, body } = envelope;
  const trace = header.trace;
  const text = (key: string) => {
    const value = body.attributes.get(key);
    return typeof value === "string" ? value : "";
  };
  return {
    service: header.resource.serviceName,
    role: text("hop.role"),
    traceId: trace === undefined ? "" : bytesToHex(trace.traceId),
    spanId: trace === undefined ? "" : bytesToHex(trace.spanId),
    parentSpanId: trace?.parentSpanId === undefined ? "" : bytesToHex(trace.parentSpanId),
    traceFlags: trace?.traceFlags ?? 0,
    traceState: trace?.traceState ?? "",
    language: header.producer.language,
    incoming: text("trace.incoming"),
    restarted: body.attributes.get("trace.restarted") === true,
  };
}

export function auditFlow(envelopes: readonly Envelope[], expected: FlowExpectation): AuditReport {
  const spans = envelopes
    .filter((e) => e.body.attributes.get("flow") === expected.flow)
    .map(spanOf);
  const problems: string[] = [];
  const incoming: Record<string, number> = {};
  let restarted = 0;
  for (const span of spans) {
    if (span.role !== "server") continue;
    incoming[span.incoming] = (incoming[span.incoming] ?? 0) + 1;
    if (span.restarted) restarted++;
  }
  const languages = [...new Set(spans.map((s) => s.language))].sort();

  const want = expected.hops.length * 2 - 1;
  if (spans.length !== want) problems.push(`flow: ${spans.length} envelopes, expected ${want}`);
  for (const span of spans) {
    if (span.traceId !== expected.traceId) {
      problems.push(
        `${span.service} ${span.role}: traceId ${span.traceId}, expected ${expected.traceId}`,
      );
    }
  }
  const ids = new Set<string>();
  for (const span of spans) {
    if (ids.has(span.spanId))
      problems.push(`${span.service} ${span.role}: spanId ${span.spanId} is not unique`);
    ids.add(span.spanId);
  }

  let caller = expected.callerSpanId;
  for (const [index, service] of expected.hops.entries()) {
    const hop = `hop ${index + 1} (${service})`;
    const roles = index < expected.hops.length - 1 ? ["server", "client"] : ["server"];
    for (const role of roles) {
      const span = spans.find((s) => s.role === role && s.parentSpanId === caller);
      if (span === undefined) {
        const other = spans.find((s) => s.role === role && s.service === service);
        problems.push(
          `${hop} ${role}: no span whose parentSpanId is its caller's spanId ${caller}` +
            (other === undefined
              ? ""
              : ` (its ${role} span has parentSpanId ${other.parentSpanId || "none"})`),
        );
        return { problems, languages, incoming, restarted };
      }
      if (span.service !== service) problems.push(`${hop} ${role}: served by ${span.service}`);
      const sampled = (span.traceFlags & 1) === 1;
      if (sampled !== expected.sampled[index]) {
        problems.push(
          `${hop} ${role}: traceFlags ${span.traceFlags}, expected sampled=${expected.sampled[index]}`,
        );
      }
      if (span.traceState !== expected.traceState[index]) {
        problems.push(
          `${hop} ${role}: tracestate "${span.traceState}", expected "${expected.traceState[index]}"`,
        );
      }
      caller = span.spanId;
    }
  }
  return { problems, languages, incoming, restarted };
}
