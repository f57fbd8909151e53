// The conformance subset every runtime runs (test/runtimes/README.md): plain
// JavaScript over the public API only, so the same file runs in Node, in
// Chromium's page and a Web Worker, in Deno and in Bun, bundled or not.
//
// `sdk` is the `@envelope/sdk` module; `data` is what fixtures.mjs builds:
// the logical cases, Go- and Rust-written fixtures (base64) and the broken ones.
// Returns { checks, failures, digest }: `digest` is an FNV-1a hash of every
// byte this runtime encoded, in order, so runtimes can be compared byte for byte.

const VARIANTS = [
  ["protobuf", false],
  ["json", false],
  ["cbor", false],
  ["cbor", true],
];

function bytesOf(base64) {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** JSON text of a JSON-mapping value; `sorted` sorts attribute lists by key (deterministic CBOR sorts maps). */
function canonical(value, sorted) {
  const walk = (v) => {
    if (Array.isArray(v)) {
      const items = v.map(walk);
      // An attribute list: { key, value } items (the empty key is left out of the mapping).
      const keyed =
        items.length > 0 && items.every((i) => i !== null && typeof i === "object" && "value" in i);
      const key = (i) => i.key ?? "";
      return sorted && keyed
        ? items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
        : items;
    }
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return JSON.stringify(walk(value));
}

function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export async function runConformance(sdk, data) {
  const failures = [];
  let checks = 0;
  let hash = 0x811c9dc5;
  const check = (ok, what) => {
    checks++;
    if (!ok && failures.length < 20) failures.push(what);
  };
  const attempt = (what, run) => {
    try {
      run();
    } catch (error) {
      check(false, `${what}: threw ${error?.message ?? String(error)}`);
    }
  };
  const expected = new Map(
    Object.entries(data.cases).map(([name, json]) => [name, sdk.fromJson(json)]),
  );

  // 1. Every Go and Rust fixture decodes to its case (codec x compression).
  for (const f of data.fixtures) {
    attempt(`${f.language}/${f.file}`, () => {
      const bytes = bytesOf(f.bytes);
      const { frame } = sdk.peek(bytes);
      check(
        frame.codec === f.codec && frame.compression === f.compression,
        `${f.language}/${f.file}: frame says ${frame.codec}/${frame.compression}`,
      );
      const sorted = f.profile === "deterministic";
      const got = canonical(sdk.toJson(sdk.decode(bytes)), sorted);
      const want = canonical(sdk.toJson(expected.get(f.case)), sorted);
      check(got === want, `${f.language}/${f.file}: decodes to something else than ${f.case}`);
    });
  }

  // 2. Broken fixtures fail with their code, as EnvelopeError.
  for (const b of data.broken) {
    let code = "no error";
    try {
      sdk.decode(bytesOf(b.bytes));
    } catch (error) {
      code = sdk.isEnvelopeError(error) ? error.code : `not an EnvelopeError: ${error}`;
    }
    check(code === b.expectedError, `${b.language}/${b.file}: ${code}, not ${b.expectedError}`);
  }

  // 3. Every case, every codec x compression, framed and raw: encode, decode back.
  for (const [name, envelope] of expected) {
    const checksum = data.checksumCases.includes(name);
    for (const [codec, deterministic] of VARIANTS) {
      for (const compression of ["none", "lz4"]) {
        for (const framed of [true, false]) {
          const what = `${name} ${codec}${deterministic ? "-det" : ""}/${compression}/${framed ? "framed" : "raw"}`;
          attempt(what, () => {
            const options = { codec, compression, framed, deterministic, compressMinSize: 0 };
            const bytes = sdk.encode(envelope, framed ? { ...options, checksum } : options);
            for (const b of bytes) hash = Math.imul(hash ^ b, 0x01000193) >>> 0;
            const back = sdk.decode(bytes, framed ? {} : { framed: false, codec, compression });
            check(
              canonical(sdk.toJson(back), deterministic) ===
                canonical(sdk.toJson(envelope), deterministic),
              `${what}: does not decode to what was encoded`,
            );
          });
        }
      }
    }
    // 4. Deterministic encodings are the bytes Go wrote.
    for (const variant of ["protobuf", "cbor-det"]) {
      const go = data.fixtures.find(
        (f) =>
          f.language === "go" &&
          f.case === name &&
          f.compression === "none" &&
          `${f.codec}${f.profile === "deterministic" ? "-det" : ""}` === variant,
      );
      if (go === undefined) continue;
      attempt(`${name} ${variant} bytes`, () => {
        const ours = sdk.encode(envelope, {
          codec: variant === "protobuf" ? "protobuf" : "cbor",
          deterministic: variant === "cbor-det",
          checksum,
        });
        check(equalBytes(ours, bytesOf(go.bytes)), `${name} ${variant}: bytes differ from Go's`);
      });
    }
  }

  // 5. decodeStream over a web ReadableStream: frames from Go and Rust with
  //    garbage between, in small chunks; every frame read, the garbage reported.
  const frames = data.fixtures.slice(0, 24).map((f) => bytesOf(f.bytes));
  const garbage = new Uint8Array([1, 2, 3, 4, 5, 6, 7]);
  const parts = [frames[0], garbage, ...frames.slice(1)];
  const total = parts.reduce((n, p) => n + p.length, 0);
  const all = new Uint8Array(total);
  const starts = [];
  let at = 0;
  for (const p of parts) {
    starts.push(at);
    all.set(p, at);
    at += p.length;
  }
  let offset = 0;
  const stream = new ReadableStream({
    pull(controller) {
      if (offset >= all.length) return controller.close();
      controller.enqueue(all.slice(offset, offset + 997));
      offset += 997;
    },
  });
  const seen = [];
  try {
    for await (const item of sdk.decodeStream(stream)) {
      seen.push(
        item.error === undefined
          ? `frame@${item.offset}`
          : `${item.error.code}@${item.offset}+${item.length}`,
      );
    }
  } catch (error) {
    seen.push(`threw ${error?.message}`);
  }
  const want = starts.map((s, i) => (i === 1 ? `bad_magic@${s}+7` : `frame@${s}`));
  check(seen.join(" ") === want.join(" "), `decodeStream: ${seen.join(" ")}`);

  return { checks, failures, digest: hash.toString(16).padStart(8, "0") };
}
