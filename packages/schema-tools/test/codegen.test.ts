import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildIndex, loadRegistry, readSchemasFolder } from "@envelope/registry";
import { generateBuilders, generateSchemasFolder } from "@envelope/schema-tools";
import { decode, encode } from "@envelope/sdk";
import { describe, expect, test } from "vitest";
import {
  AUTH_REQUEST,
  type AuthRequestAttributes,
  buildAuthRequest,
  buildAuthRequestV1_1_0,
  buildPaymentRequest,
  buildPaymentRequestV1_0_0,
  encodeAuthRequest,
  encodeAuthRequestV1_1_0,
  encodePaymentRequest,
  encodePaymentRequestV1_0_0,
} from "../generated/index.js";

const SCHEMAS = fileURLToPath(new URL("../../../schemas", import.meta.url));
const GENERATED = fileURLToPath(new URL("../generated", import.meta.url));
const registry = loadRegistry(SCHEMAS);

describe("committed generated code is fresh (CI)", () => {
  test("regenerating the builders from schemas/ gives the committed files", () => {
    const folder = readSchemasFolder(SCHEMAS);
    const files = generateBuilders(folder.files.map((f) => f.parsed.descriptor!));
    expect([...files.keys()]).toEqual([
      "request/auth_request.ts",
      "request/payment_request.ts",
      "trace/hop.ts",
      "trace/propagation_health.ts",
      "index.ts",
    ]);
    for (const [path, text] of files) {
      expect(readFileSync(join(GENERATED, path), "utf8"), path).toBe(text);
    }
  });

  test("schemas/index.json is fresh", () => {
    const folder = readSchemasFolder(SCHEMAS);
    expect(readFileSync(join(SCHEMAS, "index.json"), "utf8")).toBe(
      buildIndex(folder.files.map((f) => ({ path: f.path, bytes: f.text }))),
    );
  });

  test("gen --check over the repository finds nothing to do", () => {
    expect(generateSchemasFolder(SCHEMAS, { out: GENERATED, check: true })).toEqual({
      changed: [],
      stale: [],
      problems: [],
      fresh: true,
    });
  });

  test("generation is deterministic whatever the input order", () => {
    const descriptors = readSchemasFolder(SCHEMAS).files.map((f) => f.parsed.descriptor!);
    expect(generateBuilders([...descriptors].reverse())).toEqual(generateBuilders(descriptors));
  });
});

describe("typed builders", () => {
  test("build envelopes that satisfy their schema and survive the codecs", () => {
    const envelope = buildAuthRequest({
      resource: { serviceName: "auth" },
      attributes: { user: "alice", attempts: 3n, duration_ms: 12.5, tags: ["password", "mfa"] },
      extensions: { http: { attributes: { method: "POST" } } },
    });
    expect(envelope.header.schema).toEqual(AUTH_REQUEST);
    expect(envelope.body.extensions).toEqual([
      { namespace: "http", version: "1.0.0", attributes: new Map([["method", "POST"]]) },
    ]);
    expect(registry.validate(envelope)).toEqual([]);
    expect(registry.validate(decode(encode(envelope, { codec: "json" })))).toEqual([]);
  });

  test("typed extension fields (payment card) and older versions", () => {
    const payment = buildPaymentRequest({
      resource: { serviceName: "payments" },
      attributes: {
        payment_id: "p",
        status: "authorized",
        amount: 1,
        currency: "EUR",
        merchant_id: "m",
        metadata: { channel: "web" },
      },
      extensions: { card: { attributes: { brand: "visa", last4: "4242" } } },
    });
    expect(registry.validate(payment)).toEqual([]);
    const old = buildAuthRequestV1_1_0({
      resource: { serviceName: "auth" },
      attributes: { user: "bob", latency_ms: 1 },
    });
    expect(old.header.schema.version).toBe("1.1.0");
    expect(registry.validate(old)).toEqual([]);
  });

  test("attribute names and types are checked at compile time", () => {
    const attributes: AuthRequestAttributes = { user: "a" };
    // @ts-expect-error: attempts is an int64, a bigint
    const wrongType: AuthRequestAttributes = { user: "a", attempts: 3 };
    // @ts-expect-error: latency_ms was renamed to duration_ms in 1.2.0
    const renamed: AuthRequestAttributes = { user: "a", latency_ms: 1 };
    // @ts-expect-error: user is required
    const missing: AuthRequestAttributes = { attempts: 1n };
    expect([attributes, wrongType, renamed, missing].length).toBe(4);
  });
});

describe("typed encoders (prepared)", () => {
  const header = {
    eventId: new Uint8Array(16).fill(9),
    timeUnixNano: 1_700_000_000_000_000_000n,
    resource: { serviceName: "payments", environment: "production" },
  };
  const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

  test("write the frame encode() writes for the builder's envelope, byte for byte", () => {
    const auth = {
      ...header,
      attributes: {
        user: "alice",
        attempts: 3n,
        duration_ms: 12.5,
        tags: ["password", "mfa"],
        success: true,
      },
      extensions: { http: { attributes: { method: "POST" } } },
    };
    const bytes = encodeAuthRequest(auth);
    expect(hex(bytes)).toBe(hex(encode(buildAuthRequest(auth))));
    const decoded = decode(bytes);
    expect(decoded.header.schema).toEqual(AUTH_REQUEST);
    expect(decoded.body.attributes).toEqual(
      new Map<string, unknown>([
        ["user", "alice"],
        ["attempts", 3n],
        ["duration_ms", 12.5],
        ["tags", ["password", "mfa"]],
        ["success", true],
      ]),
    );
    expect(decoded.body.extensions).toEqual([
      { namespace: "http", version: "1.0.0", attributes: new Map([["method", "POST"]]) },
    ]);
    expect(registry.validate(decoded)).toEqual([]);

    const old = { ...header, attributes: { user: "bob", latency_ms: 1 } };
    expect(hex(encodeAuthRequestV1_1_0(old))).toBe(hex(encode(buildAuthRequestV1_1_0(old))));
  });

  test("every attribute of payment_request, both versions, typed extensions", () => {
    const attributes = {
      payment_id: "pay_1",
      status: "authorized",
      amount: 129.99,
      currency: "EUR",
      merchant_id: "m_42",
      customer_email: "zoë@example.com",
      risk_score: 12.5,
      three_ds: false,
      attempt: 1n,
      items_count: 3n,
      tags: ["gift", "éclair"],
      metadata: new Map([["channel", "web"]]),
      signature: new Uint8Array([1, 2, 3]),
      mcc: -(2n ** 63n),
      fraud_checks: [],
    };
    const latest = {
      ...header,
      attributes: { ...attributes, risk_rules: ["velocity"] },
      extensions: { card: { attributes: { brand: "visa", last4: "4242" } }, http: {} },
    };
    expect(hex(encodePaymentRequest(latest))).toBe(hex(encode(buildPaymentRequest(latest))));
    expect(registry.validate(decode(encodePaymentRequest(latest)))).toEqual([]);
    const first = { ...header, attributes };
    expect(hex(encodePaymentRequestV1_0_0(first))).toBe(
      hex(encode(buildPaymentRequestV1_0_0(first))),
    );
  });

  test("fail as encode() fails", () => {
    const bad = { ...header, attributes: { user: "a", attempts: 2n ** 63n } };
    expect(() => encode(buildAuthRequest(bad))).toThrow(/int64 out of range/);
    expect(() => encodeAuthRequest(bad)).toThrow(
      expect.objectContaining({ code: "invalid_value", message: expect.stringMatching(/int64/) }),
    );
  });

  test("the generated module prepares one encoder per version from the descriptor", () => {
    const text = readFileSync(join(GENERATED, "request/auth_request.ts"), "utf8");
    expect(text).toContain('import { prepareEncoder } from "@envelope/protobuf";');
    expect(text).toContain(
      [
        "const AUTH_REQUEST_V1_2_0_ENCODER = /* @__PURE__ */ prepareEncoder({",
        "  ...AUTH_REQUEST_V1_2_0,",
        "  attributes: [",
        '    { key: "user", type: { kind: "string" } },',
        '    { key: "attempts", type: { kind: "int" } },',
        '    { key: "duration_ms", type: { kind: "double" } },',
        '    { key: "tags", type: { kind: "string" }, presence: "repeated" },',
      ].join("\n"),
    );
    const custom = generateBuilders(registry.descriptors(), { encoderFrom: "@envelope/sdk" });
    expect(custom.get("trace/hop.ts")).toContain('import { prepareEncoder } from "@envelope/sdk";');
  });
});
