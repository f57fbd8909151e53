/**
 * Runs the "Sending envelopes" HTTP examples against each other on loopback,
 * and checks that README.md and packages/export/README.md show them exactly as they are.
 */

import { once } from "node:events";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { bytesToHex, createEnvelope, type Envelope } from "@envelope/sdk";
import { expect, test } from "vitest";
import { startReceiver } from "./receive-http.js";
import { sendToHttp } from "./send-http.js";

const pairs = ["README.md", "packages/export/README.md"].flatMap((readme) =>
  ["examples/send-http.ts", "examples/receive-http.ts"].map((file) => [readme, file] as const),
);

test.each(pairs)("%s shows %s verbatim", (readmePath, file) => {
  const readme = readFileSync(new URL(`../${readmePath}`, import.meta.url), "utf8");
  const source = readFileSync(new URL(`../${file}`, import.meta.url), "utf8");
  const block = new RegExp(`\`\`\`ts\\n// ${file.replace(".", "\\.")}\\n([\\s\\S]*?)\`\`\``).exec(
    readme,
  )?.[1];
  expect(block, `${readmePath} has a ts block starting with // ${file}`).toBeDefined();
  expect(block).toBe(source);
});

test("the sender's envelopes reach the receiver, each once, and the counters say so", async () => {
  const stored: Envelope[] = [];
  const server = startReceiver(0, (envelope) => stored.push(envelope));
  await once(server, "listening");
  try {
    const { port } = server.address() as AddressInfo;
    const logins = ["alice", "bob", "carol"].map((user) =>
      createEnvelope({
        schema: { type: "request", subtype: "auth_request", version: "1.2.0" },
        resource: { serviceName: "auth" },
        attributes: { user, attempts: 1n },
      }),
    );
    const stats = await sendToHttp(`http://127.0.0.1:${port}/`, logins);
    expect(stored.map((e) => e.body.attributes.get("user"))).toEqual(["alice", "bob", "carol"]);
    expect(stored.map((e) => e.body.attributes.get("attempts"))).toEqual([1n, 1n, 1n]);
    expect(stored.map((e) => bytesToHex(e.header.eventId))).toEqual(
      logins.map((e) => bytesToHex(e.header.eventId)),
    );
    expect(stats).toMatchObject({ accepted: 3, sent: 3, queued: 0, batchesSent: 1, refused: 0 });
    expect(Object.values(stats.dropped)).toEqual([0, 0, 0, 0, 0]);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
