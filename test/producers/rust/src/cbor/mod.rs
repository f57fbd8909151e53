//! The CBOR mapping (docs/spec.md, section "Codec: CBOR"), on top of minicbor's
//! low-level encoder and decoder.

pub mod float;
mod from_cbor;
mod to_cbor;

pub use from_cbor::{body_from_cbor, envelope_from_cbor, header_from_cbor};
pub use to_cbor::{
    body_to_cbor, envelope_to_cbor, header_to_cbor, sorted_as_deterministic, value_to_cbor, Profile,
};
