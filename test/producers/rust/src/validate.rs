//! Semantic validation (docs/spec.md, section "Validation"): required fields,
//! ids, versions, unique keys and the structural limits. Decoders check
//! types while they read; this checks what the contract asks of the values.
//! It returns the first problem, with the spec's error code.

use std::collections::HashSet;

use crate::error::{fail, ErrorCode, Result};
use crate::limits::Limits;
use crate::model::{Attributes, Envelope, Value};

/// `MAJOR.MINOR.PATCH`: three decimal numbers without leading zeros, each < 2^53, nothing else.
pub fn is_semver(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|part| {
            !part.is_empty()
                && part.bytes().all(|b| b.is_ascii_digit())
                && !(part.len() > 1 && part.starts_with('0'))
                && part.parse::<u64>().is_ok_and(|n| n < 1 << 53)
        })
}

/// The longest extension namespace, in bytes.
pub const MAX_NAMESPACE_LENGTH: usize = 255;

/// An extension namespace follows the schema registry's name rule,
/// `^[a-z0-9][a-z0-9_.-]*$`, and is at most 255 bytes.
pub fn is_namespace(text: &str) -> bool {
    let lower_or_digit = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    match text.as_bytes() {
        [first, rest @ ..] => {
            text.len() <= MAX_NAMESPACE_LENGTH
                && lower_or_digit(first)
                && rest
                    .iter()
                    .all(|b| lower_or_digit(b) || matches!(b, b'_' | b'.' | b'-'))
        }
        [] => false,
    }
}

fn non_empty(value: &str, path: &str) -> Result<()> {
    if value.is_empty() {
        return fail(ErrorCode::MissingField, format!("{path} is required"));
    }
    Ok(())
}

fn semver(value: &str, path: &str) -> Result<()> {
    if !is_semver(value) {
        return fail(
            ErrorCode::InvalidSemver,
            format!("{path} {value:?} is not MAJOR.MINOR.PATCH"),
        );
    }
    Ok(())
}

fn id(value: &[u8], len: usize, path: &str) -> Result<()> {
    if value.len() != len {
        return fail(
            ErrorCode::InvalidId,
            format!("{path} must be {len} bytes, got {}", value.len()),
        );
    }
    if value.iter().all(|&b| b == 0) {
        return fail(ErrorCode::InvalidId, format!("{path} must not be all zero"));
    }
    Ok(())
}

/// Checks an envelope against the contract; `Err` carries the first problem.
pub fn validate(envelope: &Envelope, limits: &Limits) -> Result<()> {
    let h = &envelope.header;
    non_empty(&h.schema.r#type, "header.schema.type")?;
    non_empty(&h.schema.subtype, "header.schema.subtype")?;
    semver(&h.schema.version, "header.schema.version")?;
    id(&h.event_id, 16, "header.eventId")?;
    if h.time_unix_nano == 0 {
        return fail(
            ErrorCode::MissingField,
            "header.timeUnixNano is required and must be > 0",
        );
    }
    non_empty(&h.producer.language, "header.producer.language")?;
    non_empty(&h.producer.version, "header.producer.version")?;
    if let Some(trace) = &h.trace {
        id(&trace.trace_id, 16, "header.trace.traceId")?;
        id(&trace.span_id, 8, "header.trace.spanId")?;
        if !trace.parent_span_id.is_empty() {
            id(&trace.parent_span_id, 8, "header.trace.parentSpanId")?;
        }
        if trace.trace_flags > 255 {
            return fail(
                ErrorCode::InvalidValue,
                "header.trace.traceFlags must be 0..255",
            );
        }
    }
    non_empty(&h.resource.service_name, "header.resource.serviceName")?;
    if let Some(status) = &h.status {
        if status.code > 0x7fff_ffff {
            return fail(
                ErrorCode::InvalidValue,
                "header.status.code must be 0..2^31-1",
            );
        }
    }
    let mut count = 0usize;
    attributes(
        &h.resource.attributes,
        "header.resource.attributes",
        0,
        limits,
        &mut count,
    )?;
    attributes(&h.labels, "header.labels", 0, limits, &mut count)?;
    attributes(
        &envelope.body.attributes,
        "body.attributes",
        0,
        limits,
        &mut count,
    )?;
    let mut namespaces = HashSet::new();
    for (i, ext) in envelope.body.extensions.iter().enumerate() {
        let path = format!("body.extensions[{i}]");
        non_empty(&ext.namespace, &format!("{path}.namespace"))?;
        if !is_namespace(&ext.namespace) {
            let shown: String = ext.namespace.chars().take(40).collect();
            return fail(
                ErrorCode::InvalidValue,
                format!(
                    "{path}.namespace {shown:?} is not a name: [a-z0-9][a-z0-9_.-]*, at most {MAX_NAMESPACE_LENGTH} bytes"
                ),
            );
        }
        semver(&ext.version, &format!("{path}.version"))?;
        if !namespaces.insert(ext.namespace.as_str()) {
            return fail(
                ErrorCode::DuplicateKey,
                format!("{path}.namespace {:?} appears twice", ext.namespace),
            );
        }
        attributes(
            &ext.attributes,
            &format!("{path}.attributes"),
            0,
            limits,
            &mut count,
        )?;
    }
    Ok(())
}

fn attributes(
    attrs: &Attributes,
    path: &str,
    depth: usize,
    limits: &Limits,
    count: &mut usize,
) -> Result<()> {
    let mut keys = HashSet::with_capacity(attrs.len());
    for (key, value) in attrs {
        let at = format!("{path}[{key:?}]");
        if !keys.insert(key.as_str()) {
            return fail(
                ErrorCode::DuplicateKey,
                format!("key {key:?} appears twice in {path}"),
            );
        }
        entry(count, limits, &at)?;
        string_len(key.len(), limits, &at)?;
        value_ok(value, &at, depth, limits, count)?;
    }
    Ok(())
}

fn entry(count: &mut usize, limits: &Limits, at: &str) -> Result<()> {
    *count += 1;
    if *count > limits.max_attributes {
        return fail(
            ErrorCode::LimitExceeded,
            format!(
                "more than {} attribute entries at {at}",
                limits.max_attributes
            ),
        );
    }
    Ok(())
}

fn string_len(len: usize, limits: &Limits, at: &str) -> Result<()> {
    if len > limits.max_string_length {
        return fail(
            ErrorCode::LimitExceeded,
            format!("string longer than {} at {at}", limits.max_string_length),
        );
    }
    Ok(())
}

fn value_ok(
    value: &Value,
    path: &str,
    depth: usize,
    limits: &Limits,
    count: &mut usize,
) -> Result<()> {
    match value {
        Value::String(s) => string_len(s.len(), limits, path),
        Value::Bytes(b) if b.len() > limits.max_bytes_length => fail(
            ErrorCode::LimitExceeded,
            format!("bytes longer than {} at {path}", limits.max_bytes_length),
        ),
        Value::Bool(_) | Value::Int(_) | Value::Double(_) | Value::Bytes(_) => Ok(()),
        Value::Array(items) => {
            nested(depth, limits, path)?;
            for (i, item) in items.iter().enumerate() {
                let at = format!("{path}[{i}]");
                entry(count, limits, &at)?;
                value_ok(item, &at, depth + 1, limits, count)?;
            }
            Ok(())
        }
        Value::Map(entries) => {
            nested(depth, limits, path)?;
            attributes(entries, path, depth + 1, limits, count)
        }
    }
}

fn nested(depth: usize, limits: &Limits, path: &str) -> Result<()> {
    if depth + 1 > limits.max_depth {
        return fail(
            ErrorCode::LimitExceeded,
            format!("nested deeper than {} at {path}", limits.max_depth),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_follows_the_registry_name_rule() {
        let longest = "a".repeat(255);
        for ok in ["http", "0", "quota.next", "a_b-c.9", "a..b", "a-", &longest] {
            assert!(is_namespace(ok), "{ok}");
        }
        let too_long = "a".repeat(256);
        for bad in [
            "", "Http", "_http", ".http", "-http", "ht tp", "http/1", "http\n", "é", "\u{a0}x",
            &too_long,
        ] {
            assert!(!is_namespace(bad), "{bad}");
        }
    }

    #[test]
    fn semver_accepts_exactly_major_minor_patch() {
        for ok in ["0.0.0", "1.2.3", "10.20.30", "9007199254740991.0.0"] {
            assert!(is_semver(ok), "{ok}");
        }
        for bad in [
            "",
            "1",
            "1.2",
            "1.2.3.4",
            "01.2.3",
            "1.02.3",
            "1.2.3-rc.1",
            "1.2.3+b",
            "v1.2.3",
            "1..3",
            " 1.2.3",
            "9007199254740992.0.0",
            "1.2.x",
        ] {
            assert!(!is_semver(bad), "{bad}");
        }
    }
}
