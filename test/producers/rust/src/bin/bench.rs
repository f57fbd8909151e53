//! Native peer of the TypeScript benchmark (`pnpm bench --native`): decodes and
//! encodes the same committed fixture files and prints one JSON line per case,
//! `{"name": "rust/<codec>/<op>/<size>[/lz4]", "opsPerSec": …, "bytes": …}`,
//! where opsPerSec is the median of several timed rounds.
//!
//! Usage: `cargo run --release --locked --bin bench -- [--time-ms 300]`

use std::time::{Duration, Instant};

use envelope_producer::codec::{decode_frame, encode_frame, Variant};
use envelope_producer::limits::Limits;
use envelope_producer::model::Contract;
use envelope_producer::wire::frame::Compression;

const ROUNDS: usize = 5;

/// Median operations per second of `f` over `ROUNDS` rounds of about `budget` each.
fn measure(budget: Duration, mut f: impl FnMut()) -> f64 {
    // Calibrate: how many calls fit in one round.
    let mut n: u64 = 1;
    loop {
        let start = Instant::now();
        for _ in 0..n {
            f();
        }
        if start.elapsed() >= budget / 10 || n >= 1 << 30 {
            break;
        }
        n *= 2;
    }
    let per_round = n * 10;
    let mut rates: Vec<f64> = (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..per_round {
                f();
            }
            per_round as f64 / start.elapsed().as_secs_f64()
        })
        .collect();
    rates.sort_by(|a, b| a.partial_cmp(b).unwrap());
    rates[ROUNDS / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let time_ms: u64 = args
        .iter()
        .position(|a| a == "--time-ms")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let budget = Duration::from_millis(time_ms) / ROUNDS as u32;
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/rust");
    let limits = Limits::default();
    for size in ["small", "medium", "large"] {
        for variant in [Variant::Protobuf, Variant::Cbor, Variant::Json] {
            for compression in [Compression::None, Compression::Lz4] {
                let suffix = if compression == Compression::Lz4 {
                    "/lz4"
                } else {
                    ""
                };
                let comp = if compression == Compression::Lz4 {
                    "lz4"
                } else {
                    "none"
                };
                let path = format!("{root}/bench__{size}.{}.{comp}.bin", variant.name());
                let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
                let decoded = decode_frame(&bytes, Contract::V1, &limits).expect("fixture decodes");
                let codec = match variant {
                    Variant::Protobuf => "protobuf",
                    Variant::Json => "json",
                    _ => "cbor",
                };
                let rate = measure(budget, || {
                    std::hint::black_box(
                        decode_frame(std::hint::black_box(&bytes), Contract::V1, &limits).unwrap(),
                    );
                });
                println!(
                    r#"{{"name":"rust/{codec}/decode/{size}{suffix}","opsPerSec":{rate:.1},"bytes":{}}}"#,
                    bytes.len()
                );
                let env = decoded.envelope;
                let rate = measure(budget, || {
                    std::hint::black_box(
                        encode_frame(
                            std::hint::black_box(&env),
                            variant,
                            compression,
                            Contract::V1,
                            false,
                        )
                        .unwrap(),
                    );
                });
                println!(
                    r#"{{"name":"rust/{codec}/encode/{size}{suffix}","opsPerSec":{rate:.1},"bytes":{}}}"#,
                    bytes.len()
                );
            }
        }
    }
}
