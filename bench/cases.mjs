// The benchmark cases: named `<subject>/<codec>/<op>/<size>[/<compression>]`,
// each with the bytes it processes (for MB/s) and the baselines an SDK case
// is compared with (ratios are throughput ratios measured in the same run).
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { DEFAULT_LIMITS, readFramePrefix, writeFrame } from "@envelope/core";
import { compress as lz4Compress, decompress as lz4Decompress } from "@envelope/lz4";
import { decompress as lz4JsDecompress } from "@envelope/lz4/js";
import { prepareEncoder } from "@envelope/protobuf";
import { EnvelopeSchema } from "@envelope/protobuf/schema";
import { createDecoder, createEncoder, createEnvelope, encode } from "@envelope/sdk";
import {
  extract,
  formatTraceParent,
  inject,
  parseTraceParent,
  startSpan,
  traceContextFromSpan,
} from "@envelope/trace";
import { ROOT_CONTEXT, SpanKind, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { Decoder as CborXDecoder, Encoder as CborXEncoder } from "cbor-x";
import { compressFrameSync, decompressFrameSync } from "lz4-napi";
import { loadSize, registeredEvent, SIZES } from "./fixtures.mjs";
import protobufjs from "./protobufjs/envelope_pb.js";
import { walkFrame } from "./walk.mjs";

const PbjsEnvelope = protobufjs.envelope.v1.Envelope;
// The standard RFC 8949 options from SPEC-NOTES (no records, no tags).
const CBOR_X_OPTIONS = {
  useRecords: false,
  mapsAsObjects: true,
  tagUint8Array: false,
  useTag259ForMaps: false,
  variableMapSize: true,
};

/**
 * LZ4 cases (ours and raw lz4-napi alike) let the event loop turn every 16
 * iterations, as a service does: lz4-napi's frame functions free their
 * buffers only then, and without turns the baselines would measure memory
 * exhaustion. Ours need no turns (one JavaScript writer; lz4-napi's block
 * decoder, whose results the collector frees at once; see
 * packages/lz4/src/compress.ts); the memory cases measure tight loops.
 *
 * @param {{ producer?: string }} [options] whose committed fixtures to use (default "go")
 * @returns {Array<{ name: string, bytes: number, fn: () => unknown, baselines?: string[], yields: boolean }>}
 */
export function buildCases({ producer = "go" } = {}) {
  const cases = [];
  const add = (name, bytes, fn, baselines) =>
    cases.push({ name, bytes, fn, baselines, yields: /lz4/.test(name) });
  const decoder = createDecoder();

  for (const size of SIZES) {
    const d = loadSize(size, producer);
    const buf = (u8) => Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);

    // protobuf binary
    const pbBytes = d.framed["protobuf/none"];
    const esMessage = fromBinary(EnvelopeSchema, d.raw.protobuf);
    const pbjsMessage = PbjsEnvelope.decode(d.raw.protobuf);
    // Decode is also compared with the walk floor (walk.mjs): the same frame
    // visited field by field without creating values.
    const base = (codec, op) => [
      `protobuf-es/${codec}/${op}/${size}`,
      `protobufjs/${codec}/${op}/${size}`,
      ...(op === "decode" ? [`walk/${codec}/${op}/${size}`] : []),
    ];
    for (const compression of ["none", "lz4"]) {
      const suffix = compression === "lz4" ? "/lz4" : "";
      const framed = d.framed[`protobuf/${compression}`];
      const encoder = createEncoder({ codec: "protobuf", compression });
      add(
        `sdk/protobuf/decode/${size}${suffix}`,
        framed.length,
        () => decoder.decode(framed),
        compression === "none" ? base("protobuf", "decode") : [`sdk/protobuf/decode/${size}`],
      );
      add(
        `sdk/protobuf/encode/${size}${suffix}`,
        framed.length,
        () => encoder.encode(d.envelope),
        compression === "none" ? base("protobuf", "encode") : [`sdk/protobuf/encode/${size}`],
      );
    }
    // A relay's case: re-encoding what the decoder returned, whose longer
    // ASCII strings are slices of the input's text (see fixtures.mjs).
    const reencoder = createEncoder({ codec: "protobuf" });
    add(`sdk/protobuf/reencode/${size}`, pbBytes.length, () => reencoder.encode(d.decoded), [
      `sdk/protobuf/encode/${size}`,
    ]);
    // A registered event's producer (docs/spec.md, "Prepared encoders"): the
    // same init to the same frame, through a prepared encoder or through
    // createEnvelope (what a typed builder returns) and the generic encoder;
    // both validate as `encode` does. Also compared with encoding the
    // envelope already built (sdk/protobuf/encode), which skips the model.
    if (size !== "large") {
      const { event, init } = registeredEvent(d.envelope);
      const prepared = prepareEncoder(event);
      const generic = createEncoder();
      const viaBuilder = () => generic.encode(createEnvelope({ ...init, schema: prepared.schema }));
      if (Buffer.compare(prepared.encode(init), viaBuilder()) !== 0)
        throw new Error(`bench: the prepared ${size} encode differs from the generic one`);
      add(`sdk/protobuf/build-encode/${size}`, pbBytes.length, viaBuilder);
      add(`sdk/protobuf/prepared-encode/${size}`, pbBytes.length, () => prepared.encode(init), [
        `sdk/protobuf/build-encode/${size}`,
        `sdk/protobuf/encode/${size}`,
      ]);
    }
    add(`walk/protobuf/decode/${size}`, pbBytes.length, () => walkFrame(pbBytes));
    add(`protobuf-es/protobuf/decode/${size}`, d.raw.protobuf.length, () =>
      fromBinary(EnvelopeSchema, d.raw.protobuf),
    );
    add(`protobuf-es/protobuf/encode/${size}`, d.raw.protobuf.length, () =>
      toBinary(EnvelopeSchema, esMessage),
    );
    add(`protobufjs/protobuf/decode/${size}`, d.raw.protobuf.length, () =>
      PbjsEnvelope.decode(d.raw.protobuf),
    );
    add(`protobufjs/protobuf/encode/${size}`, d.raw.protobuf.length, () =>
      PbjsEnvelope.encode(pbjsMessage).finish(),
    );
    add(`sdk/frame/peek/${size}`, pbBytes.length, () => decoder.peek(pbBytes), [
      `sdk/protobuf/decode/${size}`,
    ]);

    // CBOR
    const cborX = new CborXEncoder(CBOR_X_OPTIONS);
    const cborXDecoder = new CborXDecoder(CBOR_X_OPTIONS);
    const cborObject = cborXDecoder.decode(d.raw.cbor);
    for (const compression of ["none", "lz4"]) {
      const suffix = compression === "lz4" ? "/lz4" : "";
      const framed = d.framed[`cbor/${compression}`];
      const encoder = createEncoder({ codec: "cbor", compression });
      add(
        `sdk/cbor/decode/${size}${suffix}`,
        framed.length,
        () => decoder.decode(framed),
        compression === "none" ? [`cbor-x/cbor/decode/${size}`] : undefined,
      );
      add(
        `sdk/cbor/encode/${size}${suffix}`,
        framed.length,
        () => encoder.encode(d.envelope),
        compression === "none" ? [`cbor-x/cbor/encode/${size}`] : undefined,
      );
    }
    add(`cbor-x/cbor/decode/${size}`, d.raw.cbor.length, () => cborXDecoder.decode(d.raw.cbor));
    add(`cbor-x/cbor/encode/${size}`, d.raw.cbor.length, () => cborX.encode(cborObject));

    // JSON
    const jsonText = new TextDecoder().decode(d.raw.json);
    const jsonObject = JSON.parse(jsonText);
    for (const compression of ["none", "lz4"]) {
      const suffix = compression === "lz4" ? "/lz4" : "";
      const framed = d.framed[`json/${compression}`];
      const encoder = createEncoder({ codec: "json", compression });
      add(
        `sdk/json/decode/${size}${suffix}`,
        framed.length,
        () => decoder.decode(framed),
        compression === "none" ? [`json/json/decode/${size}`] : undefined,
      );
      add(
        `sdk/json/encode/${size}${suffix}`,
        framed.length,
        () => encoder.encode(d.envelope),
        compression === "none" ? [`json/json/encode/${size}`] : undefined,
      );
    }
    add(`json/json/decode/${size}`, d.raw.json.length, () => JSON.parse(jsonText));
    add(`json/json/encode/${size}`, d.raw.json.length, () => JSON.stringify(jsonObject));

    // The frame + LZ4 layer alone, on the protobuf body section, against raw
    // lz4-napi: our JavaScript writer against its native frame compressor, and
    // our two-pass bounded decoder against its unbounded frame decoder.
    const compressed = compressFrameSync(buf(d.body));
    const header = d.raw.protobuf.subarray(0, 0);
    add(
      `sdk/lz4/compress/${size}`,
      d.body.length,
      () => {
        const body = lz4Compress(d.body);
        return writeFrame({
          codecId: 1,
          compression: "lz4",
          header,
          body,
          bodyRawLength: d.body.length,
        });
      },
      [`lz4-napi/lz4/compress/${size}`],
    );
    const frameWithBody = writeFrame({
      codecId: 1,
      compression: "lz4",
      header,
      body: compressed,
      bodyRawLength: d.body.length,
    });
    /** Reads the frame prefix and decompresses the body with `decompress`. */
    const decompressBody = (decompress) => () => {
      const frame = readFramePrefix(frameWithBody, 0, DEFAULT_LIMITS);
      return decompress(frameWithBody.subarray(frame.bodyOffset), {
        expectedSize: frame.bodyRawLength,
      });
    };
    add(`sdk/lz4/decompress/${size}`, d.body.length, decompressBody(lz4Decompress), [
      `lz4-napi/lz4/decompress/${size}`,
    ]);
    // The two decoding engines side by side on the same frame: the platform's
    // (lz4-napi's block decoder on Node) above, the JavaScript one here, as
    // browsers, Deno without addons and --omit=optional installs run it.
    add(`sdk-js/lz4/decompress/${size}`, d.body.length, decompressBody(lz4JsDecompress), [
      `sdk/lz4/decompress/${size}`,
      `lz4-napi/lz4/decompress/${size}`,
    ]);
    add(`lz4-napi/lz4/compress/${size}`, d.body.length, () => compressFrameSync(buf(d.body)));
    add(`lz4-napi/lz4/decompress/${size}`, d.body.length, () => decompressFrameSync(compressed));
  }

  // W3C trace context
  const header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  add(
    "sdk/traceparent/parse-format/-",
    header.length,
    () => formatTraceParent(parseTraceParent(header)),
    ["opentelemetry/traceparent/extract-inject/-"],
  );
  const propagator = new W3CTraceContextPropagator();
  const getter = { get: (carrier, key) => carrier[key], keys: (carrier) => Object.keys(carrier) };
  const setter = {
    set: (carrier, key, value) => {
      carrier[key] = value;
    },
  };
  const incoming = { traceparent: header };
  add("opentelemetry/traceparent/extract-inject/-", header.length, () => {
    const ctx = propagator.extract(ROOT_CONTEXT, incoming, getter);
    const out = {};
    propagator.inject(ctx, out, setter);
    return out;
  });

  // One service hop (test/services): extract the caller's context, start the
  // server span, inject into the next call's headers, end the span, and fill
  // and encode its envelope (one protobuf frame). The baseline does the same
  // with OpenTelemetry's propagator and tracer SDK (no span processor, as a
  // service that exports envelopes instead of OTLP), and the same envelope code.
  const hopIncoming = { traceparent: header, tracestate: "vendor=secret42,other=keep" };
  const hopEnvelope = (traceContext) =>
    encode(
      createEnvelope({
        schema: { type: "trace", subtype: "hop", version: "1.0.0" },
        resource: { serviceName: "bench" },
        attributes: {
          flow: "bench",
          "hop.role": "server",
          "trace.incoming": "valid",
          "hop.via": "http",
        },
        trace: traceContext,
      }),
    );
  const sdkHop = () => {
    const span = startSpan(extract(hopIncoming), { name: "POST /hop" });
    const out = {};
    inject(span, out);
    span.end();
    return hopEnvelope(traceContextFromSpan(span));
  };
  const tracer = new BasicTracerProvider().getTracer("bench");
  const otelHop = () => {
    const parent = propagator.extract(ROOT_CONTEXT, hopIncoming, getter);
    const span = tracer.startSpan("POST /hop", { kind: SpanKind.SERVER }, parent);
    const out = {};
    propagator.inject(trace.setSpan(parent, span), out, setter);
    span.end();
    // The envelope's trace context, filled as an OpenTelemetry user would: ids
    // from their hex, tracestate serialized, the parent from the extracted context.
    const sc = span.spanContext();
    const traceContext = {
      traceId: Buffer.from(sc.traceId, "hex"),
      spanId: Buffer.from(sc.spanId, "hex"),
      parentSpanId: Buffer.from(trace.getSpanContext(parent).spanId, "hex"),
      traceFlags: sc.traceFlags,
    };
    const state = sc.traceState?.serialize();
    if (state) traceContext.traceState = state;
    return hopEnvelope(traceContext);
  };
  add("sdk/trace/hop/-", sdkHop().length, sdkHop, ["opentelemetry/trace/hop/-"]);
  add("opentelemetry/trace/hop/-", otelHop().length, otelHop);
  return cases;
}
