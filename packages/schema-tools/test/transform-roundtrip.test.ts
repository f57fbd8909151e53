/**
 * Property: over random descriptor histories and random envelopes, an upgrade
 * followed by a downgrade gives back the original wherever it succeeds, fails
 * only with `transform_unavailable`, and never fails (nor yields a value of the
 * wrong type) in a history that FULL_TRANSITIVE accepts. docs/spec.md
 * "Version transforms".
 */
import { createEnvelope, type Envelope, type EnvelopeInit } from "@envelope/core";
import {
  createRegistry,
  isRegistryError,
  readDescriptor,
  type SchemaDescriptor,
} from "@envelope/registry";
import { checkCompatibility } from "@envelope/schema-tools";
import fc from "fast-check";
import { describe, expect, test } from "vitest";

type Op = { kind: string; a: number; b: number };
interface Field {
  key: string;
  type: "int" | "string";
  pii: boolean;
}

const OPS = ["add", "remove", "rename", "rename_onto", "move", "move_drop_pii", "reuse", "retype"];

/** Builds versions 1.0.0, 2.0.0, ... of event `p/q` by applying `ops` one per version. */
function history(ops: readonly Op[]): SchemaDescriptor[] {
  let body: Field[] = [
    { key: "k0", type: "int", pii: false },
    { key: "k1", type: "string", pii: true },
  ];
  let ext: Field[] = [];
  const used = new Set(body.map((f) => f.key));
  let fresh = 2;
  const out: SchemaDescriptor[] = [];
  const write = (version: string, transforms?: unknown): void => {
    const json = {
      type: "p",
      subtype: "q",
      version,
      ...(out.length === 0 ? { compatibility: "FULL_TRANSITIVE" } : {}),
      attributes: body,
      extensions: [{ namespace: "x", version: "^1.0.0", attributes: ext }],
      ...(transforms === undefined ? {} : { transforms }),
    };
    out.push(readDescriptor(JSON.stringify(json), `${version}.json`));
  };
  write("1.0.0");
  ops.forEach((op, i) => {
    const from = `${i + 1}.0.0`;
    const version = `${i + 2}.0.0`;
    const pick = body[op.a % Math.max(body.length, 1)];
    const other = body[op.b % Math.max(body.length, 1)];
    let transforms: unknown;
    const name = (): string => `k${fresh++}`;
    if (
      op.kind === "add" ||
      (op.kind === "reuse" && [...used].every((k) => body.some((f) => f.key === k)))
    ) {
      const key = name();
      body = [...body, { key, type: op.b % 2 ? "int" : "string", pii: op.a % 2 === 1 }];
    } else if (op.kind === "reuse") {
      const gone = [...used].filter((k) => !body.some((f) => f.key === k));
      body = [
        ...body,
        { key: gone[op.a % gone.length]!, type: op.b % 2 ? "int" : "string", pii: false },
      ];
    } else if (pick === undefined || body.length < 2) {
      // nothing to act on: a version with no changes
    } else if (op.kind === "remove") {
      body = body.filter((f) => f !== pick);
    } else if (op.kind === "retype") {
      body = body.map((f) =>
        f === pick ? { ...f, type: f.type === "int" ? "string" : "int" } : f,
      );
    } else if (op.kind === "rename" || (op.kind === "rename_onto" && other === pick)) {
      const key = name();
      body = body.map((f) => (f === pick ? { ...f, key } : f));
      transforms = { from, changes: [{ rename_attributes: { [pick.key]: key } }] };
    } else if (op.kind === "rename_onto") {
      body = body.filter((f) => f !== pick);
      transforms = { from, changes: [{ rename_attributes: { [pick.key]: other!.key } }] };
    } else {
      const key = name();
      body = body.filter((f) => f !== pick);
      ext = [...ext, { ...pick, key, pii: op.kind === "move" ? pick.pii : false }];
      transforms = {
        from,
        changes: [
          {
            move_to_extension: {
              namespace: "x",
              version: "1.0.0",
              attributes: { [pick.key]: key },
            },
          },
        ],
      };
    }
    for (const f of body) used.add(f.key);
    write(version, transforms);
  });
  return out;
}

/** An envelope valid at `d`, with the fields `mask` selects. */
function envelopeAt(d: SchemaDescriptor, mask: number): Envelope {
  const value = (f: { key: string; type: { kind: string } }, i: number): bigint | string =>
    f.type.kind === "int" ? BigInt(i * 7 + 1) : `${f.key}-${i}`;
  const attributes: [string, bigint | string][] = [];
  d.attributes.forEach((f, i) => {
    if ((mask >> i) & 1) attributes.push([f.key, value(f, i)]);
  });
  const extFields = d.extensions[0]!.attributes ?? [];
  const extAttributes: [string, bigint | string][] = [];
  extFields.forEach((f, i) => {
    if ((mask >> (i + 8)) & 1) extAttributes.push([f.key, value(f, i + 8)]);
  });
  return createEnvelope({
    schema: { type: d.type, subtype: d.subtype, version: d.version },
    resource: { serviceName: "svc" },
    attributes: new Map(attributes) as unknown as NonNullable<EnvelopeInit["attributes"]>,
    extensions:
      extAttributes.length === 0
        ? []
        : ([
            { namespace: "x", version: "1.0.0", attributes: new Map(extAttributes) },
          ] as unknown as NonNullable<EnvelopeInit["extensions"]>),
  });
}

/** Attributes and extensions, order-insensitive (attributes moved back are appended). */
function content(e: Envelope): string {
  const sorted = (m: ReadonlyMap<string, unknown>): string[] =>
    [...m].map(([k, v]) => `${k}=${typeof v}:${String(v)}`).sort();
  return JSON.stringify({
    attributes: sorted(e.body.attributes),
    extensions: (e.body.extensions ?? [])
      .map((x) => ({ ns: x.namespace, v: x.version, a: sorted(x.attributes) }))
      .sort((p, q) => (p.ns < q.ns ? -1 : 1)),
  });
}

type Outcome = { ok: true; value: Envelope } | { ok: false };

function attempt(run: () => Envelope): Outcome {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    if (isRegistryError(error, "transform_unavailable")) return { ok: false };
    throw error;
  }
}

describe("upgrade then downgrade", () => {
  test("gives back the original, or transform_unavailable; never fails where FULL_TRANSITIVE accepts", () => {
    const op = fc.record({ kind: fc.constantFrom(...OPS), a: fc.nat(15), b: fc.nat(15) });
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 5 }),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        (ops, m, x, y) => {
          const versions = history(ops);
          const registry = createRegistry(versions);
          const accepted = versions.every(
            (d) => checkCompatibility(registry, d).violations.length === 0,
          );
          const [lo, hi] = [x % versions.length, y % versions.length].sort((p, q) => p - q) as [
            number,
            number,
          ];
          for (const [start, target] of [
            [lo, hi],
            [hi, lo],
          ] as const) {
            const original = envelopeAt(versions[start]!, m);
            const there = attempt(() =>
              registry.transform(original, { version: versions[target]!.version }),
            );
            const back = there.ok
              ? attempt(() =>
                  registry.transform(there.value, { version: versions[start]!.version }),
                )
              : there;
            if (accepted) {
              expect(back.ok).toBe(true);
              if (there.ok && start < target) {
                const codes = registry.validate(there.value).map((i) => i.code);
                expect(
                  codes.filter((c) => c === "wrong_type" || c === "missing_attribute"),
                ).toEqual([]);
              }
            }
            if (back.ok) expect(content(back.value)).toBe(content(original));
          }
        },
      ),
      { numRuns: 400, seed: 21 },
    );
  });
});
