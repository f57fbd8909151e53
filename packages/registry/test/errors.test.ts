// The registry's own error codes are not core's: RegistryError carries them.
import { createEnvelope, isEnvelopeError } from "@envelope/core";
import {
  createRegistry,
  isRegistryError,
  REGISTRY_ERROR_CODES,
  RegistryError,
  readDescriptor,
} from "@envelope/registry";
import { describe, expect, test } from "vitest";

describe("RegistryError", () => {
  test("code, detail, path and the message composed from them", () => {
    const e = new RegistryError("transform_unavailable", "no way", { path: "header.schema" });
    expect(e.name).toBe("RegistryError");
    expect(e.code).toBe("transform_unavailable");
    expect(e.detail).toBe("no way");
    expect(e.path).toBe("header.schema");
    expect(e.message).toBe("[transform_unavailable] no way (at header.schema)");
    expect(new RegistryError("registry_unavailable", "down").message).toBe(
      "[registry_unavailable] down",
    );
  });

  test("isRegistryError checks name and code, also across copies; it is not an EnvelopeError", () => {
    const e = new RegistryError("invalid_descriptor", "x");
    expect(isRegistryError(e)).toBe(true);
    expect(isRegistryError(e, "invalid_descriptor")).toBe(true);
    expect(isRegistryError(e, "registry_unavailable")).toBe(false);
    expect(isEnvelopeError(e)).toBe(false);
    const copy = { name: "RegistryError", code: "registry_unavailable", message: "m" };
    expect(isRegistryError(copy, "registry_unavailable")).toBe(true);
    expect(isRegistryError({ name: "RegistryError", code: "truncated" })).toBe(false);
    expect(isRegistryError(new Error("x"))).toBe(false);
    expect(isRegistryError(null)).toBe(false);
  });

  test("the codes, with their meanings", () => {
    expect(Object.keys(REGISTRY_ERROR_CODES)).toEqual([
      "invalid_descriptor",
      "registry_unavailable",
      "transform_unavailable",
    ]);
  });

  test("the registry throws them: a malformed descriptor, a transform with no chain", () => {
    let thrown: unknown;
    try {
      readDescriptor('{ "type": "a", "subtype": "b", "version": "1.0" }', "bad.json");
    } catch (error) {
      thrown = error;
    }
    expect(isRegistryError(thrown, "invalid_descriptor")).toBe(true);
    expect((thrown as RegistryError).path).toBe("$.version");
    const registry = createRegistry([
      readDescriptor('{ "type": "a", "subtype": "b", "version": "1.0.0" }', "a.json"),
    ]);
    const envelope = createEnvelope({
      schema: { type: "a", subtype: "b", version: "1.0.0", url: "https://schemas.example.com/a/b" },
      resource: { serviceName: "svc" },
      attributes: { k: "v" },
    });
    expect(() => registry.transform(envelope, { version: "2.0.0" })).toThrow(
      "[transform_unavailable] no version transforms lead from a/b@1.0.0 to a/b@2.0.0",
    );
    try {
      registry.transform(envelope, { version: "2.0.0" });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RegistryError);
    expect((thrown as RegistryError).path).toBe("header.schema");
  });
});
