//! Writes prost code for one contract from a descriptor set built by `buf build`.
//!
//! Usage: `envelope-producer-codegen <descriptor-set.binpb> <out-dir>`; run by
//! `scripts/gen-proto.sh`, which builds the descriptor sets and checks the result.
//! No protoc is involved: buf compiles the .proto files, prost-build only turns
//! the descriptors into Rust.

use std::{env, fs, process::ExitCode};

use prost::Message;
use prost_types::FileDescriptorSet;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let [fds_path, out_dir] = args.as_slice() else {
        eprintln!("usage: envelope-producer-codegen <descriptor-set.binpb> <out-dir>");
        return ExitCode::from(2);
    };
    let bytes = match fs::read(fds_path) {
        Ok(bytes) => bytes,
        Err(err) => {
            eprintln!("cannot read {fds_path}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let fds = match FileDescriptorSet::decode(bytes.as_slice()) {
        Ok(fds) => fds,
        Err(err) => {
            eprintln!("{fds_path} is not a FileDescriptorSet: {err}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(err) = fs::create_dir_all(out_dir) {
        eprintln!("cannot create {out_dir}: {err}");
        return ExitCode::FAILURE;
    }
    let result = prost_build::Config::new().out_dir(out_dir).compile_fds(fds);
    if let Err(err) = result {
        eprintln!("prost-build failed: {err}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
