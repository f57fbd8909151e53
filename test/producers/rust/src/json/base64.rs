//! Base64 for `bytesValue` (docs/spec.md, "Codec: JSON"): writers use the
//! standard alphabet with padding (RFC 4648 §4); readers also accept the
//! URL-safe alphabet (§5) and missing padding.

use crate::error::{fail, ErrorCode, Result};

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        let sextets = [n >> 18, (n >> 12) & 63, (n >> 6) & 63, n & 63];
        for (i, s) in sextets.iter().enumerate() {
            out.push(if i <= chunk.len() {
                char::from(ALPHABET[*s as usize])
            } else {
                '='
            });
        }
    }
    out
}

fn sextet(c: u8) -> Option<u32> {
    Some(u32::from(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' | b'-' => 62,
        b'/' | b'_' => 63,
        _ => return None,
    }))
}

/// Decodes standard or URL-safe base64, padded or not; `invalid_value` otherwise.
pub fn decode(text: &str, path: &str) -> Result<Vec<u8>> {
    let bytes = text.as_bytes();
    let end = bytes.len() - bytes.iter().rev().take_while(|&&b| b == b'=').count();
    let padding = bytes.len() - end;
    if padding > 2 || end % 4 == 1 || (padding > 0 && !bytes.len().is_multiple_of(4)) {
        return fail(
            ErrorCode::InvalidValue,
            format!("{path}: not valid base64 (bad length or padding)"),
        );
    }
    let mut out = Vec::with_capacity(end * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for (i, &c) in bytes[..end].iter().enumerate() {
        let Some(v) = sextet(c) else {
            return fail(
                ErrorCode::InvalidValue,
                format!("{path}: not valid base64 (character {i})"),
            );
        };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 4648 §10 test vectors.
    const VECTORS: [(&str, &str); 7] = [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ];

    #[test]
    fn rfc4648_vectors() {
        for (plain, coded) in VECTORS {
            assert_eq!(encode(plain.as_bytes()), coded);
            assert_eq!(decode(coded, "x").unwrap(), plain.as_bytes());
            assert_eq!(
                decode(coded.trim_end_matches('='), "x").unwrap(),
                plain.as_bytes()
            );
        }
    }

    #[test]
    fn url_safe_alphabet_is_read() {
        assert_eq!(decode("-_8", "x").unwrap(), [0xfb, 0xff]);
        assert_eq!(encode(&[0xfb, 0xff]), "+/8=");
    }

    #[test]
    fn bad_input_is_invalid_value() {
        for bad in ["Z", "Zg=", "Zg===", "Z===", "Zm9v!", "Zg==Zg==", "Zm 9v"] {
            assert_eq!(
                decode(bad, "x").unwrap_err().code,
                ErrorCode::InvalidValue,
                "{bad}"
            );
        }
    }
}
