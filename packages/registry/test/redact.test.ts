// Redaction of pii attributes at stage encode (docs/spec.md "Redaction"):
// every action on every value kind, the policy checks, and what is copied.
import { createHmac } from "node:crypto";
import { type Envelope, type EnvelopeError, isEnvelopeError, UnknownValue } from "@envelope/core";
import {
  compileRedaction,
  compileSchema,
  createRegistry,
  type RedactionPolicy,
  redactEnvelope,
} from "@envelope/registry";
import { describe, expect, test } from "vitest";
import { testDescriptor, testEnvelope } from "./support.js";

const KEY = "0123456789abcdef";
const descriptor = testDescriptor(
  [
    { key: "user", type: "string", pii: true },
    { key: "count", type: "int", pii: true },
    { key: "ratio", type: "double", pii: true },
    { key: "flag", type: "bool", pii: true },
    { key: "blob", type: "bytes", pii: true },
    { key: "tags", type: "string", presence: "repeated", pii: true },
    { key: "labels", type: "map<int>", pii: true },
    { key: "safe", type: "string" },
  ],
  [
    {
      namespace: "card",
      version: "^1.0.0",
      attributes: [
        { key: "last4", type: "string", pii: true },
        { key: "brand", type: "string" },
      ],
    },
    { namespace: "http", version: "^1.0.0" },
  ],
);
const schema = compileSchema(descriptor);
const registry = createRegistry([descriptor]);

const envelope = testEnvelope;

const redact = (policy: RedactionPolicy, input: Envelope): Envelope =>
  redactEnvelope(schema, input, compileRedaction(policy));
const mac = (data: string | Uint8Array, key: string | Uint8Array = KEY): Buffer =>
  createHmac("sha256", key).update(data).digest();

const ALL = {
  user: "zoë",
  count: 42n,
  ratio: 2.5,
  flag: true,
  blob: new Uint8Array([1, 2, 3]),
  tags: ["a", "b"],
  labels: new Map([["k", -7n]]),
  safe: "kept",
};

describe("each action on each value kind", () => {
  test("mask: the mask text, zeros, false, empty bytes; arrays and maps element by element", () => {
    const out = redact({ action: "mask" }, envelope(ALL));
    expect([...out.body.attributes]).toEqual([
      ["user", "redacted"],
      ["count", 0n],
      ["ratio", 0],
      ["flag", false],
      ["blob", new Uint8Array(0)],
      ["tags", ["redacted", "redacted"]],
      ["labels", new Map([["k", 0n]])],
      ["safe", "kept"],
    ]);
    const custom = redact({ action: "mask", mask: "***" }, envelope({ user: "a", tags: ["b"] }));
    expect([...custom.body.attributes]).toEqual([
      ["user", "***"],
      ["tags", ["***"]],
    ]);
  });

  test("hash: HMAC-SHA-256 hex of strings, the MAC of bytes, int64 of the MAC of an int's decimal text", () => {
    const out = redact({ action: "hash", hmacKey: KEY }, envelope(ALL));
    const int64 = (text: string) => BigInt.asIntN(64, mac(text).readBigUInt64BE(0));
    expect([...out.body.attributes]).toEqual([
      ["user", mac("zoë").toString("hex")],
      ["count", int64("42")],
      ["ratio", 0],
      ["flag", false],
      ["blob", new Uint8Array(mac(new Uint8Array([1, 2, 3])))],
      ["tags", [mac("a").toString("hex"), mac("b").toString("hex")]],
      ["labels", new Map([["k", int64("-7")]])],
      ["safe", "kept"],
    ]);
    expect(mac("zoë").toString("hex")).toMatch(/^[0-9a-f]{64}$/);
    // Signed: a MAC whose first byte is 0x80 or more gives a negative int.
    const values = Array.from({ length: 8 }, (_, i) => BigInt(i));
    const hashed = values.map(
      (n) =>
        redact({ action: "hash", hmacKey: KEY }, envelope({ count: n })).body.attributes.get(
          "count",
        ) as bigint,
    );
    expect(hashed).toEqual(values.map((n) => int64(String(n))));
    expect(hashed.some((n) => n < 0n)).toBe(true);
    expect(hashed.every((n) => n >= -(2n ** 63n) && n < 2n ** 63n)).toBe(true);
  });

  test("a value kind the SDK does not know becomes the mask text, masked or hashed", () => {
    const unknown = new UnknownValue("protobuf", new Uint8Array([0x50, 1]));
    expect(
      redact({ action: "mask" }, envelope({ user: unknown })).body.attributes.get("user"),
    ).toBe("redacted");
    expect(
      redact({ action: "hash", hmacKey: KEY }, envelope({ user: unknown })).body.attributes.get(
        "user",
      ),
    ).toBe("redacted");
  });

  test("drop (the default) removes pii attributes only; keep leaves them", () => {
    expect([...redact({}, envelope(ALL)).body.attributes]).toEqual([["safe", "kept"]]);
    const input = envelope(ALL);
    expect(redact({ action: "keep" }, input)).toBe(input);
  });

  test("rules per attribute and per extension field, else the policy's action", () => {
    const input = envelope({ user: "u", count: 1n, safe: "s" }, [
      { namespace: "card", version: "1.0.0", attributes: { last4: "4242", brand: "visa" } },
    ]);
    const out = redact(
      {
        action: "mask",
        attributes: { user: "keep", last4: "drop" },
        extensions: { card: { user: "drop", last4: "hash" } },
        hmacKey: KEY,
      },
      input,
    );
    expect([...out.body.attributes]).toEqual([
      ["user", "u"],
      ["count", 0n],
      ["safe", "s"],
    ]);
    expect([...out.body.extensions[0]!.attributes]).toEqual([
      ["last4", mac("4242").toString("hex")],
      ["brand", "visa"],
    ]);
    // A rule inherited from Object.prototype is no rule: the action applies.
    const inherited = redact({ action: "mask" }, envelope({ user: "u", toString: "x" } as never));
    expect(inherited.body.attributes.get("user")).toBe("redacted");
    expect(compileRedaction({ action: "mask" }).actionFor(undefined, "toString")).toBe("mask");
    expect(compileRedaction({ action: "mask" }).actionFor("card", "constructor")).toBe("mask");
  });

  test('an extension namespace named like an Object property ("constructor") gets the policy\'s action', () => {
    const compiled = compileRedaction({ action: "hash", hmacKey: KEY, extensions: { card: {} } });
    expect(compiled.actionFor("constructor", "name")).toBe("hash");
    expect(compiled.actionFor("constructor", "keys")).toBe("hash");
    expect(compiled.actionFor("__proto__", "toString")).toBe("hash");
    const schema = compileSchema(
      testDescriptor(
        [],
        [
          {
            namespace: "constructor",
            version: "^1.0.0",
            attributes: [{ key: "name", type: "string", pii: true }],
          },
        ],
        "c",
      ),
    );
    const input = testEnvelope(
      {},
      [{ namespace: "constructor", version: "1.0.0", attributes: { name: "zoë" } }],
      { subtype: "c" },
    );
    const out = redactEnvelope(schema, input, compiled);
    expect(out.body.extensions[0]!.attributes.get("name")).toBe(mac("zoë").toString("hex"));
  });
});

describe("what is copied", () => {
  test("the envelope itself when no pii attribute is present or changed", () => {
    const plain = envelope({ safe: "s" }, [
      { namespace: "card", version: "1.0.0", attributes: { brand: "visa" } },
      { namespace: "http", version: "1.0.0", attributes: { method: "GET" } },
      { namespace: "other", version: "1.0.0", attributes: { last4: "1" } },
    ]);
    expect(redact({ action: "mask" }, plain)).toBe(plain);
    expect(redact({}, plain)).toBe(plain);
    const kept = envelope({ safe: "s" }, [
      { namespace: "card", version: "1.0.0", attributes: { last4: "4242" } },
    ]);
    expect(redact({ action: "drop", extensions: { card: { last4: "keep" } } }, kept)).toBe(kept);
  });

  test("a copy when something changes: unchanged extensions are shared, the input is untouched", () => {
    const input = envelope({ user: "u" }, [
      { namespace: "http", version: "1.0.0", attributes: { method: "GET" } },
      { namespace: "card", version: "1.0.0", attributes: { last4: "4242", brand: "visa" } },
      { namespace: "card", version: "1.0.0", attributes: { brand: "amex" } },
    ]);
    const out = redact({ action: "mask" }, input);
    expect(out).not.toBe(input);
    expect(out.header).toBe(input.header);
    expect(out.body.attributes.get("user")).toBe("redacted");
    expect(out.body.extensions[0]).toBe(input.body.extensions[0]);
    expect(out.body.extensions[1]).not.toBe(input.body.extensions[1]);
    expect([...out.body.extensions[1]!.attributes]).toEqual([
      ["last4", "redacted"],
      ["brand", "visa"],
    ]);
    expect(out.body.extensions[2]).toBe(input.body.extensions[2]);
    expect(input.body.attributes.get("user")).toBe("u");
    expect(input.body.extensions[1]!.attributes.get("last4")).toBe("4242");
    // Only an extension changed: the body's attributes are shared.
    const extOnly = envelope({ safe: "s" }, [
      { namespace: "card", version: "1.0.0", attributes: { last4: "4242" } },
    ]);
    const extOut = redact({}, extOnly);
    expect(extOut.body.attributes).toBe(extOnly.body.attributes);
    expect(extOut.body.extensions[0]!.attributes.size).toBe(0);
    expect(extOnly.body.extensions[0]!.attributes.size).toBe(1);
  });

  test("an absent pii attribute stays absent, whatever the action", () => {
    const input = envelope({ safe: "s" });
    for (const action of ["drop", "mask", "hash", "keep"] as const) {
      expect(redact({ action, hmacKey: KEY }, input)).toBe(input);
    }
  });

  test("a schema without pii leaves every envelope as it is", () => {
    const plain = testDescriptor([{ key: "user", type: "string" }], [], "p");
    const input = envelope({ user: "u" });
    expect(redactEnvelope(compileSchema(plain), input, compileRedaction({}))).toBe(input);
  });

  test("a malformed envelope is returned as it is, or with what can be redacted", () => {
    const noBody = { header: envelope({}).header } as unknown as Envelope;
    expect(redact({}, noBody)).toBe(noBody);
    const objectAttributes = {
      ...envelope({}),
      body: { attributes: { user: "u" }, extensions: [] },
    } as unknown as Envelope;
    expect(redact({}, objectAttributes)).toBe(objectAttributes);
    const noExtensions = {
      ...envelope({}),
      body: { attributes: new Map([["user", "u"]]) },
    } as unknown as Envelope;
    const out = redact({}, noExtensions);
    expect(out.body).toEqual({ attributes: new Map(), extensions: [] });
  });

  test("through the check: only at stage encode", () => {
    const check = registry.checker({ redaction: { action: "mask" } });
    const input = envelope({ user: "u" });
    expect(check.check(input, "encode").envelope.body.attributes.get("user")).toBe("redacted");
    expect(check.check(input, "decode").envelope.body.attributes.get("user")).toBe("u");
  });
});

describe("the policy is checked once, when compiled", () => {
  const failure = (policy: unknown): string => {
    try {
      compileRedaction(policy as RedactionPolicy);
    } catch (e) {
      expect(isEnvelopeError(e, "invalid_argument")).toBe(true);
      return (e as EnvelopeError).message;
    }
    return "no error";
  };

  test.each<[string, unknown, string]>([
    ["an unknown action", { action: "blur" }, 'redaction action "blur" at action'],
    ["an action that is not a string", { action: 1 }, "redaction action 1 at action"],
    [
      "an unknown attribute action",
      { attributes: { user: "keep", 'a"b': "erase" } },
      'redaction action "erase" at attributes["a\\"b"]',
    ],
    [
      "an unknown extension action",
      { extensions: { card: { brand: "keep", last4: null } } },
      'redaction action null at extensions["card"]["last4"]',
    ],
    [
      "a second extension",
      { extensions: { card: {}, "x.y": { k: "Drop" } } },
      'redaction action "Drop" at extensions["x.y"]["k"]',
    ],
  ])("%s", (_name, policy, where) => {
    expect(failure(policy)).toBe(`[invalid_argument] ${where} is not drop, mask, hash or keep`);
  });

  const NEEDS_KEY =
    "[invalid_argument] a redaction policy that hashes needs an hmacKey of at least 16 bytes";

  test.each<[string, RedactionPolicy]>([
    ["hash by default, no key", { action: "hash" }],
    ["hash for one attribute, no key", { attributes: { user: "hash" } }],
    ["hash for one extension field, no key", { extensions: { card: { last4: "hash" } } }],
    ["a 15-byte text key", { action: "hash", hmacKey: "0123456789abcde" }],
    ["a 15-byte key", { action: "hash", hmacKey: new Uint8Array(15) }],
  ])("a policy that hashes needs a key of 16 bytes: %s", (_name, policy) => {
    expect(failure(policy)).toBe(NEEDS_KEY);
  });

  test("a key is counted in UTF-8 bytes when given as text, and used as given in bytes", () => {
    // 8 characters, 16 bytes in UTF-8.
    const textKey = "éééééééé";
    const hashed = redact({ action: "hash", hmacKey: textKey }, envelope({ user: "u" }));
    expect(hashed.body.attributes.get("user")).toBe(mac("u", textKey).toString("hex"));
    const bytesKey = new Uint8Array(16).map((_, i) => 200 + i);
    const compiled = compileRedaction({ action: "hash", hmacKey: bytesKey });
    bytesKey.fill(0); // the policy keeps its own copy
    expect(compiled.redactValue("u", "hash")).toBe(
      mac(
        "u",
        new Uint8Array(16).map((_, i) => 200 + i),
      ).toString("hex"),
    );
    // No key is needed when nothing hashes.
    expect(failure({ action: "mask", attributes: { user: "drop" } })).toBe("no error");
  });
});
