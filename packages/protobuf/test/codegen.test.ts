// A new field in the contract is one edit of the proto plus regeneration:
// this copies proto/, adds fields to the copy, runs `buf generate` with the
// repository's plugin (scripts/protoc-gen-envelope.mjs) into a temporary
// folder and round-trips an envelope through the regenerated readers and
// writers (protobuf, CBOR, JSON), and checks the regenerated shape table of
// the CLI's protobuf heuristic, with no hand edit anywhere.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cborCodec } from "@envelope/cbor";
import {
  DEFAULT_LIMITS,
  DecodeBudget,
  type Envelope,
  type JsonObject,
  type JsonValue,
  jsonBounds,
  jsonCodec,
  parseJson,
} from "@envelope/core";
import { protobufCodec } from "@envelope/protobuf";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runEncode } from "../../cbor/src/encode.js";
import { EnvelopeWriter } from "../../cbor/src/to-cbor.js";
import { type CborReader, readWhole } from "../../cbor/src/wire/reader.js";
import * as committedShape from "../../cli/src/gen/envelope/v1/envelope_shape.js";
import { looksLikeEnvelope } from "../../cli/src/input/protobuf-shape.js";
import { Ctx } from "../src/from-binary.js";
import { ProtoReader } from "../src/wire/reader.js";
import { ProtoWriter } from "../src/wire/writer.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const src = fileURLToPath(new URL("../src/", import.meta.url));
const cborSrc = fileURLToPath(new URL("../../cbor/src/", import.meta.url));
const coreSrc = fileURLToPath(new URL("../../core/src/", import.meta.url));
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
interface GeneratedJson {
  readEnvelope(value: JsonValue, budget: DecodeBudget): Envelope;
  writeEnvelope(e: Envelope): JsonObject;
}
let generatedJson: GeneratedJson;
let generatedShape: typeof committedShape & {
  HEADER_FIELDS: Record<string, { number: number; wire: number }>;
  RESOURCE_FIELDS: Record<string, { number: number; wire: number }>;
};

const plugin = ["node", "scripts/protoc-gen-envelope.mjs"];
/** The plugin runs of buf.gen.yaml, into `at`/out-*: the regenerated code imports the hand-written runtime from the packages' sources. */
const ALL_CODECS = [
  { out: "out", opt: [`runtime=${src}`] },
  { out: "out-cbor", opt: [`runtime=${cborSrc}`, "codec=cbor"] },
  { out: "out-json", opt: [`runtime=${coreSrc}`, "codec=json"] },
  { out: "out-shape", opt: ["codec=shape"] },
];

/** Writes `protoText` as envelope/v1/envelope.proto under `at` and runs `buf generate` with the plugin runs `runs`. */
function generate(at: string, protoText: string, runs = ALL_CODECS): void {
  const proto = join(at, "proto/envelope/v1");
  mkdirSync(proto, { recursive: true });
  writeFileSync(join(proto, "envelope.proto"), protoText);
  const template = {
    version: "v2",
    plugins: runs.map(({ out, opt }) => ({
      local: [plugin[0], join(root, plugin[1]!)],
      out: join(at, out),
      opt,
    })),
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
  generatedJson = await import(join(dir, "out-json/envelope/v1/envelope_json.ts"));
  generatedShape = await import(join(dir, "out-shape/envelope/v1/envelope_shape.ts"));
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

/** JSON text of `value`, as the JSON codec writes it. */
const text = (value: JsonObject) => JSON.stringify(value);

/** Parses JSON text as the JSON codec does, then reads it with the regenerated reader. */
function readJson(json: string, read: GeneratedJson["readEnvelope"] = generatedJson.readEnvelope) {
  return read(parseJson(json, jsonBounds(DEFAULT_LIMITS)), new DecodeBudget(DEFAULT_LIMITS));
}

describe("the JSON reader and writer regenerated from the same copy", () => {
  test("write the new fields under their JSON names, after the older ones, and read them back", () => {
    const json = text(generatedJson.writeEnvelope(withNewFields()));
    expect(json).toBe(
      [
        '{"header":{"schema":{"type":"ping","subtype":"ping","version":"1.0.0"},',
        `"eventId":"${"01".repeat(16)}","timeUnixNano":"1","producer":{"language":"ts","version":"0.1.0"},`,
        '"resource":{"serviceName":"s","attributes":[{"key":"k","value":{"stringValue":"v"}}],"shard":300},',
        '"tenant":"acme"},',
        '"body":{"attributes":[{"key":"n","value":{"intValue":"7"}}]}}',
      ].join(""),
    );
    expect(readJson(json)).toEqual(withNewFields());
  });

  test("the committed JSON codec keeps the new fields as unknown keys and writes them back byte for byte", () => {
    const bytes = new TextEncoder().encode(text(generatedJson.writeEnvelope(withNewFields())));
    const old = jsonCodec.decodeEnvelope(bytes, new DecodeBudget(DEFAULT_LIMITS), 0);
    expect(old.header.$unknown).toEqual({ codec: "json", data: [["tenant", "acme"]] });
    expect(old.header.resource.$unknown).toEqual({ codec: "json", data: [["shard", 300]] });
    expect(hex(jsonCodec.encodeEnvelope(old))).toBe(hex(bytes));
  });

  test("without the new fields, the regenerated JSON codec writes what the committed one writes", () => {
    const e = envelope();
    const committed = new TextDecoder().decode(jsonCodec.encodeEnvelope(e));
    expect(text(generatedJson.writeEnvelope(e))).toBe(committed);
    const expected = envelope();
    Object.assign(expected.header, { tenant: "" });
    Object.assign(expected.header.resource, { shard: 0 });
    expect(readJson(committed)).toEqual(expected);
  });

  test("the new fields are checked like the older ones: a wrong type is invalid_json at the field's path", () => {
    const json = text(generatedJson.writeEnvelope(withNewFields()));
    expect(() => readJson(json.replace('"shard":300', '"shard":"x"'))).toThrow(
      expect.objectContaining({ code: "invalid_json", path: "header.resource.shard" }),
    );
    expect(() => readJson(json.replace('"tenant":"acme"', '"tenant":7'))).toThrow(
      expect.objectContaining({ code: "invalid_json", path: "header.tenant" }),
    );
  });
});

describe("the shape table of the CLI's protobuf heuristic, regenerated from the same copy", () => {
  test("has the new fields, and the fields the heuristic reads are unchanged", () => {
    expect(generatedShape.HEADER_FIELDS.tenant).toEqual({ number: 8, wire: 2 });
    expect(generatedShape.RESOURCE_FIELDS.shard).toEqual({ number: 20, wire: 0 });
    expect(generatedShape.ENVELOPE_FIELDS.header).toEqual(committedShape.ENVELOPE_FIELDS.header);
    expect(generatedShape.HEADER_FIELDS.schema).toEqual(committedShape.HEADER_FIELDS.schema);
    expect(committedShape.ENVELOPE_FIELDS.header).toEqual({ number: 1, wire: 2 });
    expect(committedShape.HEADER_FIELDS.schema).toEqual({ number: 1, wire: 2 });
  });

  test("the heuristic takes an envelope with the new fields for an envelope", () => {
    const bytes = write(withNewFields());
    expect(looksLikeEnvelope(bytes, 0, bytes.length)).toBe(true);
    // ...and not once the header's first field is no longer the schema.
    const noSchema = withNewFields();
    noSchema.header.schema = undefined as never;
    const moved = write(noSchema);
    expect(moved[2]).toBe(0x12); // header starts with event_id (field 2)
    expect(looksLikeEnvelope(moved, 0, moved.length)).toBe(false);
  });
});

/**
 * One field of every kind the JSON generator maps beyond what the contract
 * uses today, and a new message: JSON only (the CBOR generator has no
 * primitive for bool, int64 or double yet).
 */
describe("JSON fields of every kind, added to a copy of the proto", () => {
  let json: GeneratedJson;
  beforeAll(async () => {
    const at = join(dir, "kinds");
    const text = original().replace(
      "  Status status = 7;\n}",
      [
        "  Status status = 7;",
        "  bool flag = 9;",
        "  int64 delta = 10;",
        "  double ratio = 11;",
        "  bytes blob = 12;",
        "  optional string note = 13;",
        "  StatusCode level = 14;",
        "  optional uint32 count = 15;",
        "  Quota quota = 16;",
        "}",
        "",
        "message Quota {",
        "  uint32 limit = 1;",
        "}",
      ].join("\n"),
    );
    generate(
      at,
      text,
      ALL_CODECS.filter((run) => run.out === "out-json"),
    );
    json = await import(join(at, "out-json/envelope/v1/envelope_json.ts"));
  }, 120_000);

  function withKinds(values: Record<string, unknown>): Envelope {
    const e = envelope();
    Object.assign(e.header, values);
    return e;
  }

  const header = (e: Envelope) => text(json.writeEnvelope(e).header as JsonObject);

  test("values written as the JSON mapping says, and read back", () => {
    const values = {
      flag: true,
      delta: -5n,
      ratio: Number.POSITIVE_INFINITY,
      blob: Uint8Array.of(1, 2, 3),
      note: "",
      level: 2,
      count: 0,
      quota: { limit: 3 },
    };
    const e = withKinds(values);
    expect(header(e)).toMatch(
      /,"flag":true,"delta":"-5","ratio":"Infinity","blob":"AQID","note":"","level":2,"count":0,"quota":\{"limit":3\}\}$/,
    );
    expect(readJson(text(json.writeEnvelope(e)), json.readEnvelope)).toEqual(e);
  });

  test("defaults are omitted, and read back as the defaults", () => {
    const defaults = { flag: false, delta: 0n, ratio: 0, blob: new Uint8Array(0), level: 0 };
    const e = withKinds(defaults);
    expect(header(e)).toBe(new TextDecoder().decode(jsonCodec.encodeHeader(envelope().header)));
    expect(readJson(text(json.writeEnvelope(e)), json.readEnvelope)).toEqual(e);
  });

  test("lenient as OTLP/JSON: int64 as a number, double in a string, an enum by name", () => {
    const e = withKinds({});
    const body = text(json.writeEnvelope(e)).replace(
      '"resource":',
      '"delta":-5,"ratio":"0.5","level":"STATUS_CODE_ERROR","resource":',
    );
    expect(readJson(body, json.readEnvelope).header).toMatchObject({
      delta: -5n,
      ratio: 0.5,
      level: 2,
    });
    expect(() =>
      readJson(body.replace("STATUS_CODE_ERROR", "STATUS_CODE_NOPE"), json.readEnvelope),
    ).toThrow(
      expect.objectContaining({
        code: "invalid_value",
        path: "header.level",
        message: expect.stringContaining(
          '"STATUS_CODE_NOPE" is not a StatusCode name (STATUS_CODE_UNSET, STATUS_CODE_OK, STATUS_CODE_ERROR)',
        ),
      }),
    );
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
