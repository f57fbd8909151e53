//! The logical envelope (docs/spec.md, sections "Fields" and "Attribute values"):
//! what every codec writes and reads, independent of any wire form.
//!
//! It is the *next-minor* model: [`Header::tenant`], [`Header::labels`] and
//! [`SchemaRef::family`] exist here so that the forward-compatibility cases can
//! be written. A v1 envelope is one where those three are empty; the v1 readers
//! ([`Contract::V1`]) never fill them.
//!
//! Proto3 scalars have no presence, so an empty string or bytes is "absent"
//! (`parent_span_id`, `trace_state`, ...); the fields the proto marks `optional`
//! are `Option`s and keep the difference between absent and empty.

/// Which contract a codec speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contract {
    /// proto/envelope/v1/envelope.proto: the next-minor fields are unknown
    /// (readers skip them, writers refuse an envelope that has them).
    V1,
    /// test/producers/proto-next/envelope/v1/envelope.proto: v1 plus
    /// `Header.tenant = 8`, `Header.labels = 9`, `SchemaRef.family = 5`.
    Next,
}

/// An attribute map: ordered, keys unique (checked by validation and the readers).
pub type Attributes = Vec<(String, Value)>;

/// One typed attribute value (docs/spec.md, "Attribute values").
///
/// Equality is "same value": doubles compare by bit pattern, so `-0.0 != 0.0`,
/// except that every NaN equals every NaN (the spec keeps NaN, not its payload).
/// `Int(1) != Double(1.0)` and `String != Bytes`: the kinds are part of the value.
#[derive(Clone, Debug)]
pub enum Value {
    String(String),
    Bool(bool),
    Int(i64),
    Double(f64),
    Bytes(Vec<u8>),
    Array(Vec<Value>),
    Map(Attributes),
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Double(a), Value::Double(b)) => {
                a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
            }
            (Value::Bytes(a), Value::Bytes(b)) => a == b,
            (Value::Array(a), Value::Array(b)) => a == b,
            (Value::Map(a), Value::Map(b)) => a == b,
            _ => false,
        }
    }
}

/// `v`, with every NaN replaced by the one NaN writers write, the quiet NaN
/// `0x7FF8000000000000` (docs/spec.md, "Attribute values"). Rust does not
/// promise `f64::NAN`'s bits, a computed NaN is often another one (`0.0 / 0.0`
/// is `0xFFF8000000000000` on x86-64), one read from input may carry a
/// payload, and prost and minicbor write a double's bits as they are.
pub fn canonical_nan(v: f64) -> f64 {
    if v.is_nan() {
        f64::from_bits(0x7FF8_0000_0000_0000)
    } else {
        v
    }
}

impl Value {
    /// The kind's name as the spec's tables give it.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::String(_) => "string",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int64",
            Value::Double(_) => "double",
            Value::Bytes(_) => "bytes",
            Value::Array(_) => "array",
            Value::Map(_) => "map",
        }
    }
}

/// One event: header and body (both required).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Envelope {
    pub header: Header,
    pub body: Body,
}

/// docs/spec.md, "Header".
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Header {
    pub schema: SchemaRef,
    pub event_id: Vec<u8>,
    pub time_unix_nano: u64,
    pub producer: Producer,
    pub trace: Option<TraceContext>,
    pub resource: Resource,
    pub status: Option<Status>,
    /// Next minor only (field 8).
    pub tenant: String,
    /// Next minor only (field 9).
    pub labels: Attributes,
}

/// docs/spec.md, "SchemaRef".
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SchemaRef {
    pub r#type: String,
    pub subtype: String,
    pub version: String,
    pub url: Option<String>,
    /// Next minor only (field 5).
    pub family: String,
}

/// docs/spec.md, "Producer".
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Producer {
    pub language: String,
    pub version: String,
}

/// docs/spec.md, "TraceContext". Empty `parent_span_id` / `trace_state` mean none.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct TraceContext {
    pub trace_id: Vec<u8>,
    pub span_id: Vec<u8>,
    pub parent_span_id: Vec<u8>,
    pub trace_flags: u32,
    pub trace_state: String,
}

/// docs/spec.md, "Resource".
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Resource {
    pub service_name: String,
    pub service_version: Option<String>,
    pub environment: Option<String>,
    pub region: Option<String>,
    pub host: Option<String>,
    pub attributes: Attributes,
}

/// docs/spec.md, "Status". `code` is the `StatusCode` enum number (0 unset, 1 ok, 2 error).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Status {
    pub code: u32,
    pub message: String,
}

/// docs/spec.md, "Body".
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Body {
    pub attributes: Attributes,
    pub extensions: Vec<Extension>,
}

/// docs/spec.md, "Extension".
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Extension {
    pub namespace: String,
    pub version: String,
    pub attributes: Attributes,
}

impl Envelope {
    /// True when the envelope uses a next-minor field, i.e. only [`Contract::Next`] can write it.
    pub fn has_next_minor_fields(&self) -> bool {
        !self.header.tenant.is_empty()
            || !self.header.labels.is_empty()
            || !self.header.schema.family.is_empty()
    }

    /// The envelope as a v1 reader sees it: the next-minor fields dropped.
    pub fn as_v1(&self) -> Envelope {
        let mut out = self.clone();
        out.header.tenant.clear();
        out.header.labels.clear();
        out.header.schema.family.clear();
        out
    }
}
