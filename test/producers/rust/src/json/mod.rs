//! The JSON mapping (docs/spec.md, section "Codec: JSON"), written and read by hand.

pub mod base64;
mod from_json;
pub mod hex;
pub mod number;
mod to_json;

pub use from_json::{
    attributes_from_json, body_from_json, envelope_from_json, header_from_json, parse,
};
pub use to_json::{body_to_json, double_to_json, envelope_to_json, header_to_json, write_string};
