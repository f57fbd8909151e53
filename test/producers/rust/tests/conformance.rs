//! Cross-language conformance (README.md, "What `cargo test` checks").
//!
//! - every case of test/vectors/cases.json survives every variant and
//!   compression written and read by this crate;
//! - test/fixtures/rust is what `produce` writes today;
//! - every fixture of every other language (test/fixtures/{go,ts}) decodes to
//!   its case, types included, and protobuf / deterministic CBOR are the same
//!   bytes as this crate writes; forward cases decode with the v1 code (the
//!   next-minor fields skipped) and with the next-minor code (kept);
//! - every broken fixture of every language fails with the code its manifest expects.
//!
//! The test fails when no other language's manifest exists: in CI they all do.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use envelope_producer::codec::{decode_frame, encode_frame, encode_sections, Sections, Variant};
use envelope_producer::error::ErrorCode;
use envelope_producer::fixtures::{self, COMPRESSIONS};
use envelope_producer::json;
use envelope_producer::limits::Limits;
use envelope_producer::model::Contract;
use envelope_producer::sha256::sha256_hex;
use envelope_producer::vectors::{self, Case};
use envelope_producer::wire::frame::Compression;

/// Languages whose fixtures this test reads, besides its own.
const OTHER_LANGUAGES: [&str; 2] = ["go", "ts"];

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn cases() -> &'static [Case] {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    CASES.get_or_init(|| vectors::load(&vectors::default_path()).unwrap_or_else(|e| panic!("{e}")))
}

fn case(name: &str) -> Option<&'static Case> {
    cases().iter().find(|c| c.name == name)
}

/// Reports every problem at once rather than the first.
fn assert_no_failures(what: &str, failures: &[String]) {
    if failures.is_empty() {
        return;
    }
    let shown: Vec<&str> = failures.iter().take(100).map(String::as_str).collect();
    panic!(
        "{what}: {} failure(s)\n  {}{}",
        failures.len(),
        shown.join("\n  "),
        if failures.len() > shown.len() {
            "\n  …"
        } else {
            ""
        }
    );
}

#[test]
fn every_case_round_trips_through_every_variant() {
    let limits = Limits::default();
    let mut failures = Vec::new();
    for case in cases() {
        for variant in Variant::ALL {
            for compression in COMPRESSIONS {
                let at = format!("{} {} {}", case.name, variant.name(), compression.name());
                let bytes = match encode_frame(
                    &case.envelope,
                    variant,
                    compression,
                    case.contract(),
                    case.content_checksum,
                ) {
                    Ok(bytes) => bytes,
                    Err(e) => {
                        failures.push(format!("{at}: encode: {e}"));
                        continue;
                    }
                };
                match decode_frame(&bytes, case.contract(), &limits) {
                    Ok(d) if d.envelope == case.expected(variant, case.contract()) => {}
                    Ok(d) => failures.push(format!("{at}: decoded {:?}", d.envelope)),
                    Err(e) => failures.push(format!("{at}: decode: {e}")),
                }
                if case.forward {
                    match decode_frame(&bytes, Contract::V1, &limits) {
                        Ok(d) if d.envelope == case.expected(variant, Contract::V1) => {}
                        Ok(d) => failures.push(format!("{at}: v1 decoded {:?}", d.envelope)),
                        Err(e) => failures.push(format!("{at}: v1 decode: {e}")),
                    }
                }
            }
        }
    }
    assert_no_failures("round trip", &failures);
}

#[test]
fn json_writer_agrees_with_cases_json() {
    // cases.json is written by the Go producer: an independent writer of the same mapping.
    let text = fs::read(vectors::default_path()).unwrap();
    let doc = json::parse(&text, &Limits::default()).unwrap();
    let mut failures = Vec::new();
    for list in ["cases", "forward"] {
        for item in doc
            .get(list)
            .and_then(|l| l.as_array())
            .into_iter()
            .flatten()
        {
            let name = item["name"].as_str().unwrap();
            let ours = json::envelope_to_json(&case(name).unwrap().envelope);
            let ours = json::parse(ours.as_bytes(), &Limits::default()).unwrap();
            if !same_json(&ours, &item["envelope"]) {
                failures.push(format!(
                    "{name}: the JSON written here differs from cases.json"
                ));
            }
        }
    }
    assert_no_failures("JSON writer", &failures);
}

#[test]
fn forward_cases_cannot_be_written_with_the_v1_contract() {
    let forward: Vec<&Case> = cases()
        .iter()
        .filter(|c| c.forward && c.envelope.has_next_minor_fields())
        .collect();
    assert!(
        !forward.is_empty(),
        "cases.json has no forward case with next-minor fields"
    );
    for case in forward {
        let err = encode_sections(&case.envelope, Variant::Protobuf, Contract::V1).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidArgument, "{}", case.name);
    }
}

#[test]
fn rust_broken_fixtures_fail_with_their_code() {
    for broken in fixtures::broken_fixtures(cases()).unwrap() {
        let err = decode_frame(&broken.bytes, Contract::V1, &Limits::default())
            .err()
            .unwrap_or_else(|| panic!("{} decoded", broken.name));
        assert_eq!(err.code, broken.expected, "{}: {err}", broken.name);
    }
}

#[test]
fn rust_fixtures_are_current() {
    let dir = fixtures_root().join(fixtures::PRODUCER);
    let expected = fixtures::all_files(cases()).unwrap();
    let mut failures = Vec::new();
    let mut on_disk: HashSet<String> = match fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect(),
        Err(e) => panic!(
            "{}: {e}; run the produce command in README.md",
            dir.display()
        ),
    };
    for (name, bytes) in &expected {
        on_disk.remove(name);
        match fs::read(dir.join(name)) {
            Ok(actual) if &actual == bytes => {}
            Ok(_) => failures.push(format!("{name} differs")),
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    failures.extend(
        on_disk
            .into_iter()
            .map(|name| format!("{name} is not written by produce")),
    );
    failures.sort();
    assert_no_failures(
        "test/fixtures/rust is stale: run the produce command in README.md",
        &failures,
    );
}

/// What this crate writes for a case and variant, computed once.
fn rust_sections(case: &Case, variant: Variant) -> Sections {
    static CACHE: OnceLock<std::sync::Mutex<HashMap<(String, &'static str), Sections>>> =
        OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = (case.name.clone(), variant.name());
    if let Some(s) = cache.lock().unwrap().get(&key) {
        return s.clone();
    }
    let sections = encode_sections(&case.envelope, variant, case.contract()).unwrap();
    cache.lock().unwrap().insert(key, sections.clone());
    sections
}

fn str_field<'a>(entry: &'a serde_json::Value, key: &str) -> Result<&'a str, String> {
    entry
        .get(key)
        .and_then(|v| v.as_str())
        .ok_or_else(|| format!("entry without a string {key:?}: {entry}"))
}

fn hex_diff(a: &[u8], b: &[u8]) -> String {
    let at = a
        .iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    format!(
        "lengths {} vs {}, first difference at byte {at}",
        a.len(),
        b.len()
    )
}

/// Checks one good fixture of another language.
fn check_fixture(
    dir: &Path,
    entry: &serde_json::Value,
    seen: &mut HashSet<(String, String, String)>,
) -> Result<(), String> {
    let file = str_field(entry, "file")?;
    let bytes = fs::read(dir.join(file)).map_err(|e| format!("{file}: {e}"))?;
    if sha256_hex(&bytes) != str_field(entry, "sha256")? {
        return Err(format!("{file}: sha256 does not match the manifest"));
    }
    let case_name = str_field(entry, "case")?;
    let case =
        case(case_name).ok_or_else(|| format!("{file}: case {case_name} is not in cases.json"))?;
    let (codec, profile, compression) = (
        str_field(entry, "codec")?,
        str_field(entry, "profile")?,
        str_field(entry, "compression")?,
    );
    let variant = Variant::from_manifest(codec, profile)
        .ok_or_else(|| format!("{file}: unknown codec/profile {codec}/{profile}"))?;
    let compression = COMPRESSIONS
        .into_iter()
        .find(|c| c.name() == compression)
        .ok_or_else(|| format!("{file}: unknown compression {compression}"))?;
    seen.insert((
        case.name.clone(),
        variant.name().to_string(),
        compression.name().to_string(),
    ));
    if file != fixtures::file_name(&case.name, variant, compression) {
        return Err(format!(
            "{file}: expected the name {}",
            fixtures::file_name(&case.name, variant, compression)
        ));
    }

    let limits = Limits::default();
    let decoded = decode_frame(&bytes, Contract::V1, &limits)
        .map_err(|e| format!("{file}: v1 decode: {e}"))?;
    if decoded.codec != variant.codec() || decoded.compression != compression {
        return Err(format!(
            "{file}: frame says {:?}/{:?}",
            decoded.codec, decoded.compression
        ));
    }
    if decoded.checksum != case.content_checksum {
        return Err(format!(
            "{file}: content checksum flag is {}, the case says {}",
            decoded.checksum, case.content_checksum
        ));
    }
    let expected_v1 = case.expected(variant, Contract::V1);
    if decoded.envelope != expected_v1 {
        return Err(format!(
            "{file}: decodes to\n    {:?}\n  expected\n    {:?}",
            decoded.envelope, expected_v1
        ));
    }
    if case.forward {
        let next = decode_frame(&bytes, Contract::Next, &limits)
            .map_err(|e| format!("{file}: next-minor decode: {e}"))?;
        if next.envelope != case.expected(variant, Contract::Next) {
            return Err(format!(
                "{file}: next-minor code decodes to {:?}",
                next.envelope
            ));
        }
    }
    if variant.is_deterministic() {
        let ours = rust_sections(case, variant);
        if decoded.sections.header != ours.header {
            return Err(format!(
                "{file}: header section differs from Rust's ({})",
                hex_diff(&decoded.sections.header, &ours.header)
            ));
        }
        if decoded.sections.body != ours.body {
            return Err(format!(
                "{file}: body section differs from Rust's ({})",
                hex_diff(&decoded.sections.body, &ours.body)
            ));
        }
        if compression == Compression::None {
            let frame = encode_frame(
                &case.envelope,
                variant,
                compression,
                case.contract(),
                case.content_checksum,
            )
            .unwrap();
            if frame != bytes {
                return Err(format!(
                    "{file}: frame differs from Rust's ({})",
                    hex_diff(&bytes, &frame)
                ));
            }
        }
    }
    if variant == Variant::Json {
        // Not required to match bytes, but the JSON must at least be the same JSON.
        let ours = rust_sections(case, variant);
        for (section, theirs, ours) in [
            ("header", &decoded.sections.header, &ours.header),
            ("body", &decoded.sections.body, &ours.body),
        ] {
            let theirs =
                json::parse(theirs, &limits).map_err(|e| format!("{file}: {section}: {e}"))?;
            let ours = json::parse(ours, &limits).unwrap();
            if !same_json(&theirs, &ours) {
                return Err(format!(
                    "{file}: {section} JSON differs from Rust's beyond key order and defaults"
                ));
            }
        }
    }
    Ok(())
}

/// JSON equality up to a difference the mapping allows: a `"key": ""` member
/// (the KeyValue key is a proto3 string, so writers may omit it when empty).
fn same_json(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (a, b) {
        (J::Object(x), J::Object(y)) => {
            let keep = |m: &serde_json::Map<String, J>| -> BTreeMap<String, J> {
                m.iter()
                    .filter(|(k, v)| !(k.as_str() == "key" && v.as_str() == Some("")))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            };
            let (x, y) = (keep(x), keep(y));
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((k1, v1), (k2, v2))| k1 == k2 && same_json(v1, v2))
        }
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_json(p, q))
        }
        // Numbers compare as doubles: 1 and 1.0 are the same JSON number.
        (J::Number(x), J::Number(y)) => {
            x.as_f64().map(f64::to_bits) == y.as_f64().map(f64::to_bits)
        }
        _ => a == b,
    }
}

fn check_broken(dir: &Path, entry: &serde_json::Value) -> Result<(), String> {
    let file = str_field(entry, "file")?;
    let bytes = fs::read(dir.join(file)).map_err(|e| format!("{file}: {e}"))?;
    if sha256_hex(&bytes) != str_field(entry, "sha256")? {
        return Err(format!("{file}: sha256 does not match the manifest"));
    }
    let expected_name = str_field(entry, "expectedError")?;
    let expected = ErrorCode::parse(expected_name)
        .ok_or_else(|| format!("{file}: unknown error code {expected_name}"))?;
    match decode_frame(&bytes, Contract::V1, &Limits::default()) {
        Ok(_) => Err(format!("{file}: decodes, expected {expected}")),
        Err(e) if e.code == expected => Ok(()),
        Err(e) => Err(format!("{file}: fails with {e}, expected {expected}")),
    }
}

#[test]
fn other_languages_fixtures_decode_to_their_cases() {
    let mut found = Vec::new();
    let mut failures = Vec::new();
    for lang in OTHER_LANGUAGES {
        let dir = fixtures_root().join(lang);
        let manifest_path = dir.join("manifest.json");
        let Ok(text) = fs::read(&manifest_path) else {
            eprintln!("no {}: skipped", manifest_path.display());
            continue;
        };
        found.push(lang);
        let manifest = match json::parse(&text, &Limits::default()) {
            Ok(m) => m,
            Err(e) => {
                failures.push(format!("{lang}: manifest.json: {e}"));
                continue;
            }
        };
        if manifest.get("producer").and_then(|p| p.as_str()) != Some(lang) {
            failures.push(format!(
                "{lang}: manifest.json names producer {:?}",
                manifest.get("producer")
            ));
        }
        let mut seen = HashSet::new();
        let entries = manifest
            .get("fixtures")
            .and_then(|f| f.as_array())
            .cloned()
            .unwrap_or_default();
        for entry in &entries {
            if let Err(e) = check_fixture(&dir, entry, &mut seen) {
                failures.push(format!("{lang}: {e}"));
            }
        }
        // Forward cases need next-minor code, which a v1-only SDK (TypeScript) does not have:
        // required from a language only when it writes any of them, and then all of them.
        let writes_forward = seen
            .iter()
            .any(|(name, _, _)| case(name).is_some_and(|c| c.forward));
        for case in cases().iter().filter(|c| !c.forward || writes_forward) {
            for variant in Variant::ALL {
                for compression in COMPRESSIONS {
                    let key = (
                        case.name.clone(),
                        variant.name().to_string(),
                        compression.name().to_string(),
                    );
                    if !seen.contains(&key) {
                        failures.push(format!(
                            "{lang}: no fixture {}",
                            fixtures::file_name(&case.name, variant, compression)
                        ));
                    }
                }
            }
        }
        let broken = manifest
            .get("broken")
            .and_then(|b| b.as_array())
            .cloned()
            .unwrap_or_default();
        if broken.is_empty() {
            failures.push(format!("{lang}: manifest.json lists no broken fixtures"));
        }
        for entry in &broken {
            if let Err(e) = check_broken(&dir, entry) {
                failures.push(format!("{lang}: {e}"));
            }
        }
        eprintln!(
            "{lang}: checked {} fixtures and {} broken fixtures",
            entries.len(),
            broken.len()
        );
    }
    assert!(
        !found.is_empty(),
        "no other language's fixtures: expected test/fixtures/{{{}}}/manifest.json",
        OTHER_LANGUAGES.join(",")
    );
    assert_no_failures("other languages' fixtures", &failures);
}
