//! Floats for the CBOR deterministic profile: RFC 8949 §4.2.1 asks for the
//! shortest form that keeps the value exactly (§4.2.2 for NaN and the
//! infinities). minicbor writes f32 and f64 as given and converts to f16 only
//! through the `half` crate with rounding, so the exactness test and the f16
//! bit patterns are done here, and the bytes are written raw into the encoder.

/// The double represented by IEEE 754 binary16 `bits`.
pub fn f16_to_f64(bits: u16) -> f64 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((bits >> 10) & 0x1f);
    let mant = f64::from(bits & 0x3ff);
    sign * match exp {
        0 => mant * pow2(-24),
        31 if mant == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (1024.0 + mant) * pow2(exp - 25),
    }
}

/// 2^e exactly, for the normal range of f64.
fn pow2(e: i32) -> f64 {
    debug_assert!((-1022..=1023).contains(&e));
    f64::from_bits(((e + 1023) as u64) << 52)
}

/// The binary16 bits of `v` when binary16 holds `v` exactly (±0, ±Infinity included), else `None`.
/// NaN gives `None`: the caller writes the canonical NaN.
pub fn f64_to_f16_exact(v: f64) -> Option<u16> {
    if v.is_nan() {
        return None;
    }
    let bits = v.to_bits();
    let sign = ((bits >> 48) & 0x8000) as u16;
    if v.is_infinite() {
        return Some(sign | 0x7c00);
    }
    if v == 0.0 {
        return Some(sign);
    }
    let exp_field = ((bits >> 52) & 0x7ff) as i32;
    if exp_field == 0 {
        return None; // an f64 subnormal is far below the smallest f16
    }
    let exp = exp_field - 1023;
    let mant = bits & ((1 << 52) - 1);
    if exp > 15 {
        return None;
    }
    if exp >= -14 {
        // Normal binary16: 10 mantissa bits, so the low 42 bits must be zero.
        if mant & ((1 << 42) - 1) != 0 {
            return None;
        }
        return Some(sign | (((exp + 15) as u16) << 10) | (mant >> 42) as u16);
    }
    // Subnormal binary16: v = m * 2^-24 with m < 1024, m = (2^52 + mant) * 2^(exp - 28).
    let shift = (28 - exp) as u32;
    if shift >= 53 {
        return None;
    }
    let full = (1u64 << 52) | mant;
    if full & ((1 << shift) - 1) != 0 {
        return None;
    }
    Some(sign | (full >> shift) as u16)
}

/// The CBOR encoding of `v` in the shortest exact form: f16, f32 or f64;
/// NaN is always `f9 7e 00`.
pub fn shortest(v: f64) -> Vec<u8> {
    if v.is_nan() {
        return vec![0xf9, 0x7e, 0x00];
    }
    if let Some(h) = f64_to_f16_exact(v) {
        let [hi, lo] = h.to_be_bytes();
        return vec![0xf9, hi, lo];
    }
    let f = v as f32;
    if f64::from(f).to_bits() == v.to_bits() {
        let mut out = vec![0xfa];
        out.extend_from_slice(&f.to_be_bytes());
        return out;
    }
    let mut out = vec![0xfb];
    out.extend_from_slice(&v.to_be_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn shortest_float_table() {
        // RFC 8949 Appendix A, and the edges of each width.
        let cases: [(f64, &str); 22] = [
            (0.0, "f90000"),
            (-0.0, "f98000"),
            (1.0, "f93c00"),
            (1.1, "fb3ff199999999999a"),
            (1.5, "f93e00"),
            (65504.0, "f97bff"),
            (100000.0, "fa47c35000"),
            (3.4028234663852886e38, "fa7f7fffff"),
            (1.0e300, "fb7e37e43c8800759c"),
            (5.960464477539063e-8, "f90001"),
            (0.00006103515625, "f90400"),
            (-4.0, "f9c400"),
            (-4.1, "fbc010666666666666"),
            (f64::INFINITY, "f97c00"),
            (f64::NEG_INFINITY, "f9fc00"),
            (f64::NAN, "f97e00"),
            (0.1, "fb3fb999999999999a"),
            (5e-324, "fb0000000000000001"),
            (f64::MAX, "fb7fefffffffffffff"),
            (65505.0, "fa477fe100"),
            (2.9802322387695312e-8, "fa33000000"), // 2^-25: below the f16 subnormals
            (1.401298464324817e-45, "fa00000001"), // smallest f32 subnormal
        ];
        for (v, expected) in cases {
            assert_eq!(hex(&shortest(v)), expected, "{v:e}");
        }
    }

    #[test]
    fn every_f16_round_trips() {
        for bits in 0..=u16::MAX {
            let v = f16_to_f64(bits);
            if v.is_nan() {
                continue;
            }
            assert_eq!(f64_to_f16_exact(v), Some(bits), "{bits:04x}");
        }
    }

    #[test]
    fn inexact_values_are_not_f16() {
        for v in [1.0 + 1.0 / 2048.0, 65520.0, 1e-10, 3.0e-8, 0.1] {
            assert_eq!(f64_to_f16_exact(v), None, "{v:e}");
        }
    }
}
