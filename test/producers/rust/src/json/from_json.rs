//! The JSON mapping, reading side (docs/spec.md, section "Codec: JSON").
//! Strict about types, lenient where OTLP/JSON is: int64 also as a JSON number
//! within ±(2^53−1), doubles also as decimal strings, base64 also URL-safe or
//! unpadded, `null` as absent. Unknown keys are skipped (this reader keeps no
//! unknown data; only the TypeScript SDK writes them back).
//!
//! The same code reads test/vectors/cases.json, whose envelopes are written in
//! this mapping.

use serde_json::{Map, Number, Value as Json};

use super::{base64, hex, number};
use crate::error::{fail, EnvelopeError, ErrorCode, Result};
use crate::limits::{Budget, Limits};
use crate::model::{
    Attributes, Body, Contract, Envelope, Extension, Header, Producer, Resource, SchemaRef, Status,
    TraceContext, Value,
};

/// Parses JSON text: `invalid_utf8` when it is not UTF-8 (or a `\u` escape
/// is a lone surrogate), `invalid_json` when it is not JSON, holds an object
/// with two members of the same name or starts with a byte order mark,
/// `limit_exceeded` when it nests deeper than an envelope
/// within `limits` can (see [`max_nesting`]).
pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Json> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        EnvelopeError::new(
            ErrorCode::InvalidUtf8,
            format!("JSON text is not UTF-8: {e}"),
        )
    })?;
    let max = max_nesting(limits);
    if nesting(text) > max {
        return fail(
            ErrorCode::LimitExceeded,
            format!(
                "JSON nested deeper than {max} (attribute values deeper than {})",
                limits.max_depth
            ),
        );
    }
    // serde_json stops at 128 levels, which a depth-32 attribute map exceeds
    // (4 JSON levels per map); the check above bounds the recursion instead.
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    let not_json = |e: serde_json::Error| {
        // serde_json refuses a `\u` escape that is a lone surrogate as it
        // refuses bad JSON; the spec makes it invalid_utf8, as in every codec.
        let code = if has_lone_surrogate(text) {
            ErrorCode::InvalidUtf8
        } else {
            ErrorCode::InvalidJson
        };
        EnvelopeError::new(code, format!("not JSON: {e}"))
    };
    let value = serde::de::DeserializeSeed::deserialize(Strict, &mut de).map_err(not_json)?;
    // Whitespace may follow the value, nothing else.
    de.end().map_err(not_json)?;
    Ok(value)
}

/// Whether a string in `text` holds a `\u` escape of a surrogate that is not
/// half of an escaped pair (`"\ud800"`, `"\udc00"`, `"\ud800\u0041"`).
fn has_lone_surrogate(text: &str) -> bool {
    let b = text.as_bytes();
    let unit = |at: usize| -> Option<u16> {
        let digits = b.get(at..at + 6)?;
        if digits[0] != b'\\' || digits[1] != b'u' {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&digits[2..]).ok()?, 16).ok()
    };
    let (mut i, mut in_string) = (0, false);
    while i < b.len() {
        match b[i] {
            b'"' => in_string = !in_string,
            b'\\' if in_string => {
                match unit(i) {
                    Some(0xD800..=0xDBFF) => match unit(i + 6) {
                        Some(0xDC00..=0xDFFF) => i += 6,
                        _ => return true,
                    },
                    Some(0xDC00..=0xDFFF) => return true,
                    _ => {}
                }
                i += 1; // the escaped character is never a quote that ends the string
            }
            _ => {}
        }
        i += 1;
    }
    false
}

/// Builds a [`Json`] value as serde_json does, but refuses an object with
/// two members of the same name (serde_json's own `Value` keeps the last).
struct Strict;

impl<'de> serde::de::DeserializeSeed<'de> for Strict {
    type Value = Json;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<Json, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Strict {
    type Value = Json;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> std::result::Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E>(self, v: bool) -> std::result::Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<Json, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<Json, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> std::result::Result<Json, E> {
        Number::from_f64(v)
            .map(Json::Number)
            .ok_or_else(|| E::custom("number beyond a double"))
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Json, E> {
        Ok(Json::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> std::result::Result<Json, E> {
        Ok(Json::String(v))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Strict)? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Json, A::Error> {
        let mut members = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            if members.contains_key(&name) {
                return Err(serde::de::Error::custom(format!(
                    "the name {name:?} appears twice in one object"
                )));
            }
            let value = map.next_value_seed(Strict)?;
            members.insert(name, value);
        }
        Ok(Json::Object(members))
    }
}

/// How deep the JSON of a valid envelope can nest: envelope, body, resource,
/// attribute list, key/value, value (6), 4 more per array or map level
/// (`{"kvlistValue":{"values":[{"key":…,"value":{…}}]}}`), and a margin for
/// the wrapper of test/vectors/cases.json.
pub fn max_nesting(limits: &Limits) -> usize {
    6 + 4 * limits.max_depth + 8
}

/// The deepest nesting of arrays and objects in `text`, strings skipped.
fn nesting(text: &str) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

fn type_name(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

fn invalid<T>(path: &str, message: impl std::fmt::Display) -> Result<T> {
    fail(ErrorCode::InvalidJson, format!("{message} at {path}"))
}

fn object<'a>(v: &'a Json, path: &str) -> Result<&'a Map<String, Json>> {
    match v {
        Json::Object(map) => Ok(map),
        other => invalid(
            path,
            format!("expected an object, got {}", type_name(other)),
        ),
    }
}

fn array<'a>(v: &'a Json, path: &str) -> Result<&'a Vec<Json>> {
    match v {
        Json::Array(items) => Ok(items),
        other => invalid(path, format!("expected an array, got {}", type_name(other))),
    }
}

/// The members of an object that are not `null` (`null` reads as absent).
fn members<'a>(v: &'a Json, path: &str) -> Result<impl Iterator<Item = (&'a str, &'a Json)>> {
    Ok(object(v, path)?
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.as_str(), v)))
}

fn string(v: &Json, path: &str, budget: &Budget) -> Result<String> {
    match v {
        Json::String(s) => {
            budget.string(s.len(), &|| path.to_string())?;
            Ok(s.clone())
        }
        other => invalid(path, format!("expected a string, got {}", type_name(other))),
    }
}

fn id(v: &Json, len: usize, path: &str) -> Result<Vec<u8>> {
    match v {
        Json::String(s) => hex::decode_id(s, len, path),
        other => invalid(
            path,
            format!("expected a hex string, got {}", type_name(other)),
        ),
    }
}

const SAFE_INTEGER: f64 = 9_007_199_254_740_991.0; // 2^53 - 1

/// An integer written as a decimal string or as a JSON number within ±(2^53−1), as an i128.
fn integer(v: &Json, path: &str) -> Result<i128> {
    match v {
        Json::String(s) if number::is_decimal_integer(s) => match s.parse::<i128>() {
            Ok(n) => Ok(n),
            Err(_) => fail(ErrorCode::InvalidValue, format!("{s} is out of range at {path}")),
        },
        Json::String(s) => invalid(path, format!("{s:?} is not a decimal integer")),
        Json::Number(n) => safe_integer(n)
            .map(i128::from)
            .map_or_else(|| invalid(path, format!("{n} is not an integer within ±(2^53-1); write large integers as decimal strings")), Ok),
        other => invalid(
            path,
            format!("expected an integer (decimal string or number), got {}", type_name(other)),
        ),
    }
}

fn safe_integer(n: &Number) -> Option<i64> {
    if let Some(i) = n.as_i64() {
        return (i.unsigned_abs() <= SAFE_INTEGER as u64).then_some(i);
    }
    if n.as_u64().is_some() {
        return None; // above i64::MAX, so above 2^53 - 1
    }
    let f = n.as_f64()?;
    (f.fract() == 0.0 && f.abs() <= SAFE_INTEGER).then_some(f as i64)
}

/// An integer field in `0..=max`, in either form [`integer`] reads.
fn small_uint(v: &Json, path: &str, max: u32) -> Result<u32> {
    let n = integer(v, path)?;
    match u32::try_from(n) {
        Ok(n) if n <= max => Ok(n),
        _ => fail(
            ErrorCode::InvalidValue,
            format!("{n} is out of range 0..{max} at {path}"),
        ),
    }
}

/// `status.code`: an integer, or a value name of the proto's `StatusCode`
/// (accepted on read, as the proto3 JSON mapping allows); any other string
/// is `invalid_value`.
fn status_code(v: &Json, path: &str) -> Result<u32> {
    match v {
        Json::String(s) if !number::is_decimal_integer(s) => match s.as_str() {
            "STATUS_CODE_UNSET" => Ok(0),
            "STATUS_CODE_OK" => Ok(1),
            "STATUS_CODE_ERROR" => Ok(2),
            _ => fail(
                ErrorCode::InvalidValue,
                format!("{s:?} is not a StatusCode name at {path}"),
            ),
        },
        _ => small_uint(v, path, 0x7fff_ffff),
    }
}

fn double(v: &Json, path: &str) -> Result<f64> {
    match v {
        Json::Number(n) => match n.as_f64() {
            Some(f) => Ok(f),
            None => invalid(path, format!("{n} is not a double")),
        },
        Json::String(s) => match s.as_str() {
            "NaN" => Ok(f64::NAN),
            "Infinity" => Ok(f64::INFINITY),
            "-Infinity" => Ok(f64::NEG_INFINITY),
            // Rust parses a literal beyond a double as an infinity.
            s if number::is_json_number(s) => match s.parse::<f64>() {
                Ok(f) if f.is_finite() => Ok(f),
                Ok(_) => invalid(path, format!("{s:?} is beyond a double")),
                Err(e) => invalid(path, format!("{s:?}: {e}")),
            },
            s => invalid(
                path,
                format!(
                    "expected a number or \"NaN\", \"Infinity\", \"-Infinity\", \"-0\", got {s:?}"
                ),
            ),
        },
        other => invalid(path, format!("expected a number, got {}", type_name(other))),
    }
}

/// Reads a list of `{ "key", "value" }` objects into an attribute map.
pub fn attributes_from_json(
    v: &Json,
    path: &str,
    budget: &mut Budget,
    depth: usize,
) -> Result<Attributes> {
    let list = array(v, path)?;
    let mut out: Attributes = Vec::with_capacity(list.len());
    let mut keys = std::collections::HashSet::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        let at = format!("{path}[{i}]");
        budget.count_attribute(&|| at.clone())?;
        let kv = object(item, &at)?;
        let key = match kv.get("key") {
            None | Some(Json::Null) => String::new(),
            Some(k) => string(k, &format!("{at}.key"), budget)?,
        };
        if !keys.insert(key.clone()) {
            return fail(
                ErrorCode::DuplicateKey,
                format!("key {key:?} appears twice at {at}"),
            );
        }
        let value = match kv.get("value") {
            None | Some(Json::Null) => {
                return fail(
                    ErrorCode::InvalidValue,
                    format!("attribute has no value at {at}.value"),
                )
            }
            Some(value) => any_value(value, &format!("{at}.value"), budget, depth)?,
        };
        out.push((key, value));
    }
    Ok(out)
}

const ANY_VALUE_KEYS: [&str; 7] = [
    "stringValue",
    "boolValue",
    "intValue",
    "doubleValue",
    "arrayValue",
    "kvlistValue",
    "bytesValue",
];

fn any_value(v: &Json, path: &str, budget: &mut Budget, depth: usize) -> Result<Value> {
    let mut kind: Option<(&str, &Json)> = None;
    for (key, value) in members(v, path)? {
        if ANY_VALUE_KEYS.contains(&key) {
            if let Some((first, _)) = kind {
                return invalid(path, format!("AnyValue has both {first} and {key}"));
            }
            kind = Some((key, value));
        }
    }
    let Some((kind, v)) = kind else {
        // The TypeScript SDK keeps an AnyValue of an unknown kind as an opaque
        // value; this reader has no such value, and no fixture needs one.
        return fail(
            ErrorCode::InvalidValue,
            format!("AnyValue has no known value at {path}"),
        );
    };
    let at = format!("{path}.{kind}");
    Ok(match kind {
        "stringValue" => Value::String(string(v, &at, budget)?),
        "boolValue" => match v {
            Json::Bool(b) => Value::Bool(*b),
            other => return invalid(&at, format!("expected a boolean, got {}", type_name(other))),
        },
        "intValue" => {
            let n = integer(v, &at)?;
            match i64::try_from(n) {
                Ok(n) => Value::Int(n),
                Err(_) => {
                    return fail(
                        ErrorCode::InvalidValue,
                        format!("{n} is out of the int64 range at {at}"),
                    )
                }
            }
        }
        "doubleValue" => Value::Double(double(v, &at)?),
        "bytesValue" => match v {
            Json::String(s) => {
                budget.bytes(s.len() / 4 * 3, &|| at.clone())?;
                Value::Bytes(base64::decode(s, &at)?)
            }
            other => {
                return invalid(
                    &at,
                    format!("expected a base64 string, got {}", type_name(other)),
                )
            }
        },
        _ => {
            budget.enter(depth, &|| at.clone())?;
            let values = object(v, &at)?.get("values").filter(|v| !v.is_null());
            let values_at = format!("{at}.values");
            if kind == "arrayValue" {
                let Some(values) = values else {
                    return Ok(Value::Array(Vec::new()));
                };
                let list = array(values, &values_at)?;
                let mut items = Vec::with_capacity(list.len());
                for (i, item) in list.iter().enumerate() {
                    let item_at = format!("{values_at}[{i}]");
                    budget.count_attribute(&|| item_at.clone())?;
                    items.push(any_value(item, &item_at, budget, depth + 1)?);
                }
                Value::Array(items)
            } else {
                match values {
                    None => Value::Map(Vec::new()),
                    Some(values) => {
                        Value::Map(attributes_from_json(values, &values_at, budget, depth + 1)?)
                    }
                }
            }
        }
    })
}

/// Reads the header object. With [`Contract::V1`] the next-minor keys are unknown and skipped.
pub fn header_from_json(
    v: &Json,
    contract: Contract,
    budget: &mut Budget,
    path: &str,
) -> Result<Header> {
    let mut h = Header::default();
    let (mut schema, mut producer, mut resource) = (None, None, None);
    let next = contract == Contract::Next;
    for (key, v) in members(v, path)? {
        let at = format!("{path}.{key}");
        match key {
            "schema" => schema = Some(schema_from_json(v, contract, budget, &at)?),
            "eventId" => h.event_id = id(v, 16, &at)?,
            "timeUnixNano" => {
                let n = integer(v, &at)?;
                h.time_unix_nano = u64::try_from(n).map_err(|_| {
                    EnvelopeError::new(
                        ErrorCode::InvalidValue,
                        format!("{n} is out of the fixed64 range at {at}"),
                    )
                })?;
            }
            "producer" => {
                let mut p = Producer::default();
                for (k, pv) in members(v, &at)? {
                    match k {
                        "language" => p.language = string(pv, &format!("{at}.{k}"), budget)?,
                        "version" => p.version = string(pv, &format!("{at}.{k}"), budget)?,
                        _ => {}
                    }
                }
                producer = Some(p);
            }
            "trace" => h.trace = Some(trace_from_json(v, budget, &at)?),
            "resource" => resource = Some(resource_from_json(v, budget, &at)?),
            "status" => {
                let mut s = Status::default();
                for (k, sv) in members(v, &at)? {
                    match k {
                        "code" => s.code = status_code(sv, &format!("{at}.code"))?,
                        "message" => s.message = string(sv, &format!("{at}.message"), budget)?,
                        _ => {}
                    }
                }
                h.status = Some(s);
            }
            "tenant" if next => h.tenant = string(v, &at, budget)?,
            "labels" if next => h.labels = attributes_from_json(v, &at, budget, 0)?,
            _ => {}
        }
    }
    h.schema = required(schema, path, "schema")?;
    h.producer = required(producer, path, "producer")?;
    h.resource = required(resource, path, "resource")?;
    Ok(h)
}

fn required<T>(value: Option<T>, path: &str, key: &str) -> Result<T> {
    value.ok_or_else(|| {
        EnvelopeError::new(ErrorCode::MissingField, format!("{path}.{key} is required"))
    })
}

fn schema_from_json(
    v: &Json,
    contract: Contract,
    budget: &Budget,
    path: &str,
) -> Result<SchemaRef> {
    let mut s = SchemaRef::default();
    for (key, v) in members(v, path)? {
        let at = format!("{path}.{key}");
        match key {
            "type" => s.r#type = string(v, &at, budget)?,
            "subtype" => s.subtype = string(v, &at, budget)?,
            "version" => s.version = string(v, &at, budget)?,
            "url" => s.url = Some(string(v, &at, budget)?),
            "family" if contract == Contract::Next => s.family = string(v, &at, budget)?,
            _ => {}
        }
    }
    Ok(s)
}

fn trace_from_json(v: &Json, budget: &Budget, path: &str) -> Result<TraceContext> {
    let mut t = TraceContext::default();
    for (key, v) in members(v, path)? {
        let at = format!("{path}.{key}");
        match key {
            "traceId" => t.trace_id = id(v, 16, &at)?,
            "spanId" => t.span_id = id(v, 8, &at)?,
            // An empty parentSpanId is a root span, as when the key is absent.
            "parentSpanId" if v.as_str() == Some("") => {}
            "parentSpanId" => t.parent_span_id = id(v, 8, &at)?,
            "traceFlags" => t.trace_flags = small_uint(v, &at, u32::MAX)?,
            "traceState" => t.trace_state = string(v, &at, budget)?,
            _ => {}
        }
    }
    Ok(t)
}

fn resource_from_json(v: &Json, budget: &mut Budget, path: &str) -> Result<Resource> {
    let mut r = Resource::default();
    for (key, v) in members(v, path)? {
        let at = format!("{path}.{key}");
        match key {
            "serviceName" => r.service_name = string(v, &at, budget)?,
            "serviceVersion" => r.service_version = Some(string(v, &at, budget)?),
            "environment" => r.environment = Some(string(v, &at, budget)?),
            "region" => r.region = Some(string(v, &at, budget)?),
            "host" => r.host = Some(string(v, &at, budget)?),
            "attributes" => r.attributes = attributes_from_json(v, &at, budget, 0)?,
            _ => {}
        }
    }
    Ok(r)
}

/// Reads the body object.
pub fn body_from_json(v: &Json, budget: &mut Budget, path: &str) -> Result<Body> {
    let mut b = Body::default();
    for (key, v) in members(v, path)? {
        let at = format!("{path}.{key}");
        match key {
            "attributes" => b.attributes = attributes_from_json(v, &at, budget, 0)?,
            "extensions" => {
                for (i, item) in array(v, &at)?.iter().enumerate() {
                    let item_at = format!("{at}[{i}]");
                    let mut ext = Extension::default();
                    for (k, ev) in members(item, &item_at)? {
                        let field_at = format!("{item_at}.{k}");
                        match k {
                            "namespace" => ext.namespace = string(ev, &field_at, budget)?,
                            "version" => ext.version = string(ev, &field_at, budget)?,
                            "attributes" => {
                                ext.attributes = attributes_from_json(ev, &field_at, budget, 0)?
                            }
                            _ => {}
                        }
                    }
                    b.extensions.push(ext);
                }
            }
            _ => {}
        }
    }
    Ok(b)
}

/// Reads an unframed envelope object `{"header": …, "body": …}`; an absent body is an empty body.
pub fn envelope_from_json(v: &Json, contract: Contract, budget: &mut Budget) -> Result<Envelope> {
    let obj = object(v, "envelope")?;
    let header = match obj.get("header").filter(|h| !h.is_null()) {
        Some(h) => header_from_json(h, contract, budget, "header")?,
        None => return fail(ErrorCode::MissingField, "envelope has no header"),
    };
    let body = match obj.get("body").filter(|b| !b.is_null()) {
        Some(b) => body_from_json(b, budget, "body")?,
        None => Body::default(),
    };
    Ok(Envelope { header, body })
}
