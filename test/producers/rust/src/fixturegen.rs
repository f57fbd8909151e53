//! The runtime of the Rust bindings `schema gen --lang rust` writes
//! ([`crate::bindings`]): the fixture generator of docs/spec.md "Fixtures"
//! (splitmix64, the draws and their order) and the converters from typed
//! values to [`Value`]s. `src/bin/fixtures.rs` drives it.

use std::collections::BTreeMap;

pub use crate::model::{Attributes, SchemaRef, Value};

/// A map attribute's typed form; keys in byte order (the order written).
pub type Map<T> = BTreeMap<String, T>;

/// One event version's generated struct.
pub trait Binding {
    /// The event version the struct holds.
    fn schema(&self) -> SchemaRef;
    /// The body attributes, in descriptor order.
    fn attributes(&self) -> Attributes;
    /// Draws every attribute, in mode `m`.
    fn fill(&mut self, g: &mut Gen, m: Mode);
}

/// The envelope body built from a binding: its attributes, no extensions.
pub fn body(b: &dyn Binding) -> crate::model::Body {
    crate::model::Body {
        attributes: b.attributes(),
        extensions: vec![],
    }
}

/// One entry of the generated list of bindings.
pub struct Version {
    /// Path of the descriptor file in the schemas folder, as in index.json.
    pub path: &'static str,
    /// SHA-256 of the descriptor file the binding was generated from.
    pub sha256: &'static str,
    /// An empty binding.
    pub new: fn() -> Box<dyn Binding>,
}

/// The schema reference of a binding.
pub fn schema(r#type: &str, subtype: &str, version: &str) -> SchemaRef {
    SchemaRef {
        r#type: r#type.to_string(),
        subtype: subtype.to_string(),
        version: version.to_string(),
        ..SchemaRef::default()
    }
}

/// Where values go: on their lower boundary, their upper one, or drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Min,
    Max,
    Random,
}

/// The mode of sample `i`.
pub fn mode_of(i: usize) -> Mode {
    match i {
        0 => Mode::Min,
        1 => Mode::Max,
        _ => Mode::Random,
    }
}

/// splitmix64.
pub struct Gen {
    state: u64,
}

/// The code points strings are drawn from.
pub const ALPHABET: [char; 42] = [
    'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's',
    't', 'u', 'v', 'w', 'x', 'y', 'z', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'é', 'ß',
    '€', '中', '😀', '🚀',
];

impl Gen {
    /// A generator at a state.
    pub fn new(state: u64) -> Gen {
        Gen { state }
    }

    /// splitmix64's next output.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, n), 1 <= n: rejects draws below 2^64 mod n.
    pub fn below(&mut self, n: u64) -> u64 {
        let t = n.wrapping_neg() % n;
        loop {
            let r = self.next_u64();
            if r >= t {
                return r % n;
            }
        }
    }

    /// Uniform in [lo, hi].
    pub fn between(&mut self, lo: i64, hi: i64) -> i64 {
        let span = (hi as u64).wrapping_sub(lo as u64);
        let r = if span == u64::MAX {
            self.next_u64()
        } else {
            self.below(span + 1)
        };
        (lo as u64).wrapping_add(r) as i64
    }

    /// `lo` in mode Min, `hi` in Max, else a draw in [lo, hi].
    pub fn pick(&mut self, m: Mode, lo: i64, hi: i64) -> i64 {
        match m {
            Mode::Min => lo,
            Mode::Max => hi,
            Mode::Random => self.between(lo, hi),
        }
    }

    /// 16 bytes from two draws, big-endian; never all zero.
    pub fn event_id(&mut self) -> Vec<u8> {
        let mut id = Vec::with_capacity(16);
        id.extend_from_slice(&self.next_u64().to_be_bytes());
        id.extend_from_slice(&self.next_u64().to_be_bytes());
        if id.iter().all(|&b| b == 0) {
            id[15] = 1;
        }
        id
    }

    /// Whether an optional field without a default is written.
    pub fn present(&mut self, m: Mode) -> bool {
        m != Mode::Random || self.below(2) == 0
    }

    pub fn bool(&mut self, m: Mode) -> bool {
        match m {
            Mode::Min => false,
            Mode::Max => true,
            Mode::Random => self.below(2) == 1,
        }
    }

    pub fn int(&mut self, m: Mode, lo: i64, hi: i64) -> i64 {
        self.pick(m, lo, hi)
    }

    fn enum_index(&mut self, m: Mode, n: usize) -> usize {
        match m {
            Mode::Min => 0,
            Mode::Max => n - 1,
            Mode::Random => self.below(n as u64) as usize,
        }
    }

    pub fn int_enum(&mut self, m: Mode, values: &[i64]) -> i64 {
        values[self.enum_index(m, values.len())]
    }

    pub fn string_enum(&mut self, m: Mode, values: &[&str]) -> String {
        values[self.enum_index(m, values.len())].to_string()
    }

    /// A multiple of 1/16 in [lo, hi], or a bound when there is none.
    pub fn double(&mut self, m: Mode, lo: f64, hi: f64) -> f64 {
        match m {
            Mode::Min => return lo,
            Mode::Max => return hi,
            Mode::Random => {}
        }
        let limit = (1u64 << 36) as f64;
        let a = (lo * 16.0).ceil().max(-limit);
        let b = (hi * 16.0).floor().min(limit);
        if a > b {
            return if self.below(2) == 0 { lo } else { hi };
        }
        self.between(a as i64, b as i64) as f64 / 16.0
    }

    pub fn string(&mut self, m: Mode, lo: i64, hi: i64) -> String {
        let n = self.pick(m, lo, hi);
        (0..n)
            .map(|_| ALPHABET[self.below(ALPHABET.len() as u64) as usize])
            .collect()
    }

    pub fn bytes(&mut self, m: Mode, lo: i64, hi: i64) -> Vec<u8> {
        let n = self.pick(m, lo, hi);
        (0..n).map(|_| self.below(256) as u8).collect()
    }
}

/// Draws one value of type T.
pub type Generator<T> = Box<dyn Fn(&mut Gen, Mode) -> T>;

/// A generator from a function.
pub fn boxed<T>(f: fn(&mut Gen, Mode) -> T) -> Generator<T>
where
    T: 'static,
{
    Box::new(f)
}

/// Draws `lo` to `hi` elements.
pub fn slice<T: 'static>(lo: i64, hi: i64, element: Generator<T>) -> Generator<Vec<T>> {
    Box::new(move |g, m| {
        let n = g.pick(m, lo, hi);
        (0..n).map(|_| element(g, m)).collect()
    })
}

/// Draws 0 to 2 entries, keys k0, k1.
pub fn map<T: 'static>(value: Generator<T>) -> Generator<Map<T>> {
    Box::new(move |g, m| {
        let n = g.pick(m, 0, 2);
        (0..n).map(|i| (format!("k{i}"), value(g, m))).collect()
    })
}

pub fn bool_gen() -> Generator<bool> {
    Box::new(|g, m| g.bool(m))
}

pub fn int_gen(lo: i64, hi: i64) -> Generator<i64> {
    Box::new(move |g, m| g.int(m, lo, hi))
}

pub fn int_enum_gen(values: &'static [i64]) -> Generator<i64> {
    Box::new(move |g, m| g.int_enum(m, values))
}

pub fn double_gen(lo: f64, hi: f64) -> Generator<f64> {
    Box::new(move |g, m| g.double(m, lo, hi))
}

pub fn string_gen(lo: i64, hi: i64) -> Generator<String> {
    Box::new(move |g, m| g.string(m, lo, hi))
}

pub fn string_enum_gen(values: &'static [&'static str]) -> Generator<String> {
    Box::new(move |g, m| g.string_enum(m, values))
}

pub fn bytes_gen(lo: i64, hi: i64) -> Generator<Vec<u8>> {
    Box::new(move |g, m| g.bytes(m, lo, hi))
}

/// An untyped map entry's value: a string of 0 to 12 code points.
pub fn any_string(g: &mut Gen, m: Mode) -> Value {
    Value::String(g.string(m, 0, 12))
}

// Converters from typed values, by reference.

#[allow(clippy::ptr_arg)]
pub fn string(v: &String) -> Value {
    Value::String(v.clone())
}

pub fn bool(v: &bool) -> Value {
    Value::Bool(*v)
}

pub fn int(v: &i64) -> Value {
    Value::Int(*v)
}

pub fn double(v: &f64) -> Value {
    Value::Double(*v)
}

#[allow(clippy::ptr_arg)]
pub fn bytes(v: &Vec<u8>) -> Value {
    Value::Bytes(v.clone())
}

/// Untyped maps hold Values already.
pub fn same(v: &Value) -> Value {
    v.clone()
}

/// Converts a vector to an array, element by element.
pub fn array_of<T, F: Fn(&T) -> Value>(f: F) -> impl Fn(&Vec<T>) -> Value {
    move |vs| Value::Array(vs.iter().map(&f).collect())
}

/// Converts a map to a key-value list, keys in byte order.
pub fn map_of<T, F: Fn(&T) -> Value>(f: F) -> impl Fn(&Map<T>) -> Value {
    move |m| Value::Map(m.iter().map(|(k, v)| (k.clone(), f(v))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference outputs of splitmix64 for seed 1234567 (docs/spec.md, Fixtures).
    #[test]
    fn splitmix64() {
        let mut g = Gen::new(1234567);
        let got: Vec<u64> = (0..5).map(|_| g.next_u64()).collect();
        assert_eq!(
            got,
            [
                6457827717110365317,
                3203168211198807973,
                9817491932198370423,
                4593380528125082431,
                16408922859458223821
            ]
        );
    }

    #[test]
    fn between_full_range() {
        let mut g = Gen::new(0);
        assert_eq!(
            g.between(i64::MIN, i64::MAX),
            (0xE220_A839_7B1D_CDAFu64 ^ (1 << 63)) as i64
        );
        assert_eq!(g.between(5, 5), 5);
    }
}
