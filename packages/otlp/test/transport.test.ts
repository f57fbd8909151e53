// otlpTransport against a real HTTP server on loopback that answers what an
// OTLP receiver may answer: success, partial success, retryable and final
// statuses, a stall. (The real Collector is in collector.test.ts.)
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { ExportError } from "@envelope/export";
import { otlpTransport, type PartialSuccess, toLogsData, toProtobuf } from "@envelope/otlp";
import { createEnvelope, type Envelope, hexToBytes } from "@envelope/sdk";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { freePort } from "./collector.js";
import { itemOf } from "./items.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Uint8Array;
}

type Answer = (res: ServerResponse) => void;

let server: Server;
let url: string;
const seen: Seen[] = [];
const answers: Answer[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: new Uint8Array(Buffer.concat(chunks)),
      });
      const answer = answers.shift() ?? ((r: ServerResponse) => r.writeHead(200).end());
      answer(res);
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/logs`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((ok) => server.close(() => ok()));
});

function envelope(n: number, service = "auth"): Envelope {
  return createEnvelope({
    schema: { type: "request", subtype: "auth_request", version: "1.2.0" },
    resource: { serviceName: service },
    attributes: { n: BigInt(n) },
    eventId: hexToBytes(`${n.toString(16).padStart(2, "0")}${"ab".repeat(15)}`),
    timeUnixNano: 1764892800000000000n + BigInt(n),
    producer: { language: "typescript", version: "0.1.0" },
  });
}

const OBSERVED = 1764892809000000000n;
const signal = () => AbortSignal.timeout(30_000);

async function failure(promise: Promise<unknown>): Promise<ExportError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ExportError);
    return error as ExportError;
  }
  throw new Error("send resolved");
}

describe("otlpTransport over HTTP", () => {
  test("POSTs the mapped batch as protobuf, grouped by resource, with the given headers", async () => {
    seen.length = 0;
    const transport = otlpTransport({
      url,
      headers: { authorization: "Bearer t0ken", "content-type": "text/plain" },
      clock: () => OBSERVED,
    });
    const envelopes = [envelope(1), envelope(2, "billing"), envelope(3)];
    const items = [
      itemOf(envelopes[0] as Envelope, "protobuf"),
      itemOf(envelopes[1] as Envelope, "json", "lz4"),
      itemOf(envelopes[2] as Envelope, "cbor"),
    ];
    expect(transport.name).toBe("otlp");
    await expect(transport.send(items, signal())).resolves.toStrictEqual({});
    expect(seen).toHaveLength(1);
    expect(seen[0]?.method).toBe("POST");
    expect(seen[0]?.url).toBe("/v1/logs");
    expect(seen[0]?.headers["content-type"]).toBe("application/x-protobuf");
    expect(seen[0]?.headers.authorization).toBe("Bearer t0ken");
    expect(seen[0]?.body).toStrictEqual(
      toProtobuf(toLogsData(envelopes, { observedTimeUnixNano: OBSERVED })),
    );
  });

  test("frames that do not decode or have no OTLP form are rejected alone; the rest are sent", async () => {
    seen.length = 0;
    const reserved = envelope(2);
    reserved.body.extensions.push({
      namespace: "envelope",
      version: "1.0.0",
      attributes: new Map(),
    });
    const garbage = { ...itemOf(envelope(9)), bytes: new Uint8Array([1, 2, 3]) };
    const transport = otlpTransport({ url, clock: () => OBSERVED });
    const result = await transport.send([garbage, itemOf(envelope(1)), itemOf(reserved)], signal());
    expect(result).toStrictEqual({ rejected: [0, 2] });
    expect(seen[0]?.body).toStrictEqual(
      toProtobuf(toLogsData([envelope(1)], { observedTimeUnixNano: OBSERVED })),
    );
  });

  test("gzip: Content-Encoding gzip, and the body gunzips to the same protobuf", async () => {
    seen.length = 0;
    const transport = otlpTransport({ url, compression: "gzip", clock: () => OBSERVED });
    await expect(transport.send([itemOf(envelope(1))], signal())).resolves.toStrictEqual({});
    expect(seen[0]?.headers["content-encoding"]).toBe("gzip");
    expect(seen[0]?.headers["content-type"]).toBe("application/x-protobuf");
    expect(new Uint8Array(gunzipSync(seen[0]?.body ?? new Uint8Array()))).toStrictEqual(
      toProtobuf(toLogsData([envelope(1)], { observedTimeUnixNano: OBSERVED })),
    );
  });

  test("a batch with nothing to send makes no request", async () => {
    seen.length = 0;
    const garbage = { ...itemOf(envelope(9)), bytes: new Uint8Array([1, 2, 3]) };
    await expect(otlpTransport({ url }).send([garbage], signal())).resolves.toStrictEqual({
      rejected: [0],
    });
    expect(seen).toHaveLength(0);
  });

  test.each([
    [429, "3", true, 3000],
    [502, null, true, undefined],
    [503, "120", true, 120_000],
    [504, "soon", true, undefined],
    [400, "3", false, undefined],
    [401, null, false, undefined],
    [413, null, false, undefined],
    [500, null, false, undefined],
  ])("HTTP %i (Retry-After %s): retryable %s, retryAfterMs %s", async (status, retryAfter, retryable, ms) => {
    answers.push((res) =>
      res.writeHead(status, retryAfter === null ? {} : { "retry-after": retryAfter }).end(),
    );
    const error = await failure(otlpTransport({ url }).send([itemOf(envelope(1))], signal()));
    expect(error.message).toBe(`OTLP POST ${url}: HTTP ${status}`);
    expect(error.retryable).toBe(retryable);
    expect(error.retryAfterMs).toBe(ms);
  });

  test.each([
    [
      "protobuf",
      "application/x-protobuf",
      // ExportLogsServiceResponse { partial_success (1) { rejected_log_records (1) = 2, error_message (2) = "bad" } }
      Buffer.from("0a0708021203626164", "hex"),
    ],
    [
      "JSON",
      "application/json",
      Buffer.from('{"partialSuccess":{"rejectedLogRecords":"2","errorMessage":"bad"}}'),
    ],
  ])("a %s partial success is reported, not retried", async (_, type, body) => {
    answers.push((res) => res.writeHead(200, { "content-type": type }).end(body));
    const reports: PartialSuccess[] = [];
    const transport = otlpTransport({ url, onPartialSuccess: (p) => reports.push(p) });
    await expect(
      transport.send([itemOf(envelope(1)), itemOf(envelope(2))], signal()),
    ).resolves.toStrictEqual({});
    expect(reports).toStrictEqual([{ rejected: 2, message: "bad" }]);
  });

  test("a success body over 64 KiB is ignored: delivered, no report", async () => {
    const partial = Buffer.from("0a0708021203626164", "hex");
    // Valid: an unknown field 15 (tag 7a) of 65,536 bytes after the partial success, so a reader
    // without the limit would report { rejected: 2, message: "bad" }.
    const big = Buffer.concat([partial, Buffer.from("7a808004", "hex"), Buffer.alloc(65_536)]);
    answers.push((res) =>
      res.writeHead(200, { "content-type": "application/x-protobuf" }).end(big),
    );
    const reports: PartialSuccess[] = [];
    const transport = otlpTransport({ url, onPartialSuccess: (p) => reports.push(p) });
    await expect(transport.send([itemOf(envelope(1))], signal())).resolves.toStrictEqual({});
    expect(reports).toStrictEqual([]);
  });

  test("a success whose body is cut off is still delivered (the status said so)", async () => {
    answers.push((res) => {
      res.writeHead(200, { "content-type": "application/x-protobuf", "content-length": "100" });
      res.write(Buffer.from("0a07", "hex"));
      setTimeout(() => res.destroy(), 20);
    });
    const reports: PartialSuccess[] = [];
    const transport = otlpTransport({ url, onPartialSuccess: (p) => reports.push(p) });
    await expect(transport.send([itemOf(envelope(1))], signal())).resolves.toStrictEqual({});
    expect(reports).toStrictEqual([]);
  });

  test("an empty success body is no partial success", async () => {
    answers.push((res) => res.writeHead(200, { "content-type": "application/x-protobuf" }).end());
    const reports: PartialSuccess[] = [];
    await otlpTransport({ url, onPartialSuccess: (p) => reports.push(p) }).send(
      [itemOf(envelope(1))],
      signal(),
    );
    expect(reports).toStrictEqual([]);
  });

  test("an aborted signal stops a stalled request: retryable", async () => {
    const stalled: ServerResponse[] = [];
    answers.push((res) => stalled.push(res));
    const controller = new AbortController();
    const sending = otlpTransport({ url }).send([itemOf(envelope(1))], controller.signal);
    while (stalled.length === 0) await new Promise((ok) => setTimeout(ok, 5));
    controller.abort(new Error("deadline"));
    const error = await failure(sending);
    expect(error.message).toBe(`OTLP POST ${url}: aborted`);
    expect(error.retryable).toBe(true);
    stalled[0]?.end();
  });

  test("nothing listening: a retryable network error", async () => {
    const closed = `http://127.0.0.1:${await freePort()}/v1/logs`;
    const error = await failure(
      otlpTransport({ url: closed }).send([itemOf(envelope(1))], signal()),
    );
    expect(error.message).toBe(`OTLP POST ${closed}: network error`);
    expect(error.retryable).toBe(true);
    expect((error.cause as Error).name).toBe("TypeError"); // fetch failed
  });
});
