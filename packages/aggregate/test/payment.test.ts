/**
 * request/payment_request moved the card fields into the `card` extension in
 * 1.1.0 (move_to_extension): a capture of both versions, brought to either
 * one, groups the same card brands under the attribute or the extension key.
 */
import { aggregate } from "@envelope/aggregate";
import { loadRegistry } from "@envelope/registry";
import { createEncoder, createEnvelope } from "@envelope/sdk";
import { expect, it } from "vitest";
import { SCHEMAS } from "./capture.js";

const registry = loadRegistry(SCHEMAS);
const encoder = createEncoder({ codec: "cbor" });
const BRANDS = ["visa", "mastercard", "amex"];

/** i-th payment: brand i % 3, amount i + 0.25 (exact sums), at 1.0.0 when i is even. */
function payment(i: number): Uint8Array {
  const old = i % 2 === 0;
  const brand = BRANDS[i % 3]!;
  return encoder.encode(
    createEnvelope({
      schema: { type: "request", subtype: "payment_request", version: old ? "1.0.0" : "1.1.0" },
      resource: { serviceName: "payments" },
      attributes: {
        payment_id: `p${i}`,
        status: "authorized",
        amount: i + 0.25,
        currency: "EUR",
        merchant_id: "m1",
        items_count: BigInt(i),
        ...(old ? { card_brand: brand } : {}),
      },
      ...(old
        ? {}
        : { extensions: [{ namespace: "card", version: "1.0.0", attributes: { brand } }] }),
    }),
  );
}

const N = 90;
const capture = Buffer.concat(Array.from({ length: N }, (_, i) => payment(i)));

it.each([
  ["1.0.0", "attr:card_brand"],
  ["1.1.0", "ext:card:brand"],
])("normalised to %s, grouped by %s: the same brands, counts and sums", async (to, dim) => {
  const result = await aggregate(capture, {
    registry,
    to,
    by: [dim],
    values: ["amount", "items_count"],
  });
  expect(result.aggregated).toBe(N);
  expect(result.skipped).toEqual([]);
  expect(result.issues).toEqual({});
  expect(result.groups.map((g) => g.key[0])).toEqual(["amex", "mastercard", "visa"]);
  for (const g of result.groups) {
    const mine = Array.from({ length: N }, (_, i) => i).filter((i) => BRANDS[i % 3] === g.key[0]);
    expect(g.count).toBe(mine.length);
    expect(g.values[0]).toMatchObject({
      kind: "double",
      count: mine.length,
      sum: mine.reduce((s, i) => s + i + 0.25, 0),
      min: mine[0]! + 0.25,
      max: mine.at(-1)! + 0.25,
    });
    expect(g.values[1]).toMatchObject({
      kind: "int",
      sum: mine.reduce((s, i) => s + BigInt(i), 0n),
    });
  }
});
