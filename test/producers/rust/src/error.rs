//! The error every decoder returns: a stable code, the same set as the
//! TypeScript SDK's `EnvelopeError` (docs/spec.md, section "Errors"), so that a
//! broken fixture can be checked for the exact code the manifest expects.

use std::fmt;

/// Stable error codes of docs/spec.md, section "Errors".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    Truncated,
    BadMagic,
    UnsupportedVersion,
    UnsupportedCodec,
    UnsupportedCompression,
    TooLarge,
    LimitExceeded,
    InvalidFrame,
    ChecksumMismatch,
    TrailingBytes,
    InvalidId,
    InvalidUtf8,
    InvalidProtobuf,
    InvalidJson,
    InvalidCbor,
    InvalidLz4,
    InvalidValue,
    MissingField,
    InvalidSemver,
    DuplicateKey,
    InvalidArgument,
}

impl ErrorCode {
    /// Every code, for tables and lookups.
    pub const ALL: [ErrorCode; 21] = [
        ErrorCode::Truncated,
        ErrorCode::BadMagic,
        ErrorCode::UnsupportedVersion,
        ErrorCode::UnsupportedCodec,
        ErrorCode::UnsupportedCompression,
        ErrorCode::TooLarge,
        ErrorCode::LimitExceeded,
        ErrorCode::InvalidFrame,
        ErrorCode::ChecksumMismatch,
        ErrorCode::TrailingBytes,
        ErrorCode::InvalidId,
        ErrorCode::InvalidUtf8,
        ErrorCode::InvalidProtobuf,
        ErrorCode::InvalidJson,
        ErrorCode::InvalidCbor,
        ErrorCode::InvalidLz4,
        ErrorCode::InvalidValue,
        ErrorCode::MissingField,
        ErrorCode::InvalidSemver,
        ErrorCode::DuplicateKey,
        ErrorCode::InvalidArgument,
    ];

    /// The code as the spec and the TypeScript SDK spell it, e.g. `invalid_lz4`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Truncated => "truncated",
            ErrorCode::BadMagic => "bad_magic",
            ErrorCode::UnsupportedVersion => "unsupported_version",
            ErrorCode::UnsupportedCodec => "unsupported_codec",
            ErrorCode::UnsupportedCompression => "unsupported_compression",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::LimitExceeded => "limit_exceeded",
            ErrorCode::InvalidFrame => "invalid_frame",
            ErrorCode::ChecksumMismatch => "checksum_mismatch",
            ErrorCode::TrailingBytes => "trailing_bytes",
            ErrorCode::InvalidId => "invalid_id",
            ErrorCode::InvalidUtf8 => "invalid_utf8",
            ErrorCode::InvalidProtobuf => "invalid_protobuf",
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::InvalidCbor => "invalid_cbor",
            ErrorCode::InvalidLz4 => "invalid_lz4",
            ErrorCode::InvalidValue => "invalid_value",
            ErrorCode::MissingField => "missing_field",
            ErrorCode::InvalidSemver => "invalid_semver",
            ErrorCode::DuplicateKey => "duplicate_key",
            ErrorCode::InvalidArgument => "invalid_argument",
        }
    }

    /// The code named `name`, if it is one.
    pub fn parse(name: &str) -> Option<ErrorCode> {
        ErrorCode::ALL
            .into_iter()
            .find(|code| code.as_str() == name)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error with a stable [`ErrorCode`] and a message that says what and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvelopeError {
    pub code: ErrorCode,
    pub message: String,
}

impl EnvelopeError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        EnvelopeError {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for EnvelopeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.code, self.message)
    }
}

impl std::error::Error for EnvelopeError {}

/// Shorthand for the decoders.
pub type Result<T> = std::result::Result<T, EnvelopeError>;

/// `Err(EnvelopeError)` with `code` and a message.
pub fn fail<T>(code: ErrorCode, message: impl Into<String>) -> Result<T> {
    Err(EnvelopeError::new(code, message))
}
