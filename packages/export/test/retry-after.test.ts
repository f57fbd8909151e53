/**
 * parseRetryAfter (RFC 9110 §10.2.3): exact values for every form the RFC
 * allows and `undefined` for everything else; then the HTTP transport against
 * a real node:http server, status by status.
 */
import { ExportError, exportMeta, httpTransport, parseRetryAfter } from "@envelope/export";
import { createEnvelope, encode } from "@envelope/sdk";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { startServer, type TestServer } from "./support.js";

const NOW = Date.UTC(2026, 11, 5, 8, 0, 0); // Sat, 05 Dec 2026 08:00:00 GMT

describe("parseRetryAfter", () => {
  test.each<[string | null | undefined, number | undefined]>([
    [null, undefined],
    [undefined, undefined],
    // delay-seconds: 1*DIGIT
    ["0", 0],
    ["17", 17_000],
    ["007", 7_000],
    [" \t120\t ", 120_000],
    ["9".repeat(400), Number.MAX_SAFE_INTEGER],
    // IMF-fixdate
    ["Sat, 05 Dec 2026 08:00:30 GMT", 30_000],
    ["Sat, 05 Dec 2026 07:59:00 GMT", 0],
    ["Thu, 31 Dec 2026 23:59:60 GMT", Date.UTC(2027, 0, 1) - NOW], // a leap second
    ["Mon, 29 Feb 2028 00:00:00 GMT", Date.UTC(2028, 1, 29) - NOW],
    // rfc850-date: a two-digit year, read within 50 years ahead of now
    ["Saturday, 05-Dec-26 08:01:00 GMT", 60_000],
    ["Sunday, 06-Nov-94 08:49:37 GMT", 0], // 1994, not 2094
    ["Monday, 05-Dec-76 08:00:00 GMT", Date.UTC(2076, 11, 5, 8) - NOW], // 2076: 50 years ahead
    ["Monday, 05-Dec-77 08:00:00 GMT", 0], // 1977: 2077 would be more than 50 years ahead
    // asctime-date
    ["Sat Dec  5 08:00:02 2026", 2_000],
    ["Sat Dec 05 08:00:02 2026", 2_000],
  ])("%j -> %j", (value, ms) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms);
  });

  test.each([
    "",
    " ",
    "-1",
    "+3",
    "1.5",
    "1e3",
    "3 s",
    "0x10",
    "١٢", // Arabic-Indic digits
    "\u00a0120", // a no-break space is not whitespace here
    "tomorrow",
    "2026-12-05T08:00:30Z",
    "Sat, 05 Dec 2026 08:00:30 UTC",
    "Sat, 05 Dec 2026 08:00:30 +0000",
    "sat, 05 Dec 2026 08:00:30 GMT", // HTTP-date is case-sensitive
    "Sat, 05 DEC 2026 08:00:30 GMT",
    "Sat, 5 Dec 2026 08:00:30 GMT",
    "Sat, 05 Dec 26 08:00:30 GMT",
    "Sat,  05 Dec 2026 08:00:30 GMT",
    "Saturday, 05 Dec 2026 08:00:30 GMT",
    "Sat, 05-Dec-26 08:00:30 GMT",
    "Sat, 31 Feb 2026 08:00:30 GMT",
    "Sat, 29 Feb 2026 08:00:30 GMT",
    "Sat, 05 Dec 2026 24:00:00 GMT",
    "Sat, 05 Dec 2026 08:60:00 GMT",
    "Sat, 05 Dec 2026 08:00:61 GMT",
    "Sat, 00 Dec 2026 08:00:30 GMT",
    "Sat Dec 5 08:00:02 2026",
    "Sat Dec  5 08:00:02 2026 GMT",
    "Sat, 05 Dec 2026 08:00:30 GMT, 5",
  ])("%j is ignored", (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });

  test("the default clock is Date.now()", () => {
    vi.useFakeTimers({ now: NOW, toFake: ["Date"] });
    try {
      expect(parseRetryAfter("Sat, 05 Dec 2026 09:00:00 GMT")).toBe(3_600_000);
      expect(new Date(NOW + 3_600_000).toUTCString()).toBe("Sat, 05 Dec 2026 09:00:00 GMT");
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("the HTTP transport reads Retry-After on retryable statuses only", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  const envelope = createEnvelope({
    schema: { type: "request", subtype: "auth_request", version: "1.2.0" },
    resource: { serviceName: "auth" },
    attributes: {},
  });

  test.each<[number, string | undefined, boolean, number | undefined]>([
    [429, "3", true, 3_000],
    [503, "120", true, 120_000],
    [503, "-1", true, undefined],
    [503, "soon", true, undefined],
    [502, undefined, true, undefined],
    [504, "0", true, 0],
    [408, "2", true, 2_000],
    [500, "3", false, undefined],
    [401, "3", false, undefined],
    [413, undefined, false, undefined],
  ])("HTTP %i, Retry-After %j: retryable %s, retryAfterMs %j", async (status, retryAfter, retryable, ms) => {
    server.faults = () => (retryAfter === undefined ? { status } : { status, retryAfter });
    const bytes = encode(envelope);
    const meta = exportMeta(envelope, bytes, "protobuf");
    const error = await httpTransport({ url: server.url })
      .send([{ bytes, meta }], AbortSignal.timeout(30_000))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ExportError);
    expect((error as ExportError).message).toBe(`POST ${server.url}: HTTP ${status}`);
    expect((error as ExportError).retryable).toBe(retryable);
    expect((error as ExportError).retryAfterMs).toBe(ms);
  });
});
