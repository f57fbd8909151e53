/**
 * Colour and progress, in process (`main` with terminal-like streams): colour
 * only on a terminal and never with NO_COLOR or --no-color; a progress bar on
 * a terminal stderr for inputs over 8 MiB, nothing when stderr is piped.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { type Io, main } from "@envelope/cli";
import { createEnvelope, encode } from "@envelope/sdk";
import { afterAll, describe, expect, test } from "vitest";
import { writeCapture } from "../bench/capture.mjs";

class Capture extends Writable {
  readonly chunks: Buffer[] = [];
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    done();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}

const dir = mkdtempSync(join(tmpdir(), "envelope-cli-terminal-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const small = join(dir, "small.bin");
writeFileSync(
  small,
  encode(
    createEnvelope({
      schema: { type: "t", subtype: "s", version: "1.0.0" },
      resource: { serviceName: "svc" },
      attributes: { n: 1n },
    }),
  ),
);

async function run(
  args: string[],
  tty: { stdout: boolean; stderr: boolean },
  env: Record<string, string> = {},
) {
  const stdout = new Capture(tty.stdout);
  const stderr = new Capture(tty.stderr);
  const io: Io = { stdin: Readable.from([]), stdout, stderr, env, cwd: dir };
  const code = await main(args, io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe("colour", () => {
  test("on a terminal: pretty by default, coloured", async () => {
    const { code, stdout } = await run(["decode", small], { stdout: true, stderr: true });
    expect(code).toBe(0);
    expect(stdout).toContain("── #1");
    expect(stdout).toContain('\x1b[36m"header"\x1b[39m');
  });

  test.each<[string, string[], Record<string, string>]>([
    ["NO_COLOR is set", [], { NO_COLOR: "1" }],
    ["--no-color is given", ["--no-color"], {}],
  ])("none when %s, even on a terminal", async (_, flags, env) => {
    const out = await run(["decode", ...flags, small], { stdout: true, stderr: true }, env);
    expect(out.stdout).toContain("── #1");
    expect(out.stdout).not.toContain("\x1b[");
    const error = await run(
      ["decode", ...flags, "missing.bin"],
      { stdout: true, stderr: true },
      env,
    );
    expect(error.stderr).toBe("envelope: error: cannot read missing.bin: no such file\n");
  });

  test("none when stdout is not a terminal; stderr coloured on its own terminal", async () => {
    const out = await run(["decode", "--format", "pretty", "missing.bin"], {
      stdout: false,
      stderr: true,
    });
    expect(out.stderr).toContain("\x1b[31merror:\x1b[39m");
    const piped = await run(["decode", "--format", "pretty", small], {
      stdout: false,
      stderr: true,
    });
    expect(piped.stdout).not.toContain("\x1b[");
  });
});

describe("progress", () => {
  const big = join(dir, "big.bin");
  writeCapture(big, 9 * 1024 * 1024);

  test("a bar on a terminal stderr for a 9 MiB input, erased at the end", async () => {
    const { code, stderr } = await run(["inspect", "--format", "ndjson", big], {
      stdout: false,
      stderr: true,
    });
    expect(code).toBe(0);
    // The bar is redrawn in place: carriage return, erase line (ESC [ K), then the bar.
    const ESC = String.fromCharCode(0x1b);
    expect(stderr).toContain(`\r${ESC}[K`);
    expect(stderr).toMatch(/\d+%\s+[\d.]+\/[\d.]+ MB\s+[\d.]+ MB\/s/);
    expect(stderr.endsWith("\r\x1b[K")).toBe(true);
  });

  test("silent when stderr is piped, and with --quiet", async () => {
    expect(
      (await run(["inspect", "--format", "ndjson", big], { stdout: false, stderr: false })).stderr,
    ).toBe("");
    expect(
      (
        await run(["inspect", "--quiet", "--format", "ndjson", big], {
          stdout: false,
          stderr: true,
        })
      ).stderr,
    ).toBe("");
  });

  test("no bar for a small input", async () => {
    expect(
      (await run(["decode", "--format", "ndjson", small], { stdout: false, stderr: true })).stderr,
    ).toBe("");
  });
});
