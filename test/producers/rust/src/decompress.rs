//! LZ4 decompression of the body section (docs/spec.md, section "Compression").
//!
//! lz4_flex's `FrameDecoder` decodes one LZ4 frame and checks its header,
//! block and content checksums, but its `read_to_end` stops at the first end
//! mark and ignores whatever follows, it reports a skippable frame as an
//! error, it also reads the legacy format, and it bounds nothing: a frame
//! expands to whatever its blocks hold. So this module walks the LZ4 frames
//! itself first, without decompressing anything: it skips skippable frames,
//! rejects any other bytes and checks each declared content size. Then it
//! hands each data frame to one reused lz4_flex decoder, which decodes block
//! by block, with the output capped at what the body raw length still allows
//! (and at the frame's declared content size): the bound is the exact size
//! the frame says, never a worst case summed over blocks (docs/spec.md,
//! "LZ4 readers").
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

/// One LZ4 data frame of the body.
struct Span {
    start: usize,
    end: usize,
    content_size: Option<u64>,
}

/// Walks every frame of `b` and checks the declared sizes against
/// `max_size`, the output allowed.
fn scan(b: &[u8], max_size: u64) -> Result<Vec<Span>> {
    if b.is_empty() {
        return invalid("an empty body is not an LZ4 frame");
    }
    let mut spans = Vec::new();
    let mut total = 0u64;
    let mut at = 0;
    while at < b.len() {
        let Some(magic) = u32_at(b, at) else {
            return invalid(format!("{} bytes after the last LZ4 frame", b.len() - at));
        };
        if magic & SKIPPABLE_MASK == SKIPPABLE_MAGIC {
            let Some(size) = u32_at(b, at + 4) else {
                return invalid("truncated skippable frame");
            };
            at = at
                .checked_add(8 + size as usize)
                .filter(|&end| end <= b.len())
                .map_or_else(|| invalid("truncated skippable frame"), Ok)?;
            continue;
        }
        if magic != LZ4_MAGIC {
            return invalid(format!(
                "bytes at offset {at} are not an LZ4 frame (magic {magic:#010x})"
            ));
        }
        let span = data_frame(b, at, max_size.saturating_sub(total))?;
        total += span.content_size.unwrap_or(0);
        at = span.end;
        spans.push(span);
    }
    if spans.is_empty() {
        return invalid("only skippable frames, no LZ4 data frame");
    }
    Ok(spans)
}

/// The LZ4 data frame at `start`; `budget` is what the allowance still leaves
/// for a declared content size.
fn data_frame(b: &[u8], start: usize, budget: u64) -> Result<Span> {
    let Some(&[flg, bd]) = b.get(start + 4..start + 6) else {
        return invalid("truncated LZ4 frame header");
    };
    if flg >> 6 != 1 {
        return invalid(format!("LZ4 frame version {} is not 1", flg >> 6));
    }
    if flg & 0x02 != 0 || bd & 0x8f != 0 {
        return invalid("LZ4 frame descriptor has reserved bits set");
    }
    if flg & 0x01 != 0 {
        return invalid("LZ4 frames with a dictionary id are not supported");
    }
    let block_checksum = flg & 0x10 != 0;
    let content_checksum = flg & 0x04 != 0;
    let block_max: u64 = match (bd >> 4) & 7 {
        4 => 64 << 10,
        5 => 256 << 10,
        6 => 1 << 20,
        7 => 4 << 20,
        n => return invalid(format!("LZ4 block maximum size id {n} is not 4..7")),
    };
    let mut at = start + 6;
    let content_size = if flg & 0x08 != 0 {
        let Some(s) = b.get(at..at + 8) else {
            return invalid("truncated LZ4 frame header");
        };
        at += 8;
        let size = u64::from_le_bytes(s.try_into().expect("eight bytes"));
        if size > budget {
            return fail(
                ErrorCode::TooLarge,
                format!("LZ4 frame at offset {start} declares {size} bytes, over the limit"),
            );
        }
        Some(size)
    } else {
        None
    };
    at += 1; // header checksum, verified by lz4_flex
    loop {
        let Some(word) = u32_at(b, at) else {
            return invalid("LZ4 frame ends without its end mark");
        };
        at += 4;
        if word == 0 {
            if content_checksum {
                at += 4;
            }
            break;
        }
        let len = u64::from(word & 0x7FFF_FFFF);
        if len > block_max {
            return invalid(format!(
                "LZ4 block of {len} bytes is over the frame's block maximum {block_max}"
            ));
        }
        at += len as usize + if block_checksum { 4 } else { 0 };
        if at > b.len() {
            return invalid("truncated LZ4 block");
        }
    }
    if at > b.len() {
        return invalid("truncated LZ4 frame");
    }
    Ok(Span {
        start,
        end: at,
        content_size,
    })
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
    let spans = scan(stored, raw_len as u64)?;
    let raw = raw_len as u64;
    let declared: u64 = spans.iter().filter_map(|s| s.content_size).sum();
    if spans.iter().all(|s| s.content_size.is_some()) && declared < raw {
        return invalid(format!(
            "LZ4 frames declare {declared} bytes, the body raw length is {raw_len}"
        ));
    }
    // Grown as output arrives: a forged raw length over a small frame costs nothing.
    let mut out = Vec::new();
    // One decoder for every frame: each new FrameDecoder reserves a block buffer.
    let mut decoder = FrameDecoder::new(&stored[..0]);
    for span in &spans {
        *decoder.get_mut() = &stored[span.start..span.end];
        let before = out.len();
        let room = (raw_len - before) as u64;
        // One byte more than allowed, so that output past it is seen; the
        // decoder expands one block at a time, so nothing larger is made.
        let cap = span.content_size.map_or(room, |c| c.min(room)) + 1;
        (&mut decoder)
            .take(cap)
            .read_to_end(&mut out)
            .map_err(|e| EnvelopeError::new(ErrorCode::InvalidLz4, format!("LZ4: {e}")))?;
        let produced = (out.len() - before) as u64;
        match span.content_size {
            Some(size) if produced != size => {
                return invalid(format!(
                    "LZ4 frame at offset {} declares {size} bytes of content, holds {}",
                    span.start,
                    if produced > size {
                        "more".to_string()
                    } else {
                        produced.to_string()
                    }
                ))
            }
            None if produced > room => {
                return fail(
                    ErrorCode::TooLarge,
                    format!("LZ4 body decompresses to more than its raw length {raw_len}"),
                )
            }
            _ => {}
        }
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
    use std::io::Write;

    use lz4_flex::frame::{BlockSize, FrameEncoder, FrameInfo};

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

    /// `raw` as one LZ4 frame without a declared content size, as lz4-napi
    /// writes: then only the block headers bound the output.
    fn no_size(raw: &[u8]) -> Vec<u8> {
        let info = FrameInfo::new().block_size(BlockSize::Max64KB);
        let mut encoder = FrameEncoder::with_frame_info(info, Vec::new());
        encoder.write_all(raw).unwrap();
        encoder.finish().unwrap()
    }

    fn concat(parts: &[&[u8]]) -> Vec<u8> {
        parts.concat()
    }

    /// Why the walker exists: lz4_flex alone returns the first frame and
    /// ignores the rest, and fails on a skippable frame.
    #[test]
    fn lz4_flex_alone_reads_one_frame() {
        let two = concat(&[&compress_lz4(b"hello "), &compress_lz4(b"world")]);
        let mut out = Vec::new();
        FrameDecoder::new(&two[..]).read_to_end(&mut out).unwrap();
        assert_eq!(out, b"hello ");
        let skippable = concat(&[&[0x50, 0x2A, 0x4D, 0x18, 0, 0, 0, 0], &two]);
        assert!(FrameDecoder::new(&skippable[..])
            .read_to_end(&mut Vec::new())
            .is_err());
    }

    #[test]
    fn round_trip_concatenated_and_skippable() {
        let raw = sample();
        let one = compress_lz4(&raw);
        assert_eq!(decompress_lz4(&one, raw.len(), &limits()).unwrap(), raw);
        let skippable = [0x5A, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 1, 2, 3];
        let two = concat(&[
            &compress_lz4(&raw[..1000]),
            &skippable,
            &no_size(&raw[1000..]),
        ]);
        assert_eq!(decompress_lz4(&two, raw.len(), &limits()).unwrap(), raw);
        assert_eq!(
            decompress_lz4(&compress_lz4(b""), 0, &limits()).unwrap(),
            b""
        );
    }

    #[test]
    fn rejects_what_lz4_flex_alone_would_let_through() {
        let raw = sample();
        let good = compress_lz4(&raw);
        let hello = compress_lz4(b"hello ");
        let world = compress_lz4(b"world");
        let zeros = no_size(&vec![0; 1 << 20]);
        let edit = |frame: &[u8], at: usize, f: fn(u8) -> u8| {
            let mut c = frame.to_vec();
            c[at] = f(c[at]);
            c
        };
        let small = Limits {
            max_decompressed_size: 1000,
            ..Limits::default()
        };
        let rows: Vec<(&str, Vec<u8>, usize, Limits, ErrorCode)> = vec![
            ("empty", vec![], 0, limits(), ErrorCode::InvalidLz4),
            (
                "only a skippable frame",
                vec![0x50, 0x2A, 0x4D, 0x18, 0, 0, 0, 0],
                0,
                limits(),
                ErrorCode::InvalidLz4,
            ),
            (
                "legacy format",
                concat(&[&[0x02, 0x21, 0x4C, 0x18, 7, 0, 0, 0], b"\x60hello "]),
                6,
                limits(),
                ErrorCode::InvalidLz4,
            ),
            (
                "truncated",
                good[..good.len() - 3].to_vec(),
                raw.len(),
                limits(),
                ErrorCode::InvalidLz4,
            ),
            (
                "one trailing byte",
                concat(&[&good, &[0]]),
                raw.len(),
                limits(),
                ErrorCode::InvalidLz4,
            ),
            (
                "a second frame lz4_flex would ignore, cut short",
                concat(&[&hello, &world[..world.len() - 1]]),
                11,
                limits(),
                ErrorCode::InvalidLz4,
            ),
            (
                "content size over the raw length",
                good.clone(),
                raw.len() - 1,
                limits(),
                ErrorCode::TooLarge,
            ),
            (
                "content sizes under the raw length",
                concat(&[&hello, &world]),
                12,
                limits(),
                ErrorCode::InvalidLz4,
            ),
            (
                "content size over the limit",
                hello.clone(),
                6,
                Limits {
                    max_decompressed_size: 5,
                    ..limits()
                },
                ErrorCode::TooLarge,
            ),
            (
                "expands past the raw length (no content size)",
                zeros.clone(),
                1000,
                small,
                ErrorCode::TooLarge,
            ),
            (
                "raw length over what the frame holds",
                no_size(b"hello "),
                1 << 20,
                limits(),
                ErrorCode::InvalidLz4,
            ),
            (
                "reserved FLG bit",
                edit(&hello, 4, |b| b | 0x02),
                6,
                limits(),
                ErrorCode::InvalidLz4,
            ),
            (
                "dictionary id",
                edit(&hello, 4, |b| b | 0x01),
                6,
                limits(),
                ErrorCode::InvalidLz4,
            ),
            (
                "header checksum",
                edit(&good, 14, |b| b ^ 1),
                raw.len(),
                limits(),
                ErrorCode::InvalidLz4,
            ),
            (
                "content checksum",
                edit(&good, good.len() - 1, |b| b ^ 1),
                raw.len(),
                limits(),
                ErrorCode::InvalidLz4,
            ),
            (
                "end mark only",
                b"\x04\x22\x4d\x18".to_vec(),
                0,
                limits(),
                ErrorCode::InvalidLz4,
            ),
        ];
        for (name, bytes, raw_len, limits, code) in rows {
            let got = decompress_lz4(&bytes, raw_len, &limits);
            assert_eq!(
                got.as_ref().err().map(|e| e.code),
                Some(code),
                "{name}: {got:?}"
            );
        }
    }
}
