//! The Rust peer of the TypeScript benchmark (`pnpm bench --native`, see
//! docs/interop.md, "Benchmark peers"): prost straight, as a Rust service
//! would use it, on the same committed fixture files as the SDK.
//!
//! - `prost/protobuf/decode/<size>`: the 24-byte frame prefix is parsed and
//!   checked (magic, version, prefix CRC-32C, flags, codec, compression,
//!   lengths, no trailing bytes), then `Header::decode` and `Body::decode` of
//!   the two sections into the prost-generated types (prost checks UTF-8).
//! - `prost/protobuf/encode/<size>`: `encoded_len` of both sections, one
//!   buffer, the prefix with its CRC-32C, then `encode` of both messages.
//! - `prost-validated/...`: the same, plus exactly the checks the SDK makes
//!   on that path ([`validate`]: required fields, ids, semver, namespaces,
//!   duplicate keys and namespaces, every AnyValue set, depth, entry count,
//!   key/string/bytes lengths), without building any error text on success.
//!
//! It is a server, so that the harness can alternate short TypeScript and
//! Rust slices of one case and take the median of the per-slice ratios (a
//! shared machine's slow spells then hit both sides): it prints the cases as
//! one JSON line, then answers each stdin line `<case> <milliseconds>` with
//! `{"name":…,"opsPerSec":…}` (the median rate over batches of about 0.2 ms).
//!
//! Usage: `cargo run --release --locked --bin bench -- <fixture dir>`

use std::collections::HashSet;
use std::hint::black_box;
use std::io::{BufRead, Write};
use std::time::{Duration, Instant};

use envelope_producer::protobuf::v1::{any_value, AnyValue, Body, Header, KeyValue};
use prost::Message;

const PREFIX: usize = 24;
const MAGIC: [u8; 4] = [0x89, b'E', b'N', b'V'];
const MAX_FRAME: usize = 64 << 20;

/// The SDK's default limits (docs/spec.md, "Limits").
const MAX_DEPTH: u32 = 32;
const MAX_ENTRIES: u32 = 100_000;
const MAX_KEY: usize = 1024;
const MAX_STRING: usize = 16 << 20;
const MAX_BYTES: usize = 16 << 20;
const MAX_NAMESPACE: usize = 255;

/// Why a frame or an envelope was refused (static text: no formatting).
type Fail = &'static str;

/// Checks the frame prefix as the SDK's reader does; returns the header and body ranges.
fn read_prefix(bytes: &[u8]) -> Result<(usize, usize, usize), Fail> {
    if bytes.len() < PREFIX {
        return Err("truncated");
    }
    if bytes[0..4] != MAGIC {
        return Err("bad_magic");
    }
    if bytes[4] != 1 {
        return Err("unsupported_version");
    }
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
    if crc32c::crc32c(&bytes[0..20]) as usize != u32_at(20) {
        return Err("checksum_mismatch");
    }
    let (flags, codec, compression) = (bytes[7], bytes[5], bytes[6]);
    let (header_len, body_len, body_raw) = (u32_at(8), u32_at(12), u32_at(16));
    if flags & 0xfe != 0 || (compression == 0 && body_raw != body_len) {
        return Err("invalid_frame");
    }
    if codec != 1 {
        return Err("unsupported_codec");
    }
    if compression != 0 {
        return Err("unsupported_compression");
    }
    let checksum = if flags & 1 == 1 { 4 } else { 0 };
    let end = PREFIX + header_len + body_len;
    if end + checksum > MAX_FRAME || body_raw > MAX_FRAME {
        return Err("too_large");
    }
    if bytes.len() < end + checksum {
        return Err("truncated");
    }
    if bytes.len() > end + checksum {
        return Err("trailing_bytes");
    }
    if checksum == 4 && crc32c::crc32c(&bytes[PREFIX..end]) as usize != u32_at(end) {
        return Err("checksum_mismatch");
    }
    Ok((PREFIX, PREFIX + header_len, end))
}

fn decode(bytes: &[u8]) -> Result<(Header, Body), Fail> {
    let (h, b, end) = read_prefix(bytes)?;
    let header = Header::decode(&bytes[h..b]).map_err(|_| "invalid_protobuf")?;
    let body = Body::decode(&bytes[b..end]).map_err(|_| "invalid_protobuf")?;
    Ok((header, body))
}

fn encode(header: &Header, body: &Body) -> Vec<u8> {
    let (h, b) = (header.encoded_len(), body.encoded_len());
    let mut out = Vec::with_capacity(PREFIX + h + b);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&[1, 1, 0, 0]);
    for n in [h, b, b] {
        out.extend_from_slice(&(n as u32).to_le_bytes());
    }
    let crc = crc32c::crc32c(&out[0..20]);
    out.extend_from_slice(&crc.to_le_bytes());
    header.encode(&mut out).expect("capacity reserved");
    body.encode(&mut out).expect("capacity reserved");
    out
}

fn is_semver(text: &str) -> bool {
    let mut parts = 0;
    for part in text.split('.') {
        parts += 1;
        let b = part.as_bytes();
        if parts > 3 || b.is_empty() || (b.len() > 1 && b[0] == b'0') {
            return false;
        }
        if !b.iter().all(u8::is_ascii_digit) || part.parse::<u64>().map_or(true, |v| v >= 1 << 53) {
            return false;
        }
    }
    parts == 3
}

fn is_namespace(text: &str) -> bool {
    let b = text.as_bytes();
    !b.is_empty()
        && b.len() <= MAX_NAMESPACE
        && b.iter().enumerate().all(|(i, &c)| {
            c.is_ascii_lowercase()
                || c.is_ascii_digit()
                || (i > 0 && matches!(c, b'_' | b'.' | b'-'))
        })
}

fn id_ok(id: &[u8], len: usize) -> bool {
    id.len() == len && id.iter().any(|&b| b != 0)
}

fn string_ok(s: &str) -> bool {
    s.len() <= MAX_STRING
}

/// Keys unique (pairwise for short maps, a borrowed set beyond 16, as the
/// SDK does for extension namespaces), every value set and within the limits.
fn attributes_ok(kvs: &[KeyValue], depth: u32, entries: &mut u32) -> bool {
    *entries += kvs.len() as u32;
    if *entries > MAX_ENTRIES {
        return false;
    }
    if kvs.len() > 16 {
        let mut seen = HashSet::with_capacity(kvs.len());
        if !kvs.iter().all(|kv| seen.insert(kv.key.as_str())) {
            return false;
        }
    } else {
        for (i, kv) in kvs.iter().enumerate() {
            if kvs[..i].iter().any(|other| other.key == kv.key) {
                return false;
            }
        }
    }
    kvs.iter().all(|kv| {
        kv.key.len() <= MAX_KEY
            && kv
                .value
                .as_ref()
                .is_some_and(|v| value_ok(v, depth, entries))
    })
}

fn value_ok(v: &AnyValue, depth: u32, entries: &mut u32) -> bool {
    match &v.value {
        None => false,
        Some(any_value::Value::StringValue(s)) => string_ok(s),
        Some(any_value::Value::BytesValue(b)) => b.len() <= MAX_BYTES,
        Some(any_value::Value::BoolValue(_))
        | Some(any_value::Value::IntValue(_))
        | Some(any_value::Value::DoubleValue(_)) => true,
        Some(any_value::Value::ArrayValue(a)) => {
            *entries += a.values.len() as u32;
            depth < MAX_DEPTH
                && *entries <= MAX_ENTRIES
                && a.values.iter().all(|x| value_ok(x, depth + 1, entries))
        }
        Some(any_value::Value::KvlistValue(m)) => {
            depth < MAX_DEPTH && attributes_ok(&m.values, depth + 1, entries)
        }
    }
}

/// The SDK's checks on a decoded envelope (docs/spec.md, "Validation" and
/// "Limits"); `false` at the first failure.
fn validate(h: &Header, b: &Body) -> bool {
    let (Some(schema), Some(producer), Some(resource)) = (&h.schema, &h.producer, &h.resource)
    else {
        return false;
    };
    let header_ok = !schema.r#type.is_empty()
        && !schema.subtype.is_empty()
        && is_semver(&schema.version)
        && [
            &schema.r#type,
            &schema.subtype,
            &schema.version,
            &producer.language,
        ]
        .iter()
        .chain([&producer.version, &resource.service_name].iter())
        .all(|s| string_ok(s))
        && id_ok(&h.event_id, 16)
        && h.time_unix_nano > 0
        && !producer.language.is_empty()
        && !producer.version.is_empty()
        && !resource.service_name.is_empty()
        && h.trace.as_ref().is_none_or(|t| {
            id_ok(&t.trace_id, 16)
                && id_ok(&t.span_id, 8)
                && (t.parent_span_id.is_empty() || id_ok(&t.parent_span_id, 8))
                && t.trace_flags <= 255
        })
        && h.status.as_ref().is_none_or(|s| s.code >= 0);
    if !header_ok {
        return false;
    }
    let mut entries = 0;
    if !attributes_ok(&resource.attributes, 0, &mut entries)
        || !attributes_ok(&b.attributes, 0, &mut entries)
    {
        return false;
    }
    entries += b.extensions.len() as u32;
    for (i, x) in b.extensions.iter().enumerate() {
        if !is_namespace(&x.namespace)
            || !is_semver(&x.version)
            || b.extensions[..i].iter().any(|y| y.namespace == x.namespace)
            || !attributes_ok(&x.attributes, 0, &mut entries)
        {
            return false;
        }
    }
    entries <= MAX_ENTRIES
}

/// Median calls per second of `f` over batches of about 0.2 ms for `budget`.
fn measure(budget: Duration, batch: u64, mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    let mut rates = Vec::new();
    while start.elapsed() < budget || rates.len() < 3 {
        let t = Instant::now();
        for _ in 0..batch {
            f();
        }
        rates.push(batch as f64 / t.elapsed().as_secs_f64());
    }
    rates.sort_by(|a, b| a.partial_cmp(b).unwrap());
    rates[rates.len() / 2]
}

/// How many calls of `f` take about 0.2 ms.
fn batch_size(mut f: impl FnMut()) -> u64 {
    let mut n = 1u64;
    loop {
        let t = Instant::now();
        for _ in 0..n {
            f();
        }
        if t.elapsed() >= Duration::from_micros(200) || n >= 1 << 20 {
            return n;
        }
        n *= 2;
    }
}

struct Case {
    name: String,
    bytes: usize,
    run: Box<dyn FnMut()>,
    batch: u64,
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: bench <fixture dir>");
    let mut cases: Vec<Case> = Vec::new();
    for size in ["small", "medium", "large"] {
        let path = format!("{dir}/bench__{size}.protobuf.none.bin");
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let (header, body) = decode(&bytes).expect("fixture decodes");
        assert!(validate(&header, &body), "{path}: fixture fails validation");
        assert_eq!(
            encode(&header, &body),
            bytes,
            "{path}: prost re-encodes other bytes"
        );
        let n = bytes.len();
        let input = bytes.clone();
        let mut add = |name: String, run: Box<dyn FnMut()>| {
            cases.push(Case {
                name,
                bytes: n,
                run,
                batch: 0,
            });
        };
        let b = input.clone();
        add(
            format!("prost/protobuf/decode/{size}"),
            Box::new(move || {
                black_box(decode(black_box(&b)).unwrap());
            }),
        );
        let b = input.clone();
        add(
            format!("prost-validated/protobuf/decode/{size}"),
            Box::new(move || {
                let (h, body) = decode(black_box(&b)).unwrap();
                assert!(validate(&h, &body));
                black_box((h, body));
            }),
        );
        let (h, bd) = (header.clone(), body.clone());
        add(
            format!("prost/protobuf/encode/{size}"),
            Box::new(move || {
                black_box(encode(black_box(&h), black_box(&bd)));
            }),
        );
        add(
            format!("prost-validated/protobuf/encode/{size}"),
            Box::new(move || {
                assert!(validate(black_box(&header), black_box(&body)));
                black_box(encode(&header, &body));
            }),
        );
    }
    for c in &mut cases {
        c.batch = batch_size(&mut c.run);
    }
    let list: Vec<String> = cases
        .iter()
        .map(|c| format!(r#"{{"name":"{}","bytes":{}}}"#, c.name, c.bytes))
        .collect();
    let mut out = std::io::stdout().lock();
    writeln!(out, r#"{{"cases":[{}]}}"#, list.join(",")).unwrap();
    out.flush().unwrap();
    for line in std::io::stdin().lock().lines() {
        let line = line.unwrap();
        let mut words = line.split_whitespace();
        let (Some(name), Some(ms)) = (words.next(), words.next()) else {
            continue;
        };
        let case = cases
            .iter_mut()
            .find(|c| c.name == name)
            .expect("known case");
        let ms: u64 = ms.parse().expect("milliseconds");
        let rate = measure(Duration::from_millis(ms), case.batch, &mut case.run);
        writeln!(out, r#"{{"name":"{name}","opsPerSec":{rate:.1}}}"#).unwrap();
        out.flush().unwrap();
    }
}
