//! Numbers in the JSON mapping.
//!
//! A finite double is written the way ECMAScript's `Number::toString` (and so
//! `JSON.stringify`) writes it: the shortest digits that read back to the same
//! double, plain notation for decimal exponents -7 < e < 21, else `d.ddde±x`.
//! The TypeScript SDK writes the same text, so JSON fixtures of the two
//! languages agree for doubles too (JSON bytes are not required to match, but
//! it makes diffs between fixtures readable).

/// ECMAScript `Number::toString(v)` for a finite `v`; `-0.0` gives `"0"` like ECMAScript
/// (the JSON mapping writes −0 as the string `"-0"` before it gets here).
pub fn es_number(v: f64) -> String {
    debug_assert!(v.is_finite());
    if v == 0.0 {
        return "0".to_string();
    }
    // Rust's `{:e}` prints the shortest round-trip digits: "1.7976931348623157e308", "5e-324".
    let sci = format!("{:e}", v.abs());
    let (mantissa, exp) = sci.split_once('e').expect("LowerExp has an exponent");
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let exp: i32 = exp.parse().expect("LowerExp exponent is an integer");
    let k = digits.len() as i32;
    let n = exp + 1; // ECMAScript's n: the decimal point sits after n digits
    let mut out = String::new();
    if v < 0.0 {
        out.push('-');
    }
    if k <= n && n <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        out.push_str(&digits[..n as usize]);
        out.push('.');
        out.push_str(&digits[n as usize..]);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n) as usize));
        out.push_str(&digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if n - 1 < 0 { '-' } else { '+' });
        out.push_str(&(n - 1).abs().to_string());
    }
    out
}

/// True when `text` is a JSON number literal (RFC 8259 §6): what the reader
/// accepts for a double or an integer written as a decimal string.
pub fn is_json_number(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    i == b.len()
}

/// True when `text` is a decimal integer without leading zeros: `-?(0|[1-9][0-9]*)`.
pub fn is_decimal_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !(digits.len() > 1 && digits.starts_with('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_ecmascript_number_to_string() {
        // Expected strings are what `String(x)` prints in node.
        let cases: [(f64, &str); 17] = [
            (1.0, "1"),
            (-1.5, "-1.5"),
            (0.1, "0.1"),
            (123456789.0, "123456789"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (123e18, "123000000000000000000"),
            (1.5e300, "1.5e+300"),
            (1e-6, "0.000001"),
            (1e-7, "1e-7"),
            (1.25e-7, "1.25e-7"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (9007199254740993.0, "9007199254740992"),
            (0.000123, "0.000123"),
            (-0.0, "0"),
        ];
        for (v, text) in cases {
            assert_eq!(es_number(v), text, "{v:e}");
            if v != 0.0 {
                assert_eq!(text.parse::<f64>().unwrap().to_bits(), v.to_bits());
            }
        }
    }

    #[test]
    fn json_number_grammar() {
        for ok in ["0", "-0", "1", "-1.5", "1e5", "1E+5", "1.0e-5", "123.456"] {
            assert!(is_json_number(ok), "{ok}");
        }
        for bad in [
            "", "-", "+1", "01", ".5", "5.", "1e", "1e+", "NaN", "inf", "0x10", " 1", "1 ",
        ] {
            assert!(!is_json_number(bad), "{bad}");
        }
        assert!(is_decimal_integer("-9223372036854775808"));
        assert!(!is_decimal_integer("-"));
        assert!(!is_decimal_integer("007"));
        assert!(!is_decimal_integer("1.0"));
    }
}
