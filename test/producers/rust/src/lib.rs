//! The Rust producer of the envelope contract (docs/spec.md): it writes the
//! Rust fixtures of the cross-language matrix and reads every other
//! language's fixtures back (tests/conformance.rs). See README.md.
//!
//! Layout, one operation per file: [`json`], [`cbor`] and [`protobuf`] each
//! have a writing and a reading side; [`compress`] / [`decompress`] are LZ4;
//! [`wire::frame`] is the frame; [`codec`] puts them together.

pub mod bindings;
pub mod cbor;
pub mod codec;
pub mod compress;
pub mod decompress;
pub mod error;
pub mod fixturegen;
pub mod fixtures;
pub mod json;
pub mod limits;
pub mod model;
pub mod protobuf;
pub mod sha256;
pub mod validate;
pub mod vectors;
pub mod wire;
