//! The JSON mapping, writing side (docs/spec.md, section "Codec: JSON"):
//! compact UTF-8, keys in field-number order, proto3 defaults omitted,
//! `optional` fields written whenever present, ids as lowercase hex, int64 and
//! fixed64 as decimal strings, `bytesValue` as padded standard base64, and
//! NaN/±Infinity/−0 as strings.
//!
//! | object       | keys, in the order written                                               |
//! |--------------|--------------------------------------------------------------------------|
//! | Header       | schema, eventId, timeUnixNano, producer, trace, resource, status, (next: tenant, labels) |
//! | SchemaRef    | type, subtype, version, url, (next: family)                              |
//! | Producer     | language, version                                                        |
//! | TraceContext | traceId, spanId, parentSpanId, traceFlags, traceState                    |
//! | Resource     | serviceName, serviceVersion, environment, region, host, attributes       |
//! | Status       | code, message                                                            |
//! | Body         | attributes, extensions                                                   |
//! | Extension    | namespace, version, attributes                                           |
//! | KeyValue     | key (omitted when empty, a proto3 default), value (always)                |

use super::{base64, hex, number::es_number};
use crate::model::{Attributes, Body, Envelope, Header, Value};

/// A JSON string literal, escaped as `JSON.stringify` escapes it.
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < '\u{20}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Writes `{"k":v,...}`: each member is written by a closure, commas in between.
struct Object<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Object<'a> {
    fn new(out: &'a mut String) -> Self {
        out.push('{');
        Object { out, first: true }
    }

    fn key(&mut self, key: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        write_string(self.out, key);
        self.out.push(':');
        self.out
    }

    fn string(&mut self, key: &str, value: &str) {
        let out = self.key(key);
        write_string(out, value);
    }

    fn raw(&mut self, key: &str, value: &str) {
        self.key(key).push_str(value);
    }

    fn end(self) {
        self.out.push('}');
    }
}

/// The header object of the JSON mapping.
pub fn header_to_json(h: &Header) -> String {
    let mut out = String::with_capacity(256);
    write_header(&mut out, h);
    out
}

/// The body object of the JSON mapping.
pub fn body_to_json(b: &Body) -> String {
    let mut out = String::with_capacity(256);
    write_body(&mut out, b);
    out
}

/// An unframed envelope: `{"header":{…},"body":{…}}`.
pub fn envelope_to_json(e: &Envelope) -> String {
    let mut out = String::with_capacity(512);
    let mut obj = Object::new(&mut out);
    write_header(obj.key("header"), &e.header);
    write_body(obj.key("body"), &e.body);
    obj.end();
    out
}

fn write_header(out: &mut String, h: &Header) {
    let mut obj = Object::new(out);
    {
        let s = &h.schema;
        let mut schema = Object::new(obj.key("schema"));
        if !s.r#type.is_empty() {
            schema.string("type", &s.r#type);
        }
        if !s.subtype.is_empty() {
            schema.string("subtype", &s.subtype);
        }
        if !s.version.is_empty() {
            schema.string("version", &s.version);
        }
        if let Some(url) = &s.url {
            schema.string("url", url);
        }
        if !s.family.is_empty() {
            schema.string("family", &s.family);
        }
        schema.end();
    }
    if !h.event_id.is_empty() {
        obj.string("eventId", &hex::encode(&h.event_id));
    }
    if h.time_unix_nano != 0 {
        obj.string("timeUnixNano", &h.time_unix_nano.to_string());
    }
    {
        let p = &h.producer;
        let mut producer = Object::new(obj.key("producer"));
        if !p.language.is_empty() {
            producer.string("language", &p.language);
        }
        if !p.version.is_empty() {
            producer.string("version", &p.version);
        }
        producer.end();
    }
    if let Some(t) = &h.trace {
        let mut trace = Object::new(obj.key("trace"));
        if !t.trace_id.is_empty() {
            trace.string("traceId", &hex::encode(&t.trace_id));
        }
        if !t.span_id.is_empty() {
            trace.string("spanId", &hex::encode(&t.span_id));
        }
        if !t.parent_span_id.is_empty() {
            trace.string("parentSpanId", &hex::encode(&t.parent_span_id));
        }
        if t.trace_flags != 0 {
            trace.raw("traceFlags", &t.trace_flags.to_string());
        }
        if !t.trace_state.is_empty() {
            trace.string("traceState", &t.trace_state);
        }
        trace.end();
    }
    {
        let r = &h.resource;
        let mut resource = Object::new(obj.key("resource"));
        if !r.service_name.is_empty() {
            resource.string("serviceName", &r.service_name);
        }
        for (key, value) in [
            ("serviceVersion", &r.service_version),
            ("environment", &r.environment),
            ("region", &r.region),
            ("host", &r.host),
        ] {
            if let Some(value) = value {
                resource.string(key, value);
            }
        }
        if !r.attributes.is_empty() {
            write_attributes(resource.key("attributes"), &r.attributes);
        }
        resource.end();
    }
    if let Some(s) = &h.status {
        let mut status = Object::new(obj.key("status"));
        if s.code != 0 {
            status.raw("code", &s.code.to_string());
        }
        if !s.message.is_empty() {
            status.string("message", &s.message);
        }
        status.end();
    }
    if !h.tenant.is_empty() {
        obj.string("tenant", &h.tenant);
    }
    if !h.labels.is_empty() {
        write_attributes(obj.key("labels"), &h.labels);
    }
    obj.end();
}

fn write_body(out: &mut String, b: &Body) {
    let mut obj = Object::new(out);
    if !b.attributes.is_empty() {
        write_attributes(obj.key("attributes"), &b.attributes);
    }
    if !b.extensions.is_empty() {
        let out = obj.key("extensions");
        out.push('[');
        for (i, ext) in b.extensions.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let mut e = Object::new(out);
            if !ext.namespace.is_empty() {
                e.string("namespace", &ext.namespace);
            }
            if !ext.version.is_empty() {
                e.string("version", &ext.version);
            }
            if !ext.attributes.is_empty() {
                write_attributes(e.key("attributes"), &ext.attributes);
            }
            e.end();
        }
        out.push(']');
    }
    obj.end();
}

fn write_attributes(out: &mut String, attrs: &Attributes) {
    out.push('[');
    for (i, (key, value)) in attrs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let mut kv = Object::new(out);
        if !key.is_empty() {
            kv.string("key", key);
        }
        write_value(kv.key("value"), value);
        kv.end();
    }
    out.push(']');
}

/// The JSON text of a double: a number, or `"NaN"`, `"Infinity"`, `"-Infinity"`, `"-0"`.
pub fn double_to_json(v: f64) -> String {
    if v.is_nan() {
        "\"NaN\"".to_string()
    } else if v.is_infinite() {
        if v > 0.0 {
            "\"Infinity\""
        } else {
            "\"-Infinity\""
        }
        .to_string()
    } else if v == 0.0 && v.is_sign_negative() {
        "\"-0\"".to_string()
    } else {
        es_number(v)
    }
}

fn write_value(out: &mut String, value: &Value) {
    let mut obj = Object::new(out);
    match value {
        Value::String(s) => obj.string("stringValue", s),
        Value::Bool(b) => obj.raw("boolValue", if *b { "true" } else { "false" }),
        Value::Int(n) => obj.string("intValue", &n.to_string()),
        Value::Double(v) => obj.raw("doubleValue", &double_to_json(*v)),
        Value::Bytes(b) => obj.string("bytesValue", &base64::encode(b)),
        // An empty array or map is `{}` without `values`, as proto3 JSON omits empty repeated fields.
        Value::Array(items) => {
            let mut array = Object::new(obj.key("arrayValue"));
            if !items.is_empty() {
                let out = array.key("values");
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_value(out, item);
                }
                out.push(']');
            }
            array.end();
        }
        Value::Map(entries) => {
            let mut map = Object::new(obj.key("kvlistValue"));
            if !entries.is_empty() {
                write_attributes(map.key("values"), entries);
            }
            map.end();
        }
    }
    obj.end();
}
