// Shared test helpers (not a test file).
import {
  DecodeBudget,
  type Envelope,
  EnvelopeError,
  type Limits,
  resolveLimits,
} from "@envelope/core";
import { expect } from "vitest";

export const fromHex = (hex: string): Uint8Array =>
  Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ""), "hex"));
export const toHex = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");

/** A fresh decode budget. */
export const budget = (limits?: Partial<Limits>): DecodeBudget =>
  new DecodeBudget(resolveLimits(limits));

/** Runs `fn`, expects an EnvelopeError, returns it. */
export function thrown(fn: () => unknown): EnvelopeError {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof EnvelopeError)) throw error;
    return error;
  }
  throw new Error("expected an EnvelopeError, nothing was thrown");
}

/** Expects an EnvelopeError with this code (and path / offset when given). */
export function expectError(
  fn: () => unknown,
  code: string,
  where: { path?: string; offset?: number } = {},
): EnvelopeError {
  const error = thrown(fn);
  expect(error.code).toBe(code);
  if (where.path !== undefined) expect(error.path).toBe(where.path);
  if (where.offset !== undefined) expect(error.offset).toBe(where.offset);
  return error;
}

/** The smallest valid envelope (as in docs/spec.md's worked example). */
export function minimalEnvelope(): Envelope {
  return {
    header: {
      schema: { type: "ping", subtype: "ping", version: "1.0.0" },
      eventId: new Uint8Array(16).fill(1),
      timeUnixNano: 1n,
      producer: { language: "ts", version: "0.1.0" },
      resource: { serviceName: "s", attributes: new Map() },
    },
    body: { attributes: new Map(), extensions: [] },
  };
}

/** An envelope using every field and every attribute kind. */
export function fullEnvelope(): Envelope {
  return {
    header: {
      schema: {
        type: "request",
        subtype: "auth_request",
        version: "1.2.0",
        url: "https://schemas.example/auth",
      },
      eventId: Uint8Array.from({ length: 16 }, (_, i) => i + 1),
      timeUnixNano: 1_700_000_000_123_456_789n,
      producer: { language: "typescript", version: "0.1.0" },
      trace: {
        traceId: Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i),
        spanId: Uint8Array.from({ length: 8 }, (_, i) => 0xb0 + i),
        parentSpanId: Uint8Array.from({ length: 8 }, (_, i) => 0xc0 + i),
        traceFlags: 1,
        traceState: "vendor=value",
      },
      resource: {
        serviceName: "auth",
        serviceVersion: "2.3.4",
        environment: "production",
        region: "eu-west-1",
        host: "",
        attributes: new Map([["k8s.pod", "auth-7f9c"]]),
      },
      status: { code: 2, message: "denied" },
    },
    body: {
      attributes: new Map<string, import("@envelope/core").AttributeValue>([
        ["user", "alice"],
        ["ok", true],
        ["attempts", 3n],
        ["big", -9_223_372_036_854_775_808n],
        ["latency_ms", 1],
        ["ratio", 0.25],
        ["nan", Number.NaN],
        ["neg_zero", -0],
        ["blob", Uint8Array.of(0, 255)],
        ["empty_string", ""],
        ["empty_bytes", new Uint8Array(0)],
        ["tags", ["a", 1n, 2.5, false, [], new Map()]],
        [
          "nested",
          new Map<string, import("@envelope/core").AttributeValue>([
            ["z", 1n],
            ["a", new Map([["deep", [1n, [2n]]]])],
          ]),
        ],
        ["ünïcödé 🎉", "text with ünïcödé and 🎉"],
        ["__proto__", "not a prototype"],
      ]),
      extensions: [
        { namespace: "http", version: "1.0.0", attributes: new Map([["method", "POST"]]) },
        { namespace: "empty", version: "0.0.1", attributes: new Map() },
      ],
    },
  };
}
