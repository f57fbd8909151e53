#!/usr/bin/env node
// protoc plugin (run by `buf generate`, see buf.gen.yaml): writes, from the
// descriptors of proto/envelope/v1/envelope.proto, the schema-specialised
// codec code and field tables of the envelope contract for every message
// outside the attribute model:
//
// - `codec=protobuf` (default): `<file>_codec.ts` next to protoc-gen-es's
//   `<file>_pb.ts` in packages/protobuf/src/gen. Per message a straight-line
//   reader (literal tag cases: a switch past four fields, an if chain below),
//   the wire-type table it gives `other()` for fields it did not take, the
//   default object it starts from, and a writer (fields in field-number
//   order, literal tag bytes).
// - `codec=cbor`: `<file>_cbor.ts` in packages/cbor/src/gen. Per message the
//   map reader keyed by field number, with the model property paths its
//   errors name (walked from Envelope) and duplicate-key tracking, and the
//   map writer: field type checks, entry count, keys, unknown keys in place.
// - `codec=json`: `<file>_json.ts` in packages/core/src/gen. Per message the
//   reader of the JSON object (a switch on the lowerCamelCase JSON names; the
//   field kind picks the primitive: hex ids, 64-bit integers as strings or
//   numbers, enum names or numbers, base64 bytes, doubles with "NaN" and
//   "Infinity"), unknown keys kept and charged, and the writer of the plain
//   object (defaults omitted, kept unknown keys after the known ones), with
//   the enums' value names. Plain code over core's own primitives: no
//   dependency on @bufbuild/protobuf at run time.
// - `codec=shape`: `<file>_shape.ts` in packages/cli/src/gen. Per message the
//   field number and wire type of each field, by model property: what the
//   CLI's raw protobuf heuristic expects (src/input/protobuf-shape.ts).
//
// What stays hand-written (the "runtime" the generated code imports): the
// wire primitives (wire/), the read context and unknown-field keeping
// (protobuf from-binary.ts, cbor from-cbor.ts and unknown.ts), the field
// type checks of the CBOR writer (to-cbor.ts), the JSON primitives (core
// json/from-json.ts and to-json.ts: strings within limits, ids, integers,
// enums, doubles, kept unknown keys; json-value.ts: the JSON text parser;
// base64.ts), and the attribute model (KeyValue, AnyValue, ArrayValue and
// KeyValueList map onto JavaScript Maps and values, not onto messages, and
// are tuned by hand).
//
// A new field of a supported kind in a generated message is one edit of the
// proto plus `pnpm generate` (packages/protobuf/test/codegen.test.ts proves
// it on a copy of the proto, through all four outputs). A field the
// generator cannot map fails the generation by name. The model bindings
// below are the few places where the TypeScript model is not the plain
// proto3 mapping.
//
// Options (`opt:` in buf.gen.yaml): `codec=protobuf|cbor|json|shape`;
// `runtime=<prefix>` is prepended to the runtime module names in imports
// (default `../../../`, the path from src/gen/envelope/v1 back to src/).
import { readFileSync } from "node:fs";
import { create, createFileRegistry, fromBinary, ScalarType, toBinary } from "@bufbuild/protobuf";
import {
  CodeGeneratorRequestSchema,
  CodeGeneratorResponse_Feature,
  CodeGeneratorResponseSchema,
  FileDescriptorSetSchema,
} from "@bufbuild/protobuf/wkt";

/** Messages of the attribute model: read and written by the hand-written runtime. */
const ATTRIBUTE_MESSAGES = new Set([
  "envelope.v1.KeyValue",
  "envelope.v1.AnyValue",
  "envelope.v1.ArrayValue",
  "envelope.v1.KeyValueList",
]);
/** A repeated field of this message is an attribute map (`Attributes`) in the model. */
const KEY_VALUE = "envelope.v1.KeyValue";

/**
 * Model bindings: where the model is not the plain proto3 mapping.
 * - `required`: always written; a reader without it fails with missing_field.
 * - `defaultEmpty`: always written; a reader without it gets the empty message.
 * - `omitEmpty`: an implicit-presence field the model leaves out when empty.
 * - `key`: a string bounded like an attribute key (maxKeyLength).
 */
const BINDINGS = {
  "envelope.v1.Envelope.header": "required",
  "envelope.v1.Envelope.body": "defaultEmpty",
  "envelope.v1.TraceContext.parent_span_id": "omitEmpty",
  "envelope.v1.TraceContext.trace_state": "omitEmpty",
  "envelope.v1.Extension.namespace": "key",
};

/** Wire type, reader expression and writer statements of each supported scalar. */
const SCALARS = {
  [ScalarType.STRING]: { wire: 2 },
  [ScalarType.BYTES]: { wire: 2 },
  [ScalarType.FIXED64]: { wire: 1, read: "r.fixed64(end)", zero: "0n", write: "fixed64" },
  [ScalarType.UINT32]: { wire: 0, read: "r.varint32(end) >>> 0", zero: "0", write: "uint32" },
  [ScalarType.INT64]: { wire: 0, read: "r.int64(end)", zero: "0n", write: "int64" },
  [ScalarType.BOOL]: { wire: 0, read: "r.bool(end)", zero: "false", write: "bool" },
  [ScalarType.DOUBLE]: { wire: 1, read: "r.double(end)", zero: "0", write: "double" },
};
// An enum is an int32 on the wire; values this version does not name are kept as numbers.
const ENUM = { wire: 0, read: "r.varint32(end) | 0", zero: "0", write: "uint32" };

function fail(message) {
  throw new Error(`protoc-gen-envelope: ${message}`);
}

/** The tag's varint bytes, as the writer emits them. */
function tagBytes(no, wire) {
  let v = ((no << 3) | wire) >>> 0;
  const out = [];
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}

/** Messages with more fields than this dispatch on the tag with a switch. */
const SWITCH_FROM = 4;

const hex = (n) => `0x${n.toString(16).padStart(2, "0")}`;

/** How one field is read and written. */
function classify(message, field) {
  const binding = BINDINGS[`${message.typeName}.${field.name}`];
  const where = `${message.typeName}.${field.name}`;
  if (field.oneof !== undefined && !field.proto.proto3Optional)
    fail(`${where}: oneof members are supported in the attribute model only`);
  if (field.fieldKind === "list") {
    if (field.listKind !== "message") fail(`${where}: repeated ${field.listKind} is not supported`);
    if (field.message.typeName === KEY_VALUE) return { kind: "attributes", wire: 2, binding };
    if (ATTRIBUTE_MESSAGES.has(field.message.typeName))
      fail(`${where}: repeated ${field.message.typeName} outside the attribute model`);
    return { kind: "messages", wire: 2, type: field.message, binding };
  }
  if (field.fieldKind === "map") fail(`${where}: map fields are not supported`);
  if (field.fieldKind === "message") {
    if (ATTRIBUTE_MESSAGES.has(field.message.typeName))
      fail(`${where}: ${field.message.typeName} outside the attribute model`);
    return { kind: "message", wire: 2, type: field.message, binding };
  }
  const optional = field.proto.proto3Optional === true;
  if (field.fieldKind === "enum") return { kind: "number", ...ENUM, optional, binding };
  const s = SCALARS[field.scalar];
  if (s === undefined) fail(`${where}: scalar type ${ScalarType[field.scalar]} is not supported`);
  if (field.scalar === ScalarType.STRING) return { kind: "string", wire: 2, optional, binding };
  if (field.scalar === ScalarType.BYTES) return { kind: "bytes", wire: 2, optional, binding };
  return { kind: "number", ...s, optional, binding };
}

/** The default value of a field in a reader's starting object, or undefined when the model leaves it out. */
function defaultValue(f) {
  if (f.c.binding === "omitEmpty" || f.c.optional) return undefined;
  switch (f.c.kind) {
    case "string":
      return '""';
    case "bytes":
      return "EMPTY";
    case "number":
      return f.c.zero;
    case "attributes":
      return "new Map()";
    case "messages":
      return "[]";
    default:
      return undefined;
  }
}

const modelName = (message) => message.name;

function readerCase(message, f) {
  const { c } = f;
  const target = `m.${f.localName}`;
  const subArgs = `c, sub(c, end, "${message.name}.${f.name}")`;
  switch (c.kind) {
    case "string":
    case "bytes": {
      const read =
        c.kind === "bytes" ? "bytes(c, end)" : c.binding === "key" ? "key(c, end)" : "str(c, end)";
      if (c.binding === "omitEmpty") {
        return [`const v = ${read};`, `if (v.length > 0) ${target} = v;`, `else delete ${target};`];
      }
      return [`${target} = ${read};`];
    }
    case "number":
      return [`${target} = ${c.read};`];
    case "message":
      return [`${target} = read${c.type.name}(${subArgs}, ${target});`];
    case "attributes":
      return [`readKeyValue(${subArgs}, ${target}, 0, at);`];
    case "messages":
      return [`c.count(at);`, `${target}.push(read${c.type.name}(${subArgs}));`];
  }
  fail(`unhandled ${c.kind}`);
}

function writerLines(f) {
  const { c } = f;
  const value = `m.${f.localName}`;
  const tag = tagBytes(f.number, c.wire);
  const tagLiteral = tag.length === 1 ? hex(tag[0]) : undefined;
  const writeTag = tag.map((b) => `w.byte(${hex(b)});`).join(" ");
  const always = c.binding === "required" || c.binding === "defaultEmpty";
  switch (c.kind) {
    case "string":
    case "bytes": {
      const helper =
        c.kind === "bytes" ? "nonEmptyBytes" : c.optional ? "optionalString" : "nonEmptyString";
      if (tagLiteral !== undefined) return [`${helper}(w, ${tagLiteral}, ${value});`];
      const test = c.optional
        ? `${value} !== undefined`
        : `${value} !== undefined && ${value}.length > 0`;
      return [
        `if (${test}) {`,
        `  ${writeTag}`,
        `  w.${c.kind === "bytes" ? "bytes" : "string"}(${value});`,
        `}`,
      ];
    }
    case "number": {
      const test = c.optional
        ? `${value} !== undefined`
        : `${value} !== undefined && ${value} !== ${c.zero}`;
      const put = c.write === "bool" ? `w.byte(${value} ? 1 : 0);` : `w.${c.write}(${value});`;
      return [`if (${test}) {`, `  ${writeTag}`, `  ${put}`, `}`];
    }
    case "message": {
      const body = [
        `  ${writeTag}`,
        `  const n = w.fork();`,
        `  write${c.type.name}(w, ${value});`,
        `  w.join(n);`,
      ];
      return always ? ["{", ...body, "}"] : [`if (${value} !== undefined) {`, ...body, "}"];
    }
    case "attributes":
      if (tagLiteral === undefined) fail(`${f.name}: attribute maps need a one-byte tag`);
      return [`if (${value} !== undefined) writeAttributes(w, ${tagLiteral}, ${value}, 0);`];
    case "messages":
      return [
        `const ${f.localName} = ${value};`,
        `if (${f.localName} !== undefined) {`,
        `  for (let i = 0; i < ${f.localName}.length; i++) {`,
        `    ${writeTag}`,
        `    const n = w.fork();`,
        `    write${c.type.name}(w, ${f.localName}[i]!);`,
        `    w.join(n);`,
        `  }`,
        `}`,
      ];
  }
  fail(`unhandled ${c.kind}`);
}

const indent = (lines, by) => lines.map((l) => (l === "" ? l : " ".repeat(by) + l));

function generateMessage(message, out) {
  const fields = message.fields.map((field) => ({
    name: field.name,
    localName: field.localName,
    number: field.number,
    c: classify(message, field),
  }));
  const type = modelName(message);
  const known = [];
  for (const f of fields) known[f.number] = f.c.wire;
  const knownName = `${message.name.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase()}_WIRE`;
  out.push(
    `/** Wire types of the fields of ${message.typeName}, by field number (see \`other\`). */`,
    `const ${knownName}: Known = [${Array.from(known, (w) => (w === undefined ? "undefined" : String(w))).join(", ")}];`,
    "",
  );

  // Reader.
  const defaults = fields
    .map((f) => [f.localName, defaultValue(f)])
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${v}`);
  const partial = fields.some((f) => defaultValue(f) === undefined && !f.c.optional);
  const init = `{${defaults.length > 0 ? ` ${defaults.join(", ")} ` : ""}}${partial ? ` as ${type}` : ""}`;
  // A switch for more than SWITCH_FROM fields, else an if chain (as fast for a few, and shorter).
  const dispatch = [];
  const other = `other(c, ${knownName}, tag, at, end, true);`;
  if (fields.length > SWITCH_FROM) {
    dispatch.push("switch (tag) {");
    for (const f of fields) {
      const stmts = readerCase(message, f);
      const tag = hex((f.number << 3) | f.c.wire);
      if (stmts.length === 1) dispatch.push(`  case ${tag}:`, `    ${stmts[0]}`, "    break;");
      else dispatch.push(`  case ${tag}: {`, ...indent(stmts, 4), "    break;", "  }");
    }
    dispatch.push("  default:", `    ${other}`, "}");
  } else {
    fields.forEach((f, i) => {
      const stmts = readerCase(message, f);
      const test = `${i === 0 ? "if" : "} else if"} (tag === ${hex((f.number << 3) | f.c.wire)}) {`;
      dispatch.push(test, ...indent(stmts, 2));
    });
    dispatch.push(...(fields.length > 0 ? ["} else {", `  ${other}`, "}"] : [other]));
  }
  const checks = [];
  for (const f of fields) {
    if (f.c.binding === "required")
      checks.push(
        `if (m.${f.localName} === undefined) missingField(c, "${message.name}", "${f.name}");`,
      );
    else if (f.c.binding === "defaultEmpty") {
      checks.push(`m.${f.localName} ??= ${defaultsOf(f.c.type)};`);
    }
  }
  out.push(
    `/** Reads ${message.typeName} \`[c.r.pos, end)\`, merged into \`m\` (an earlier occurrence) when given. */`,
    `export function read${message.name}(c: Ctx, end: number, m: ${type} = ${init}): ${type} {`,
    "  const mark = c.unknown;",
    "  c.unknown = undefined;",
    "  const r = c.r;",
    "  while (r.pos < end) {",
    "    const at = r.pos;",
    "    const tag = r.uint32(end);",
    ...indent(dispatch, 4),
    "  }",
    ...indent(checks, 2),
    "  attachUnknown(c, m, mark);",
    "  return m;",
    "}",
    "",
  );

  // Writer.
  const body = [];
  for (const f of fields) body.push(...writerLines(f));
  out.push(
    `/** Writes the fields of ${message.typeName} (without its own tag and length), then its unknown fields. */`,
    `export function write${message.name}(w: ProtoWriter, m: ${type}): void {`,
    ...indent(body, 2),
    "  if (m.$unknown !== undefined) unknown(w, m.$unknown);",
    "}",
    "",
  );
  return type;
}

/** The starting object of a message's reader, as an expression (for `defaultEmpty`). */
function defaultsOf(message) {
  const parts = [];
  for (const field of message.fields) {
    const d = defaultValue({ c: classify(message, field) });
    if (d !== undefined) parts.push(`${field.localName}: ${d}`);
  }
  return `{ ${parts.join(", ")} }`;
}

function generateFile(file, runtime) {
  const out = [];
  const types = [];
  for (const message of file.messages) {
    if (ATTRIBUTE_MESSAGES.has(message.typeName)) continue;
    if (message.nestedMessages.length > 0 || message.nestedEnums.length > 0)
      fail(`${message.typeName}: nested declarations are not supported`);
    types.push(generateMessage(message, out));
  }
  const header = [
    `// @generated by scripts/protoc-gen-envelope.mjs from ${file.proto.name}; do not edit.`,
    "// The schema-specialised protobuf reader and writer of each message outside the",
    '// attribute model (docs/spec.md, "Codec: protobuf binary"). Regenerate with `pnpm generate`.',
    "",
    `import type { ${[...types].sort().join(", ")} } from "@envelope/core";`,
    "import {",
    "  attachUnknown,",
    "  bytes,",
    "  type Ctx,",
    "  EMPTY,",
    "  type Known,",
    "  key,",
    "  missingField,",
    "  other,",
    "  readKeyValue,",
    "  str,",
    "  sub,",
    `} from "${runtime}from-binary.js";`,
    "import {",
    "  nonEmptyBytes,",
    "  nonEmptyString,",
    "  optionalString,",
    "  unknown,",
    "  writeAttributes,",
    `} from "${runtime}to-binary.js";`,
    `import type { ProtoWriter } from "${runtime}wire/writer.js";`,
    "",
  ];
  return `${[...header, ...out].join("\n").trimEnd()}\n`;
}

// CBOR reader (`codec=cbor`): message maps keyed by field number (docs/spec.md,
// "Codec: CBOR"), read into the same model; error paths are the model's
// property paths from the envelope down.

const article = (word) => (/^[aeiou]/i.test(word) ? "an" : "a");

/** How a scalar field is read from CBOR, or undefined when the CBOR reader has no primitive for it. */
function cborRead(message, field, c, path) {
  if (c.kind === "string") return `${c.binding === "key" ? "keyField" : "textField"}(r, ${path})`;
  if (c.kind === "bytes") return `bytesField(r, ${path})`;
  if (field.fieldKind === "enum") return `uintField(r, ${path}, 0x7fff_ffff) as ${field.enum.name}`;
  if (field.scalar === ScalarType.UINT32) return `uintField(r, ${path}, 0xffff_ffff)`;
  if (field.scalar === ScalarType.FIXED64) return `uint64Field(r, ${path})`;
  fail(
    `${message.typeName}.${field.name}: ${ScalarType[field.scalar]} has no CBOR reader primitive yet`,
  );
}

/** Paths of every generated message: a string literal, or a template for an element of a list. */
function cborPaths(file) {
  const users = new Map();
  for (const message of file.messages) {
    if (ATTRIBUTE_MESSAGES.has(message.typeName)) continue;
    for (const field of message.fields) {
      if (field.message !== undefined && !ATTRIBUTE_MESSAGES.has(field.message.typeName)) {
        if (users.has(field.message.typeName))
          fail(`${field.message.typeName}: used by more than one field (CBOR error paths)`);
        users.set(field.message.typeName, { parent: message, field });
      }
    }
  }
  const paths = new Map();
  const pathOf = (message) => {
    if (paths.has(message.typeName)) return paths.get(message.typeName);
    const user = users.get(message.typeName);
    let path;
    if (user === undefined) path = { base: "", list: false };
    else {
      const parent = pathOf(user.parent);
      if (parent.list)
        fail(`${message.typeName}: a message inside a list element is not supported`);
      const base =
        parent.base === "" ? user.field.localName : `${parent.base}.${user.field.localName}`;
      path = { base, list: user.field.fieldKind === "list", entry: parent.base === "" };
    }
    paths.set(message.typeName, path);
    return path;
  };
  for (const message of file.messages)
    if (!ATTRIBUTE_MESSAGES.has(message.typeName)) pathOf(message);
  return paths;
}

function cborMessage(message, paths, out, imports) {
  const { base, list } = paths.get(message.typeName);
  const type = modelName(message);
  imports.add(type);
  const fields = message.fields.map((field) => ({
    field,
    name: field.name,
    localName: field.localName,
    number: field.number,
    c: classify(message, field),
  }));
  const at = (f) =>
    list
      ? `\`\${path}.${f.localName}\``
      : JSON.stringify(base === "" ? f.localName : `${base}.${f.localName}`);
  const cases = [];
  for (const f of fields) {
    if (f.number > 30) fail(`${message.typeName}.${f.name}: CBOR readers track fields 1..30`);
    const p = at(f);
    const body = [`seen = seenOnce(r, seen, key, at, ${p});`];
    const target = `m.${f.localName}`;
    switch (f.c.kind) {
      case "message":
        body.push(`${target} = read${f.c.type.name}(r);`);
        break;
      case "attributes":
        body.push(`${target} = readAttributes(r, ${p});`);
        break;
      case "messages":
        body.push(`${target} = read${f.c.type.name}List(r);`);
        break;
      default: {
        if (f.field.fieldKind === "enum") imports.add(f.field.enum.name);
        const read = cborRead(message, f.field, f.c, p);
        if (f.c.binding === "omitEmpty")
          body.push(`const v = ${read};`, `if (v.length > 0) ${target} = v;`);
        else body.push(`${target} = ${read};`);
      }
    }
    cases.push(`case ${f.number}: {`, ...indent(body, 2), "  break;", "}");
  }
  const defaults = fields
    .map((f) => [f.localName, defaultValue(f)])
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${v === "EMPTY" ? "EMPTY_BYTES" : v}`);
  const partial = fields.some((f) => defaultValue(f) === undefined && !f.c.optional);
  const init = `{${defaults.length > 0 ? ` ${defaults.join(", ")} ` : ""}}${partial ? ` as ${type}` : ""}`;
  const checks = [];
  for (const f of fields) {
    if (f.c.binding === "required")
      checks.push(
        `if (m.${f.localName} === undefined) missingField(r, "${message.name}", ${at(f)}, ${f.number});`,
      );
    else if (f.c.binding === "defaultEmpty")
      checks.push(
        `m.${f.localName} ??= ${defaultsOf(f.c.type).replaceAll("EMPTY", "EMPTY_BYTES")};`,
      );
  }
  const what = `${article(message.name)} ${message.name} map`;
  const head = list
    ? [
        `export function read${message.name}(r: CborReader, index: number): ${type} {`,
        `  const path = \`${base}[\${index}]\`;`,
        "  r.countEntry(r.pos, path);",
      ]
    : [
        `export function read${message.name}(r: CborReader): ${type} {`,
        `  const path = ${JSON.stringify(base)};`,
      ];
  out.push(
    `/** Reads ${article(message.name)} ${message.typeName} map${list ? " (an entry of the budget)" : ""}. */`,
    ...head,
    `  const count = messageHead(r, path, "${what}");`,
    `  const m: ${type} = ${init};`,
    "  let seen = 0;",
    "  let unknown: UnknownKeys | undefined;",
    "  for (let i = 0; count < 0 ? !r.atBreak(path) : i < count; i++) {",
    "    const at = r.pos;",
    "    const key = messageKey(r, path);",
    "    switch (key) {",
    ...indent(cases, 6),
    "      default:",
    "        unknown = readUnknown(r, key, unknown, at, path);",
    "    }",
    "  }",
    ...indent(checks, 2),
    "  if (unknown !== undefined) m.$unknown = unknownFields(r, unknown);",
    "  return m;",
    "}",
    "",
  );
  if (list) {
    out.push(
      `/** Reads the array of ${message.name} maps at ${base}. */`,
      `function read${message.name}List(r: CborReader): ${type}[] {`,
      `  const path = "${base}";`,
      "  const at = r.pos;",
      "  const initial = r.head(path);",
      `  if (initial >> 5 !== 4) r.wrongType(initial, at, path, "an array of ${message.name} maps");`,
      "  const count = r.arg;",
      `  const out: ${type}[] = [];`,
      "  if (count >= 0) {",
      "    r.checkCount(count, at, path);",
      "    r.checkEntries(count, at, path);",
      "  }",
      `  for (let i = 0; count < 0 ? !r.atBreak(path) : i < count; i++) out.push(read${message.name}(r, i));`,
      "  return out;",
      "}",
      "",
    );
  }
}

/** The CBOR writer of one message: `write<Name>(e, m)` on the hand-written EnvelopeWriter `e`. */
function cborWriter(message, paths, rootName, out) {
  const { base, list } = paths.get(message.typeName);
  const type = modelName(message);
  const fields = message.fields.map((field) => ({
    field,
    localName: field.localName,
    number: field.number,
    c: classify(message, field),
  }));
  const at = (f) =>
    list
      ? `\`\${path}.${f.localName}\``
      : JSON.stringify(base === "" ? f.localName : `${base}.${f.localName}`);
  const entry = message.name === rootName || list || paths.get(message.typeName).entry;
  const lower = message.name.toLowerCase();
  const lines = [];
  if (list) lines.push(`const path = \`${base}[\${index}]\`;`);
  else lines.push(`const path = ${JSON.stringify(base)};`);
  lines.push("const w = e.w;");
  if (entry)
    lines.push(
      `if (!hasMessage(m, path)) bad(path, \`expected ${article(lower)} ${lower} object, got \${describe(m)}\`);`,
    );
  const last = Math.max(0, ...fields.map((f) => f.number));
  lines.push(`const unknown = prepareUnknown(m, ${last}, e.deterministic, path);`);
  const has = [];
  const writes = [];
  for (const f of fields) {
    const v = `m.${f.localName}`;
    const h = `put${f.localName[0].toUpperCase()}${f.localName.slice(1)}`;
    const p = at(f);
    const key = f.number < 24 ? `w.byte(${f.number});` : `w.head(MT_UINT, ${f.number});`;
    let write;
    switch (f.c.kind) {
      case "string":
        lines.push(`const ${h} = ${f.c.optional ? "presentText" : "hasText"}(${v}, ${p});`);
        write = `w.text(${v}!);`;
        break;
      case "bytes":
        lines.push(`const ${h} = hasBytes(${v}, ${p});`);
        write = `w.bytes(${v}!);`;
        break;
      case "number":
        if (f.field.fieldKind === "enum" || f.field.scalar === ScalarType.UINT32) {
          lines.push(`const ${h} = hasUint32(${v}, ${p});`);
          write = `w.head(MT_UINT, ${v}!);`;
        } else if (f.field.scalar === ScalarType.FIXED64) {
          lines.push(`const ${h} = hasUint64(${v}, ${p});`);
          write = `w.headBig(MT_UINT, ${v}!);`;
        } else fail(`${message.typeName}.${f.field.name}: no CBOR writer primitive yet`);
        break;
      case "message":
        lines.push(`const ${h} = hasMessage(${v}, ${p});`);
        write = `write${f.c.type.name}(e, ${v}!);`;
        break;
      case "attributes":
        lines.push(`const ${h} = hasAttributes(${v}, ${p});`);
        write = `e.attributes(${v}!, ${p});`;
        break;
      case "messages":
        lines.push(
          `const ${f.localName} = ${v};`,
          `if (${f.localName} !== undefined && !Array.isArray(${f.localName})) bad(${p}, \`expected an array, got \${describe(${f.localName})}\`);`,
          `const ${h} = ${f.localName} !== undefined && ${f.localName}.length > 0;`,
        );
        write = `w.head(MT_ARRAY, ${f.localName}.length);\n  for (let i = 0; i < ${f.localName}.length; i++) write${f.c.type.name}(e, ${f.localName}[i]!, i);`;
        break;
    }
    has.push(h);
    writes.push(
      `if (${h}) {`,
      `  u?.before(w, ${f.number});`,
      `  ${key}`,
      ...write.split("\n").map((l) => (l.startsWith("  ") ? l : `  ${l}`)),
      "}",
    );
  }
  const count = [...has.map((h) => `(${h} ? 1 : 0)`), "(unknown?.length ?? 0)"].join(" + ");
  lines.push(
    `w.head(MT_MAP, ${count});`,
    "const u = unknown && new UnknownCursor(unknown, e.deterministic);",
    ...writes,
    "u?.rest(w);",
  );
  out.push(
    `/** Writes ${article(message.name)} ${message.typeName} map: keys are field numbers, defaults omitted, unknown keys in place. */`,
    `export function write${message.name}(e: EnvelopeWriter, m: ${type}${list ? ", index: number" : ""}): void {`,
    ...indent(lines, 2),
    "}",
    "",
  );
}

function generateCborFile(file, runtime) {
  const out = [];
  const imports = new Set();
  const paths = cborPaths(file);
  const root = file.messages.find((m) => paths.get(m.typeName)?.base === "");
  for (const message of file.messages) {
    if (ATTRIBUTE_MESSAGES.has(message.typeName)) continue;
    cborMessage(message, paths, out, imports);
    cborWriter(message, paths, root.name, out);
  }
  const header = [
    `// @generated by scripts/protoc-gen-envelope.mjs from ${file.proto.name}; do not edit.`,
    "// The CBOR reader and writer of each message outside the attribute model: maps keyed by",
    '// field number (docs/spec.md, "Codec: CBOR"). Regenerate with `pnpm generate`.',
    "",
    `import type { ${[...imports].sort().join(", ")} } from "@envelope/core";`,
    "import {",
    "  bytesField,",
    "  EMPTY_BYTES,",
    "  keyField,",
    "  messageHead,",
    "  messageKey,",
    "  missingField,",
    "  readAttributes,",
    "  readUnknown,",
    "  seenOnce,",
    "  textField,",
    "  type UnknownKeys,",
    "  uint64Field,",
    "  uintField,",
    "  unknownFields,",
    `} from "${runtime}from-cbor.js";`,
    "import {",
    "  bad,",
    "  describe,",
    "  type EnvelopeWriter,",
    "  hasAttributes,",
    "  hasBytes,",
    "  hasMessage,",
    "  hasText,",
    "  hasUint32,",
    "  hasUint64,",
    "  presentText,",
    `} from "${runtime}to-cbor.js";`,
    `import { prepareUnknown, UnknownCursor } from "${runtime}unknown.js";`,
    `import type { CborReader } from "${runtime}wire/reader.js";`,
    `import { MT_ARRAY, MT_MAP, MT_UINT } from "${runtime}wire/writer.js";`,
    "",
  ];
  return `${[...header, ...out].join("\n").trimEnd()}\n`;
}

// JSON mapping (`codec=json`): per message a reader of the object's keys (the
// lowerCamelCase JSON names only: snake_case keys are unknown keys, as in
// OTLP/JSON) and a writer of a plain object (defaults omitted), over the
// hand-written primitives of core/src/json (docs/spec.md, "Codec: JSON").

/**
 * Bytes fields the JSON mapping writes as lowercase hex of exactly this many
 * bytes (OTLP/JSON's ids); every other bytes field is base64.
 */
const HEX_IDS = {
  "envelope.v1.Header.event_id": 16,
  "envelope.v1.TraceContext.trace_id": 16,
  "envelope.v1.TraceContext.span_id": 8,
  "envelope.v1.TraceContext.parent_span_id": 8,
};

/**
 * The JSON mapping of each supported scalar: the reader expression (of the
 * value `v` at path `at`) and the JSON value written for the model value `x`.
 * Enums are read by name or number and written as numbers (ENUM_JSON).
 */
const JSON_SCALARS = {
  [ScalarType.STRING]: { read: "string(v, at, budget)", write: (x) => x },
  [ScalarType.BYTES]: { read: "base64(v, at, budget)", write: (x) => `bytesToBase64(${x})` },
  [ScalarType.FIXED64]: {
    read: "integer(v, at, 0n, UINT64_MAX)",
    write: (x) => `${x}.toString()`,
  },
  [ScalarType.UINT32]: { read: "uint32(v, at, 0xffff_ffff)", write: (x) => x },
  [ScalarType.INT64]: {
    read: "integer(v, at, INT64_MIN, INT64_MAX)",
    write: (x) => `${x}.toString()`,
  },
  [ScalarType.BOOL]: { read: "boolean(v, at)", write: (x) => x },
  [ScalarType.DOUBLE]: { read: "double(v, at)", write: (x) => `doubleToJson(${x})` },
};
const ENUM_JSON = (e) => ({
  read: `enumValue(v, at, ${constName(e.name)}_NAMES, "${e.name}")`,
  write: (x) => x,
});

/**
 * The runtime each generated JSON module may import, by module: a name is
 * imported when the generated code uses it.
 */
const JSON_RUNTIME = {
  "hex.js": ["bytesToHex"],
  "json/base64.js": ["bytesToBase64"],
  "json/from-json.js": [
    "attributesFromJson",
    "base64",
    "boolean",
    "double",
    "enumValue",
    "id",
    "INT64_MAX",
    "INT64_MIN",
    "integer",
    "keepUnknown",
    "messages",
    "missingField",
    "nameString",
    "object",
    "string",
    "uint32",
    "UINT64_MAX",
  ],
  "json/to-json.js": ["appendUnknown", "attributesToJson", "doubleToJson"],
};

/** Messages no field of the file uses: read from the top, at path "". */
function rootMessages(file) {
  const used = new Set();
  for (const message of file.messages)
    for (const field of message.fields) if (field.message) used.add(field.message.typeName);
  return new Set(file.messages.map((m) => m.typeName).filter((t) => !used.has(t)));
}

const constName = (name) => name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();

/** The reader statements of one JSON field (value `v`, path `at`, into `m`) and its writer statement. */
function jsonField(message, field) {
  const c = classify(message, field);
  const where = `${message.typeName}.${field.name}`;
  const x = `m.${field.localName}`;
  const out = `out.${field.localName}`;
  // Written when present (proto3 optional), else when not the default; an
  // absent value (a hand-made model) is a default, as the other writers have it.
  const test = (nonDefault) =>
    c.optional ? `${x} !== undefined` : `${x} !== undefined && ${nonDefault}`;
  switch (c.kind) {
    case "string":
    case "bytes":
    case "number": {
      const hex = HEX_IDS[where];
      const s =
        hex !== undefined
          ? { read: `id(v, ${hex}, at)`, write: (v) => `bytesToHex(${v})` }
          : field.fieldKind === "enum"
            ? ENUM_JSON(field.enum)
            : c.binding === "key"
              ? { read: "nameString(v, at, budget)", write: (v) => v }
              : (JSON_SCALARS[field.scalar] ??
                fail(`${where}: ${ScalarType[field.scalar]} has no JSON mapping yet`));
      const nonDefault =
        c.kind === "string"
          ? `${x} !== ""`
          : c.kind === "bytes"
            ? `${x}.length > 0`
            : `${x} !== ${c.zero}`;
      const write = `if (${test(nonDefault)}) ${out} = ${s.write(x)};`;
      if (c.binding !== "omitEmpty") return { read: [`${x} = ${s.read};`], write };
      // Left out of the model when empty: an empty string (or id) reads as absent.
      if (c.kind === "bytes") return { read: [`if (v !== "") ${x} = ${s.read};`], write };
      return { read: [`const s = ${s.read};`, `if (s !== "") ${x} = s;`], write };
    }
    case "message": {
      const write = `${out} = write${c.type.name}(${x});`;
      const always = c.binding === "required" || c.binding === "defaultEmpty";
      return {
        read: [`${x} = read${c.type.name}(v, budget, at);`],
        write: always ? write : `if (${x} !== undefined) ${write}`,
      };
    }
    case "attributes":
      return {
        read: [`${x} = attributesFromJson(v, at, budget, 0);`],
        write: `if (${test(`${x}.size > 0`)}) ${out} = attributesToJson(${x});`,
      };
    case "messages":
      return {
        read: [`${x} = messages(v, at, budget, read${c.type.name});`],
        write: `if (${test(`${x}.length > 0`)}) ${out} = ${x}.map(write${c.type.name});`,
      };
  }
  fail(`unhandled ${c.kind}`);
}

function jsonMessage(message, root, out) {
  const type = modelName(message);
  const fields = message.fields.map((field) => ({
    field,
    c: classify(message, field),
    ...jsonField(message, field),
  }));
  const at = (field) => (root ? JSON.stringify(field.jsonName) : `\`\${path}.${field.jsonName}\``);
  const cases = [];
  for (const f of fields) {
    cases.push(
      `case "${f.field.jsonName}": {`,
      `  const at = ${at(f.field)};`,
      ...indent(f.read, 2),
      "  break;",
      "}",
    );
  }
  const defaults = fields
    .map((f) => [f.field.localName, defaultValue(f)])
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${v === "EMPTY" ? "new Uint8Array(0)" : v}`);
  const partial = fields.some((f) => defaultValue(f) === undefined && !f.c.optional);
  const init = `{${defaults.length > 0 ? ` ${defaults.join(", ")} ` : ""}}${partial ? ` as ${type}` : ""}`;
  const checks = [];
  for (const { field, c } of fields) {
    if (c.binding === "required")
      checks.push(
        `if (m.${field.localName} === undefined) missingField("${message.name.toLowerCase()}", "${field.jsonName}", ${at(field)});`,
      );
    else if (c.binding === "defaultEmpty")
      checks.push(
        `m.${field.localName} ??= ${defaultsOf(c.type).replaceAll("EMPTY", "new Uint8Array(0)")};`,
      );
  }
  out.push(
    `/** Reads the ${message.typeName} object ${root ? "at the top" : "at `path`"}: known keys into the model, unknown keys kept and charged. */`,
    root
      ? `export function read${message.name}(value: JsonValue, budget: DecodeBudget): ${type} {`
      : `export function read${message.name}(value: JsonValue, budget: DecodeBudget, path: string): ${type} {`,
    ...(root ? ['  const path = "";'] : []),
    "  const obj = object(value, path);",
    `  const m: ${type} = ${init};`,
    "  let unknown: Array<[string, JsonValue]> | undefined;",
    "  for (const key of Object.keys(obj)) {",
    "    const v = obj[key]!;",
    "    if (v === null) continue;",
    "    switch (key) {",
    ...indent(cases, 6),
    "      default:",
    "        unknown = keepUnknown(unknown, key, v, path, budget);",
    "    }",
    "  }",
    '  if (unknown !== undefined) m.$unknown = { codec: "json", data: unknown };',
    ...indent(checks, 2),
    "  return m;",
    "}",
    "",
    `/** The JSON object of the ${message.typeName}: defaults omitted, kept unknown keys after the known ones. */`,
    `export function write${message.name}(m: ${type}): JsonObject {`,
    "  const out: JsonObject = {};",
    ...indent(
      fields.map((f) => f.write),
      2,
    ),
    "  return appendUnknown(out, m);",
    "}",
    "",
  );
  return type;
}

/** Sorted as Biome sorts named imports: case-insensitively, ignoring `type`. */
function sortNames(names) {
  const key = (n) => n.replace(/^type /, "").toLowerCase();
  return [...names].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function generateJsonFile(file, runtime) {
  const out = [];
  const types = [];
  const enums = new Map();
  const roots = rootMessages(file);
  for (const message of file.messages) {
    if (ATTRIBUTE_MESSAGES.has(message.typeName)) continue;
    if (message.nestedMessages.length > 0 || message.nestedEnums.length > 0)
      fail(`${message.typeName}: nested declarations are not supported`);
    for (const field of message.fields) if (field.enum) enums.set(field.enum.typeName, field.enum);
    types.push(jsonMessage(message, roots.has(message.typeName), out));
  }
  const names = [];
  for (const e of enums.values()) {
    names.push(
      `/** The names of ${e.typeName}'s values, accepted on read as the proto3 JSON mapping allows. */`,
      `const ${constName(e.name)}_NAMES: ReadonlyMap<string, number> = new Map([`,
      ...e.values.map((v) => `  ["${v.name}", ${v.number}],`),
      "]);",
      "",
    );
  }
  const code = out.join("\n");
  // A function is used when called, a constant (upper case) when named.
  const used = (name) =>
    new RegExp(`(?<![\\w.$])${name}${/^[A-Z]/.test(name) ? "\\b" : "\\("}`).test(code);
  const imports = [];
  for (const [module, all] of Object.entries(JSON_RUNTIME)) {
    const take = all.filter(used);
    if (module === "json/to-json.js") take.push("type JsonObject", "type JsonValue");
    if (take.length === 1) imports.push(`import { ${take[0]} } from "${runtime}${module}";`);
    else if (take.length > 1)
      imports.push(
        "import {",
        ...sortNames(take).map((n) => `  ${n},`),
        `} from "${runtime}${module}";`,
      );
  }
  const header = [
    `// @generated by scripts/protoc-gen-envelope.mjs from ${file.proto.name}; do not edit.`,
    "// The JSON mapping of each message outside the attribute model: lowerCamelCase keys,",
    "// defaults omitted, ids in hex, 64-bit integers as decimal strings, enum names accepted",
    '// on read (docs/spec.md, "Codec: JSON"). Regenerate with `pnpm generate`.',
    "",
    ...imports,
    `import type { DecodeBudget } from "${runtime}limits.js";`,
    `import type { ${sortNames(types).join(", ")} } from "${runtime}model.js";`,
    "",
    ...names,
  ];
  return `${[...header, code].join("\n").trimEnd()}\n`;
}

// Shape table (`codec=shape`): the field numbers and wire types the CLI's raw
// protobuf heuristic expects (packages/cli/src/input/protobuf-shape.ts).

function generateShapeFile(file) {
  const out = [];
  for (const message of file.messages) {
    if (ATTRIBUTE_MESSAGES.has(message.typeName)) continue;
    const entries = message.fields.map((field) => {
      const c = classify(message, field);
      return `  ${field.localName}: { number: ${field.number}, wire: ${c.wire} },`;
    });
    out.push(
      `/** The fields of ${message.typeName}: field number and wire type, by model property. */`,
      `export const ${constName(message.name)}_FIELDS = {`,
      ...entries,
      "} as const;",
      "",
    );
  }
  const header = [
    `// @generated by scripts/protoc-gen-envelope.mjs from ${file.proto.name}; do not edit.`,
    "// Field numbers and wire types of each message outside the attribute model, for the",
    "// raw protobuf heuristic (src/input/protobuf-shape.ts). Regenerate with `pnpm generate`.",
    "",
  ];
  return `${[...header, ...out].join("\n").trimEnd()}\n`;
}

const request = fromBinary(CodeGeneratorRequestSchema, new Uint8Array(readFileSync(0)));
const options = Object.fromEntries(
  request.parameter
    .split(",")
    .filter((p) => p !== "")
    .map((p) => {
      const i = p.indexOf("=");
      return i < 0 ? [p, ""] : [p.slice(0, i), p.slice(i + 1)];
    }),
);
const runtime = options.runtime ?? "../../../";
const codec = options.codec ?? "protobuf";
const GENERATORS = {
  protobuf: { suffix: "_codec.ts", generate: generateFile },
  cbor: { suffix: "_cbor.ts", generate: generateCborFile },
  json: { suffix: "_json.ts", generate: generateJsonFile },
  shape: { suffix: "_shape.ts", generate: generateShapeFile },
};
const generator =
  GENERATORS[codec] ?? fail(`codec=${codec}: expected ${Object.keys(GENERATORS).join(", ")}`);
const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: request.protoFile }));
const files = request.fileToGenerate.map((name) => {
  const file = registry.getFile(name) ?? fail(`no descriptor for ${name}`);
  return {
    name: name.replace(/\.proto$/, generator.suffix),
    content: generator.generate(file, runtime),
  };
});
process.stdout.write(
  toBinary(
    CodeGeneratorResponseSchema,
    create(CodeGeneratorResponseSchema, {
      supportedFeatures: BigInt(CodeGeneratorResponse_Feature.PROTO3_OPTIONAL),
      file: files,
    }),
  ),
);
