/**
 * The help text of every command, with examples (README.md mirrors it).
 */

const EXIT_CODES = `Exit codes:
  0  ok
  1  a check failed: validation issues (validate); problems found (schema)
  2  usage: unknown command or option, bad value
  3  partial decode: some frames or records were bad (each reported on stderr)
  4  unreadable input: cannot be read, not a recognised form, or no intact envelope
  70 internal error (a bug: rerun with --debug and report it)`;

const COMMON = `Common options:
  -h, --help       this help
  -q, --quiet      no progress bar, warnings or summary on stderr
      --no-color   no colour (also when NO_COLOR is set, or output is not a terminal)
      --debug      stack traces for errors`;

const READING = `Reading options (detection is automatic; these force a reading):
      --codec protobuf|json|cbor   the input is an unframed payload of this codec
      --compression none|lz4       the payload is (not) LZ4-compressed
      --delimited                  unframed protobuf records, each after a varint length
      --no-validate                show envelopes that fail validation (bad ids, ...)`;

const DETECTION = `Detection (first match wins):
  1. frame magic 89 45 4e 56 at byte 0 (or 3 of its 4 bytes: a damaged magic): a stream
     of frames (one frame is a stream of one)
  2. LZ4 frame magic 04 22 4d 18: decompressed, then detected again
  3. text starting with { or [: JSON (one envelope, or an array of them); NDJSON when the
     first line is a whole object and more lines follow
  4. hex text (plain, 0x, xxd, hexdump -C) or base64 text: unwrapped, then detected again
     (hex wins a tie)
  5. a CBOR map with key 1 or 2 holding a map: raw CBOR
  6. the shape of a protobuf Envelope (a heuristic: tags, lengths and the header's shape
     fit exactly): raw protobuf; a varint length before such a message: length-delimited
  7. a valid frame prefix (magic and checksum) in the first MiB: frames after leading bytes`;

const HELP: Readonly<Record<string, string>> = {
  main: `envelope: see what a captured telemetry envelope payload holds

Usage: envelope <command> [options]

Commands:
  decode [FILE|-]    print envelopes as the spec's JSON mapping
  inspect [FILE|-]   frame-level view: offsets, codecs, sizes, headers (bodies untouched)
  convert [FILE|-]   re-encode to protobuf, CBOR or JSON, keeping unknown fields
  validate [FILE|-]  check envelopes against a schema registry
  aggregate [FILE...|-]  group and summarise envelopes at one schema version per event
  schema check|diff|gen|fixtures   schema registry tooling (CI checks, code and fixtures)
  bench              run the benchmark harness (in an Envelope checkout)
  help [COMMAND]     help for a command

Input is a file, or stdin when FILE is - or absent. A stream with a corrupted or
truncated frame still yields every intact frame; each bad one is reported on stderr
with its offset and error code, and the exit code is 3.

Examples:
  envelope decode capture.bin
  envelope decode --format ndjson capture.bin | jq .header.schema
  pbpaste | envelope decode                 # a hex or base64 dump from a log
  envelope inspect big-capture.bin
  envelope aggregate --registry schemas --by event,version --values duration_ms capture.bin
  envelope convert --to json --no-frame capture.bin > capture.ndjson

${EXIT_CODES}

${COMMON}`,

  decode: `Usage: envelope decode [FILE|-] [options]

Prints every envelope of the input as the spec's JSON mapping (docs/spec.md,
"Codec: JSON"). The input's form is detected (see below); a stream of frames is
read in bounded memory, and a bad frame is reported on stderr and skipped.

Options:
      --format json|ndjson|pretty
                   json: one object, or an array when the input holds several envelopes;
                   ndjson: one line per envelope (for scripts); pretty: indented and
                   coloured, with a heading per envelope.
                   Default: pretty on a terminal, json otherwise.

${READING}

${DETECTION}

Examples:
  envelope decode capture.bin
  envelope decode --format ndjson kafka-dump.bin > envelopes.ndjson
  echo 89454e5601010000... | envelope decode
  envelope decode --codec protobuf message.bin      # raw protobuf, skip the heuristic
  envelope decode --codec cbor --compression lz4 payload.bin

${EXIT_CODES}

${COMMON}`,

  inspect: `Usage: envelope inspect [FILE|-] [options]

A frame-level view without decoding bodies: per frame its offset, size, codec,
compression and ratio (body raw length / stored length), content checksum flag,
schema, service, event id and time; then a summary. Streams huge captures in
bounded memory. Unframed input (raw payloads, JSON, NDJSON) is shown per envelope.

Options:
      --format table|ndjson   default table

${READING}

Examples:
  envelope inspect capture.bin
  envelope inspect --format ndjson capture.bin | jq -c 'select(.compression == "lz4")'

${EXIT_CODES}

${COMMON}`,

  convert: `Usage: envelope convert --to protobuf|cbor|json [FILE|-] [options]

Re-encodes every envelope of the input. Unknown fields (from a newer producer)
are kept when the codec stays the same; another codec cannot carry them and a
warning says so (docs/spec.md, "Unknown fields"). An attribute value of a
kind this version does not know can be written only by the codec that read
it: such an envelope is reported and left out. Bad frames are skipped and
reported too (exit 3).

Options:
      --to protobuf|cbor|json     the codec to write (required)
      --compression none|lz4      body compression of the output (default none)
      --no-frame                  write raw payloads: JSON as NDJSON lines, protobuf as one
                                  message (--delimited: varint-length-delimited records),
                                  CBOR as a CBOR sequence; with lz4, one envelope only
      --checksum                  add the content checksum to each frame
      --deterministic             CBOR deterministic encoding (RFC 8949 4.2.1)
  -o, --output FILE               write to FILE (binary output is never written to a terminal)
      --from-codec, --from-compression, --delimited, --no-validate
                                  force the reading of the input, as --codec etc. in decode

Examples:
  envelope convert --to json --no-frame capture.bin > capture.ndjson
  envelope convert --to protobuf --compression lz4 -o small.bin capture.bin
  envelope convert --to cbor --deterministic -o out.bin in.json

${EXIT_CODES}

${COMMON}`,

  validate: `Usage: envelope validate --registry DIR|URL [FILE|-] [options]

Checks every envelope of the input against its declared schema in the registry
(@envelope/registry): prints each issue as it is found (where, schema, path, code,
message), then a table per schema (envelopes, with issues, issues) and a total.
Exit 1 when any issue; an incomplete read (3, 4) takes precedence.

Options:
      --registry DIR|URL   a schemas folder, or the http(s) URL serving one (required)
      --allow-unknown      do not report attributes the schema does not declare
      --allow-deprecated   do not report deprecated attributes that are present
      --format table|ndjson   ndjson: one issue per line, the summary on stderr

${READING}

Examples:
  envelope validate --registry ./schemas capture.bin
  envelope validate --registry https://schemas.example.com/envelope capture.bin
  envelope validate --registry schemas --allow-unknown --format ndjson capture.bin | jq .code

${EXIT_CODES}

${COMMON}`,

  aggregate: `Usage: envelope aggregate --registry DIR|URL [FILE...|-] [options]

Reads every envelope of the inputs (files in turn, or stdin), validates each as
written against its schema, brings every event to one version with the
registry's declared transforms (upgrade or downgrade), groups them and prints per
group: count; per value attribute count, sum, min, max, mean and quantiles; and
validation issues by code. int64 sums are exact; quantiles come from a DDSketch
within --accuracy of the true value. An envelope that cannot be brought to its
target version is not aggregated: it is counted with the reason. Memory is bounded
by the number of groups, not the input (docs/spec.md, "Aggregation").

Options:
      --registry DIR|URL   a schemas folder, or the http(s) URL serving one (required)
      --to VERSION|latest|TYPE/SUBTYPE@VERSION[,...]
                           the version every event is brought to (default latest; a bare
                           VERSION applies to every event, per-event targets to those named)
      --by DIM[,DIM...]    group by: event, type, subtype, version (as written), target,
                           service, service_version, environment, region, host, language,
                           producer_version, status, attr:KEY, ext:NAMESPACE:KEY,
                           resource:KEY (default event)
      --values KEY[,...]   numeric body attributes (at the target version) to summarise
      --quantiles Q[,...]  quantiles in [0, 1] (default 0.5,0.9,0.99)
      --accuracy A         the sketch's relative accuracy (default 0.01)
      --max-groups N       groups kept; further groups go to one "(other)" group (default 10000)
      --format table|json|csv   (default table; json writes int64 figures as strings)
      --export FILE        also write the envelopes, normalised the same way, as an Arrow
                           IPC file or Parquet (docs/spec.md, "Export layout")
      --export-format arrow|parquet   (default: parquet for a .parquet FILE, else arrow)
      --keep-unknown       aggregate events the registry does not know at their own version
      --skip-invalid       do not aggregate envelopes with validation issues (counted)
      --defaults           fill absent attributes that declare a default, at the target version
      --allow-unknown      do not report attributes the schema does not declare
      --allow-deprecated   do not report deprecated attributes that are present

${READING}

Examples:
  envelope aggregate --registry schemas --to 1.2.0 --by event,language --values duration_ms capture.bin
  envelope aggregate --registry schemas --by service,attr:method --values attempts --format csv go.bin rust.bin ts.bin
  cat capture.bin | envelope aggregate --registry schemas --to request/auth_request@1.1.0 --format json -
  envelope aggregate --registry schemas --to 1.2.0 --export capture.parquet capture.bin

${EXIT_CODES}

${COMMON}`,

  schema: `Usage: envelope schema <command> [DIR|FILE...] [options]

The schema registry's tooling (@envelope/schema-tools), for CI and build steps.

Commands:
  check [DIR]  [--against REF|PATH] [--no-git] [--mode MODE] [--no-index] [--today DATE]
      Checks the schemas folder DIR (default: schemas) for CI: every descriptor
      parses; versions published on REF (default: main), or in the schemas
      folder PATH, are unchanged, and new versions go above them; every new
      version bumps enough for its changes and keeps its event's compatibility
      mode (NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE,
      FULL, FULL_TRANSITIVE; --mode sets a floor, in any case); transforms start
      at the previous version; index.json is fresh; each event's latest version
      declares no field whose deprecation's removalDate has come (a warning
      before that day). --today YYYY-MM-DD sets the date. Exit 1 when anything
      fails, 2 when REF cannot be read.
  diff OLD.json NEW.json  [--mode MODE]
      Classifies every change from OLD to NEW, the bump it needs and the
      verdict of the mode (NEW's, else OLD's, else BACKWARD; --mode a floor).
      Exit 1 when NEW's version bump is too small or the mode fails.
  gen [DIR]  [--out OUT] [--lang ts|go|rust] [--check]
             [--go-runtime IMPORT] [--go-package NAME] [--rust-runtime PATH]
      Writes DIR/index.json and, with --out, the bindings into OUT: the
      TypeScript builders (default); with --lang go a Go package with one
      struct per event version, its Attributes() and Fill() (the fixture
      generator's draws), importing the runtime package IMPORT (default: the Go
      producer's internal/fixturegen), as package NAME (default schemas); with
      --lang rust a Rust module (mod.rs and a file per event) of structs that
      implement the runtime PATH's Binding (default crate::fixturegen).
      With --check, writes nothing and exits 1 when anything is out of date.
  fixtures [DIR]  --out OUT [--seed N] [--count N] [--codec C]... [--language L]
      Generates, from the descriptors in DIR and the seed (default 1), COUNT
      (default 8) envelopes per event and version that respect every field's
      type, presence and value rules (boundaries first), and writes
      OUT/fixtures-<codec>.bin (a stream of frames; codecs protobuf and cbor by
      default, CBOR deterministic) and OUT/expected.json (count, sum, min, max
      of every int and double attribute per event and version). The same seed
      gives the same bytes in TypeScript, Go and Rust. --language sets the
      producer language written in the headers (default "fixtures").

A descriptor or file that cannot be read exits 4. Paths are relative to the
current directory.

Examples:
  envelope schema check schemas --against main
  envelope schema diff schemas/request/auth_request/1.1.0.json schemas/request/auth_request/1.2.0.json
  envelope schema gen schemas --out src/generated --check
  envelope schema fixtures schemas --out fixtures --seed 7 --codec json

${EXIT_CODES}

${COMMON}`,

  bench: `Usage: envelope bench [-- harness options]

Runs the benchmark harness of an Envelope checkout (\`pnpm bench\` in bench/),
from the repository that contains the current directory. Options after --
are passed to the harness.

Examples:
  envelope bench
  envelope bench -- --filter protobuf/decode

${EXIT_CODES}

${COMMON}`,
};

/** The help text of `command` (`main` for the overview), or undefined for an unknown command. */
export function helpText(command: string): string | undefined {
  return Object.hasOwn(HELP, command) ? HELP[command] : undefined;
}
