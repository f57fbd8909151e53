//! Byte-level pieces: the frame (docs/spec.md, "Frame").

pub mod frame;
