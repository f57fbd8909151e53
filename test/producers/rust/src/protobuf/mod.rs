//! Protobuf binary (docs/spec.md, section "Codec: protobuf binary"), with the
//! prost code generated from the two contracts (src/gen, see scripts/gen-proto.sh).
//!
//! prost writes known fields in field-number order, skips proto3 defaults,
//! writes `optional` and message fields when present and always writes the set
//! member of a oneof: the spec's writer rules, so its bytes equal Go's
//! `proto.Marshal` for the same envelope. On reading it skips unknown fields,
//! which is all a v1 reader here needs (it keeps nothing for re-encoding).

mod convert;

use prost::Message;

use crate::error::{fail, EnvelopeError, ErrorCode, Result};
use crate::limits::Budget;
use crate::model::{Body, Contract, Envelope, Header};

/// Generated from proto/envelope/v1/envelope.proto.
#[allow(clippy::all, missing_docs)]
pub mod v1 {
    include!("../gen/v1/envelope.v1.rs");
}

/// Generated from test/producers/proto-next/envelope/v1/envelope.proto (v1 plus
/// `Header.tenant = 8`, `Header.labels = 9`, `SchemaRef.family = 5`).
#[allow(clippy::all, missing_docs)]
pub mod next {
    include!("../gen/next/envelope.v1.rs");
}

fn decode_error(e: prost::DecodeError, what: &str) -> EnvelopeError {
    let text = e.to_string();
    let code = if text.ends_with("not UTF-8 encoded") {
        ErrorCode::InvalidUtf8
    } else if text.ends_with("buffer underflow") || text.ends_with("delimited length exceeded") {
        ErrorCode::Truncated
    } else {
        ErrorCode::InvalidProtobuf
    };
    EnvelopeError::new(code, format!("{what}: {text}"))
}

fn v1_only(env_has_next: bool) -> Result<()> {
    if env_has_next {
        return fail(
            ErrorCode::InvalidArgument,
            "the v1 contract has no tenant, labels or family: encode with the next-minor contract",
        );
    }
    Ok(())
}

/// The header section: the `Header` message.
pub fn header_to_protobuf(h: &Header, contract: Contract) -> Result<Vec<u8>> {
    Ok(match contract {
        Contract::V1 => {
            v1_only(!h.tenant.is_empty() || !h.labels.is_empty() || !h.schema.family.is_empty())?;
            convert::v1::header_to_pb(h).encode_to_vec()
        }
        Contract::Next => convert::next::header_to_pb(h).encode_to_vec(),
    })
}

/// The body section: the `Body` message.
pub fn body_to_protobuf(b: &Body, contract: Contract) -> Vec<u8> {
    match contract {
        Contract::V1 => convert::v1::body_to_pb(b).encode_to_vec(),
        Contract::Next => convert::next::body_to_pb(b).encode_to_vec(),
    }
}

/// An unframed envelope: the `Envelope` message.
pub fn envelope_to_protobuf(env: &Envelope, contract: Contract) -> Result<Vec<u8>> {
    Ok(match contract {
        Contract::V1 => {
            v1_only(env.has_next_minor_fields())?;
            convert::v1::envelope_to_pb(env).encode_to_vec()
        }
        Contract::Next => convert::next::envelope_to_pb(env).encode_to_vec(),
    })
}

/// Reads a header section.
pub fn header_from_protobuf(
    bytes: &[u8],
    contract: Contract,
    budget: &mut Budget,
) -> Result<Header> {
    match contract {
        Contract::V1 => convert::v1::header_from_pb(
            v1::Header::decode(bytes).map_err(|e| decode_error(e, "header"))?,
            budget,
        ),
        Contract::Next => convert::next::header_from_pb(
            next::Header::decode(bytes).map_err(|e| decode_error(e, "header"))?,
            budget,
        ),
    }
}

/// Reads a body section.
pub fn body_from_protobuf(bytes: &[u8], contract: Contract, budget: &mut Budget) -> Result<Body> {
    match contract {
        Contract::V1 => convert::v1::body_from_pb(
            v1::Body::decode(bytes).map_err(|e| decode_error(e, "body"))?,
            budget,
        ),
        Contract::Next => convert::next::body_from_pb(
            next::Body::decode(bytes).map_err(|e| decode_error(e, "body"))?,
            budget,
        ),
    }
}

/// Reads an unframed envelope; an absent body is an empty body.
pub fn envelope_from_protobuf(
    bytes: &[u8],
    contract: Contract,
    budget: &mut Budget,
) -> Result<Envelope> {
    match contract {
        Contract::V1 => convert::v1::envelope_from_pb(
            v1::Envelope::decode(bytes).map_err(|e| decode_error(e, "envelope"))?,
            budget,
        ),
        Contract::Next => convert::next::envelope_from_pb(
            next::Envelope::decode(bytes).map_err(|e| decode_error(e, "envelope"))?,
            budget,
        ),
    }
}

/// Encodes a prost v1 header as is, without any check: for broken fixtures.
pub fn raw_v1_header(h: &v1::Header) -> Vec<u8> {
    h.encode_to_vec()
}

/// The prost v1 form of a header, to be broken on purpose.
pub fn header_to_v1_pb(h: &Header) -> v1::Header {
    convert::v1::header_to_pb(h)
}
