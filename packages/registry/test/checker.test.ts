import { createHmac } from "node:crypto";
import { fileURLToPath } from "node:url";
import {
  createEnvelope,
  type Envelope,
  type EnvelopeInit,
  isEnvelopeError,
  UnknownValue,
} from "@envelope/core";
import {
  createRegistry,
  loadRegistry,
  readDescriptor,
  SCHEMA_ISSUE_CODES,
  type SchemaIssue,
} from "@envelope/registry";
import { createDecoder, createEncoder, decode, encode } from "@envelope/sdk";
import { describe, expect, test } from "vitest";
import { mediumPaymentEnvelope } from "../bench/fixtures.js";

const registry = loadRegistry(fileURLToPath(new URL("../../../schemas", import.meta.url)));
const HMAC_KEY = "0123456789abcdef0123456789abcdef";

function auth(
  attributes: NonNullable<EnvelopeInit["attributes"]>,
  extra: Partial<EnvelopeInit> = {},
  version = "1.2.0",
): Envelope {
  return createEnvelope({
    schema: { type: "request", subtype: "auth_request", version },
    resource: { serviceName: "auth" },
    attributes,
    ...extra,
  });
}

function issues(envelope: Envelope): readonly SchemaIssue[] {
  return registry.validate(envelope);
}

describe("validation against the declared schema", () => {
  test("a valid envelope has no issues, and the shared empty list is returned", () => {
    expect(issues(auth({ user: "alice", attempts: 3n, duration_ms: 1.5, tags: ["mfa"] }))).toEqual(
      [],
    );
    expect(issues(mediumPaymentEnvelope())).toEqual([]);
    expect(issues(mediumPaymentEnvelope())).toBe(issues(mediumPaymentEnvelope()));
  });

  test.each<[string, Envelope, SchemaIssue[]]>([
    [
      "missing required attribute",
      auth({ attempts: 1n }),
      [
        {
          path: 'body.attributes["user"]',
          code: "missing_attribute",
          message: 'required attribute "user" (string) is absent',
        },
      ],
    ],
    [
      "wrong scalar type (a number is a double, not an int)",
      auth({ user: "a", attempts: 3 }),
      [
        {
          path: 'body.attributes["attempts"]',
          code: "wrong_type",
          message: "expected int, got double",
        },
      ],
    ],
    [
      "repeated field with a wrong element",
      auth({ user: "a", tags: ["x", 1n] }),
      [
        {
          path: 'body.attributes["tags"]',
          code: "wrong_type",
          message: "expected repeated string, got array of string | int",
        },
      ],
    ],
    [
      "repeated field given a scalar",
      auth({ user: "a", tags: "x" }),
      [
        {
          path: 'body.attributes["tags"]',
          code: "wrong_type",
          message: "expected repeated string, got string",
        },
      ],
    ],
    [
      "unknown attribute",
      auth({ user: "a", latency_ms: 1 }),
      [
        {
          path: 'body.attributes["latency_ms"]',
          code: "unknown_attribute",
          message: '"latency_ms" is not declared by the schema',
        },
      ],
    ],
    [
      "deprecated attribute",
      auth({ user: "a", mfa: true }),
      [
        {
          path: 'body.attributes["mfa"]',
          code: "deprecated_attribute",
          message: '"mfa" is deprecated since 1.1.0, to be removed in 2.0.0; use "tags"',
        },
      ],
    ],
    [
      "extension not allowed",
      auth({ user: "a" }, { extensions: [{ namespace: "db", version: "1.0.0" }] }),
      [
        {
          path: "body.extensions[0].namespace",
          code: "extension_not_allowed",
          message: 'extension "db" is not allowed by request/auth_request@1.2.0 (allowed: http)',
        },
      ],
    ],
    [
      "extension version outside the range",
      auth({ user: "a" }, { extensions: [{ namespace: "http", version: "2.0.0" }] }),
      [
        {
          path: "body.extensions[0].version",
          code: "extension_version_not_allowed",
          message: 'extension http "2.0.0" is outside the allowed range ^1.0.0',
        },
      ],
    ],
    [
      "unknown version",
      auth({ user: "a" }, {}, "1.9.0"),
      [
        {
          path: "header.schema.version",
          code: "unknown_version",
          message:
            'the registry has no version "1.9.0" of request/auth_request (it has 1.1.0, 1.2.0)',
        },
      ],
    ],
    [
      "unknown schema",
      createEnvelope({
        schema: { type: "request", subtype: "refund_request", version: "1.0.0" },
        resource: { serviceName: "x" },
      }),
      [
        {
          path: "header.schema",
          code: "unknown_schema",
          message: 'the registry has no schema "request/refund_request"',
        },
      ],
    ],
    [
      "a value kind this SDK does not know",
      auth({ user: new UnknownValue("protobuf", new Uint8Array([0x50, 1])) }),
      [
        {
          path: 'body.attributes["user"]',
          code: "wrong_type",
          message: "expected string, got a value kind this SDK does not know",
        },
      ],
    ],
  ])("%s", (_name, envelope, expected) => {
    expect(issues(envelope)).toEqual(expected);
    for (const issue of expected) expect(SCHEMA_ISSUE_CODES).toHaveProperty(issue.code);
  });

  test("declared extension fields are checked: payment card", () => {
    const envelope = mediumPaymentEnvelope();
    const card = envelope.body.extensions[0]!;
    card.attributes.set("last4", 4242n);
    card.attributes.set("cvv", "123");
    expect(issues(envelope)).toEqual([
      {
        path: 'body.extensions[0].attributes["last4"]',
        code: "wrong_type",
        message: "expected string, got int",
      },
      {
        path: 'body.extensions[0].attributes["cvv"]',
        code: "unknown_attribute",
        message: '"cvv" is not declared by the schema',
      },
    ]);
  });

  test("maps: typed values and wrong kinds", () => {
    const envelope = mediumPaymentEnvelope();
    envelope.body.attributes.set("metadata", new Map([["a", 1]]));
    expect(issues(envelope)).toEqual([
      {
        path: 'body.attributes["metadata"]',
        code: "wrong_type",
        message: "expected map<string>, got map of double",
      },
    ]);
  });

  test("several issues at once, in attribute order, then missing ones", () => {
    const codes = issues(auth({ attempts: "3", extra: 1, mfa: false })).map((i) => i.code);
    expect(codes).toEqual([
      "wrong_type",
      "unknown_attribute",
      "deprecated_attribute",
      "missing_attribute",
    ]);
  });

  test("unknown and deprecated attributes can be ignored", () => {
    const envelope = auth({ user: "a", extra: 1, mfa: true });
    expect(
      registry.validate(envelope, { unknownAttributes: "ignore", deprecated: "ignore" }),
    ).toEqual([]);
  });

  test.each<[string, unknown]>([
    ["no header", { body: { attributes: new Map(), extensions: [] } }],
    [
      "attributes not a Map",
      { ...auth({ user: "a" }), body: { attributes: { user: "a" }, extensions: [] } },
    ],
    ["null", null],
  ])("never throws in report mode: %s", (_name, envelope) => {
    const check = registry.checker();
    const result = check.check(envelope as Envelope, "encode");
    expect(result.issues.length).toBe(1);
    expect(result.issues[0]!.code).toBe("invalid_envelope");
  });
});

describe("through the SDK: report and strict modes, at encode and decode", () => {
  test("report mode: onIssues gets the issues and the envelope is encoded", () => {
    const seen: { stage: string; codes: string[] }[] = [];
    const check = {
      check: registry.checker(),
      mode: "report" as const,
      onIssues: (list: readonly { code: string }[], _e: Envelope, stage: string) =>
        seen.push({ stage, codes: list.map((i) => i.code) }),
    };
    const bytes = createEncoder({ check }).encode(auth({ attempts: 2n }));
    createDecoder({ check }).decode(bytes);
    expect(seen).toEqual([
      { stage: "encode", codes: ["missing_attribute"] },
      { stage: "decode", codes: ["missing_attribute"] },
    ]);
    createEncoder({ check }).encode(auth({ user: "a", attempts: 2 }));
    expect(check.check.stats).toEqual({
      checked: 3,
      withIssues: 3,
      issues: 3,
      byCode: { missing_attribute: 2, wrong_type: 1 },
    });
  });

  test("strict mode throws schema_violation with every issue", () => {
    let error: unknown;
    try {
      encode(auth({ attempts: 2 }), { check: { check: registry.checker(), mode: "strict" } });
    } catch (e) {
      error = e;
    }
    expect(isEnvelopeError(error, "schema_violation")).toBe(true);
    const e = error as { issues: SchemaIssue[]; path: string };
    expect(e.issues.map((i) => i.code)).toEqual(["wrong_type", "missing_attribute"]);
    expect(e.path).toBe('body.attributes["attempts"]');
  });

  test("strict mode on decode (the boundary): an unknown version", () => {
    const bytes = encode(auth({ user: "a" }, {}, "1.3.0"));
    expect(() => decode(bytes, { check: { check: registry.checker() } })).toThrow(
      /unknown_version/,
    );
  });
});

describe("defaults on read (stage decode)", () => {
  test("absent attributes with a default are filled, after the present ones, in descriptor order", () => {
    const input = auth({ user: "alice", tags: ["sso"] });
    const decoded = decode(encode(input), { check: { check: registry.checker() } });
    expect([...decoded.body.attributes.entries()]).toEqual([
      ["user", "alice"],
      ["tags", ["sso"]],
      ["attempts", 1n],
      ["duration_ms", 0],
      ["method", "password"],
    ]);
  });

  test("present attributes are kept; the input is not modified; nothing is filled at encode", () => {
    const input = auth({ user: "a", attempts: 5n, duration_ms: 2, method: "sso" });
    const check = registry.checker();
    expect(check.check(input, "decode").envelope).toBe(input);
    const sparse = auth({ user: "a" });
    const filled = check.check(sparse, "decode").envelope;
    expect(filled).not.toBe(sparse);
    expect(sparse.body.attributes.size).toBe(1);
    expect(filled.body.attributes.size).toBe(4);
    expect(check.check(sparse, "encode").envelope).toBe(sparse);
  });

  test("defaults can be turned off", () => {
    const sparse = auth({ user: "a" });
    expect(registry.checker({ defaults: false }).check(sparse, "decode").envelope).toBe(sparse);
  });

  test("filled values are fresh copies (mutating one does not change the default)", () => {
    const d = readDescriptor(
      JSON.stringify({
        type: "t",
        subtype: "s",
        version: "1.0.0",
        attributes: [{ key: "tags", type: "string", presence: "repeated", default: ["x"] }],
      }),
      "t/s/1.0.0.json",
    );
    const check = createRegistry([d]).checker();
    const empty = createEnvelope({
      schema: { type: "t", subtype: "s", version: "1.0.0" },
      resource: { serviceName: "x" },
    });
    const first = check.check(empty, "decode").envelope.body.attributes.get("tags") as string[];
    first.push("mutated");
    expect(check.check(empty, "decode").envelope.body.attributes.get("tags")).toEqual(["x"]);
    const pay = mediumPaymentEnvelope();
    pay.body.attributes.delete("tags");
    expect(registry.checker().check(pay, "decode").envelope.body.attributes.has("tags")).toBe(
      false,
    );
  });

  test("defaults apply to an envelope with issues too, and unknown schemas pass through", () => {
    const check = registry.checker();
    const bad = auth({ attempts: "x" });
    const result = check.check(bad, "decode");
    expect(result.issues.length).toBe(2);
    expect(result.envelope.body.attributes.get("duration_ms")).toBe(0);
    const unknown = auth({}, {}, "9.0.0");
    expect(check.check(unknown, "decode").envelope).toBe(unknown);
  });
});

describe("redaction of pii attributes (stage encode)", () => {
  test("drop (the default action)", () => {
    const check = registry.checker({ redaction: {} });
    const input = auth({ user: "alice", client_ip: "203.0.113.7", attempts: 1n });
    const out = check.check(input, "encode").envelope;
    expect([...out.body.attributes.keys()]).toEqual(["attempts"]);
    expect(input.body.attributes.get("user")).toBe("alice");
  });

  test("mask, hash and keep, per attribute; HMAC-SHA-256 with the configured key", () => {
    const check = registry.checker({
      redaction: {
        action: "mask",
        attributes: { user: "hash", client_ip: "keep" },
        hmacKey: HMAC_KEY,
      },
    });
    const out = check.check(auth({ user: "alice", client_ip: "203.0.113.7" }), "encode").envelope;
    expect(out.body.attributes.get("user")).toBe(
      createHmac("sha256", HMAC_KEY).update("alice").digest("hex"),
    );
    expect(out.body.attributes.get("client_ip")).toBe("203.0.113.7");
    const masked = registry.checker({ redaction: { action: "mask", mask: "***" } });
    expect(
      masked.check(auth({ user: "alice" }), "encode").envelope.body.attributes.get("user"),
    ).toBe("***");
  });

  test("redacted envelopes still satisfy the schema (types are kept) and survive the codec", () => {
    const check = { check: registry.checker({ redaction: { action: "hash", hmacKey: HMAC_KEY } }) };
    const decoded = decode(encode(mediumPaymentEnvelope(), { check }), { check });
    const attrs = decoded.body.attributes;
    expect(attrs.get("customer_email")).toMatch(/^[0-9a-f]{64}$/);
    expect(attrs.get("payment_id")).toBe("pay_3N8kQ2eZvKYlo2C0");
    expect(decoded.body.extensions[0]!.attributes.get("last4")).toMatch(/^[0-9a-f]{64}$/);
    expect(decoded.body.extensions[0]!.attributes.get("brand")).toBe("visa");
    expect(registry.validate(decoded)).toEqual([]);
  });

  test("extension rules and nothing redacted at decode", () => {
    const check = registry.checker({
      redaction: { action: "keep", extensions: { card: { last4: "drop" } } },
    });
    const input = mediumPaymentEnvelope();
    const out = check.check(input, "encode").envelope;
    expect(out.body.extensions[0]!.attributes.has("last4")).toBe(false);
    expect(out.body.attributes.get("customer_email")).toBe("jane.doe@example.com");
    expect(check.check(input, "decode").envelope.body.extensions[0]!.attributes.has("last4")).toBe(
      true,
    );
  });

  test.each<[string, object, string]>([
    ["hash without a key", { action: "hash" }, "needs an hmacKey of at least 16 bytes"],
    ["a short key", { attributes: { user: "hash" }, hmacKey: "short" }, "needs an hmacKey"],
    ["an unknown action", { action: "blur" }, 'redaction action "blur" at action'],
  ])("a bad policy fails once, when the check is built: %s", (_name, policy, message) => {
    expect(() => registry.checker({ redaction: policy })).toThrow(message);
  });
});
