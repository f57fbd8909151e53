/**
 * The built `envelope` binary, spawned as a user would run it: output,
 * stderr and exit codes on the committed Go and Rust fixtures, on a capture
 * with a broken frame in the middle, and on every input form it detects.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32c } from "@envelope/core";
import {
  createEnvelope,
  decode,
  type Envelope,
  encode,
  type JsonObject,
  toJson,
} from "@envelope/sdk";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  concat,
  decodable,
  envelope,
  fixture,
  fixturePath,
  lines,
  manifest,
  ROOT,
  requireBuild,
} from "./support.js";

beforeAll(requireBuild);

const dir = mkdtempSync(join(tmpdir(), "envelope-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function temp(name: string, data: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}

const json = (bytes: Uint8Array): JsonObject => toJson(decode(bytes));

function login(user: string, extra: Record<string, unknown> = {}): Envelope {
  return createEnvelope({
    schema: { type: "request", subtype: "auth_request", version: "1.2.0" },
    resource: { serviceName: "auth" },
    attributes: { user, attempts: 2n, ...(extra as Record<string, string>) },
  });
}

/**
 * A framed protobuf envelope with one more attribute (key "new") whose value
 * is a newer producer's AnyValue kind: field 9 (string "hi"), kept opaque by
 * the protobuf reader.
 */
function withUnknownKind(e: Envelope): Uint8Array {
  const unknownKind = new Uint8Array([
    0x0a, 0x0b, 0x0a, 0x03, 0x6e, 0x65, 0x77, 0x12, 0x04, 0x4a, 0x02, 0x68, 0x69,
  ]);
  // Append the KeyValue to the body section and fix the frame prefix.
  const frame = encode(e);
  const view = new DataView(frame.buffer, frame.byteOffset);
  const out = new Uint8Array(frame.length + unknownKind.length);
  out.set(frame);
  out.set(unknownKind, frame.length);
  const ov = new DataView(out.buffer);
  ov.setUint32(12, view.getUint32(12, true) + unknownKind.length, true);
  ov.setUint32(16, view.getUint32(16, true) + unknownKind.length, true);
  ov.setUint32(20, crc32c(out, 0, 0, 20), true);
  return out;
}

describe("values of a kind this version does not know", () => {
  test("decode shows them as unknownValue with their codec and bytes, exit 0", () => {
    const run = envelope([
      "decode",
      "--format",
      "ndjson",
      temp("unknown-kind.bin", withUnknownKind(login("carol"))),
    ]);
    expect(run.status).toBe(0);
    const [printed] = lines(run.stdout) as JsonObject[];
    expect((printed!.body as { attributes: unknown[] }).attributes.at(-1)).toEqual({
      key: "new",
      value: { unknownValue: { codec: "protobuf", hex: "4a026869" } },
    });
  });

  test("convert to another codec reports that envelope and converts the others, exit 3", () => {
    const first = encode(login("alice"));
    const odd = withUnknownKind(login("carol"));
    const last = encode(login("dave"));
    const path = temp("unknown-kind-stream.bin", concat([first, odd, last]));
    const run = envelope(["convert", "--to", "json", "--no-frame", path]);
    expect(run.status).toBe(3);
    expect(lines(run.stdout)).toEqual([json(first), json(last)]);
    expect(run.stderr).toContain(
      `bad frame at byte ${first.length}, ${odd.length} bytes skipped: [invalid_value] an attribute value of a kind unknown to this version was read by the protobuf codec and cannot be written as JSON`,
    );
    expect(run.stderr).not.toContain("warning");
    expect(run.stderr).toContain(
      "2 envelopes read from a stream of frames; 1 bad run (158 bytes) skipped",
    );
    // The same codec writes it back as it was.
    const same = envelope(["convert", "--to", "protobuf", path]);
    expect(same.status).toBe(0);
    expect(Buffer.compare(same.stdoutBytes, concat([first, odd, last]))).toBe(0);
  });
});

describe("the committed fixtures", () => {
  test.each([
    "go",
    "rust",
  ])("a capture of every %s fixture decodes to the SDK's JSON, in order", (language) => {
    const good = decodable(language);
    expect(good.length).toBeGreaterThan(500);
    const path = temp(`${language}-all.bin`, concat(good.map((f) => f.bytes)));
    const run = envelope(["decode", "--format", "ndjson", path]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(lines(run.stdout)).toEqual(good.map((f) => json(f.bytes)));
  });

  test.each([
    ["go", "bench__medium.protobuf.none.bin"],
    ["go", "bench__medium.cbor.lz4.bin"],
    ["go", "bench__medium.json.lz4.bin"],
    ["rust", "bench__small.protobuf.lz4.bin"],
    ["rust", "bench__small.cbor-det.none.bin"],
    ["rust", "kinds__double-nan.json.none.bin"],
  ])("%s/%s: one frame prints one JSON object (format json)", (language, file) => {
    const run = envelope(["decode", "--format", "json", fixturePath(language, file)]);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(json(fixture(language, file)));
  });

  const broken = ["go", "rust"].flatMap((language) =>
    manifest(language).broken.map((b) => ({ language, ...b })),
  );
  test.each(
    broken,
  )("$language/$name: reported with its code ($expectedError), nothing on stdout", ({
    language,
    file,
    expectedError,
  }) => {
    const run = envelope(["decode", "--format", "ndjson", fixturePath(language, file)]);
    const code = expectedError === "trailing_bytes" ? "bad_magic|truncated" : expectedError;
    expect(run.stderr).toMatch(new RegExp(`bad frame at byte \\d+.*\\[(${code})\\]`));
    if (expectedError === "trailing_bytes") {
      // In a stream the frame is intact and the extra byte is what is bad.
      expect(lines(run.stdout)).toHaveLength(1);
      expect(run.status).toBe(3);
    } else {
      expect(run.stdout).toBe("");
      expect(run.status).toBe(4);
    }
  });
});

describe("a capture with a broken frame in the middle", () => {
  const first = fixture("go", "bench__small.protobuf.none.bin");
  const bad = fixture("go", "broken__prefix-checksum-mismatch.bin");
  const last = fixture("rust", "bench__medium.cbor.lz4.bin");
  const path = temp("broken-middle.bin", concat([first, bad, last]));

  test("decode yields both intact frames, reports the bad one with offset and code, exits 3", () => {
    const run = envelope(["decode", "--format", "ndjson", path]);
    expect(run.status).toBe(3);
    expect(lines(run.stdout)).toEqual([json(first), json(last)]);
    const errors = run.stderr.split("\n").filter((l) => l.includes("bad frame"));
    expect(errors).toEqual([
      expect.stringContaining(
        `bad frame at byte ${first.length}, ${bad.length} bytes skipped: [checksum_mismatch]`,
      ),
    ]);
  });

  test("--quiet keeps the error lines and drops the summary", () => {
    const run = envelope(["decode", "--quiet", "--format", "ndjson", path]);
    expect(run.status).toBe(3);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });

  test("a truncated last frame is reported as truncated; the rest is kept", () => {
    const cut = temp("truncated-last.bin", concat([first, last.subarray(0, last.length - 10)]));
    const run = envelope(["decode", "--format", "ndjson", cut]);
    expect(run.status).toBe(3);
    expect(lines(run.stdout)).toEqual([json(first)]);
    expect(run.stderr).toContain(`bad frame at byte ${first.length}`);
    expect(run.stderr).toContain("[truncated]");
  });

  test("inspect shows every intact frame, then a summary, and exits 3", () => {
    const run = envelope(["inspect", path]);
    expect(run.status).toBe(3);
    const rows = run.stdout.trimEnd().split("\n");
    expect(rows[0]).toMatch(/^\s+#\s+offset\s+bytes\s+codec\s+compr\s+ratio\s+crc\s+schema/);
    expect(rows[1]).toMatch(
      /^\s+1\s+0\s+\d+ protobuf\s+none\s+-\s+no\s+request\/auth_request@1\.2\.0/,
    );
    expect(rows[2]).toMatch(
      new RegExp(
        `^\\s+2\\s+${first.length + bad.length}\\s+${last.length} cbor\\s+lz4\\s+\\d+\\.\\d\\dx`,
      ),
    );
    expect(rows[3]).toContain("2 frames");
    expect(rows[3]).toContain("1 bad run (106 bytes skipped)");
    expect(run.stderr).toContain("[checksum_mismatch]");
  });

  test("inspect --format ndjson: one record per frame, sizes from the prefix", () => {
    const run = envelope(["inspect", "--format", "ndjson", path]);
    const records = lines(run.stdout) as Record<string, unknown>[];
    const frame = new DataView(last.buffer, last.byteOffset);
    expect(records[1]).toMatchObject({
      index: 2,
      offset: first.length + bad.length,
      length: last.length,
      codec: "cbor",
      compression: "lz4",
      headerLength: frame.getUint32(8, true),
      bodyLength: frame.getUint32(12, true),
      bodyRawLength: frame.getUint32(16, true),
      checksum: false,
      schema: { type: "request", subtype: "auth_request", version: "1.2.0" },
    });
    expect(run.status).toBe(3);
  });
});

describe("hostile input", () => {
  const frames = [login("a"), login("b"), login("c")].map((e) => encode(e));
  const capture = concat(frames);
  /** A 24-byte prefix whose prefix checksum verifies, declaring a body of `body` bytes. */
  const forged = (body: number, flags = 0): Uint8Array => {
    const out = new Uint8Array(24);
    const view = new DataView(out.buffer);
    out.set([0x89, 0x45, 0x4e, 0x56, 1, 1, 0, flags]);
    view.setUint32(8, body === 0xffffffff ? 0xffffffff : 0, true);
    view.setUint32(12, body, true);
    view.setUint32(16, body, true);
    view.setUint32(20, crc32c(out, 0, 0, 20), true);
    return out;
  };

  test.each([
    ["declaring 8 GiB", forged(0xffffffff), "too_large"],
    ["declaring 60 MiB", forged(60 * 1024 * 1024), "truncated"],
    [
      "declaring the whole capture, with a content checksum",
      forged(capture.length - 4, 1),
      "checksum_mismatch",
    ],
  ])("a forged prefix %s before a capture: every envelope read, 24 bytes reported, exit 3", (_, prefix, code) => {
    const path = temp("forged.bin", concat([prefix, capture]));
    const run = envelope(["decode", "--format", "ndjson", path], { timeout: 60_000 });
    expect(run.status).toBe(3);
    expect(lines(run.stdout)).toEqual(frames.map(json));
    expect(run.stderr).toContain(`bad frame at byte 0, 24 bytes skipped: [${code}]`);
  });

  test("a frame with a content checksum that carries a frame is one envelope (inspect: one row)", () => {
    const carrier = encode(login("carrier", { frame: frames[0] }), { checksum: true });
    expect(Buffer.from(carrier).indexOf(Buffer.from(frames[0]!))).toBeGreaterThan(24);
    const path = temp("carrier.bin", concat([carrier, frames[1]!]));
    const run = envelope(["inspect", "--format", "ndjson", path]);
    expect(run.status).toBe(0);
    expect((lines(run.stdout) as { offset: number }[]).map((r) => r.offset)).toEqual([
      0,
      carrier.length,
    ]);
  });

  test("base64 with long runs of white space is read in linear time", () => {
    const text = Buffer.from(capture)
      .toString("base64")
      .replace(/(....)/g, `$1${" ".repeat(2000)}\n`);
    expect(text.length).toBeGreaterThan(200_000);
    const ok = envelope(["decode", "--format", "ndjson", "-"], { input: text, timeout: 60_000 });
    expect(ok.status).toBe(0);
    expect(lines(ok.stdout)).toEqual(frames.map(json));
    // Took 21 s for 200 KB with a backtracking pattern; the deadline only catches a hang.
    const bad = envelope(["decode", "-"], {
      input: `QUJD${" ".repeat(600_000)}!`,
      timeout: 60_000,
    });
    expect(bad.status).toBe(4);
    expect(bad.stderr).toContain("not a recognised envelope form");
  });
});

describe("detection", () => {
  const alice = login("alice");
  const one = encode(alice);
  const two = encode(login("bob"), { codec: "cbor", compression: "lz4" });
  const expected = [toJson(decode(one)), toJson(decode(two))];
  const single = [expected[0]];
  const rawProtobuf = encode(alice, { framed: false });
  const varint = (n: number) => Uint8Array.of((n & 0x7f) | 0x80, n >> 7);

  test.each<[string, () => Uint8Array | string, unknown[]]>([
    ["a stream of frames", () => concat([one, two]), expected],
    ["plain hex", () => Buffer.from(concat([one, two])).toString("hex"), expected],
    [
      "hex with spaces, 0x and line breaks",
      () =>
        Buffer.from(one)
          .toString("hex")
          .replace(/(..)/g, "0x$1 ")
          .replace(/((?:0x.. ){16})/g, "$1\n"),
      single,
    ],
    [
      "an xxd dump",
      () => {
        const hex = Buffer.from(one).toString("hex");
        const out: string[] = [];
        for (let i = 0; i < hex.length; i += 32) {
          const row = hex.slice(i, i + 32).replace(/(....)/g, "$1 ");
          out.push(`${(i / 2).toString(16).padStart(8, "0")}: ${row.padEnd(40)}  ..some ascii..`);
        }
        return `${out.join("\n")}\n`;
      },
      single,
    ],
    ["base64", () => Buffer.from(concat([one, two])).toString("base64"), expected],
    ["URL-safe base64 without padding", () => Buffer.from(one).toString("base64url"), single],
    ["raw protobuf", () => rawProtobuf, single],
    [
      "length-delimited protobuf",
      () =>
        concat([varint(rawProtobuf.length), rawProtobuf, varint(rawProtobuf.length), rawProtobuf]),
      [expected[0], expected[0]],
    ],
    ["raw CBOR", () => encode(alice, { framed: false, codec: "cbor" }), single],
    [
      "raw LZ4-compressed JSON",
      () => encode(alice, { framed: false, codec: "json", compression: "lz4" }),
      single,
    ],
    ["JSON", () => JSON.stringify(expected[0], null, 2), single],
    ["a JSON array", () => JSON.stringify(expected), expected],
    ["NDJSON", () => expected.map((e) => JSON.stringify(e)).join("\n"), expected],
    [
      "NDJSON with a BOM, CRLF and blank lines",
      () => `\ufeff${expected.map((e) => JSON.stringify(e)).join("\r\n\r\n")}\r\n`,
      expected,
    ],
    ["JSON with a BOM", () => `\ufeff ${JSON.stringify(expected[0])}`, single],
    ["frames after leading bytes", () => concat([Buffer.from("kafka key|"), one, two]), expected],
  ])("%s", (_, make, want) => {
    const path = temp("detect.bin", make());
    const run = envelope(["decode", "--format", "ndjson", path]);
    expect(lines(run.stdout)).toEqual(want);
    expect(run.status).toBe(_ === "frames after leading bytes" ? 3 : 0);
  });

  test("stdin, as - or with no argument", () => {
    expect(lines(envelope(["decode", "--format", "ndjson", "-"], { input: one }).stdout)).toEqual(
      single,
    );
    expect(
      lines(
        envelope(["decode", "--format", "ndjson"], { input: Buffer.from(one).toString("base64") })
          .stdout,
      ),
    ).toEqual(single);
  });

  test("--codec forces the reading (and a wrong one fails with the codec's error)", () => {
    const path = temp("forced.bin", rawProtobuf);
    expect(
      lines(envelope(["decode", "--format", "ndjson", "--codec", "protobuf", path]).stdout),
    ).toEqual(single);
    const wrong = envelope(["decode", "--codec", "cbor", path]);
    expect(wrong.status).toBe(4);
    expect(wrong.stderr).toBe(
      "envelope: bad cbor payload: [invalid_value] expected an Envelope map, got an unsigned integer (at byte 0)\n",
    );
  });

  test("an OTLP/JSON document is named as such, without the --no-validate hint", () => {
    const otlp = JSON.stringify({ resourceLogs: [{ resource: {}, scopeLogs: [] }] });
    const one = envelope(["decode", temp("otlp-logs.json", otlp)]);
    expect([one.status, one.stderr]).toEqual([
      4,
      'envelope: bad JSON document: [invalid_json] this is an OTLP/JSON logs document (resourceLogs), not an envelope: an envelope\'s JSON mapping has "header" and "body" (docs/spec.md, "Codec: JSON")\n',
    ]);
    const spans = `${JSON.stringify({ resourceSpans: [] })}\n${JSON.stringify({ resourceSpans: [] })}\n`;
    const ndjson = envelope(["decode", temp("otlp-spans.ndjson", spans)]);
    expect(ndjson.stderr).toContain(
      "line 1 (byte 0): [invalid_json] this is an OTLP/JSON traces document (resourceSpans), not an envelope",
    );
    expect(ndjson.stderr).not.toContain("--no-validate");
  });

  test("--no-validate shows an envelope that fails validation", () => {
    const path = fixturePath("go", "broken__bad-trace-id-length.bin");
    const strict = envelope(["decode", path]);
    expect(strict.status).toBe(4);
    expect(strict.stderr).toContain("[invalid_id]");
    expect(strict.stderr).toContain("hint: --no-validate");
    const loose = envelope(["decode", "--format", "ndjson", "--no-validate", path]);
    expect(loose.status).toBe(0);
    expect(
      (lines(loose.stdout)[0] as { header: { trace: { traceId: string } } }).header.trace.traceId,
    ).toHaveLength(30);
  });

  test.each<[string, Uint8Array | string, string]>([
    [
      "random bytes",
      Uint8Array.from({ length: 64 }, (_, i) => (i * 97 + 13) & 0xff),
      "is not a recognised envelope form (starts with 0d 6e cf 30",
    ],
    ["an empty file", "", "is empty"],
    ["text that is not an envelope form", "hello, world\n", "is not a recognised envelope form"],
  ])("%s: exit 4 with one line", (_, data, message) => {
    const run = envelope(["decode", temp("unknown.bin", data)]);
    expect(run.status).toBe(4);
    expect(run.stderr).toContain(message);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("output formats", () => {
  const a = encode(login("a"));
  const b = encode(login("b"));
  const path = temp("two.bin", concat([a, b]));

  test("json: one object for one envelope, an array for several", () => {
    expect(JSON.parse(envelope(["decode", "--format", "json", temp("one.bin", a)]).stdout)).toEqual(
      json(a),
    );
    expect(JSON.parse(envelope(["decode", "--format", "json", path]).stdout)).toEqual([
      json(a),
      json(b),
    ]);
  });

  test("json is the default when stdout is not a terminal", () => {
    expect(JSON.parse(envelope(["decode", path]).stdout)).toEqual([json(a), json(b)]);
  });

  test("pretty: a heading per envelope, then indented JSON, no colour with NO_COLOR", () => {
    const run = envelope(["decode", "--format", "pretty", path]);
    expect(run.stdout).toContain(
      `── #1 · frame at byte 0 · protobuf · none · ${a.length} bytes\n{\n  "header"`,
    );
    expect(run.stdout).toContain(`── #2 · frame at byte ${a.length}`);
    expect(run.stdout).not.toContain("\x1b[");
  });

  test("a closed pipe stops the output quietly", () => {
    const many = temp("many.bin", concat(Array.from({ length: 5000 }, () => a)));
    const run = spawnSync(
      "bash",
      [
        "-c",
        `node '${ROOT}packages/cli/dist/bin.js' decode --format ndjson '${many}' | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`,
      ],
      { encoding: "utf8" },
    );
    expect(run.stdout.trim()).toBe("0");
    expect(run.stderr).toBe("");
  });
});

describe("convert", () => {
  const medium = fixture("go", "bench__medium.protobuf.none.bin");

  test.each([
    ["json", "none"],
    ["cbor", "lz4"],
    ["protobuf", "lz4"],
  ])("to %s/%s: the same envelope, in frames of that codec", (to, compression) => {
    const out = join(dir, `converted-${to}.bin`);
    const run = envelope([
      "convert",
      "--to",
      to,
      "--compression",
      compression,
      "-o",
      out,
      fixturePath("go", "bench__medium.json.none.bin"),
    ]);
    expect(run.status).toBe(0);
    const bytes = new Uint8Array(readFileSync(out));
    expect(bytes[5]).toBe({ protobuf: 1, json: 2, cbor: 3 }[to]);
    expect(bytes[6]).toBe(compression === "lz4" ? 1 : 0);
    expect(json(bytes)).toEqual(json(medium));
  });

  test("to json --no-frame writes NDJSON to stdout, skipping bad frames (exit 3)", () => {
    const path = temp(
      "convert-mid.bin",
      concat([medium, fixture("go", "broken__corrupted-lz4-block.bin"), medium]),
    );
    const run = envelope(["convert", "--to", "json", "--no-frame", path]);
    expect(run.status).toBe(3);
    expect(lines(run.stdout)).toEqual([json(medium), json(medium)]);
    expect(run.stderr).toContain("[invalid_lz4]");
  });

  test("unknown fields survive the same codec, and a warning says another codec drops them", () => {
    const forward = fixturePath("go", "forward__tenant.protobuf.none.bin");
    const same = join(dir, "forward-same.bin");
    expect(envelope(["convert", "--to", "protobuf", "-o", same, forward]).stderr).not.toContain(
      "warning",
    );
    expect(decode(new Uint8Array(readFileSync(same))).header.$unknown).toBeDefined();
    const other = envelope([
      "convert",
      "--to",
      "cbor",
      "-o",
      join(dir, "forward-cbor.bin"),
      forward,
    ]);
    expect(other.status).toBe(0);
    expect(other.stderr).toContain(
      "warning: unknown fields read by protobuf cannot be written as cbor",
    );
  });

  test("raw protobuf of several envelopes needs --delimited", () => {
    const path = temp("convert-two.bin", concat([medium, medium]));
    const run = envelope(["convert", "--to", "protobuf", "--no-frame", path]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("add --delimited");
    const delimited = envelope(["convert", "--to", "protobuf", "--no-frame", "--delimited", path]);
    expect(delimited.status).toBe(0);
    const back = envelope(["decode", "--format", "ndjson"], { input: delimited.stdoutBytes });
    expect(lines(back.stdout)).toEqual([json(medium), json(medium)]);
  });

  test("--to is required", () => {
    const run = envelope(["convert", fixturePath("go", "bench__small.protobuf.none.bin")]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("envelope: error: --to is required (see 'envelope convert --help')\n");
  });
});

describe("validate", () => {
  const good = encode(login("alice"));
  const missing = encode(
    createEnvelope({
      schema: { type: "request", subtype: "auth_request", version: "1.2.0" },
      resource: { serviceName: "auth" },
      attributes: { attempts: 1n },
    }),
  );

  test("a capture that satisfies the registry: a summary table, exit 0", () => {
    const run = envelope([
      "validate",
      "--registry",
      "schemas",
      temp("valid.bin", concat([good, good])),
    ]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/request\/auth_request@1\.2\.0\s+2\s+0\s+0/);
    expect(run.stdout).toMatch(/total\s+2\s+0\s+0/);
  });

  test("an envelope with an issue: the issue, the table, exit 1", () => {
    const run = envelope([
      "validate",
      "--registry",
      `${ROOT}schemas`,
      temp("issues.bin", concat([good, missing])),
    ]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(
      `frame at byte ${good.length} request/auth_request@1.2.0: body.attributes["user"]: missing_attribute`,
    );
    expect(run.stdout).toMatch(/total\s+2\s+1\s+1/);
  });

  test("--registry is required, and an unreadable registry is exit 4", () => {
    expect(envelope(["validate", fixturePath("go", "bench__small.protobuf.none.bin")]).status).toBe(
      2,
    );
    const run = envelope(["validate", "--registry", join(dir, "no-such-dir"), temp("v.bin", good)]);
    expect(run.status).toBe(4);
    expect(run.stderr).toContain("cannot read the registry");
  });
});

describe("usage, help and errors", () => {
  test.each([
    "decode",
    "inspect",
    "convert",
    "validate",
    "bench",
  ])("%s --help: usage and examples, exit 0", (command) => {
    const run = envelope([command, "--help"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`Usage: envelope ${command}`);
    expect(run.stdout).toContain("Examples:");
  });

  test("schema --help, help, --help and --version", () => {
    expect(envelope(["schema", "--help"]).stdout).toContain("Usage: envelope schema");
    const help = envelope(["--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Exit codes:");
    expect(envelope(["help", "decode"]).stdout).toContain("Detection (first match wins)");
    expect(envelope(["--version"]).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  test.each<[string[], string]>([
    [["frobnicate"], "unknown command 'frobnicate'"],
    [["decode", "--frobnicate"], "Unknown option '--frobnicate'"],
    [
      ["decode", "--format", "xml", "x.bin"],
      "--format must be one of json, ndjson, pretty, not 'xml'",
    ],
    [["decode", "a.bin", "b.bin"], "unexpected argument 'b.bin'"],
    [["inspect", "--codec"], "argument missing"],
  ])("%j: exit 2, one line", (args, message) => {
    const run = envelope(args);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });

  test("no command prints the help on stderr, exit 2", () => {
    const run = envelope([]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Usage: envelope <command>");
  });

  test("a missing file: exit 4, one line, a stack trace only with --debug", () => {
    const run = envelope(["decode", "no-such-file.bin"]);
    expect(run.status).toBe(4);
    expect(run.stderr).toBe("envelope: error: cannot read no-such-file.bin: no such file\n");
    const debug = envelope(["decode", "--debug", "no-such-file.bin"]);
    expect(debug.status).toBe(4);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  test("a directory: exit 4", () => {
    expect(envelope(["inspect", dir]).stderr).toContain("is a directory");
  });

  test("bench outside a checkout: exit 2 with a clear message", () => {
    const run = envelope(["bench"], { cwd: dir });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("no benchmark harness here");
  });

  test("schema diff runs the schema tooling", () => {
    const run = envelope([
      "schema",
      "diff",
      "schemas/request/auth_request/1.1.0.json",
      "schemas/request/auth_request/1.2.0.json",
    ]);
    expect([0, 1]).toContain(run.status);
    expect(run.stdout.length).toBeGreaterThan(0);
  });
});
