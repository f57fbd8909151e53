//! The frame (docs/spec.md, section "Frame"): a 24-byte prefix, the header
//! section, the body section and an optional content checksum.
//!
//! | offset | size | field                                                  |
//! |--------|------|--------------------------------------------------------|
//! | 0      | 4    | magic 89 45 4E 56                                      |
//! | 4      | 1    | version (1)                                            |
//! | 5      | 1    | codec: 1 protobuf, 2 JSON, 3 CBOR                      |
//! | 6      | 1    | compression: 0 none, 1 LZ4 frame                       |
//! | 7      | 1    | flags: bit 0 content checksum, bits 1-7 reserved (0)   |
//! | 8      | 4    | header length (u32 LE)                                 |
//! | 12     | 4    | body length as stored (u32 LE)                         |
//! | 16     | 4    | body raw length, after decompression (u32 LE)          |
//! | 20     | 4    | CRC-32C of bytes 0..19 (u32 LE)                        |
//! | 24     | ...  | header section, body section, [CRC-32C of both]        |

use crate::error::{fail, ErrorCode, Result};
use crate::limits::Limits;

/// `0x89 'E' 'N' 'V'`.
pub const MAGIC: [u8; 4] = [0x89, 0x45, 0x4e, 0x56];
/// The only frame version.
pub const VERSION: u8 = 1;
/// Size of the fixed prefix.
pub const PREFIX_SIZE: usize = 24;
/// Flag bit 0: a CRC-32C of the header and body sections follows the body.
pub const FLAG_CONTENT_CHECKSUM: u8 = 0x01;

/// Codec ids of the frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Codec {
    Protobuf = 1,
    Json = 2,
    Cbor = 3,
}

impl Codec {
    pub fn from_id(id: u8) -> Option<Codec> {
        match id {
            1 => Some(Codec::Protobuf),
            2 => Some(Codec::Json),
            3 => Some(Codec::Cbor),
            _ => None,
        }
    }

    /// The codec's name in manifests: `protobuf`, `json`, `cbor`.
    pub fn name(self) -> &'static str {
        match self {
            Codec::Protobuf => "protobuf",
            Codec::Json => "json",
            Codec::Cbor => "cbor",
        }
    }
}

/// Compression ids of the frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    None = 0,
    Lz4 = 1,
}

impl Compression {
    pub fn from_id(id: u8) -> Option<Compression> {
        match id {
            0 => Some(Compression::None),
            1 => Some(Compression::Lz4),
            _ => None,
        }
    }

    /// The compression's name in file names and manifests: `none`, `lz4`.
    pub fn name(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Lz4 => "lz4",
        }
    }
}

/// CRC-32C (Castagnoli), as the spec defines it.
pub fn crc32c(bytes: &[u8]) -> u32 {
    crc32c::crc32c(bytes)
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// Writes a frame. `body` is the body section as stored (already compressed
/// when `compression` says so); `body_raw_len` its length before compression.
pub fn write_frame(
    codec: u8,
    compression: u8,
    header: &[u8],
    body: &[u8],
    body_raw_len: usize,
    checksum: bool,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(PREFIX_SIZE + header.len() + body.len() + 4);
    out.extend_from_slice(&MAGIC);
    out.push(VERSION);
    out.push(codec);
    out.push(compression);
    out.push(if checksum { FLAG_CONTENT_CHECKSUM } else { 0 });
    for len in [header.len(), body.len(), body_raw_len] {
        out.extend_from_slice(
            &u32::try_from(len)
                .expect("section over 4 GiB")
                .to_le_bytes(),
        );
    }
    let crc = crc32c(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(header);
    out.extend_from_slice(body);
    if checksum {
        let crc = crc32c(&out[PREFIX_SIZE..]);
        out.extend_from_slice(&crc.to_le_bytes());
    }
    out
}

/// Recomputes the prefix checksum after the prefix was edited (broken fixtures).
pub fn reseal_prefix(frame: &mut [u8]) {
    let crc = crc32c(&frame[..20]);
    frame[20..24].copy_from_slice(&crc.to_le_bytes());
}

/// A frame that passed every prefix and checksum check.
#[derive(Clone, Copy, Debug)]
pub struct Frame<'a> {
    pub codec: Codec,
    pub compression: Compression,
    pub checksum: bool,
    pub header: &'a [u8],
    /// The body section as stored.
    pub body: &'a [u8],
    pub body_raw_len: usize,
    /// Prefix, sections and checksum.
    pub len: usize,
}

/// Reads the frame at the start of `bytes`, with the checks in the spec's order.
/// Bytes after the frame are left to the caller (a stream's next frame).
pub fn read_frame<'a>(bytes: &'a [u8], limits: &Limits) -> Result<Frame<'a>> {
    if bytes.len() < PREFIX_SIZE {
        if bytes.len() >= 4 && bytes[..4] != MAGIC {
            return fail(
                ErrorCode::BadMagic,
                "input does not start with the frame magic 89 45 4e 56",
            );
        }
        return fail(
            ErrorCode::Truncated,
            format!(
                "frame prefix needs {PREFIX_SIZE} bytes, only {} available",
                bytes.len()
            ),
        );
    }
    if bytes[..4] != MAGIC {
        return fail(
            ErrorCode::BadMagic,
            "input does not start with the frame magic 89 45 4e 56",
        );
    }
    if bytes[4] != VERSION {
        return fail(
            ErrorCode::UnsupportedVersion,
            format!("frame version {} is not supported", bytes[4]),
        );
    }
    let (stored, computed) = (u32_at(bytes, 20), crc32c(&bytes[..20]));
    if stored != computed {
        return fail(
            ErrorCode::ChecksumMismatch,
            format!("prefix checksum is {stored:#010x}, computed {computed:#010x}"),
        );
    }
    let (codec_id, compression_id, flags) = (bytes[5], bytes[6], bytes[7]);
    let header_len = u32_at(bytes, 8) as usize;
    let body_len = u32_at(bytes, 12) as usize;
    let body_raw_len = u32_at(bytes, 16) as usize;
    if flags & !FLAG_CONTENT_CHECKSUM != 0 {
        return fail(
            ErrorCode::InvalidFrame,
            format!("reserved flag bits set: {flags:#04x}"),
        );
    }
    if compression_id == 0 && body_raw_len != body_len {
        return fail(
            ErrorCode::InvalidFrame,
            format!(
                "uncompressed body: raw length {body_raw_len} differs from body length {body_len}"
            ),
        );
    }
    let Some(codec) = Codec::from_id(codec_id) else {
        return fail(
            ErrorCode::UnsupportedCodec,
            format!("unknown codec id {codec_id}"),
        );
    };
    let Some(compression) = Compression::from_id(compression_id) else {
        return fail(
            ErrorCode::UnsupportedCompression,
            format!("unknown compression id {compression_id}"),
        );
    };
    let checksum = flags & FLAG_CONTENT_CHECKSUM != 0;
    let len = PREFIX_SIZE + header_len + body_len + if checksum { 4 } else { 0 };
    if len > limits.max_frame_size {
        return fail(
            ErrorCode::TooLarge,
            format!(
                "frame of {len} bytes is over the limit of {}",
                limits.max_frame_size
            ),
        );
    }
    if body_raw_len > limits.max_decompressed_size {
        return fail(
            ErrorCode::TooLarge,
            format!(
                "body of {body_raw_len} bytes after decompression is over the limit of {}",
                limits.max_decompressed_size
            ),
        );
    }
    if bytes.len() < len {
        return fail(
            ErrorCode::Truncated,
            format!("frame needs {len} bytes, only {} available", bytes.len()),
        );
    }
    let body_end = PREFIX_SIZE + header_len + body_len;
    if checksum {
        let (stored, computed) = (
            u32_at(bytes, body_end),
            crc32c(&bytes[PREFIX_SIZE..body_end]),
        );
        if stored != computed {
            return fail(
                ErrorCode::ChecksumMismatch,
                format!("content checksum is {stored:#010x}, computed {computed:#010x}"),
            );
        }
    }
    Ok(Frame {
        codec,
        compression,
        checksum,
        header: &bytes[PREFIX_SIZE..PREFIX_SIZE + header_len],
        body: &bytes[PREFIX_SIZE + header_len..body_end],
        body_raw_len,
        len,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32c_check_value() {
        assert_eq!(crc32c(b"123456789"), 0xE306_9283);
    }

    fn sample(checksum: bool) -> Vec<u8> {
        write_frame(1, 0, b"head", b"body!", 5, checksum)
    }

    #[test]
    fn round_trip() {
        for checksum in [false, true] {
            let bytes = sample(checksum);
            let f = read_frame(&bytes, &Limits::default()).unwrap();
            assert_eq!(
                (f.header, f.body, f.body_raw_len),
                (&b"head"[..], &b"body!"[..], 5)
            );
            assert_eq!(f.len, bytes.len());
            assert_eq!(f.checksum, checksum);
        }
    }

    fn code(bytes: &[u8]) -> ErrorCode {
        read_frame(bytes, &Limits::default()).unwrap_err().code
    }

    fn edited(edit: impl Fn(&mut Vec<u8>), reseal: bool) -> Vec<u8> {
        let mut bytes = sample(true);
        edit(&mut bytes);
        if reseal {
            reseal_prefix(&mut bytes);
        }
        bytes
    }

    #[test]
    fn rejects_in_the_spec_order() {
        let good = sample(true);
        assert_eq!(code(&good[..10]), ErrorCode::Truncated);
        assert_eq!(code(&[0, 1, 2, 3, 4]), ErrorCode::BadMagic);
        assert_eq!(code(&edited(|b| b[0] = 0x88, false)), ErrorCode::BadMagic);
        assert_eq!(
            code(&edited(|b| b[4] = 2, false)),
            ErrorCode::UnsupportedVersion
        );
        assert_eq!(
            code(&edited(|b| b[20] ^= 1, false)),
            ErrorCode::ChecksumMismatch
        );
        assert_eq!(
            code(&edited(|b| b[7] = 0x03, true)),
            ErrorCode::InvalidFrame
        );
        assert_eq!(code(&edited(|b| b[16] = 6, true)), ErrorCode::InvalidFrame);
        assert_eq!(
            code(&edited(|b| b[5] = 9, true)),
            ErrorCode::UnsupportedCodec
        );
        assert_eq!(
            code(&edited(
                |b| {
                    b[6] = 7;
                    b[16] = 6
                },
                true
            )),
            ErrorCode::UnsupportedCompression
        );
        assert_eq!(
            code(&edited(
                |b| {
                    b[6] = 1;
                    b[19] = 0x10
                },
                true
            )),
            ErrorCode::TooLarge
        );
        assert_eq!(
            code(&edited(
                |b| {
                    b[6] = 1;
                    b[15] = 0x10
                },
                true
            )),
            ErrorCode::TooLarge
        );
        assert_eq!(code(&good[..good.len() - 1]), ErrorCode::Truncated);
        assert_eq!(
            code(&edited(|b| b[25] ^= 1, false)),
            ErrorCode::ChecksumMismatch
        );
    }
}
