//! `cargo run --locked --bin produce`: reads test/vectors/cases.json and
//! rewrites test/fixtures/rust/ (fixtures, broken fixtures, manifest.json).
//! Paths are found from this package's directory, so the working directory
//! does not matter. The output is byte-for-byte reproducible.

use std::fs;
use std::process::ExitCode;

use envelope_producer::{fixtures, vectors};

fn main() -> ExitCode {
    match run() {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("produce: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<String, String> {
    let vectors_path = vectors::default_path();
    let cases = vectors::load(&vectors_path)?;
    let files = fixtures::all_files(&cases)?;
    let dir = fixtures::default_dir();
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    // The folder holds only what this run writes: stale fixtures of renamed cases go.
    for entry in fs::read_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_file() {
            fs::remove_file(&path).map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
        }
    }
    for (name, bytes) in &files {
        let path = dir.join(name);
        fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(format!(
        "wrote {} files for {} cases to {}",
        files.len(),
        cases.len(),
        dir.display()
    ))
}
