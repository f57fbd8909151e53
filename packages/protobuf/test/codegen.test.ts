// A new field in the contract is one edit of the proto plus regeneration:
// this copies proto/, adds fields to the copy, runs `buf generate` with the
// repository's plugin (scripts/protoc-gen-envelope.mjs) into a temporary
// folder and round-trips an envelope through the regenerated reader and
// writer, with no hand edit anywhere.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cborCodec } from "@envelope/cbor";
import { DEFAULT_LIMITS, DecodeBudget, type Envelope } from "@envelope/core";
import { protobufCodec } from "@envelope/protobuf";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runEncode } from "../../cbor/src/encode.js";
import { EnvelopeWriter } from "../../cbor/src/to-cbor.js";
import { type CborReader, readWhole } from "../../cbor/src/wire/reader.js";
import { Ctx } from "../src/from-binary.js";
import { ProtoReader } from "../src/wire/reader.js";
import { ProtoWriter } from "../src/wire/writer.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const src = fileURLToPath(new URL("../src/", import.meta.url));
const cborSrc = fileURLToPath(new URL("../../cbor/src/", import.meta.url));
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** The two edits: a string in Header (field 8) and a uint32 in Resource with a two-byte tag (field 20). */
function editProto(text: string): string {
  const header = "  Status status = 7;\n}";
  const resource = "  repeated KeyValue attributes = 6;\n}";
  if (!text.includes(header) || !text.includes(resource)) throw new Error("proto changed shape");
  return text
    .replace(header, "  Status status = 7;\n  string tenant = 8;\n}")
    .replace(resource, "  repeated KeyValue attributes = 6;\n  uint32 shard = 20;\n}");
}

interface Generated {
  readEnvelope(c: Ctx, end: number): Envelope;
  writeEnvelope(w: ProtoWriter, e: Envelope): void;
}

let dir = "";
let generated: Generated;
let generatedCbor: {
  readEnvelope(r: CborReader): Envelope;
  writeEnvelope(e: EnvelopeWriter, m: Envelope): void;
};

/** Writes `protoText` as envelope/v1/envelope.proto under `at` and runs `buf generate` with the plugin into `at`/out. */
function generate(at: string, protoText: string): void {
  const proto = join(at, "proto/envelope/v1");
  mkdirSync(proto, { recursive: true });
  writeFileSync(join(proto, "envelope.proto"), protoText);
  const template = {
    version: "v2",
    plugins: [
      {
        local: ["node", join(root, "scripts/protoc-gen-envelope.mjs")],
        out: join(at, "out"),
        // The regenerated code imports the hand-written runtime from the package's sources.
        opt: [`runtime=${src}`],
      },
      {
        local: ["node", join(root, "scripts/protoc-gen-envelope.mjs")],
        out: join(at, "out-cbor"),
        opt: [`runtime=${cborSrc}`, "codec=cbor"],
      },
    ],
  };
  execFileSync(
    join(root, "node_modules/.bin/buf"),
    ["generate", join(at, "proto"), "--template", JSON.stringify(template)],
    { cwd: at, stdio: "pipe" },
  );
}

const original = () => readFileSync(join(root, "proto/envelope/v1/envelope.proto"), "utf8");

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "envelope-codegen-"));
  generate(dir, editProto(original()));
  generated = await import(join(dir, "out/envelope/v1/envelope_codec.ts"));
  generatedCbor = await import(join(dir, "out-cbor/envelope/v1/envelope_cbor.ts"));
}, 120_000);

afterAll(() => {
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
});

function envelope(): Envelope {
  return {
    header: {
      schema: { type: "ping", subtype: "ping", version: "1.0.0" },
      eventId: new Uint8Array(16).fill(1),
      timeUnixNano: 1n,
      producer: { language: "ts", version: "0.1.0" },
      resource: { serviceName: "s", attributes: new Map([["k", "v"]]) },
    },
    body: { attributes: new Map<string, string | bigint>([["n", 7n]]), extensions: [] },
  };
}

/** The envelope with the new fields set, as the regenerated model has them. */
function withNewFields(): Envelope {
  const e = envelope();
  Object.assign(e.header, { tenant: "acme" });
  Object.assign(e.header.resource, { shard: 300 });
  return e;
}

function write(e: Envelope): Uint8Array {
  const w = new ProtoWriter();
  w.begin();
  generated.writeEnvelope(w, e);
  return w.result().slice();
}

function read(bytes: Uint8Array): Envelope {
  const c = new Ctx(new ProtoReader(bytes, 0), new DecodeBudget(DEFAULT_LIMITS));
  return generated.readEnvelope(c, bytes.length);
}

describe("a field added to a copy of the proto, regenerated into a temporary folder", () => {
  test("round-trips through the regenerated reader and writer", () => {
    const e = withNewFields();
    const bytes = write(e);
    expect(read(bytes)).toEqual(e);
  });

  test("is written after the older fields: 42 04 'acme' in Header, a0 01 ac 02 (300) in Resource", () => {
    const bytes = write(withNewFields());
    expect(bytes[0]).toBe(0x0a); // Envelope.header
    const header = hex(bytes.subarray(2, 2 + bytes[1]!));
    expect(
      header.endsWith(
        [
          "3211", // resource, 17 bytes
          "0a0173", // service_name "s"
          "3208",
          "0a016b",
          "12030a0176", // attributes: {k: "v"}
          "a001",
          "ac02", // the new shard (field 20, varint: a two-byte tag) = 300
          "4204",
          "61636d65", // the new tenant (field 8) = "acme"
        ].join(""),
      ),
    ).toBe(true);
  });

  test("the committed codec keeps the new fields as unknown fields, byte for byte", () => {
    const bytes = write(withNewFields());
    const old = protobufCodec.decodeEnvelope(bytes, new DecodeBudget(DEFAULT_LIMITS), 0);
    expect(old.header.$unknown).toEqual({
      codec: "protobuf",
      data: Uint8Array.of(0x42, 4, 0x61, 0x63, 0x6d, 0x65),
    });
    expect(old.header.resource.$unknown).toEqual({
      codec: "protobuf",
      data: Uint8Array.of(0xa0, 0x01, 0xac, 0x02),
    });
    expect(hex(protobufCodec.encodeEnvelope(old))).toBe(hex(bytes));
  });

  test("without the new fields, the regenerated codec writes what the committed one writes", () => {
    const e = envelope();
    expect(hex(write(e))).toBe(hex(protobufCodec.encodeEnvelope(e)));
    // Implicit-presence proto3 fields read as their defaults when absent.
    const expected = envelope();
    Object.assign(expected.header, { tenant: "" });
    Object.assign(expected.header.resource, { shard: 0 });
    expect(read(protobufCodec.encodeEnvelope(e))).toEqual(expected);
  });
});

describe("the CBOR reader regenerated from the same copy", () => {
  test("reads the new fields at their field numbers (keys 8 and 20)", () => {
    // The CBOR writer is hand-written: the new fields go in as unknown entries
    // with exactly the values a writer would give them.
    const e = envelope();
    e.header.$unknown = { codec: "cbor", data: [[8, Uint8Array.of(0x64, 0x61, 0x63, 0x6d, 0x65)]] };
    e.header.resource.$unknown = { codec: "cbor", data: [[20, Uint8Array.of(0x19, 0x01, 0x2c)]] };
    const bytes = cborCodec.encodeEnvelope(e);
    const read = readWhole(bytes, new DecodeBudget(DEFAULT_LIMITS), 0, (r) =>
      generatedCbor.readEnvelope(r),
    );
    expect(read).toEqual(withNewFields());
  });

  test("the regenerated CBOR writer writes them at keys 8 and 20, and the reader reads them back", () => {
    const bytes = runEncode(new EnvelopeWriter(false), (w) =>
      generatedCbor.writeEnvelope(w, withNewFields()),
    );
    // Resource: 6 attributes {k: "v"}, then key 20 (head 14) = 300 (19 01 2c).
    expect(hex(bytes)).toContain("06a1616b61761419012c");
    // Header: then key 8 = "acme", and the body (key 2) follows.
    expect(hex(bytes)).toContain("1419012c086461636d6502");
    const read = readWhole(bytes, new DecodeBudget(DEFAULT_LIMITS), 0, (r) =>
      generatedCbor.readEnvelope(r),
    );
    expect(read).toEqual(withNewFields());
  });

  test("a repeated new field is a duplicate_key at its model path", () => {
    const e = envelope();
    e.header.$unknown = { codec: "cbor", data: [[8, Uint8Array.of(0x61, 0x61)]] };
    const bytes = hex(cborCodec.encodeEnvelope(e));
    // Header map head a6 (5 fields and key 8) -> a7, with key 8 twice.
    const doubled = bytes.replace("086161", "086161086161").replace(/^a201a6/, "a201a7");
    expect(doubled).not.toBe(bytes);
    let error: unknown;
    try {
      readWhole(Buffer.from(doubled, "hex"), new DecodeBudget(DEFAULT_LIMITS), 0, (r) =>
        generatedCbor.readEnvelope(r),
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: "duplicate_key", path: "header.tenant" });
  });
});

describe("a field the generator cannot map", () => {
  test("fails the generation naming the field, instead of writing a codec that drops it", () => {
    const at = join(dir, "unsupported");
    const text = original().replace(
      "  Status status = 7;\n}",
      "  Status status = 7;\n  repeated string tags = 9;\n}",
    );
    let stderr = "";
    try {
      generate(at, text);
    } catch (error) {
      stderr = String((error as { stderr?: Buffer }).stderr);
    }
    expect(stderr).toContain(
      "protoc-gen-envelope: envelope.v1.Header.tags: repeated scalar is not supported",
    );
  }, 120_000);
});
