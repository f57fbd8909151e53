//! Lowercase hex for ids in the JSON mapping (docs/spec.md, "Codec: JSON").

use crate::error::{fail, ErrorCode, Result};

/// Lowercase hex of `bytes`.
pub fn encode(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

/// Decodes exactly `len` bytes of lowercase hex; anything else (uppercase included) is `invalid_id`.
pub fn decode_id(text: &str, len: usize, path: &str) -> Result<Vec<u8>> {
    if text.len() != len * 2 {
        return fail(
            ErrorCode::InvalidId,
            format!(
                "{path}: expected {} lowercase hex characters, got {}",
                len * 2,
                text.len()
            ),
        );
    }
    text.as_bytes()
        .chunks(2)
        .map(|pair| match (nibble(pair[0]), nibble(pair[1])) {
            (Some(hi), Some(lo)) => Ok((hi << 4) | lo),
            _ => fail(ErrorCode::InvalidId, format!("{path}: not lowercase hex")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_rejects_uppercase() {
        assert_eq!(encode(&[0x00, 0xab, 0xff]), "00abff");
        assert_eq!(decode_id("00abff", 3, "x").unwrap(), [0x00, 0xab, 0xff]);
        assert_eq!(
            decode_id("00ABFF", 3, "x").unwrap_err().code,
            ErrorCode::InvalidId
        );
        assert_eq!(
            decode_id("00ab", 3, "x").unwrap_err().code,
            ErrorCode::InvalidId
        );
    }
}
