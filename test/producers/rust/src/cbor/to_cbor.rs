//! The CBOR mapping, writing side (docs/spec.md, section "Codec: CBOR").
//!
//! Contract messages are maps keyed by the protobuf field numbers, written
//! exactly when protobuf would write the field:
//!
//! | map          | key: value                                                                 |
//! |--------------|----------------------------------------------------------------------------|
//! | Header       | 1 SchemaRef, 2 event_id bytes, 3 time uint, 4 Producer, 5 TraceContext, 6 Resource, 7 Status, (next: 8 tenant text, 9 labels attribute map) |
//! | SchemaRef    | 1 type, 2 subtype, 3 version, 4 url (text, written when present), (next: 5 family) |
//! | Producer     | 1 language, 2 version                                                      |
//! | TraceContext | 1 trace_id bytes, 2 span_id bytes, 3 parent_span_id bytes, 4 flags uint, 5 trace_state text |
//! | Resource     | 1 service_name, 2..5 optional texts (written when present), 6 attribute map |
//! | Status       | 1 code uint, 2 message text                                                |
//! | Body         | 1 attribute map, 2 array of Extension                                       |
//! | Extension    | 1 namespace, 2 version, 3 attribute map                                     |
//! | unframed     | 1 Header, 2 Body                                                            |
//!
//! An attribute map is a native CBOR map: text keys, natively typed values
//! (int64 as major 0/1, double as a float, bytes as a byte string, array, map).
//! Definite lengths only, no tags. The default profile keeps insertion order
//! and writes every double as f64; the deterministic profile (RFC 8949
//! §4.2.1) sorts every map by the bytes of its encoded keys and writes floats
//! in the shortest exact form.

use std::convert::Infallible;

use minicbor::encode::Error;
use minicbor::Encoder;

use super::float;
use crate::model::{canonical_nan, Attributes, Body, Envelope, Header, Value};

/// Which CBOR encoding to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// Insertion / field-number order, doubles always f64.
    Default,
    /// RFC 8949 §4.2.1 core deterministic encoding, shortest exact floats.
    Deterministic,
}

type Enc = Encoder<Vec<u8>>;

/// Runs `f` on a fresh encoder and returns the bytes it wrote.
fn encoded(f: impl FnOnce(&mut Enc) -> Result<&mut Enc, Error<Infallible>>) -> Vec<u8> {
    let mut e = Encoder::new(Vec::new());
    f(&mut e).expect("writing CBOR into a Vec cannot fail");
    e.into_writer()
}

/// One map entry, key and value already encoded.
type Entry = (Vec<u8>, Vec<u8>);

struct Writer {
    profile: Profile,
}

impl Writer {
    /// A map from encoded entries: sorted by encoded key in the deterministic
    /// profile, as given otherwise (field-number order for contract maps).
    fn map(&self, mut entries: Vec<Entry>) -> Vec<u8> {
        if self.profile == Profile::Deterministic {
            entries.sort_by(|a, b| a.0.cmp(&b.0));
        }
        let mut out = encoded(|e| e.map(entries.len() as u64));
        for (k, v) in entries {
            out.extend_from_slice(&k);
            out.extend_from_slice(&v);
        }
        out
    }

    fn double(&self, v: f64) -> Vec<u8> {
        match self.profile {
            Profile::Default => encoded(|e| e.f64(canonical_nan(v))),
            Profile::Deterministic => float::shortest(v),
        }
    }

    fn value(&self, value: &Value) -> Vec<u8> {
        match value {
            Value::String(s) => text(s),
            Value::Bool(b) => encoded(|e| e.bool(*b)),
            Value::Int(n) => encoded(|e| e.i64(*n)),
            Value::Double(v) => self.double(*v),
            Value::Bytes(b) => encoded(|e| e.bytes(b)),
            Value::Array(items) => {
                let mut out = encoded(|e| e.array(items.len() as u64));
                for item in items {
                    out.extend_from_slice(&self.value(item));
                }
                out
            }
            Value::Map(entries) => self.attributes(entries),
        }
    }

    fn attributes(&self, attrs: &Attributes) -> Vec<u8> {
        self.map(
            attrs
                .iter()
                .map(|(k, v)| (text(k), self.value(v)))
                .collect(),
        )
    }

    fn header(&self, h: &Header) -> Vec<u8> {
        let mut m = Fields::default();
        {
            let s = &h.schema;
            let mut schema = Fields::default();
            schema.text(1, &s.r#type);
            schema.text(2, &s.subtype);
            schema.text(3, &s.version);
            schema.optional_text(4, &s.url);
            schema.text(5, &s.family);
            m.put(1, self.map(schema.0));
        }
        m.bytes(2, &h.event_id);
        m.uint(3, h.time_unix_nano);
        {
            let mut producer = Fields::default();
            producer.text(1, &h.producer.language);
            producer.text(2, &h.producer.version);
            m.put(4, self.map(producer.0));
        }
        if let Some(t) = &h.trace {
            let mut trace = Fields::default();
            trace.bytes(1, &t.trace_id);
            trace.bytes(2, &t.span_id);
            trace.bytes(3, &t.parent_span_id);
            trace.uint(4, u64::from(t.trace_flags));
            trace.text(5, &t.trace_state);
            m.put(5, self.map(trace.0));
        }
        {
            let r = &h.resource;
            let mut resource = Fields::default();
            resource.text(1, &r.service_name);
            resource.optional_text(2, &r.service_version);
            resource.optional_text(3, &r.environment);
            resource.optional_text(4, &r.region);
            resource.optional_text(5, &r.host);
            if !r.attributes.is_empty() {
                resource.put(6, self.attributes(&r.attributes));
            }
            m.put(6, self.map(resource.0));
        }
        if let Some(s) = &h.status {
            let mut status = Fields::default();
            status.uint(1, u64::from(s.code));
            status.text(2, &s.message);
            m.put(7, self.map(status.0));
        }
        m.text(8, &h.tenant);
        if !h.labels.is_empty() {
            m.put(9, self.attributes(&h.labels));
        }
        self.map(m.0)
    }

    fn body(&self, b: &Body) -> Vec<u8> {
        let mut m = Fields::default();
        if !b.attributes.is_empty() {
            m.put(1, self.attributes(&b.attributes));
        }
        if !b.extensions.is_empty() {
            let mut out = encoded(|e| e.array(b.extensions.len() as u64));
            for ext in &b.extensions {
                let mut x = Fields::default();
                x.text(1, &ext.namespace);
                x.text(2, &ext.version);
                if !ext.attributes.is_empty() {
                    x.put(3, self.attributes(&ext.attributes));
                }
                out.extend_from_slice(&self.map(x.0));
            }
            m.put(2, out);
        }
        self.map(m.0)
    }
}

fn text(s: &str) -> Vec<u8> {
    encoded(|e| e.str(s))
}

/// The entries of a contract map, added in field-number order; proto3
/// defaults are skipped here so that each call site reads like the table above.
#[derive(Default)]
struct Fields(Vec<Entry>);

impl Fields {
    fn put(&mut self, field: u64, value: Vec<u8>) {
        self.0.push((encoded(|e| e.u64(field)), value));
    }
    fn text(&mut self, field: u64, s: &str) {
        if !s.is_empty() {
            self.put(field, text(s));
        }
    }
    fn optional_text(&mut self, field: u64, s: &Option<String>) {
        if let Some(s) = s {
            self.put(field, text(s));
        }
    }
    fn bytes(&mut self, field: u64, b: &[u8]) {
        if !b.is_empty() {
            self.put(field, encoded(|e| e.bytes(b)));
        }
    }
    fn uint(&mut self, field: u64, n: u64) {
        if n != 0 {
            self.put(field, encoded(|e| e.u64(n)));
        }
    }
}

/// The Header map (the header section of a CBOR frame).
pub fn header_to_cbor(h: &Header, profile: Profile) -> Vec<u8> {
    Writer { profile }.header(h)
}

/// The Body map (the body section of a CBOR frame).
pub fn body_to_cbor(b: &Body, profile: Profile) -> Vec<u8> {
    Writer { profile }.body(b)
}

/// An unframed envelope: `{1: Header, 2: Body}`.
pub fn envelope_to_cbor(env: &Envelope, profile: Profile) -> Vec<u8> {
    let w = Writer { profile };
    let mut m = Fields::default();
    m.put(1, w.header(&env.header));
    m.put(2, w.body(&env.body));
    w.map(m.0)
}

/// The envelope as the deterministic profile reads back: every attribute map
/// (nested ones included) sorted by the bytes of its encoded keys, as RFC 8949
/// §4.2.1 orders them. Insertion order is the one thing that profile does not keep.
pub fn sorted_as_deterministic(env: &Envelope) -> Envelope {
    fn sort(attrs: &mut Attributes) {
        attrs.sort_by_cached_key(|(k, _)| text(k));
        for (_, v) in attrs.iter_mut() {
            sort_value(v);
        }
    }
    fn sort_value(v: &mut Value) {
        match v {
            Value::Array(items) => items.iter_mut().for_each(sort_value),
            Value::Map(entries) => sort(entries),
            _ => {}
        }
    }
    let mut out = env.clone();
    sort(&mut out.header.resource.attributes);
    sort(&mut out.header.labels);
    sort(&mut out.body.attributes);
    for ext in &mut out.body.extensions {
        sort(&mut ext.attributes);
    }
    out
}

/// One attribute value alone, for tests and diagnostics.
pub fn value_to_cbor(value: &Value, profile: Profile) -> Vec<u8> {
    Writer { profile }.value(value)
}
