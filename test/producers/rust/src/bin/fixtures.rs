//! `cargo run --locked --bin fixtures`: the registry fixtures of docs/spec.md
//! "Fixtures", drawn through the generated bindings ([`envelope_producer::bindings`]):
//! for every event version, `count` envelopes from the seed (default 1), written as
//! `test/fixtures/registry/rust/<set>/fixtures-protobuf.bin` and
//! `fixtures-cbor.bin` (deterministic CBOR), streams of frames. The TypeScript
//! and Go generators write the same bytes; `pnpm fixtures --check` compares them.
//!
//! It reads each schemas folder's index.json and refuses to run when the
//! descriptors are not those the bindings were generated from.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use envelope_producer::bindings::{examples, rules};
use envelope_producer::codec::{encode_frame, Variant};
use envelope_producer::fixturegen::{self, mode_of, Gen, Version};
use envelope_producer::model::{Contract, Envelope, Header, Producer, Resource};
use envelope_producer::wire::frame::Compression;

/// One schemas folder (relative to the repository root), its bindings and sample size.
struct Set {
    name: &'static str,
    dir: &'static str,
    versions: &'static [Version],
    count: usize,
}

const SETS: [Set; 2] = [
    Set {
        name: "examples",
        dir: "schemas",
        versions: examples::VERSIONS,
        count: 8,
    },
    Set {
        name: "rules",
        dir: "test/fixtures/registry/schemas",
        versions: rules::VERSIONS,
        count: 64,
    },
];

/// What the command line may change: `--seed N`, `--count N` (every set),
/// `--language L` (the producer language in the headers), `--out DIR`,
/// `--set NAME` (only that set: examples or rules).
struct Options {
    seed: u64,
    set: Option<String>,
    count: Option<usize>,
    language: String,
    out: PathBuf,
}

fn options(root: &Path) -> Result<Options, String> {
    let mut o = Options {
        seed: 1,
        set: None,
        count: None,
        language: "fixtures".into(),
        out: root.join("test/fixtures/registry/rust"),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--seed" => o.seed = value.parse().map_err(|e| format!("--seed: {e}"))?,
            "--count" => {
                let n: usize = value.parse().map_err(|e| format!("--count: {e}"))?;
                if !(1..=65536).contains(&n) {
                    return Err("--count must be 1 to 65536".into());
                }
                o.count = Some(n);
            }
            "--language" => o.language = value,
            "--out" => o.out = PathBuf::from(value),
            "--set" => {
                if !SETS.iter().any(|s| s.name == value) {
                    return Err(format!("--set must be examples or rules, got {value}"));
                }
                o.set = Some(value);
            }
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(o)
}

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..");
    let o = match options(&root) {
        Ok(o) => o,
        Err(message) => {
            eprintln!("fixtures: {message}");
            return ExitCode::from(2);
        }
    };
    for set in SETS
        .iter()
        .filter(|s| o.set.as_deref().is_none_or(|n| n == s.name))
    {
        match run(&root, set, &o) {
            Ok(summary) => println!("{summary}"),
            Err(message) => {
                eprintln!("fixtures: {}: {message}", set.name);
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}

fn fnv1a64(text: &str) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

fn run(root: &Path, set: &Set, o: &Options) -> Result<String, String> {
    check_index(&root.join(set.dir), set.versions)?;
    let mut protobuf = Vec::new();
    let mut cbor = Vec::new();
    for v in set.versions {
        let schema = (v.new)().schema();
        let id = format!("{}/{}@{}", schema.r#type, schema.subtype, schema.version);
        let mut g = Gen::new(o.seed ^ fnv1a64(&id));
        let count = o.count.unwrap_or(set.count);
        for i in 0..count {
            let event_id = g.event_id();
            let mut b = (v.new)();
            b.fill(&mut g, mode_of(i));
            let env = Envelope {
                header: Header {
                    schema: b.schema(),
                    event_id,
                    time_unix_nano: 1_767_225_600_000_000_000 + i as u64 * 1_000_000_000,
                    producer: Producer {
                        language: o.language.clone(),
                        version: "1.0.0".into(),
                    },
                    resource: Resource {
                        service_name: "fixtures".into(),
                        ..Resource::default()
                    },
                    ..Header::default()
                },
                body: fixturegen::body(b.as_ref()),
            };
            for (variant, out) in [
                (Variant::Protobuf, &mut protobuf),
                (Variant::CborDet, &mut cbor),
            ] {
                let frame = encode_frame(&env, variant, Compression::None, Contract::V1, false)
                    .map_err(|e| format!("{id} #{i}: {e:?}"))?;
                out.extend_from_slice(&frame);
            }
        }
    }
    let dir: PathBuf = o.out.join(set.name);
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for (name, bytes) in [
        ("fixtures-protobuf.bin", &protobuf),
        ("fixtures-cbor.bin", &cbor),
    ] {
        let path = dir.join(name);
        fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(format!(
        "fixtures: {} envelopes, {} event versions, seed {}, in {}",
        set.versions.len() * o.count.unwrap_or(set.count),
        set.versions.len(),
        o.seed,
        dir.display()
    ))
}

/// Fails unless index.json lists exactly the descriptors the bindings were generated from.
fn check_index(dir: &Path, versions: &[Version]) -> Result<(), String> {
    let path = dir.join("index.json");
    let text =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let index: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let listed = index["descriptors"]
        .as_array()
        .ok_or("index.json has no descriptors")?;
    let mut want: Vec<(String, String)> = listed
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap_or("").to_string(),
                d["sha256"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    for v in versions {
        match want.iter().position(|(p, _)| p == v.path) {
            None => {
                return Err(format!(
                    "the bindings have {}, which the folder does not: run schema gen --lang rust",
                    v.path
                ))
            }
            Some(i) => {
                if want[i].1 != v.sha256 {
                    return Err(format!(
                        "{} changed since the bindings were generated: run schema gen --lang rust",
                        v.path
                    ));
                }
                want.remove(i);
            }
        }
    }
    if let Some((p, _)) = want.first() {
        return Err(format!("{p} has no binding: run schema gen --lang rust"));
    }
    Ok(())
}
