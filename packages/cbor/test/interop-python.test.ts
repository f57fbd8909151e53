// Python's cbor2 reads what this codec writes. `pnpm bootstrap` installs
// cbor2 into .venv/ (PyPI); the test uses that Python, else python3 on PATH.
// Without cbor2 it is skipped locally and fails in CI (CI=true). Go and Rust
// interop tests live with the other producers.
//
// cbor2 decodes each payload and encodes it again: with its default encoder
// (float64 doubles, insertion order) it must give back our default-profile
// bytes, and with `canonical=True` (shortest floats, length-first key order)
// our deterministic-profile bytes. The decoded tree must hold no tag, no
// undefined and no simple value. (cbor2's default encoder writes NaN and the
// infinities as float16 where we write float64; the comparison allows for that.)
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cborCodec, createCborCodec, encodeCborItem } from "@envelope/cbor";
import type { AttributeValue } from "@envelope/core";
import { describe, expect, test } from "vitest";
import { fullEnvelope, minimalEnvelope, toHex } from "./helpers.js";

const venvPython = fileURLToPath(new URL("../../../.venv/bin/python", import.meta.url));
const python = existsSync(venvPython) ? venvPython : "python3";
const hasCbor2 = spawnSync(python, ["-c", "import cbor2"], { encoding: "utf8" }).status === 0;

test("cbor2 is available (required in CI)", () => {
  if (process.env.CI === "true")
    expect(hasCbor2, `${python} cannot import cbor2: run pnpm bootstrap`).toBe(true);
});

const SCRIPT = `
import sys, json, cbor2
def plain(x):
    if isinstance(x, (cbor2.CBORTag, cbor2.CBORSimpleValue)) or x is cbor2.undefined or x is None:
        raise ValueError("not a plain value: %r" % (x,))
    if isinstance(x, dict):
        for k, v in x.items(): plain(k); plain(v)
    if isinstance(x, list):
        for v in x: plain(v)
out = []
for case in json.load(sys.stdin):
    data = bytes.fromhex(case["hex"])
    try:
        value = cbor2.loads(data)
        plain(value)
        again = cbor2.dumps(value, canonical=case["canonical"])
        out.append({"ok": True, "again": again.hex()})
    except Exception as e:
        out.append({"ok": False, "error": repr(e)})
print(json.dumps(out))
`;

/** What cbor2's default encoder writes for our bytes: NaN and infinities as float16. */
function cbor2Default(hex: string): string {
  return hex
    .replaceAll("fb7ff8000000000000", "f97e00")
    .replaceAll("fb7ff0000000000000", "f97c00")
    .replaceAll("fbfff0000000000000", "f9fc00");
}

function expected(c: { hex: string; canonical: boolean }): string {
  return c.canonical ? c.hex : cbor2Default(c.hex);
}

function viaCbor2(
  cases: Array<{ hex: string; canonical: boolean }>,
): Array<{ ok: boolean; again?: string; error?: string }> {
  const run = spawnSync(python, ["-c", SCRIPT], {
    input: JSON.stringify(cases),
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

describe.skipIf(!hasCbor2)("Python cbor2 reads the encoded bytes", () => {
  const deterministic = createCborCodec({ deterministic: true });
  const values: AttributeValue[] = [
    "text",
    "ünïcödé 🎉",
    true,
    false,
    0n,
    -1n,
    2n ** 63n - 1n,
    -(2n ** 63n),
    1.5,
    1,
    -0,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    65504,
    100000,
    1.1,
    2 ** -24,
    Uint8Array.of(1, 2, 3),
    [1n, "two", [3.5]],
    new Map<string, AttributeValue>([
      ["b", 1n],
      [
        "a",
        new Map([
          ["bb", 1n],
          ["c", 2n],
        ]),
      ],
      ["é", 0.25],
    ]),
  ];

  test("envelopes, default and deterministic profiles", () => {
    const envelopes = [minimalEnvelope(), fullEnvelope()];
    const full = fullEnvelope();
    full.header.schema.$unknown = { codec: "cbor", data: [[9, Uint8Array.of(0x61, 0x78)]] };
    envelopes.push(full);
    const cases = envelopes.flatMap((e) => [
      { hex: toHex(cborCodec.encodeEnvelope(e)), canonical: false },
      { hex: toHex(cborCodec.encodeHeader(e.header)), canonical: false },
      { hex: toHex(cborCodec.encodeBody(e.body)), canonical: false },
      { hex: toHex(deterministic.encodeEnvelope(e)), canonical: true },
    ]);
    const results = viaCbor2(cases);
    results.forEach((r, i) => {
      expect(r.error).toBeUndefined();
      expect(r.again).toBe(expected(cases[i]!));
    });
  });

  test("every attribute value kind, default and deterministic profiles", () => {
    const cases = values.flatMap((v) => [
      { hex: toHex(encodeCborItem(v)), canonical: false },
      { hex: toHex(encodeCborItem(v, { deterministic: true })), canonical: true },
    ]);
    const results = viaCbor2(cases);
    results.forEach((r, i) => {
      expect(r.error).toBeUndefined();
      expect(r.again, `case ${i}: ${cases[i]!.hex}`).toBe(expected(cases[i]!));
    });
  });
});
