//! Encoding an envelope into a frame and decoding a frame back, for every
//! fixture variant (docs/spec.md, sections "Frame" and the codec sections).

use crate::cbor::{self, Profile};
use crate::compress::compress_lz4;
use crate::decompress::decompress_lz4;
use crate::error::{fail, ErrorCode, Result};
use crate::json;
use crate::limits::{Budget, Limits};
use crate::model::{Contract, Envelope};
use crate::protobuf;
use crate::validate::validate;
use crate::wire::frame::{read_frame, write_frame, Codec, Compression};

/// A fixture variant: a codec and, for CBOR, a profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    Protobuf,
    Json,
    Cbor,
    CborDet,
}

impl Variant {
    /// Every variant, in file-name order of the fixture matrix.
    pub const ALL: [Variant; 4] = [
        Variant::Protobuf,
        Variant::Json,
        Variant::Cbor,
        Variant::CborDet,
    ];

    /// The name in fixture file names: `protobuf`, `json`, `cbor`, `cbor-det`.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Protobuf => "protobuf",
            Variant::Json => "json",
            Variant::Cbor => "cbor",
            Variant::CborDet => "cbor-det",
        }
    }

    pub fn codec(self) -> Codec {
        match self {
            Variant::Protobuf => Codec::Protobuf,
            Variant::Json => Codec::Json,
            Variant::Cbor | Variant::CborDet => Codec::Cbor,
        }
    }

    /// `default` or `deterministic`, as manifests write it.
    pub fn profile(self) -> &'static str {
        match self {
            Variant::CborDet => "deterministic",
            _ => "default",
        }
    }

    /// The variant a manifest entry names.
    pub fn from_manifest(codec: &str, profile: &str) -> Option<Variant> {
        match (codec, profile) {
            ("protobuf", "default") => Some(Variant::Protobuf),
            ("json", "default") => Some(Variant::Json),
            ("cbor", "default") => Some(Variant::Cbor),
            ("cbor", "deterministic") => Some(Variant::CborDet),
            _ => None,
        }
    }

    /// True when every correct writer produces the same bytes (protobuf, deterministic CBOR).
    pub fn is_deterministic(self) -> bool {
        matches!(self, Variant::Protobuf | Variant::CborDet)
    }
}

/// The header and body sections of an envelope, before compression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sections {
    pub header: Vec<u8>,
    pub body: Vec<u8>,
}

/// Encodes the two sections. The envelope must be valid; with
/// [`Contract::V1`] it must not use the next-minor fields.
pub fn encode_sections(env: &Envelope, variant: Variant, contract: Contract) -> Result<Sections> {
    validate(env, &Limits::default())?;
    if contract == Contract::V1 && env.has_next_minor_fields() {
        return fail(
            ErrorCode::InvalidArgument,
            "the v1 contract has no tenant, labels or family: encode with the next-minor contract",
        );
    }
    Ok(match variant {
        Variant::Protobuf => Sections {
            header: protobuf::header_to_protobuf(&env.header, contract)?,
            body: protobuf::body_to_protobuf(&env.body, contract),
        },
        Variant::Json => Sections {
            header: json::header_to_json(&env.header).into_bytes(),
            body: json::body_to_json(&env.body).into_bytes(),
        },
        Variant::Cbor | Variant::CborDet => {
            let profile = if variant == Variant::CborDet {
                Profile::Deterministic
            } else {
                Profile::Default
            };
            Sections {
                header: cbor::header_to_cbor(&env.header, profile),
                body: cbor::body_to_cbor(&env.body, profile),
            }
        }
    })
}

/// Puts encoded sections into a frame, compressing the body when asked.
pub fn frame_sections(
    sections: &Sections,
    variant: Variant,
    compression: Compression,
    checksum: bool,
) -> Vec<u8> {
    let stored = match compression {
        Compression::None => sections.body.clone(),
        Compression::Lz4 => compress_lz4(&sections.body),
    };
    write_frame(
        variant.codec() as u8,
        compression as u8,
        &sections.header,
        &stored,
        sections.body.len(),
        checksum,
    )
}

/// Encodes an envelope into one frame.
pub fn encode_frame(
    env: &Envelope,
    variant: Variant,
    compression: Compression,
    contract: Contract,
    checksum: bool,
) -> Result<Vec<u8>> {
    let sections = encode_sections(env, variant, contract)?;
    Ok(frame_sections(&sections, variant, compression, checksum))
}

/// A decoded frame: the envelope and what the frame said.
#[derive(Clone, Debug)]
pub struct Decoded {
    pub envelope: Envelope,
    pub codec: Codec,
    pub compression: Compression,
    pub checksum: bool,
    /// The sections as encoded by the producer (the body after decompression).
    pub sections: Sections,
}

/// Decodes exactly one framed envelope and validates it.
pub fn decode_frame(bytes: &[u8], contract: Contract, limits: &Limits) -> Result<Decoded> {
    let frame = read_frame(bytes, limits)?;
    if frame.len != bytes.len() {
        return fail(
            ErrorCode::TrailingBytes,
            format!("{} bytes after the frame", bytes.len() - frame.len),
        );
    }
    let body = match frame.compression {
        Compression::None => frame.body.to_vec(),
        Compression::Lz4 => decompress_lz4(frame.body, frame.body_raw_len, limits)?,
    };
    let mut budget = Budget::new(*limits);
    let envelope = match frame.codec {
        Codec::Protobuf => Envelope {
            header: protobuf::header_from_protobuf(frame.header, contract, &mut budget)?,
            body: protobuf::body_from_protobuf(&body, contract, &mut budget)?,
        },
        Codec::Json => Envelope {
            header: json::header_from_json(
                &json::parse(frame.header, limits)?,
                contract,
                &mut budget,
                "header",
            )?,
            body: json::body_from_json(&json::parse(&body, limits)?, &mut budget, "body")?,
        },
        Codec::Cbor => Envelope {
            header: cbor::header_from_cbor(frame.header, contract, &mut budget)?,
            body: cbor::body_from_cbor(&body, contract, &mut budget)?,
        },
    };
    validate(&envelope, limits)?;
    Ok(Decoded {
        envelope,
        codec: frame.codec,
        compression: frame.compression,
        checksum: frame.checksum,
        sections: Sections {
            header: frame.header.to_vec(),
            body,
        },
    })
}
