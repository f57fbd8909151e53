//! LZ4 decompression of the body section (docs/spec.md, section "Compression").
//!
//! lz4_flex decodes one LZ4 frame and checks its header, block and content
//! checksums, but it reports a skippable frame as an error and cannot bound
//! its output in advance. So this module walks the LZ4 frames itself: it
//! skips skippable frames, checks each frame's declared content size against
//! the body raw length before decoding, hands each data frame to lz4_flex with
//! the output capped at what the raw length still allows, and rejects bytes
//! that are not a frame.
//!
//! LZ4 frame layout (lz4 frame format 1.6.x):
//! magic 04 22 4D 18 | FLG | BD | [content size u64] | [dict id u32] | HC |
//! blocks: size u32 (bit 31 = stored uncompressed; 0 = end mark), data, [block checksum u32] |
//! after the end mark: [content checksum u32].
//! Skippable frame: magic 0x184D2A50..=0x184D2A5F, size u32, size bytes.

use std::io::Read;

use lz4_flex::frame::FrameDecoder;

use crate::error::{fail, EnvelopeError, ErrorCode, Result};
use crate::limits::Limits;

const LZ4_MAGIC: u32 = 0x184D_2204;
const SKIPPABLE_MASK: u32 = 0xFFFF_FFF0;
const SKIPPABLE_MAGIC: u32 = 0x184D_2A50;

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn invalid<T>(message: impl Into<String>) -> Result<T> {
    fail(ErrorCode::InvalidLz4, message)
}

/// The length of the LZ4 data frame at `start` and its declared content size.
fn data_frame(b: &[u8], start: usize) -> Result<(usize, Option<u64>)> {
    let Some(&[flg, bd]) = b.get(start + 4..start + 6) else {
        return invalid("truncated LZ4 frame header");
    };
    if flg >> 6 != 1 {
        return invalid(format!("LZ4 frame version {} is not 1", flg >> 6));
    }
    let block_checksum = flg & 0x10 != 0;
    let has_content_size = flg & 0x08 != 0;
    let content_checksum = flg & 0x04 != 0;
    let has_dict_id = flg & 0x01 != 0;
    let block_max = match (bd >> 4) & 7 {
        4 => 64 << 10,
        5 => 256 << 10,
        6 => 1 << 20,
        7 => 4 << 20,
        n => return invalid(format!("LZ4 block maximum size id {n} is not 4..7")),
    };
    let mut at = start + 6;
    let content_size = if has_content_size {
        let Some(s) = b.get(at..at + 8) else {
            return invalid("truncated LZ4 frame header");
        };
        at += 8;
        Some(u64::from_le_bytes(s.try_into().expect("eight bytes")))
    } else {
        None
    };
    if has_dict_id {
        at += 4;
    }
    at += 1; // header checksum, verified by lz4_flex
    loop {
        let Some(size) = u32_at(b, at) else {
            return invalid("LZ4 frame ends without its end mark");
        };
        at += 4;
        if size == 0 {
            if content_checksum {
                at += 4;
            }
            break;
        }
        let len = (size & 0x7FFF_FFFF) as usize;
        if len > block_max {
            return invalid(format!(
                "LZ4 block of {len} bytes is over the frame's block maximum {block_max}"
            ));
        }
        at += len + if block_checksum { 4 } else { 0 };
    }
    if at > b.len() {
        return invalid("truncated LZ4 frame");
    }
    Ok((at - start, content_size))
}

/// Decompresses a body section of `raw_len` bytes.
pub fn decompress_lz4(stored: &[u8], raw_len: usize, limits: &Limits) -> Result<Vec<u8>> {
    if raw_len > limits.max_decompressed_size {
        return fail(
            ErrorCode::TooLarge,
            format!(
                "body raw length {raw_len} is over the limit {}",
                limits.max_decompressed_size
            ),
        );
    }
    if stored.is_empty() {
        return invalid("empty LZ4 body");
    }
    let mut out = Vec::with_capacity(raw_len);
    let mut at = 0;
    while at < stored.len() {
        let Some(magic) = u32_at(stored, at) else {
            return invalid(format!(
                "{} bytes after the last LZ4 frame",
                stored.len() - at
            ));
        };
        if magic & SKIPPABLE_MASK == SKIPPABLE_MAGIC {
            let Some(size) = u32_at(stored, at + 4) else {
                return invalid("truncated skippable frame");
            };
            at = at
                .checked_add(8 + size as usize)
                .filter(|&end| end <= stored.len())
                .map_or_else(|| invalid("truncated skippable frame"), Ok)?;
            continue;
        }
        if magic != LZ4_MAGIC {
            return invalid(format!(
                "bytes at offset {at} are not an LZ4 frame (magic {magic:#010x})"
            ));
        }
        let (len, content_size) = data_frame(stored, at)?;
        let room = raw_len - out.len();
        if let Some(size) = content_size {
            if size > room as u64 {
                return fail(
                    ErrorCode::TooLarge,
                    format!(
                        "LZ4 frame declares {size} bytes, only {room} left of the body raw length"
                    ),
                );
            }
        }
        let before = out.len();
        FrameDecoder::new(&stored[at..at + len])
            .take(room as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|e| EnvelopeError::new(ErrorCode::InvalidLz4, format!("LZ4: {e}")))?;
        if out.len() - before > room {
            return invalid(format!(
                "LZ4 body decompresses to more than its raw length {raw_len}"
            ));
        }
        at += len;
    }
    if out.len() != raw_len {
        return invalid(format!(
            "LZ4 body decompresses to {} bytes, the frame says {raw_len}",
            out.len()
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compress::compress_lz4;

    fn limits() -> Limits {
        Limits::default()
    }

    fn sample() -> Vec<u8> {
        (0..200_000u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect()
    }

    #[test]
    fn round_trip_concatenated_and_skippable() {
        let raw = sample();
        let one = compress_lz4(&raw);
        assert_eq!(decompress_lz4(&one, raw.len(), &limits()).unwrap(), raw);
        let mut two = compress_lz4(&raw[..1000]);
        two.extend_from_slice(&[0x5A, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 1, 2, 3]);
        two.extend_from_slice(&compress_lz4(&raw[1000..]));
        assert_eq!(decompress_lz4(&two, raw.len(), &limits()).unwrap(), raw);
        assert_eq!(
            decompress_lz4(&compress_lz4(b""), 0, &limits()).unwrap(),
            b""
        );
    }

    #[test]
    fn rejects_bad_frames() {
        let raw = sample();
        let good = compress_lz4(&raw);
        let code = |b: &[u8], n: usize| decompress_lz4(b, n, &limits()).unwrap_err().code;
        assert_eq!(
            code(&good[..good.len() - 3], raw.len()),
            ErrorCode::InvalidLz4
        );
        let mut trailing = good.clone();
        trailing.push(0);
        assert_eq!(code(&trailing, raw.len()), ErrorCode::InvalidLz4);
        assert_eq!(code(&good, raw.len() - 1), ErrorCode::TooLarge);
        assert_eq!(code(&good, raw.len() + 1), ErrorCode::InvalidLz4);
        let mut bad_header = good.clone();
        bad_header[14] ^= 1; // the header checksum byte
        assert_eq!(code(&bad_header, raw.len()), ErrorCode::InvalidLz4);
        let mut bad_content = good.clone();
        let n = bad_content.len();
        bad_content[n - 1] ^= 1; // content checksum
        assert_eq!(code(&bad_content, raw.len()), ErrorCode::InvalidLz4);
        assert_eq!(code(b"", 0), ErrorCode::InvalidLz4);
        assert_eq!(code(b"\x04\x22\x4d\x18", 0), ErrorCode::InvalidLz4);
    }
}
