//! The Rust fixture set: every case × variant × compression as one framed
//! envelope, the broken fixtures, and manifest.json (format in the task
//! brief of the fixture matrix; test/vectors/README.md names the files).
//! Everything is computed in memory and deterministic, so `produce` and the
//! "fixtures are current" test share this code.

use std::path::{Path, PathBuf};

use crate::codec::{encode_frame, encode_sections, frame_sections, Variant};
use crate::error::ErrorCode;
use crate::json::write_string;
use crate::model::{Contract, TraceContext};
use crate::protobuf;
use crate::sha256::sha256_hex;
use crate::vectors::Case;
use crate::wire::frame::{reseal_prefix, Compression, PREFIX_SIZE};

/// The producer name in manifest.json and the fixture folder name.
pub const PRODUCER: &str = "rust";

/// Compressions of the matrix, in file-name order.
pub const COMPRESSIONS: [Compression; 2] = [Compression::None, Compression::Lz4];

/// test/fixtures/rust, found from this package's directory.
pub fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(PRODUCER)
}

/// One good fixture.
#[derive(Clone, Debug)]
pub struct Fixture {
    pub case: String,
    pub variant: Variant,
    pub compression: Compression,
    pub file: String,
    pub bytes: Vec<u8>,
}

/// One fixture every reader must reject with `expected`.
#[derive(Clone, Debug)]
pub struct Broken {
    pub name: String,
    pub file: String,
    pub expected: ErrorCode,
    pub description: String,
    pub bytes: Vec<u8>,
}

/// `<case>.<variant>.<compression>.bin`, with `/` in the case name replaced by `__`.
pub fn file_name(case: &str, variant: Variant, compression: Compression) -> String {
    format!(
        "{}.{}.{}.bin",
        case.replace('/', "__"),
        variant.name(),
        compression.name()
    )
}

/// Every good fixture, sorted by file name.
pub fn good_fixtures(cases: &[Case]) -> Result<Vec<Fixture>, String> {
    let mut out = Vec::new();
    for case in cases {
        for variant in Variant::ALL {
            let sections = encode_sections(&case.envelope, variant, case.contract())
                .map_err(|e| format!("case {}: {e}", case.name))?;
            for compression in COMPRESSIONS {
                out.push(Fixture {
                    case: case.name.clone(),
                    variant,
                    compression,
                    file: file_name(&case.name, variant, compression),
                    bytes: frame_sections(&sections, variant, compression, case.content_checksum),
                });
            }
        }
    }
    out.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(out)
}

/// The case the broken fixtures start from: `bench/small` (`bench/medium` for LZ4, which needs a
/// body that compresses into a real block), else the first case.
fn base<'a>(cases: &'a [Case], name: &str) -> Result<&'a Case, String> {
    cases
        .iter()
        .find(|c| c.name == name)
        .or_else(|| cases.iter().find(|c| !c.forward))
        .ok_or_else(|| "cases.json has no v1 case".to_string())
}

fn frame_of(case: &Case, variant: Variant, compression: Compression) -> Result<Vec<u8>, String> {
    encode_frame(&case.envelope, variant, compression, Contract::V1, false)
        .map_err(|e| format!("case {}: {e}", case.name))
}

/// The broken fixtures, sorted by name. Each is a valid frame with one defect,
/// and the prefix checksum recomputed unless the checksum is the defect, so
/// that a reader reaches the check the fixture is about.
pub fn broken_fixtures(cases: &[Case]) -> Result<Vec<Broken>, String> {
    let small = base(cases, "bench/small")?;
    let medium = base(cases, "bench/medium")?;
    let mut out = Vec::new();
    let mut add = |name: &str, expected: ErrorCode, description: String, bytes: Vec<u8>| {
        out.push(Broken {
            name: name.to_string(),
            file: format!("broken__{name}.bin"),
            expected,
            description,
            bytes,
        })
    };

    let mut bytes = frame_of(small, Variant::Protobuf, Compression::None)?;
    bytes.truncate(bytes.len() - 10);
    add(
        "truncated-frame",
        ErrorCode::Truncated,
        format!(
            "{} as protobuf, last 10 bytes of the body cut off",
            small.name
        ),
        bytes,
    );

    let mut bytes = frame_of(small, Variant::Protobuf, Compression::None)?;
    bytes[3] = b'X';
    reseal_prefix(&mut bytes);
    add(
        "bad-magic",
        ErrorCode::BadMagic,
        format!(
            "{} as protobuf, magic 89 45 4E 58 ('X' for 'V'), prefix checksum recomputed",
            small.name
        ),
        bytes,
    );

    let mut bytes = frame_of(medium, Variant::Protobuf, Compression::Lz4)?;
    let header_len = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes")) as usize;
    let lz4 = PREFIX_SIZE + header_len;
    // compress_lz4 writes FLG with the content size, so the LZ4 header is 15 bytes, then the first block size.
    let block_size = u32::from_le_bytes(bytes[lz4 + 15..lz4 + 19].try_into().expect("4 bytes"));
    if block_size & 0x8000_0000 != 0 || block_size < 3 {
        return Err(format!(
            "{}: the first LZ4 block is not a compressed block",
            medium.name
        ));
    }
    // First sequence: no literals, then a match offset of 65535 into an empty output.
    bytes[lz4 + 19..lz4 + 22].copy_from_slice(&[0x00, 0xff, 0xff]);
    add(
        "corrupt-lz4-block",
        ErrorCode::InvalidLz4,
        format!(
            "{} as protobuf with LZ4: the first block's first sequence has no literals and a match offset (65535) before the start of the output",
            medium.name
        ),
        bytes,
    );

    let mut envelope = small.envelope.clone();
    let mut trace = envelope.header.trace.clone().unwrap_or(TraceContext {
        span_id: vec![0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7],
        trace_flags: 1,
        ..TraceContext::default()
    });
    trace.trace_id = (1..=15).collect();
    envelope.header.trace = Some(trace);
    let header = protobuf::raw_v1_header(&protobuf::header_to_v1_pb(&envelope.header));
    let sections = encode_sections(&small.envelope, Variant::Protobuf, Contract::V1)
        .map_err(|e| e.to_string())?;
    let mut sections = sections.clone();
    sections.header = header;
    add(
        "bad-trace-id-length",
        ErrorCode::InvalidId,
        format!("{} as protobuf with a 15-byte trace id", small.name),
        frame_sections(&sections, Variant::Protobuf, Compression::None, false),
    );

    let mut bytes = frame_of(small, Variant::Protobuf, Compression::Lz4)?;
    bytes[16..20].copy_from_slice(&(64u32 * 1024 * 1024 + 1).to_le_bytes());
    reseal_prefix(&mut bytes);
    add(
        "body-too-large",
        ErrorCode::TooLarge,
        format!(
            "{} as protobuf with LZ4, body raw length 64 MiB + 1 (over the default limit), prefix checksum recomputed",
            small.name
        ),
        bytes,
    );

    let mut bytes = frame_of(small, Variant::Protobuf, Compression::None)?;
    for b in &mut bytes[20..24] {
        *b ^= 0xff;
    }
    add(
        "prefix-checksum-mismatch",
        ErrorCode::ChecksumMismatch,
        format!("{} as protobuf, prefix checksum inverted", small.name),
        bytes,
    );

    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Exact versions of the crates that write or read the fixtures, from the Cargo.lock this binary was built with.
pub fn libraries() -> Vec<(&'static str, String)> {
    const CRATES: [&str; 5] = ["crc32c", "lz4_flex", "minicbor", "prost", "serde_json"];
    let lock = include_str!("../Cargo.lock");
    let mut out = Vec::new();
    for package in lock.split("[[package]]").skip(1) {
        let field = |key: &str| {
            package.lines().find_map(|line| {
                line.strip_prefix(key)
                    .and_then(|rest| rest.trim().strip_prefix('='))
                    .map(|v| v.trim().trim_matches('"').to_string())
            })
        };
        if let (Some(name), Some(version)) = (field("name"), field("version")) {
            if let Some(known) = CRATES.iter().find(|c| **c == name) {
                out.push((*known, version));
            }
        }
    }
    out.sort();
    out
}

fn json_string(s: &str) -> String {
    let mut out = String::new();
    write_string(&mut out, s);
    out
}

/// manifest.json: one fixture or broken entry per line, sorted, no timestamps.
pub fn manifest(fixtures: &[Fixture], broken: &[Broken]) -> String {
    let mut out = String::from("{\n");
    out.push_str(&format!("  \"producer\": {},\n", json_string(PRODUCER)));
    out.push_str("  \"libraries\": {");
    let libs = libraries();
    for (i, (name, version)) in libs.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.push_str(&format!(
            "    {}: {}",
            json_string(name),
            json_string(version)
        ));
    }
    out.push_str("\n  },\n  \"fixtures\": [");
    for (i, f) in fixtures.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.push_str(&format!(
            "    {{ \"case\": {}, \"codec\": {}, \"profile\": {}, \"compression\": {}, \"file\": {}, \"sha256\": {} }}",
            json_string(&f.case),
            json_string(f.variant.codec().name()),
            json_string(f.variant.profile()),
            json_string(f.compression.name()),
            json_string(&f.file),
            json_string(&sha256_hex(&f.bytes)),
        ));
    }
    out.push_str("\n  ],\n  \"broken\": [");
    for (i, b) in broken.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.push_str(&format!(
            "    {{ \"name\": {}, \"file\": {}, \"expectedError\": {}, \"sha256\": {}, \"description\": {} }}",
            json_string(&b.name),
            json_string(&b.file),
            json_string(b.expected.as_str()),
            json_string(&sha256_hex(&b.bytes)),
            json_string(&b.description),
        ));
    }
    out.push_str("\n  ]\n}\n");
    out
}

/// Every file of the fixture folder: (name, bytes), manifest.json included.
pub fn all_files(cases: &[Case]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let fixtures = good_fixtures(cases)?;
    let broken = broken_fixtures(cases)?;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    files.push((
        "manifest.json".to_string(),
        manifest(&fixtures, &broken).into_bytes(),
    ));
    files.extend(fixtures.into_iter().map(|f| (f.file, f.bytes)));
    files.extend(broken.into_iter().map(|b| (b.file, b.bytes)));
    files.sort();
    Ok(files)
}
