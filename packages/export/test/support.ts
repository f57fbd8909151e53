/**
 * A real node:http server on loopback with the package's receiver behind a
 * fault switch, for the exporter's delivery and fault tests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeReceiver } from "@envelope/export/node";
import { bytesToHex, createEnvelope, type Envelope } from "@envelope/sdk";

/** What the server does with the n-th request (1-based). */
export type Fault =
  | "ok"
  /** Never answers (until the test closes the server). */
  | "stall"
  /** Destroys the connection without an answer. */
  | "reset"
  /** Answers with this status and no body (503, 401, …). */
  | { readonly status: number; readonly retryAfter?: string };

export interface TestServer {
  readonly url: string;
  /** Faults by request number (requests past the end are "ok"), or a function of it. */
  faults: Fault[] | ((n: number) => Fault);
  /** Every request seen, in order, with what the server did. */
  readonly log: { readonly n: number; readonly fault: Fault; readonly bytes: number }[];
  /** Event ids (hex) the receiver took, in order, duplicates kept. */
  readonly received: string[];
  close(): Promise<void>;
}

export async function startServer(
  faults: Fault[] | ((n: number) => Fault) = [],
  options: { maxBodyBytes?: number } = {},
): Promise<TestServer> {
  const received: string[] = [];
  const log: TestServer["log"] = [];
  const receiver = createNodeReceiver({
    ...options,
    onEnvelopes: (items) => {
      for (const item of items) received.push(bytesToHex(item.envelope.header.eventId));
    },
  });
  const state = { faults };
  const held: ServerResponse[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const n = log.length + 1;
    const fault =
      typeof state.faults === "function" ? state.faults(n) : (state.faults[n - 1] ?? "ok");
    const entry = { n, fault, bytes: Number(req.headers["content-length"] ?? -1) };
    log.push(entry);
    if (fault === "ok") {
      receiver(req, res);
    } else if (fault === "stall") {
      held.push(res);
    } else if (fault === "reset") {
      req.socket.destroy();
    } else {
      req.resume();
      req.on("end", () => {
        res.writeHead(
          fault.status,
          fault.retryAfter === undefined ? {} : { "retry-after": fault.retryAfter },
        );
        res.end();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/envelopes`,
    get faults() {
      return state.faults;
    },
    set faults(value: Fault[] | ((n: number) => Fault)) {
      state.faults = value;
    },
    log,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A 16-byte event id whose last four bytes are `n` (big-endian), so ids are stable and sizes equal. */
export function eventId(n: number): Uint8Array {
  const id = new Uint8Array(16);
  id[0] = 0xe0;
  new DataView(id.buffer).setUint32(12, n);
  return id;
}

/** The n-th test envelope: same shape (and encoded size) for every n. */
export function testEnvelope(n: number): Envelope {
  return createEnvelope({
    schema: { type: "request", subtype: "auth_request", version: "1.2.0" },
    resource: { serviceName: "auth" },
    attributes: { user: "alice", attempts: 2n, duration_ms: 12.5 },
    eventId: eventId(n),
    timeUnixNano: 1_764_000_000_000_000_000n,
  });
}

/** Hex event ids of envelopes 1..n. */
export function ids(from: number, to: number): string[] {
  const out: string[] = [];
  for (let n = from; n <= to; n++) out.push(bytesToHex(eventId(n)));
  return out;
}

/** Fast retries for tests: the budget is what matters, not the wait. */
export const FAST_RETRY = { initialBackoffMs: 5, maxBackoffMs: 20, maxElapsedMs: 30_000 };
