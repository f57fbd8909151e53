/**
 * `envelope convert --to protobuf|cbor|json`: re-encodes every envelope of
 * the input (README.md, "convert"). Unknown fields survive when the codec
 * stays the same (docs/spec.md, "Unknown fields"); a warning says when
 * another codec drops them.
 */
import { createWriteStream } from "node:fs";
import { resolve } from "node:path";
import {
  type AttributeValue,
  type CodecName,
  createEncoder,
  type Envelope,
  isEnvelopeError,
  UnknownValue,
} from "@envelope/sdk";
import { CODECS, COMPRESSIONS, choice, parseCommand, READ_OPTIONS, readOptions } from "../args.js";
import { CliError, ExitCode, readOutcome, usageError } from "../exit-codes.js";
import { helpText } from "../help.js";
import { openInput } from "../input/open-input.js";
import { readEnvelopes } from "../input/read-envelopes.js";
import { plural, Tally } from "../output/report.js";
import { Sink } from "../output/sink.js";
import { type Io, Terminal } from "../output/terminal.js";

function valueHasUnknown(value: AttributeValue): boolean {
  if (value instanceof UnknownValue) return true;
  if (Array.isArray(value)) return value.some(valueHasUnknown);
  if (value instanceof Map) return [...value.values()].some(valueHasUnknown);
  return false;
}

/** True when the envelope holds fields or values this version does not know. */
export function hasUnknown(envelope: Envelope): boolean {
  const h = envelope.header;
  const b = envelope.body;
  const messages = [
    envelope,
    h,
    h.schema,
    h.producer,
    h.trace,
    h.resource,
    h.status,
    b,
    ...b.extensions,
  ];
  if (messages.some((m) => m?.$unknown !== undefined)) return true;
  const maps = [h.resource.attributes, b.attributes, ...b.extensions.map((e) => e.attributes)];
  return maps.some((m) => [...m.values()].some(valueHasUnknown));
}

function varint(n: number): Uint8Array {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return Uint8Array.from(out);
}

export async function convertCommand(args: readonly string[], io: Io): Promise<ExitCode> {
  const parsed = parseCommand(
    "convert",
    args,
    {
      to: { type: "string" },
      compression: { type: "string" },
      "no-frame": { type: "boolean" },
      checksum: { type: "boolean" },
      deterministic: { type: "boolean" },
      output: { type: "string", short: "o" },
      ...READ_OPTIONS("from-"),
    },
    1,
  );
  const term = new Terminal(io, parsed.flags);
  const v = parsed.values;
  if (v.help === true) {
    io.stdout.write(`${helpText("convert")}\n`);
    return ExitCode.ok;
  }
  const to = choice(v.to, CODECS, "to", "convert");
  if (to === undefined) throw usageError("--to is required", "convert");
  const compression = choice(v.compression, COMPRESSIONS, "compression", "convert") ?? "none";
  const framed = v["no-frame"] !== true;
  const delimited = v.delimited === true;
  if (v.deterministic === true && to !== "cbor") {
    throw usageError("--deterministic applies to --to cbor only", "convert");
  }
  if (v.checksum === true && !framed) {
    throw usageError("--checksum is part of the frame: it cannot go with --no-frame", "convert");
  }
  const textOutput = to === "json" && compression === "none";
  const output = typeof v.output === "string" ? v.output : undefined;
  if (output === undefined && io.stdout.isTTY === true && !(textOutput && !framed)) {
    throw usageError(
      "refusing to write binary output to a terminal: use -o FILE or redirect stdout",
      "convert",
    );
  }
  const encoder = createEncoder({
    codec: to,
    compression,
    framed,
    checksum: v.checksum === true,
    deterministic: v.deterministic === true,
    validate: false,
  });
  // Reading: --delimited belongs to the output with --no-frame --to protobuf, to the input otherwise.
  const options = {
    ...readOptions(parsed, "convert", "from-", false),
    delimited: delimited && framed,
  };

  const input = await openInput(parsed.positionals[0], io, "convert");
  let stream: NodeJS.WritableStream = io.stdout;
  if (output !== undefined) {
    const file = createWriteStream(resolve(io.cwd, output));
    await new Promise<void>((done, fail) => {
      file.once("open", () => done());
      file.once("error", (error) =>
        fail(new CliError(ExitCode.unreadable, `cannot write ${output}: ${error.message}`)),
      );
    });
    stream = file;
  }
  const sink = new Sink(stream);
  const tally = new Tally();
  const progress = term.progress(input.size);
  const dropped = new Set<CodecName>();
  let written = 0;
  try {
    const reading = await readEnvelopes(input, options, (n) => progress.add(n));
    for await (const item of reading.items) {
      if (!item.ok) {
        tally.reportBad(term, item);
        continue;
      }
      const envelope = item.envelope!;
      let bytes: Uint8Array;
      try {
        bytes = encoder.encode(envelope);
      } catch (error) {
        if (!isEnvelopeError(error)) throw error;
        // This envelope cannot be written as asked (a value of a kind this
        // version does not know, read by another codec): it is reported and
        // left out, like a bad frame, and the others are converted.
        tally.reportBad(term, { ...item, ok: false, error });
        continue;
      }
      // Written: what another codec could not carry here are unknown fields, left out.
      if (item.codec !== to && !dropped.has(item.codec) && hasUnknown(envelope)) {
        dropped.add(item.codec);
        term.warn(
          `unknown fields read by ${item.codec} cannot be written as ${to} and are left out (first at ${item.label})`,
        );
      }
      tally.good++;
      if (!framed && tally.good > 1) {
        if (compression === "lz4") {
          throw usageError(
            "an unframed LZ4 payload holds one envelope and the input has more: keep the frame",
            "convert",
          );
        }
        if (to === "protobuf" && !delimited) {
          throw usageError(
            "raw protobuf holds one envelope and the input has more: add --delimited",
            "convert",
          );
        }
      }
      if (!framed && to === "protobuf" && delimited) await sink.write(varint(bytes.length));
      await sink.write(bytes);
      written += bytes.length;
      if (!framed && to === "json" && compression === "none") await sink.write("\n");
      if (sink.closed) break;
    }
    await sink.flush();
    progress.clear();
    tally.summary(term, reading, "envelope");
    if (output !== undefined && !term.flags.quiet) {
      const form = framed ? "framed" : "unframed";
      term.message(
        `${plural(tally.good, "envelope")} written to ${output} as ${form} ${to}/${compression}, ${plural(written, "byte")}`,
      );
    }
  } finally {
    progress.clear();
    await input.close();
    if (stream !== io.stdout) {
      await new Promise<void>((done) => stream.end(() => done()));
    }
  }
  if (tally.good === 0 && tally.bad === 0) {
    throw new CliError(ExitCode.unreadable, `no envelope in ${input.name}`);
  }
  return readOutcome(tally.good, tally.bad);
}
