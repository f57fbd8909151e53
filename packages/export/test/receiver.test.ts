/**
 * The receivers: statuses, the JSON report, and partial success carried back
 * to the exporter, on a real node:http server and through the Fetch API.
 */

import { readFileSync } from "node:fs";
import {
  createExporter,
  createFetchReceiver,
  FRAMES_MEDIA_TYPE,
  httpTransport,
  type ReceiverReport,
} from "@envelope/export";
import { bytesToHex, encode } from "@envelope/sdk";
import { afterEach, expect, test, vi } from "vitest";
import { FAST_RETRY, ids, startServer, type TestServer, testEnvelope } from "./support.js";

// Hang detection only: loopback servers, retries and deadlines run slower when the whole suite shares two cores.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function server(options: { maxBodyBytes?: number } = {}): Promise<TestServer> {
  const s = await startServer([], options);
  servers.push(s);
  return s;
}

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

async function post(
  url: string,
  body: Uint8Array<ArrayBuffer> | undefined,
  init: { method?: string; type?: string; encoding?: string } = {},
) {
  const headers: Record<string, string> = { "content-type": init.type ?? FRAMES_MEDIA_TYPE };
  if (init.encoding !== undefined) headers["content-encoding"] = init.encoding;
  const response = await fetch(url, { method: init.method ?? "POST", headers, body: body ?? null });
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    allow: response.headers.get("allow"),
    json: (await response.json()) as unknown,
  };
}

/** Three checksummed frames; the middle one has one body byte flipped. */
function damagedBody() {
  const frames = [1, 2, 3].map((n) => encode(testEnvelope(n), { checksum: true }));
  const damaged = frames.map((f) => f.slice());
  const middle = damaged[1]!;
  middle[middle.byteLength - 10]! ^= 0xff;
  return { frames, body: concat(damaged) };
}

test("a damaged frame is reported exactly: index, offset, length and code; the others are taken", async () => {
  const s = await server();
  const { frames, body } = damagedBody();
  const answer = await post(s.url, body);
  expect(answer.status).toBe(200);
  expect(answer.type).toBe("application/json");
  const report = answer.json as ReceiverReport;
  expect(report).toEqual({
    accepted: 2,
    rejected: [
      {
        index: 1,
        offset: frames[0]!.byteLength,
        length: frames[1]!.byteLength,
        code: "checksum_mismatch",
        message: `[checksum_mismatch] content checksum is 0xf7e314fd, computed 0x46583ac1 (at byte ${frames[0]!.byteLength + frames[1]!.byteLength - 4})`,
      },
    ],
  });
  expect(s.received).toEqual([ids(1, 1)[0], ids(3, 3)[0]]);
  // docs/spec.md shows this very report.
  const spec = readFileSync(new URL("../../../docs/spec.md", import.meta.url), "utf8");
  const section = spec.slice(spec.indexOf("## HTTP transport"));
  const example = /```json\n([\s\S]*?)```/.exec(section)?.[1];
  expect(JSON.parse(example ?? "null")).toEqual(report);
});

test("the exporter drops the frame the receiver rejected, counted, and delivers the rest once", async () => {
  const s = await server();
  let damagedOnce = false;
  // A fault on the wire: the first request's second frame gets one byte flipped.
  const faultyFetch: typeof fetch = (input, init) => {
    if (!damagedOnce && init?.body instanceof Uint8Array) {
      damagedOnce = true;
      const body = new Uint8Array(init.body);
      const second = encode(testEnvelope(1), { checksum: true }).byteLength;
      body[second + 30]! ^= 0xff;
      return fetch(input, { ...init, body });
    }
    return fetch(input, init);
  };
  const exporter = createExporter({
    transport: httpTransport({ url: s.url, fetch: faultyFetch }),
    checksum: true,
    retry: FAST_RETRY,
  });
  for (let n = 1; n <= 3; n++) exporter.export(testEnvelope(n));
  await exporter.flush();
  expect(s.received).toEqual([ids(1, 1)[0], ids(3, 3)[0]]);
  expect(exporter.stats()).toMatchObject({
    accepted: 3,
    sent: 2,
    retried: 0,
    queued: 0,
    dropped: {
      queue_full: 0,
      rejected: 1,
      retries_exhausted: 0,
      non_retryable: 0,
      shutdown_deadline: 0,
    },
  });
  await exporter.shutdown();
});

test("a body with bytes but no frame is 400 with the bad run reported", async () => {
  const s = await server();
  const body = new TextEncoder().encode("not frames at all");
  expect(await post(s.url, body)).toEqual({
    status: 400,
    type: "application/json",
    allow: null,
    json: {
      accepted: 0,
      rejected: [
        {
          index: 0,
          offset: 0,
          length: 17,
          code: "bad_magic",
          message: "[bad_magic] input does not start with the frame magic 89 45 4e 56 (at byte 0)",
        },
      ],
    },
  });
  expect(s.received).toEqual([]);
});

test("an empty body is 200 with nothing accepted", async () => {
  const s = await server();
  expect((await post(s.url, new Uint8Array(0))).json).toEqual({ accepted: 0, rejected: [] });
});

test.each<[string, { method?: string; type?: string; encoding?: string }, number, string]>([
  ["GET", { method: "GET" }, 405, "method_not_allowed"],
  ["a JSON content type", { type: "application/json" }, 415, "unsupported_media_type"],
  ["gzip content encoding", { encoding: "gzip" }, 415, "unsupported_encoding"],
])("%s is refused with its status", async (_name, init, status, error) => {
  const s = await server();
  const body = init.method === "GET" ? undefined : new Uint8Array(encode(testEnvelope(1)));
  const answer = await post(s.url, body, init);
  expect(answer.status).toBe(status);
  expect((answer.json as { error: string }).error).toBe(error);
  if (status === 405) expect(answer.allow).toBe("POST");
  expect(s.received).toEqual([]);
});

test("a body over maxBodyBytes is 413, and the exporter drops that batch as non_retryable", async () => {
  const size = encode(testEnvelope(1)).byteLength;
  const s = await server({ maxBodyBytes: 2 * size });
  const answer = await post(s.url, concat([1, 2, 3].map((n) => encode(testEnvelope(n)))));
  expect(answer.status).toBe(413);
  expect((answer.json as { error: string }).error).toBe("too_large");
  const exporter = createExporter({ transport: httpTransport({ url: s.url }), retry: FAST_RETRY });
  for (let n = 1; n <= 3; n++) exporter.export(testEnvelope(n));
  const result = await exporter.shutdown();
  expect(result.stats).toMatchObject({ accepted: 3, sent: 0, dropped: { non_retryable: 3 } });
  expect(s.received).toEqual([]);
});

test.each([
  [
    "a streamed body (no Content-Length) past maxBodyBytes",
    { maxBodyBytes: 300 },
    "body is over 300 bytes",
  ],
  ["frames past maxDecodedBytes", { maxDecodedBytes: 300 }, "over 300 bytes decoded"],
])("%s is 413, and the handler is not called", async (_name, limits, text) => {
  let calls = 0;
  const handle = createFetchReceiver({
    ...limits,
    onEnvelopes: () => {
      calls++;
    },
  });
  const frames = [1, 2, 3].map((n) => encode(testEnvelope(n)));
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const frame of frames) controller.enqueue(frame);
      controller.close();
    },
  });
  const response = await handle(
    new Request("http://receiver.test/", {
      method: "POST",
      headers: { "content-type": FRAMES_MEDIA_TYPE },
      body,
      duplex: "half",
    } as RequestInit),
  );
  expect(response.status).toBe(413);
  expect(response.headers.get("connection")).toBe("close");
  const answer = (await response.json()) as { error: string; message: string };
  expect(answer.error).toBe("too_large");
  expect(answer.message).toContain(text);
  expect(calls).toBe(0);
});

test("the fetch-style receiver answers as the node:http one does", async () => {
  const taken: string[] = [];
  const handle = createFetchReceiver({
    onEnvelopes: (items) => {
      for (const item of items) taken.push(bytesToHex(item.envelope.header.eventId));
    },
  });
  const { frames, body } = damagedBody();
  const response = await handle(
    new Request("http://receiver.test/v1/envelopes", {
      method: "POST",
      headers: { "content-type": `${FRAMES_MEDIA_TYPE}; charset=binary` },
      body,
    }),
  );
  expect(response.status).toBe(200);
  const report = (await response.json()) as ReceiverReport;
  expect(report.accepted).toBe(2);
  expect(
    report.rejected.map(({ index, offset, length, code }) => [index, offset, length, code]),
  ).toEqual([[1, frames[0]!.byteLength, frames[1]!.byteLength, "checksum_mismatch"]]);
  expect(taken).toEqual([ids(1, 1)[0], ids(3, 3)[0]]);
});

test("a handler that throws makes the receiver answer 503, and the exporter sends the batch again", async () => {
  let calls = 0;
  const taken: string[] = [];
  const handle = createFetchReceiver({
    onEnvelopes: (items) => {
      calls++;
      if (calls === 1) throw new Error("database is down");
      for (const item of items) taken.push(bytesToHex(item.envelope.header.eventId));
    },
  });
  const exporter = createExporter({
    transport: httpTransport({
      url: "http://receiver.test/v1/envelopes",
      fetch: async (input, init) => handle(new Request(input as string, init)),
    }),
    retry: FAST_RETRY,
  });
  for (let n = 1; n <= 2; n++) exporter.export(testEnvelope(n));
  const result = await exporter.shutdown();
  expect(calls).toBe(2);
  expect(taken).toEqual(ids(1, 2));
  expect(result.stats).toMatchObject({
    accepted: 2,
    sent: 2,
    retried: 2,
    dropped: { rejected: 0 },
  });
});
