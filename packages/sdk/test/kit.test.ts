/**
 * `@envelope/sdk/kit`: encode and decode over only the codecs given, and the
 * errors for the ones left out.
 */
import { createEnvelope, decode, type EnvelopeError, encode, isEnvelopeError } from "@envelope/sdk";
import { cbor } from "@envelope/sdk/cbor";
import { json } from "@envelope/sdk/json";
import { createKit } from "@envelope/sdk/kit";
import { lz4 } from "@envelope/sdk/lz4";
import { protobuf } from "@envelope/sdk/protobuf";
import { describe, expect, test } from "vitest";

const envelope = createEnvelope({
  schema: { type: "t", subtype: "s", version: "1.0.0" },
  resource: { serviceName: "svc" },
  attributes: { user: "alice", note: "x".repeat(600) },
  eventId: new Uint8Array(16).fill(7),
  timeUnixNano: 1_700_000_000_000_000_000n,
});

function thrown(run: () => unknown): EnvelopeError {
  try {
    run();
  } catch (error) {
    if (isEnvelopeError(error)) return error;
    throw error;
  }
  return expect.unreachable();
}

describe("createKit", () => {
  test("writes the same bytes as @envelope/sdk for the codecs it holds", () => {
    const kit = createKit({ codecs: [protobuf, json, cbor], lz4 });
    for (const codec of ["protobuf", "json", "cbor"] as const) {
      for (const compression of ["none", "lz4"] as const) {
        const bytes = kit.encode(envelope, { codec, compression });
        expect(bytes).toEqual(encode(envelope, { codec, compression }));
        expect(kit.decode(bytes)).toEqual(decode(bytes));
      }
    }
    const det = kit.encode(envelope, { codec: "cbor", deterministic: true });
    expect(det).toEqual(encode(envelope, { codec: "cbor", deterministic: true }));
  });

  test("a protobuf-only kit refuses other codecs and LZ4, naming what it holds", () => {
    const kit = createKit({ codecs: [protobuf] });
    expect(kit.decode(kit.encode(envelope))).toEqual(envelope);
    const codecError = thrown(() => kit.createEncoder({ codec: "cbor" }));
    expect([codecError.code, codecError.message]).toEqual([
      "unsupported_codec",
      '[unsupported_codec] codec "cbor" is not available (known: protobuf)',
    ]);
    const lz4Error = thrown(() => kit.createEncoder({ compression: "lz4" }));
    expect([lz4Error.code, lz4Error.message]).toEqual([
      "unsupported_compression",
      '[unsupported_compression] compression "lz4" is not available: pass lz4 from @envelope/sdk/lz4 to createKit',
    ]);
    // A frame written by the full SDK with a codec or compression the kit lacks.
    const fromCbor = thrown(() => kit.decode(encode(envelope, { codec: "cbor" })));
    expect([fromCbor.code, fromCbor.offset]).toEqual(["unsupported_codec", 5]);
    const fromLz4 = thrown(() => kit.decode(encode(envelope, { compression: "lz4" })));
    expect([fromLz4.code, fromLz4.offset]).toEqual(["unsupported_compression", 5]);
  });

  test("decodeStream over a web ReadableStream", async () => {
    const kit = createKit({ codecs: [protobuf], lz4 });
    const a = kit.encode(envelope);
    const b = kit.encode(envelope, { compression: "lz4" });
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(a.subarray(0, 10));
        controller.enqueue(new Uint8Array([...a.subarray(10), ...b]));
        controller.close();
      },
    });
    const items = [];
    for await (const item of kit.decodeStream(stream)) items.push(item);
    expect(items.map((i) => [i.offset, i.error?.code, i.envelope?.header.eventId])).toEqual([
      [0, undefined, envelope.header.eventId],
      [a.length, undefined, envelope.header.eventId],
    ]);
  });

  test("a number as timeUnixNano is named as a type problem, once", () => {
    const e = createEnvelope({
      schema: { type: "t", subtype: "s", version: "1.0.0" },
      resource: { serviceName: "svc" },
      timeUnixNano: Date.now() as never,
    });
    const error = thrown(() => encode(e));
    expect([error.code, error.path, error.message]).toEqual([
      "invalid_value",
      "header.timeUnixNano",
      "[invalid_value] invalid envelope: must be a bigint of nanoseconds since the UNIX epoch, got a number (BigInt(ms) * 1_000_000n, or dateToUnixNano(date)) (at header.timeUnixNano)",
    ]);
  });

  test("argument errors name what was expected and what came", () => {
    expect(thrown(() => decode("text" as never)).message).toBe(
      "[invalid_argument] input must be a Uint8Array (a Buffer is one), got a string (for JSON text, use fromJson(JSON.parse(text)))",
    );
    expect(thrown(() => decode([1, 2] as never)).message).toBe(
      "[invalid_argument] input must be a Uint8Array (a Buffer is one), got an array",
    );
    expect(thrown(() => encode(envelope, { compression: "gzip" as never })).message).toBe(
      '[invalid_argument] unknown compression "gzip" (known: none, lz4)',
    );
  });

  test("refuses options that are not codecs", () => {
    expect(thrown(() => createKit({} as never)).code).toBe("invalid_argument");
    expect(thrown(() => createKit({ codecs: ["protobuf"] } as never)).message).toBe(
      "[invalid_argument] createKit: every entry of codecs must be a codec (protobuf, json or cbor from @envelope/sdk/<name>)",
    );
  });
});
