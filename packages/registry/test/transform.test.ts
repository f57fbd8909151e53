import { fileURLToPath } from "node:url";
import { createEnvelope, type Envelope, type EnvelopeInit } from "@envelope/core";
import {
  createRegistry,
  isRegistryError,
  loadRegistry,
  readDescriptor,
  type SchemaDescriptor,
  transformChain,
} from "@envelope/registry";
import { decode, encode } from "@envelope/sdk";
import { describe, expect, test } from "vitest";

const registry = loadRegistry(fileURLToPath(new URL("../../../schemas", import.meta.url)));

function envelope(
  type: string,
  subtype: string,
  version: string,
  attributes: NonNullable<EnvelopeInit["attributes"]>,
  extensions: EnvelopeInit["extensions"] = [],
): Envelope {
  return createEnvelope({
    schema: {
      type,
      subtype,
      version,
      url: `https://schemas.example.com/${type}/${subtype}/${version}`,
    },
    resource: { serviceName: "svc" },
    attributes,
    extensions,
  });
}

function entries(e: Envelope): [string, unknown][] {
  return [...e.body.attributes.entries()];
}

describe("the example schemas", () => {
  test("auth_request: Go data on 1.1.0 and Rust data on 1.2.0 aggregate on 1.2.0 (rename)", () => {
    const go = decode(
      encode(envelope("request", "auth_request", "1.1.0", { user: "alice", latency_ms: 12.5 })),
    );
    const rust = decode(
      encode(envelope("request", "auth_request", "1.2.0", { user: "bob", duration_ms: 3.25 })),
    );
    const upgraded = [go, rust].map((e) => registry.transform(e, { version: "1.2.0" }));
    expect(upgraded.map((e) => e.body.attributes.get("duration_ms"))).toEqual([12.5, 3.25]);
    expect(upgraded.map((e) => e.header.schema.version)).toEqual(["1.2.0", "1.2.0"]);
    expect(upgraded[1]).toBe(rust); // already there: the same object
    expect(upgraded[0]!.header.schema.url).toBeUndefined(); // it named the 1.1.0 descriptor
    expect(registry.validate(upgraded[0]!)).toEqual([]);
    expect(go.body.attributes.has("latency_ms")).toBe(true); // the input is not modified
  });

  test("auth_request: downgrade 1.2.0 -> 1.1.0 renames back, keeping attribute order", () => {
    const e = envelope("request", "auth_request", "1.2.0", {
      user: "a",
      duration_ms: 1,
      tags: ["x"],
    });
    const down = registry.transform(e, { version: "1.1.0" });
    expect(entries(down)).toEqual([
      ["user", "a"],
      ["latency_ms", 1],
      ["tags", ["x"]],
    ]);
    expect(down.header.schema.version).toBe("1.1.0");
    expect(registry.validate(down)).toEqual([]);
  });

  test("payment_request: upgrade moves the card fields into the card extension, downgrade moves them back", () => {
    const old = envelope(
      "request",
      "payment_request",
      "1.0.0",
      {
        payment_id: "p1",
        status: "authorized",
        amount: 10,
        currency: "EUR",
        merchant_id: "m1",
        card_brand: "visa",
        card_last4: "4242",
      },
      [{ namespace: "http", version: "1.0.0", attributes: { method: "POST" } }],
    );
    const up = registry.transform(old, { version: "1.1.0" });
    expect(up.body.attributes.has("card_brand")).toBe(false);
    expect(up.body.extensions.map((x) => [x.namespace, x.version, [...x.attributes]])).toEqual([
      ["http", "1.0.0", [["method", "POST"]]],
      [
        "card",
        "1.0.0",
        [
          ["brand", "visa"],
          ["last4", "4242"],
        ],
      ],
    ]);
    expect(registry.validate(up)).toEqual([]);
    const back = registry.transform(up, { version: "1.0.0" });
    expect(back.body.extensions.map((x) => x.namespace)).toEqual(["http"]); // emptied: removed
    expect(new Map(back.body.attributes)).toEqual(new Map(old.body.attributes));
    expect(registry.validate(back)).toEqual([]);
    expect(old.body.extensions.length).toBe(1);
  });
});

const lineage: SchemaDescriptor[] = [
  { type: "ev", subtype: "login", version: "1.0.0", attributes: ["user", "lat", "ua"] },
  {
    type: "ev",
    subtype: "signin",
    version: "1.1.0",
    attributes: ["user", "latency", "ua"],
    transforms: {
      from: "1.0.0",
      changes: [{ rename_event: { from: "ev/login" } }, { rename_attributes: { lat: "latency" } }],
    },
  },
  {
    type: "ev",
    subtype: "signin",
    version: "1.2.0",
    attributes: ["user", "latency", "login"],
    extensions: [
      { namespace: "http", version: "^1.0.0", attributes: [{ key: "user_agent", type: "string" }] },
    ],
    transforms: {
      from: "1.1.0",
      changes: [
        {
          move_to_extension: {
            namespace: "http",
            version: "1.1.0",
            attributes: { ua: "user_agent" },
          },
        },
      ],
    },
  },
  {
    type: "ev",
    subtype: "signin",
    version: "2.0.0",
    attributes: ["account", "latency"],
    transforms: {
      from: "1.2.0",
      changes: [{ rename_attributes: { user: "account", login: "account" } }],
    },
  },
].map((d) =>
  readDescriptor(
    JSON.stringify({ ...d, attributes: d.attributes.map((key) => ({ key, type: "string" })) }),
    `${d.type}/${d.subtype}/${d.version}.json`,
  ),
);
const events = createRegistry(lineage);

describe("chains: several steps, rename_event, many-to-one renames", () => {
  test("the chain from ev/login 1.0.0 to ev/signin 1.2.0 has two steps", () => {
    const chain = transformChain(
      events,
      { type: "ev", subtype: "login", version: "1.0.0" },
      { type: "ev", subtype: "signin", version: "1.2.0" },
    );
    expect(chain?.map((d) => `${d.subtype}@${d.version}`)).toEqual([
      "signin@1.1.0",
      "signin@1.2.0",
    ]);
  });

  test("upgrade across a renamed event, a rename and a move, then back", () => {
    const e = envelope("ev", "login", "1.0.0", { user: "u", lat: "5", ua: "curl" });
    const up = events.transform(e, { type: "ev", subtype: "signin", version: "1.2.0" });
    expect(up.header.schema).toMatchObject({ type: "ev", subtype: "signin", version: "1.2.0" });
    expect(entries(up)).toEqual([
      ["user", "u"],
      ["latency", "5"],
    ]);
    expect(up.body.extensions).toEqual([
      { namespace: "http", version: "1.1.0", attributes: new Map([["user_agent", "curl"]]) },
    ]);
    expect(events.validate(up)).toEqual([]);
    const down = events.transform(up, { type: "ev", subtype: "login", version: "1.0.0" });
    expect(down.header.schema).toMatchObject({ type: "ev", subtype: "login", version: "1.0.0" });
    expect(entries(down)).toEqual([
      ["user", "u"],
      ["lat", "5"],
      ["ua", "curl"],
    ]);
    expect(down.body.extensions).toEqual([]);
  });

  test("many-to-one: an upgrade that would drop a value and a downgrade with the key are transform_unavailable", () => {
    const both = envelope("ev", "signin", "1.2.0", { login: "l", user: "u", latency: "1" });
    expect(() => events.transform(both, { version: "2.0.0" })).toThrow(
      '[transform_unavailable] cannot upgrade across ev/signin@2.0.0: a value lands on "account", which already holds one',
    );
    const one = envelope("ev", "signin", "1.2.0", { login: "l", latency: "1" });
    const up = events.transform(one, { version: "2.0.0" });
    expect(entries(up)).toEqual([
      ["account", "l"],
      ["latency", "1"],
    ]);
    let error: unknown;
    try {
      events.transform(up, { version: "1.2.0" });
    } catch (x) {
      error = x;
    }
    expect(isRegistryError(error, "transform_unavailable")).toBe(true);
    expect((error as Error).message).toBe(
      '[transform_unavailable] cannot downgrade ev/signin@2.0.0 to 1.2.0: "account" holds what several keys of 1.2.0 were sent to, and which one cannot be told (at body.attributes["account"])',
    );
    // Without the ambiguous key, the downgrade is fine.
    const noAccount = envelope("ev", "signin", "2.0.0", { latency: "1" });
    expect(entries(events.transform(noAccount, { version: "1.2.0" }))).toEqual([["latency", "1"]]);
  });

  test.each([
    ["an unknown target version", { version: "3.0.0" }],
    ["another lineage", { type: "ev", subtype: "other", version: "1.0.0" }],
  ])("no chain: transform_unavailable for %s", (_name, target) => {
    const e = envelope("ev", "signin", "1.1.0", { user: "u" });
    expect(() => events.transform(e, target)).toThrow(
      /\[transform_unavailable\] no version transforms lead from ev\/signin@1.1.0/,
    );
  });

  test("versions without transforms connect to the previous one (identity step)", () => {
    const plain = createRegistry(
      ["1.0.0", "1.1.0", "1.1.1"].map((version) =>
        readDescriptor(JSON.stringify({ type: "a", subtype: "b", version }), "x.json"),
      ),
    );
    const e = envelope("a", "b", "1.0.0", { k: "v" });
    const up = plain.transform(e, { version: "1.1.1" });
    expect(up.header.schema.version).toBe("1.1.1");
    expect(entries(up)).toEqual([["k", "v"]]);
  });
});
