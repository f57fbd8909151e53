import { fileURLToPath } from "node:url";
import { createDualEmitter, loadRegistry } from "@envelope/registry";
import {
  createEncoder,
  createEnvelope,
  decode,
  type Envelope,
  type EnvelopeInit,
  isEnvelopeError,
} from "@envelope/sdk";
import { describe, expect, it } from "vitest";

const registry = loadRegistry(fileURLToPath(new URL("../../../schemas", import.meta.url)));

const signIn = (version: string, attributes: NonNullable<EnvelopeInit["attributes"]>): Envelope =>
  createEnvelope({
    schema: { type: "request", subtype: "auth_request", version },
    resource: { serviceName: "auth" },
    attributes,
  });

describe("createDualEmitter", () => {
  // Strict registry check on every encode: a copy that did not validate would throw.
  const encoder = createEncoder({
    codec: "cbor",
    check: { check: registry.checker(), mode: "strict" },
  });

  it("emits the envelope at its version and at the older one; both decode and validate", () => {
    const dual = createDualEmitter(registry, encoder, {
      also: { "request/auth_request": "1.1.0" },
    });
    const envelope = signIn("1.2.0", { user: "ada", attempts: 2n, duration_ms: 12.5 });
    const out = dual.encode(envelope);
    expect(out.map((o) => [o.version, o.primary])).toEqual([
      ["1.2.0", true],
      ["1.1.0", false],
    ]);
    const [now, before] = out.map((o) => decode(o.bytes));
    expect(now!.header.schema.version).toBe("1.2.0");
    expect([...now!.body.attributes]).toEqual([
      ["user", "ada"],
      ["attempts", 2n],
      ["duration_ms", 12.5],
    ]);
    expect(before!.header.schema.version).toBe("1.1.0");
    expect([...before!.body.attributes]).toEqual([
      ["user", "ada"],
      ["attempts", 2n],
      ["latency_ms", 12.5],
    ]);
    expect(before!.header.eventId).toEqual(envelope.header.eventId);
    expect(before!.header.timeUnixNano).toBe(envelope.header.timeUnixNano);
    expect(registry.validate(now!)).toEqual([]);
    expect(registry.validate(before!)).toEqual([]);
    expect(dual.stats).toEqual({
      envelopes: 1,
      copies: { "request/auth_request@1.1.0": 1 },
      failed: {},
    });
  });

  it("emits a newer version too, and moves fields into an extension on the way", () => {
    const dual = createDualEmitter(registry, encoder, {
      also: { "request/payment_request": ["1.1.0"], "request/auth_request": "1.2.0" },
    });
    const payment = createEnvelope({
      schema: { type: "request", subtype: "payment_request", version: "1.0.0" },
      resource: { serviceName: "payments" },
      attributes: {
        payment_id: "p1",
        status: "authorized",
        amount: 10.25,
        currency: "EUR",
        merchant_id: "m1",
        card_brand: "visa",
      },
    });
    const [old, next] = dual.encode(payment).map((o) => decode(o.bytes));
    expect(old!.body.attributes.get("card_brand")).toBe("visa");
    expect(next!.header.schema.version).toBe("1.1.0");
    expect(next!.body.attributes.has("card_brand")).toBe(false);
    expect(next!.body.extensions).toEqual([
      { namespace: "card", version: "1.0.0", attributes: new Map([["brand", "visa"]]) },
    ]);
    expect(registry.validate(old!)).toEqual([]);
    expect(registry.validate(next!)).toEqual([]);
    // 1.1.0 sign-in, also at 1.2.0: latency_ms becomes duration_ms.
    const [, up] = dual.encode(signIn("1.1.0", { user: "bo", latency_ms: 3 }));
    expect(decode(up!.bytes).body.attributes.get("duration_ms")).toBe(3);
    // A 1.2.0 sign-in is already at 1.2.0: emitted once.
    expect(dual.encode(signIn("1.2.0", { user: "cy" }))).toHaveLength(1);
    expect(dual.stats).toEqual({
      envelopes: 3,
      copies: { "request/payment_request@1.1.0": 1, "request/auth_request@1.2.0": 1 },
      failed: {},
    });
  });

  it("counts an envelope it cannot transform, or throws when asked", () => {
    // duration_ms and a stray latency_ms: going back to 1.1.0 would put two values on latency_ms.
    const clash = signIn("1.2.0", { user: "ada", duration_ms: 1, latency_ms: 2 });
    const lenient = createDualEmitter(registry, createEncoder(), {
      also: { "request/auth_request": "1.1.0" },
    });
    const out = lenient.encode(clash);
    expect(out.map((o) => o.version)).toEqual(["1.2.0"]);
    expect(lenient.stats.failed).toEqual({ "request/auth_request@1.1.0": 1 });
    const strict = createDualEmitter(registry, createEncoder(), {
      also: { "request/auth_request": "1.1.0" },
      onFailure: "throw",
    });
    expect(() => strict.encode(clash)).toThrowError(
      expect.objectContaining({ code: "transform_unavailable" }),
    );
    expect(strict.stats.copies).toEqual({});
  });

  it("refuses an unknown event or version at construction", () => {
    for (const also of [{ "request/auth_request": "9.9.9" }, { nope: "1.0.0" }]) {
      try {
        createDualEmitter(registry, createEncoder(), { also });
        expect.unreachable();
      } catch (error) {
        expect(isEnvelopeError(error) && error.code).toBe("invalid_argument");
      }
    }
  });
});
