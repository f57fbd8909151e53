//! `cargo run --locked --bin fixtures`: the registry fixtures of docs/spec.md
//! "Fixtures", drawn through the generated bindings ([`envelope_producer::bindings`]):
//! for every event version, `count` envelopes from the seed (default 1), written as
//! `test/fixtures/registry/rust/<set>/fixtures-protobuf.bin` and
//! `fixtures-cbor.bin` (deterministic CBOR), streams of frames, and the
//! expected aggregates as `expected.json`. The TypeScript and Go generators
//! write the same bytes; `pnpm fixtures --check` compares them.
//!
//! It reads each schemas folder's index.json and refuses to run when the
//! descriptors are not those the bindings were generated from.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use envelope_producer::bindings::{examples, rules};
use envelope_producer::codec::{encode_frame, Variant};
use envelope_producer::fixturegen::{self, mode_of, Gen, Version};
use envelope_producer::model::{Body, Contract, Envelope, Header, Producer, Resource, Value};
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
    let mut events = Vec::new();
    for v in set.versions {
        let schema = (v.new)().schema();
        let fields = numeric_fields(&root.join(set.dir).join(v.path))?;
        let mut bodies = Vec::new();
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
            bodies.push(env.body);
        }
        events.push(event_figures(
            &schema.r#type,
            &schema.subtype,
            &schema.version,
            &fields,
            &bodies,
        ));
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
    let expected = format!(
        "{{\n  \"format\": 1,\n  \"seed\": \"{}\",\n  \"count\": {},\n  \"events\": [\n{}\n  ]\n}}\n",
        o.seed,
        o.count.unwrap_or(set.count),
        events.join(",\n")
    );
    let path = dir.join("expected.json");
    fs::write(&path, expected).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
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

// expected.json (docs/spec.md "Fixtures", "Expected aggregates"): the document
// the TypeScript generator writes, byte for byte.

/// The descriptor's `int` and `double` attributes that are not repeated, in order: (key, kind).
fn numeric_fields(path: &Path) -> Result<Vec<(String, String)>, String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let d: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for a in d["attributes"].as_array().map(Vec::as_slice).unwrap_or(&[]) {
        let kind = a["type"].as_str().unwrap_or("");
        if a["presence"].as_str() != Some("repeated") && (kind == "int" || kind == "double") {
            out.push((
                a["key"].as_str().unwrap_or("").to_string(),
                kind.to_string(),
            ));
        }
    }
    Ok(out)
}

/// One event's entry of "events".
fn event_figures(
    r#type: &str,
    subtype: &str,
    version: &str,
    fields: &[(String, String)],
    bodies: &[Body],
) -> String {
    let mut b = format!(
        "    {{\n      \"type\": {},\n      \"subtype\": {},\n      \"version\": {},\n      \"count\": {},\n      \"attributes\": ",
        js_string(r#type),
        js_string(subtype),
        js_string(version),
        bodies.len()
    );
    if fields.is_empty() {
        b.push_str("{}\n    }");
        return b;
    }
    b.push_str("{\n");
    for (i, (key, kind)) in fields.iter().enumerate() {
        let values = bodies
            .iter()
            .flat_map(|body| body.attributes.iter().filter(|(k, _)| k == key))
            .map(|(_, v)| v);
        b.push_str(&format!(
            "        {}: {{\n          \"kind\": {},\n",
            js_string(key),
            js_string(kind)
        ));
        let ints: Vec<i64> = values
            .clone()
            .filter_map(|v| match v {
                Value::Int(x) => Some(*x),
                _ => None,
            })
            .collect();
        let doubles: Vec<f64> = values
            .filter_map(|v| match v {
                Value::Double(x) => Some(*x),
                _ => None,
            })
            .collect();
        if kind == "int" && !ints.is_empty() {
            // At most 65,536 int64 values: the sum fits in an i128.
            let sum: i128 = ints.iter().map(|&x| i128::from(x)).sum();
            let (lo, hi) = (ints.iter().min().unwrap(), ints.iter().max().unwrap());
            b.push_str(&format!(
                "          \"count\": {},\n          \"sum\": \"{sum}\",\n          \"min\": \"{lo}\",\n          \"max\": \"{hi}\"\n",
                ints.len()
            ));
        } else if kind == "double" && !doubles.is_empty() {
            let mut sum = 0.0;
            let (mut lo, mut hi) = (doubles[0], doubles[0]);
            for &x in &doubles {
                sum += x;
                if x < lo {
                    lo = x;
                }
                if x > hi {
                    hi = x;
                }
            }
            b.push_str(&format!(
                "          \"count\": {},\n          \"sum\": {},\n          \"min\": {},\n          \"max\": {}\n",
                doubles.len(),
                js_number(sum),
                js_number(lo),
                js_number(hi)
            ));
        } else {
            b.push_str("          \"count\": 0\n");
        }
        b.push_str("        }");
        if i + 1 < fields.len() {
            b.push(',');
        }
        b.push('\n');
    }
    b.push_str("      }\n    }");
    b
}

/// `JSON.stringify` of a string: `"` and `\` escaped, control characters as `\b \t \n \f \r` or `\u00XX`.
fn js_string(s: &str) -> String {
    let mut b = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                b.push('\\');
                b.push(c);
            }
            '\u{8}' => b.push_str("\\b"),
            '\t' => b.push_str("\\t"),
            '\n' => b.push_str("\\n"),
            '\u{c}' => b.push_str("\\f"),
            '\r' => b.push_str("\\r"),
            c if (c as u32) < 0x20 => b.push_str(&format!("\\u{:04x}", c as u32)),
            c => b.push(c),
        }
    }
    b.push('"');
    b
}

/// ECMAScript's `Number::toString` of a finite double: the shortest round-trip
/// digits, laid out as `JSON.stringify` writes them (-0 is "0").
fn js_number(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    if !x.is_finite() {
        return "null".into();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    // "d.ddde±N": Rust's shortest digits and the exponent of the first.
    let e = format!("{:e}", x.abs());
    let (mant, exp) = e.split_once('e').unwrap();
    let digits = mant.replacen('.', "", 1);
    let k = digits.len() as i32;
    let n = exp.parse::<i32>().unwrap() + 1; // x = 0.digits × 10^n
    if k <= n && n <= 21 {
        return format!("{sign}{digits}{}", "0".repeat((n - k) as usize));
    }
    if 0 < n && n <= 21 {
        return format!("{sign}{}.{}", &digits[..n as usize], &digits[n as usize..]);
    }
    if -6 < n && n <= 0 {
        return format!("{sign}0.{}{digits}", "0".repeat((-n) as usize));
    }
    let rest = if k > 1 {
        format!(".{}", &digits[1..])
    } else {
        String::new()
    };
    if n >= 1 {
        format!("{sign}{}{rest}e+{}", &digits[..1], n - 1)
    } else {
        format!("{sign}{}{rest}e-{}", &digits[..1], 1 - n)
    }
}

#[cfg(test)]
mod tests {
    use super::js_number;

    /// The strings are what ECMAScript's `String(x)` gives (`node -e 'String(x)'`).
    #[test]
    fn js_number_is_ecmascripts() {
        for (x, want) in [
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (0.000001, "0.000001"),
            (1e-7, "1e-7"),
            (123.456, "123.456"),
            (-1.5e-10, "-1.5e-10"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (-0.0, "0"),
            (0.1, "0.1"),
            (-1000000.0, "-1000000"),
            (123456789012345680000.0, "123456789012345680000"),
            (3.500000000000002e301, "3.500000000000002e+301"),
        ] {
            assert_eq!(js_number(x), want, "{x:e}");
        }
    }
}
