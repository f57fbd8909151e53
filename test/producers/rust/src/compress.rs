//! LZ4 compression of the body section (docs/spec.md, section "Compression"):
//! one standard LZ4 frame, written by `lz4_flex::frame`.
//!
//! Frame settings, chosen so the fixtures exercise what readers must handle:
//! 64 KiB independent blocks (the reference tool's default block mode),
//! the content size field present (readers check it against the body raw
//! length before they decompress), and the xxHash32 content checksum on (as
//! the reference `lz4` tool writes by default). lz4_flex is deterministic, so
//! the fixtures are reproducible.

use std::io::Write;

use lz4_flex::frame::{BlockMode, BlockSize, FrameEncoder, FrameInfo};

/// `raw` as one LZ4 frame.
pub fn compress_lz4(raw: &[u8]) -> Vec<u8> {
    let info = FrameInfo::new()
        .block_size(BlockSize::Max64KB)
        .block_mode(BlockMode::Independent)
        .content_size(Some(raw.len() as u64))
        .content_checksum(true);
    let mut encoder = FrameEncoder::with_frame_info(info, Vec::with_capacity(raw.len() / 2 + 32));
    encoder
        .write_all(raw)
        .expect("compressing into a Vec cannot fail");
    encoder
        .finish()
        .expect("compressing into a Vec cannot fail")
}
