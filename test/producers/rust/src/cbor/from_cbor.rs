//! The CBOR mapping, reading side (docs/spec.md, section "Codec: CBOR").
//!
//! Strict where the spec is: no tags or simple values in known fields and
//! attribute values, valid UTF-8, no duplicate map keys, no trailing bytes
//! after a section. Definite and indefinite lengths are both read (strings,
//! byte strings, arrays and maps), and an unknown key's value may be any
//! well-formed CBOR, tags and simple values included. Any float width (f16, f32, f64) reads
//! as a double and any integer major type (0/1) as an int64, so both profiles
//! read back to the same envelope. An explicitly written default (`3: 0`,
//! `1: ""`) is accepted. Unknown keys of contract maps are skipped after a
//! well-formedness check; with [`Contract::V1`] that includes the next-minor
//! keys (Header 8 and 9, SchemaRef 5).

use std::collections::HashSet;

use minicbor::data::Type;
use minicbor::Decoder;

use super::float::f16_to_f64;
use crate::error::{fail, EnvelopeError, ErrorCode, Result};
use crate::limits::Budget;
use crate::model::{
    Attributes, Body, Contract, Envelope, Extension, Header, Producer, Resource, SchemaRef, Status,
    TraceContext, Value,
};

/// Deepest nesting the well-formedness check of an unknown value follows
/// (a stack guard; known attribute values are bounded by the depth limit).
const MAX_SKIP_DEPTH: usize = 256;

struct Reader<'b, 'l> {
    d: Decoder<'b>,
    budget: &'l mut Budget,
    contract: Contract,
}

fn is_utf8_error(e: &minicbor::decode::Error) -> bool {
    std::error::Error::source(e).is_some_and(|s| s.is::<std::str::Utf8Error>())
}

fn cbor_error(e: minicbor::decode::Error, at: usize) -> EnvelopeError {
    if e.is_end_of_input() {
        EnvelopeError::new(
            ErrorCode::Truncated,
            format!("CBOR ends inside an item at byte {at}"),
        )
    } else {
        EnvelopeError::new(ErrorCode::InvalidCbor, format!("{e} at byte {at}"))
    }
}

impl<'b> Reader<'b, '_> {
    fn pos(&self) -> usize {
        self.d.position()
    }

    fn datatype(&self) -> Result<Type> {
        self.d.datatype().map_err(|e| cbor_error(e, self.pos()))
    }

    fn invalid<T>(&self, message: impl std::fmt::Display) -> Result<T> {
        fail(
            ErrorCode::InvalidCbor,
            format!("{message} at byte {}", self.pos()),
        )
    }

    /// A known field, or a section, of another CBOR type than the mapping's:
    /// `invalid_value` (docs/spec.md, "What a reader rejects"); a break where
    /// an item should be is not well-formed (`invalid_cbor`).
    fn wrong_type<T>(&self, what: &str, expected: &str, got: Type) -> Result<T> {
        if got == Type::Break {
            return self.invalid(format!("{what}: a break where {expected} should be"));
        }
        fail(
            ErrorCode::InvalidValue,
            format!(
                "{what}: expected {expected}, got {got} (byte {})",
                self.pos()
            ),
        )
    }

    /// The length of a map: `Some(n)`, or `None` when indefinite (it ends at a break).
    fn map_len(&mut self, what: &str) -> Result<Option<u64>> {
        match self.datatype()? {
            Type::Map | Type::MapIndef => {
                let at = self.pos();
                self.d.map().map_err(|e| cbor_error(e, at))
            }
            other => self.wrong_type(what, "a map", other),
        }
    }

    /// The length of an array: `Some(n)`, or `None` when indefinite.
    fn array_len(&mut self, what: &str) -> Result<Option<u64>> {
        match self.datatype()? {
            Type::Array | Type::ArrayIndef => {
                let at = self.pos();
                self.d.array().map_err(|e| cbor_error(e, at))
            }
            other => self.wrong_type(what, "an array", other),
        }
    }

    /// Whether another entry of a map or array follows: counts down a definite
    /// length, or reads the break that ends an indefinite one.
    fn more(&mut self, len: &mut Option<u64>) -> Result<bool> {
        match len {
            Some(0) => Ok(false),
            Some(n) => {
                *n -= 1;
                Ok(true)
            }
            None if self.datatype()? == Type::Break => {
                self.d.set_position(self.pos() + 1);
                Ok(false)
            }
            None => Ok(true),
        }
    }

    /// A key of a contract map: an unsigned integer, not seen before in this map.
    fn field_key(&mut self, seen: &mut HashSet<u64>, what: &str) -> Result<u64> {
        let at = self.pos();
        let key = match self.datatype()? {
            Type::U8 | Type::U16 | Type::U32 | Type::U64 => {
                self.d.u64().map_err(|e| cbor_error(e, at))?
            }
            other => return self.invalid(format!("{what}: expected an integer key, got {other}")),
        };
        if !seen.insert(key) {
            return fail(
                ErrorCode::DuplicateKey,
                format!("{what}: key {key} appears twice (byte {at})"),
            );
        }
        Ok(key)
    }

    /// A text string, definite or indefinite (each chunk a definite text
    /// string, counted as an entry; the limit applies to their sum).
    fn text(&mut self, what: &str) -> Result<String> {
        let at = self.pos();
        match self.datatype()? {
            Type::String | Type::StringIndef => {}
            other => return self.wrong_type(what, "text", other),
        }
        let indefinite = self.datatype()? == Type::StringIndef;
        let mut out = String::new();
        let chunks = self.d.str_iter().map_err(|e| cbor_error(e, at))?;
        for chunk in chunks {
            let chunk = chunk.map_err(|e| {
                if is_utf8_error(&e) {
                    EnvelopeError::new(
                        ErrorCode::InvalidUtf8,
                        format!("{what}: text is not UTF-8 at byte {at}"),
                    )
                } else {
                    cbor_error(e, at)
                }
            })?;
            if indefinite {
                self.budget.count_attribute(&|| what.to_string())?;
            }
            out.push_str(chunk);
            self.budget.string(out.len(), &|| what.to_string())?;
        }
        Ok(out)
    }

    /// A byte string, definite or indefinite (as [`Self::text`]).
    fn bytes(&mut self, what: &str) -> Result<Vec<u8>> {
        let at = self.pos();
        match self.datatype()? {
            Type::Bytes | Type::BytesIndef => {}
            other => return self.wrong_type(what, "bytes", other),
        }
        let indefinite = self.datatype()? == Type::BytesIndef;
        let mut out = Vec::new();
        let chunks = self.d.bytes_iter().map_err(|e| cbor_error(e, at))?;
        for chunk in chunks {
            let chunk = chunk.map_err(|e| cbor_error(e, at))?;
            if indefinite {
                self.budget.count_attribute(&|| what.to_string())?;
            }
            out.extend_from_slice(chunk);
            self.budget.bytes(out.len(), &|| what.to_string())?;
        }
        Ok(out)
    }

    fn uint(&mut self, what: &str, max: u64) -> Result<u64> {
        let at = self.pos();
        match self.datatype()? {
            Type::U8 | Type::U16 | Type::U32 | Type::U64 => {
                let n = self.d.u64().map_err(|e| cbor_error(e, at))?;
                if n > max {
                    return fail(
                        ErrorCode::InvalidValue,
                        format!("{what}: {n} is over {max} (byte {at})"),
                    );
                }
                Ok(n)
            }
            Type::I8 | Type::I16 | Type::I32 | Type::I64 | Type::Int => fail(
                ErrorCode::InvalidValue,
                format!("{what}: negative integer (byte {at})"),
            ),
            other => self.wrong_type(what, "an unsigned integer", other),
        }
    }

    /// Any float width as a double.
    fn float(&mut self) -> Result<f64> {
        let at = self.pos();
        let input = self.d.input();
        if input[at] == 0xf9 {
            // f16 is decoded here: minicbor needs the `half` crate for it.
            let Some(&[hi, lo]) = input.get(at + 1..at + 3) else {
                return fail(
                    ErrorCode::Truncated,
                    format!("CBOR ends inside an f16 at byte {at}"),
                );
            };
            self.d.set_position(at + 3);
            return Ok(f16_to_f64(u16::from_be_bytes([hi, lo])));
        }
        self.d.f64().map_err(|e| cbor_error(e, at))
    }

    /// One attribute value at nesting `depth`.
    fn value(&mut self, depth: usize, path: &str) -> Result<Value> {
        let at = self.pos();
        Ok(match self.datatype()? {
            Type::String | Type::StringIndef => Value::String(self.text(path)?),
            Type::Bytes | Type::BytesIndef => Value::Bytes(self.bytes(path)?),
            Type::Bool => Value::Bool(self.d.bool().map_err(|e| cbor_error(e, at))?),
            Type::U8
            | Type::U16
            | Type::U32
            | Type::U64
            | Type::I8
            | Type::I16
            | Type::I32
            | Type::I64
            | Type::Int => {
                let n = i128::from(self.d.int().map_err(|e| cbor_error(e, at))?);
                match i64::try_from(n) {
                    Ok(n) => Value::Int(n),
                    Err(_) => {
                        return fail(
                            ErrorCode::InvalidValue,
                            format!("{path}: {n} is out of the int64 range (byte {at})"),
                        )
                    }
                }
            }
            Type::F16 | Type::F32 | Type::F64 => Value::Double(self.float()?),
            Type::Array | Type::ArrayIndef => {
                self.budget.enter(depth, &|| path.to_string())?;
                let mut len = self.array_len(path)?;
                let mut items = Vec::new();
                for i in 0u64.. {
                    if !self.more(&mut len)? {
                        break;
                    }
                    let item_path = format!("{path}[{i}]");
                    self.budget.count_attribute(&|| item_path.clone())?;
                    items.push(self.value(depth + 1, &item_path)?);
                }
                Value::Array(items)
            }
            Type::Map | Type::MapIndef => {
                self.budget.enter(depth, &|| path.to_string())?;
                Value::Map(self.attributes(depth + 1, path)?)
            }
            Type::Null | Type::Undefined => {
                return self.invalid(format!(
                "{path}: an attribute value cannot be null or undefined (the contract has no null)"
            ))
            }
            other => return self.invalid(format!("{path}: {other} is not an attribute value")),
        })
    }

    /// An attribute map: text keys, unique.
    fn attributes(&mut self, depth: usize, path: &str) -> Result<Attributes> {
        let mut len = self.map_len(path)?;
        let mut out = Vec::new();
        let mut keys = HashSet::new();
        while self.more(&mut len)? {
            let at = self.pos();
            if !matches!(self.datatype()?, Type::String | Type::StringIndef) {
                return self.invalid(format!("{path}: attribute keys must be text"));
            }
            let key = self.text(path)?;
            let entry_path = format!("{path}[{key:?}]");
            self.budget.count_attribute(&|| entry_path.clone())?;
            if !keys.insert(key.clone()) {
                return fail(
                    ErrorCode::DuplicateKey,
                    format!("{path}: key {key:?} appears twice (byte {at})"),
                );
            }
            let value = self.value(depth, &entry_path)?;
            out.push((key, value));
        }
        Ok(out)
    }

    /// Skips an unknown value after checking that it is well-formed and follows the profile rules.
    fn skip(&mut self, depth: usize) -> Result<()> {
        if depth > MAX_SKIP_DEPTH {
            return self.invalid("unknown value nested too deeply");
        }
        let at = self.pos();
        let e = |e| cbor_error(e, at);
        match self.datatype()? {
            Type::U8
            | Type::U16
            | Type::U32
            | Type::U64
            | Type::I8
            | Type::I16
            | Type::I32
            | Type::I64
            | Type::Int => {
                self.d.int().map_err(e)?;
            }
            Type::F16 | Type::F32 | Type::F64 => {
                self.float()?;
            }
            Type::Bool => {
                self.d.bool().map_err(e)?;
            }
            Type::Null => self.d.null().map_err(e)?,
            Type::Undefined => self.d.undefined().map_err(e)?,
            Type::Bytes | Type::BytesIndef => {
                self.bytes("unknown value")?;
            }
            Type::String | Type::StringIndef => {
                self.text("unknown value")?;
            }
            Type::Array | Type::ArrayIndef => {
                let mut len = self.array_len("unknown value")?;
                while self.more(&mut len)? {
                    self.skip(depth + 1)?;
                }
            }
            Type::Map | Type::MapIndef => {
                let mut len = self.map_len("unknown value")?;
                while self.more(&mut len)? {
                    self.skip(depth + 1)?;
                    self.skip(depth + 1)?;
                }
            }
            // An unknown value is any well-formed CBOR: a tag and its content,
            // a simple value (but a two-byte one below 32 is not well-formed).
            Type::Tag => {
                self.d.tag().map_err(e)?;
                self.skip(depth + 1)?;
            }
            Type::Simple => {
                if self.d.input()[at] == 0xf8 && self.d.input().get(at + 1).is_some_and(|&v| v < 32)
                {
                    return self.invalid("a two-byte simple value below 32 is not well-formed");
                }
                self.d.simple().map_err(e)?;
            }
            other => return self.invalid(format!("{other} is not allowed")),
        }
        Ok(())
    }

    fn header(&mut self) -> Result<Header> {
        let mut h = Header::default();
        let (mut schema, mut producer, mut resource) = (None, None, None);
        let next = self.contract == Contract::Next;
        let mut seen = HashSet::new();
        let mut len = self.map_len("header")?;
        while self.more(&mut len)? {
            match self.field_key(&mut seen, "header")? {
                1 => schema = Some(self.schema()?),
                2 => h.event_id = self.bytes("header.eventId")?,
                3 => h.time_unix_nano = self.uint("header.timeUnixNano", u64::MAX)?,
                4 => {
                    let mut p = Producer::default();
                    let mut seen = HashSet::new();
                    let mut len = self.map_len("header.producer")?;
                    while self.more(&mut len)? {
                        match self.field_key(&mut seen, "header.producer")? {
                            1 => p.language = self.text("header.producer.language")?,
                            2 => p.version = self.text("header.producer.version")?,
                            _ => self.skip(0)?,
                        }
                    }
                    producer = Some(p);
                }
                5 => h.trace = Some(self.trace()?),
                6 => resource = Some(self.resource()?),
                7 => {
                    let mut s = Status::default();
                    let mut seen = HashSet::new();
                    let mut len = self.map_len("header.status")?;
                    while self.more(&mut len)? {
                        match self.field_key(&mut seen, "header.status")? {
                            1 => s.code = self.uint("header.status.code", 0x7fff_ffff)? as u32,
                            2 => s.message = self.text("header.status.message")?,
                            _ => self.skip(0)?,
                        }
                    }
                    h.status = Some(s);
                }
                8 if next => h.tenant = self.text("header.tenant")?,
                9 if next => h.labels = self.attributes(0, "header.labels")?,
                _ => self.skip(0)?,
            }
        }
        h.schema = required(schema, "header.schema")?;
        h.producer = required(producer, "header.producer")?;
        h.resource = required(resource, "header.resource")?;
        Ok(h)
    }

    fn schema(&mut self) -> Result<SchemaRef> {
        let mut s = SchemaRef::default();
        let mut seen = HashSet::new();
        let mut len = self.map_len("header.schema")?;
        while self.more(&mut len)? {
            match self.field_key(&mut seen, "header.schema")? {
                1 => s.r#type = self.text("header.schema.type")?,
                2 => s.subtype = self.text("header.schema.subtype")?,
                3 => s.version = self.text("header.schema.version")?,
                4 => s.url = Some(self.text("header.schema.url")?),
                5 if self.contract == Contract::Next => {
                    s.family = self.text("header.schema.family")?
                }
                _ => self.skip(0)?,
            }
        }
        Ok(s)
    }

    fn trace(&mut self) -> Result<TraceContext> {
        let mut t = TraceContext::default();
        let mut seen = HashSet::new();
        let mut len = self.map_len("header.trace")?;
        while self.more(&mut len)? {
            match self.field_key(&mut seen, "header.trace")? {
                1 => t.trace_id = self.bytes("header.trace.traceId")?,
                2 => t.span_id = self.bytes("header.trace.spanId")?,
                3 => t.parent_span_id = self.bytes("header.trace.parentSpanId")?,
                4 => {
                    t.trace_flags =
                        self.uint("header.trace.traceFlags", u64::from(u32::MAX))? as u32
                }
                5 => t.trace_state = self.text("header.trace.traceState")?,
                _ => self.skip(0)?,
            }
        }
        Ok(t)
    }

    fn resource(&mut self) -> Result<Resource> {
        let mut r = Resource::default();
        let mut seen = HashSet::new();
        let mut len = self.map_len("header.resource")?;
        while self.more(&mut len)? {
            match self.field_key(&mut seen, "header.resource")? {
                1 => r.service_name = self.text("header.resource.serviceName")?,
                2 => r.service_version = Some(self.text("header.resource.serviceVersion")?),
                3 => r.environment = Some(self.text("header.resource.environment")?),
                4 => r.region = Some(self.text("header.resource.region")?),
                5 => r.host = Some(self.text("header.resource.host")?),
                6 => r.attributes = self.attributes(0, "header.resource.attributes")?,
                _ => self.skip(0)?,
            }
        }
        Ok(r)
    }

    fn body(&mut self) -> Result<Body> {
        let mut b = Body::default();
        let mut seen = HashSet::new();
        let mut len = self.map_len("body")?;
        while self.more(&mut len)? {
            match self.field_key(&mut seen, "body")? {
                1 => b.attributes = self.attributes(0, "body.attributes")?,
                2 => {
                    let mut len = self.array_len("body.extensions")?;
                    for i in 0u64.. {
                        if !self.more(&mut len)? {
                            break;
                        }
                        let path = format!("body.extensions[{i}]");
                        let mut ext = Extension::default();
                        let mut seen = HashSet::new();
                        let mut len = self.map_len(&path)?;
                        while self.more(&mut len)? {
                            match self.field_key(&mut seen, &path)? {
                                1 => ext.namespace = self.text(&format!("{path}.namespace"))?,
                                2 => ext.version = self.text(&format!("{path}.version"))?,
                                3 => {
                                    ext.attributes =
                                        self.attributes(0, &format!("{path}.attributes"))?
                                }
                                _ => self.skip(0)?,
                            }
                        }
                        b.extensions.push(ext);
                    }
                }
                _ => self.skip(0)?,
            }
        }
        Ok(b)
    }

    fn end(&self, what: &str) -> Result<()> {
        if self.pos() != self.d.input().len() {
            return fail(
                ErrorCode::TrailingBytes,
                format!(
                    "{} bytes after the {what} at byte {}",
                    self.d.input().len() - self.pos(),
                    self.pos()
                ),
            );
        }
        Ok(())
    }
}

fn required<T>(value: Option<T>, path: &str) -> Result<T> {
    value.ok_or_else(|| EnvelopeError::new(ErrorCode::MissingField, format!("{path} is required")))
}

fn reader<'b, 'l>(
    bytes: &'b [u8],
    contract: Contract,
    budget: &'l mut Budget,
) -> Result<Reader<'b, 'l>> {
    if bytes.is_empty() {
        return fail(ErrorCode::Truncated, "empty CBOR input");
    }
    Ok(Reader {
        d: Decoder::new(bytes),
        budget,
        contract,
    })
}

/// Reads a Header map that fills `bytes` exactly.
pub fn header_from_cbor(bytes: &[u8], contract: Contract, budget: &mut Budget) -> Result<Header> {
    let mut r = reader(bytes, contract, budget)?;
    let h = r.header()?;
    r.end("header")?;
    Ok(h)
}

/// Reads a Body map that fills `bytes` exactly.
pub fn body_from_cbor(bytes: &[u8], contract: Contract, budget: &mut Budget) -> Result<Body> {
    let mut r = reader(bytes, contract, budget)?;
    let b = r.body()?;
    r.end("body")?;
    Ok(b)
}

/// Reads an unframed envelope `{1: Header, 2: Body}`; an absent body is an empty body.
pub fn envelope_from_cbor(
    bytes: &[u8],
    contract: Contract,
    budget: &mut Budget,
) -> Result<Envelope> {
    let mut r = reader(bytes, contract, budget)?;
    let (mut header, mut body) = (None, None);
    let mut seen = HashSet::new();
    let mut len = r.map_len("envelope")?;
    while r.more(&mut len)? {
        match r.field_key(&mut seen, "envelope")? {
            1 => header = Some(r.header()?),
            2 => body = Some(r.body()?),
            _ => r.skip(0)?,
        }
    }
    r.end("envelope")?;
    Ok(Envelope {
        header: required(header, "header")?,
        body: body.unwrap_or_default(),
    })
}
