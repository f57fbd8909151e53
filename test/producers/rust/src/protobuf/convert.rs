//! Conversions between the model and the prost messages of each contract.
//! The two contracts share every message but Header and SchemaRef, so the
//! conversions are written once as a macro and instantiated per contract,
//! with the next-minor fields supplied by each instantiation.

/// Conversions for one generated module; `$extra` holds the contract's
/// `*_next_to` / `*_next_from` functions for the next-minor fields.
macro_rules! conversions {
    ($name:ident, $pb:path, { $($extra:item)* }) => {
        // `..Default::default()` fills the next-minor fields; in v1 there are none to fill.
        #[allow(clippy::needless_update)]
        pub mod $name {
            use $pb as pb;
            use pb::any_value::Value as Kind;

            use crate::error::{fail, EnvelopeError, ErrorCode, Result};
            use crate::limits::Budget;
            use crate::model::{
                canonical_nan, Attributes, Body, Envelope, Extension, Header, Producer, Resource, SchemaRef,
                Status, TraceContext, Value,
            };

            fn value_to_pb(v: &Value) -> pb::AnyValue {
                let kind = match v {
                    Value::String(s) => Kind::StringValue(s.clone()),
                    Value::Bool(b) => Kind::BoolValue(*b),
                    Value::Int(n) => Kind::IntValue(*n),
                    Value::Double(d) => Kind::DoubleValue(canonical_nan(*d)),
                    Value::Bytes(b) => Kind::BytesValue(b.clone()),
                    Value::Array(items) => Kind::ArrayValue(pb::ArrayValue {
                        values: items.iter().map(value_to_pb).collect(),
                    }),
                    Value::Map(entries) => Kind::KvlistValue(pb::KeyValueList {
                        values: attributes_to_pb(entries),
                    }),
                };
                pb::AnyValue { value: Some(kind) }
            }

            fn attributes_to_pb(attrs: &Attributes) -> Vec<pb::KeyValue> {
                attrs
                    .iter()
                    .map(|(k, v)| pb::KeyValue {
                        key: k.clone(),
                        value: Some(value_to_pb(v)),
                    })
                    .collect()
            }

            fn value_from_pb(
                v: Option<pb::AnyValue>,
                depth: usize,
                budget: &mut Budget,
                path: &str,
            ) -> Result<Value> {
                let Some(kind) = v.and_then(|v| v.value) else {
                    return fail(ErrorCode::InvalidValue, format!("{path}: AnyValue has no value"));
                };
                Ok(match kind {
                    Kind::StringValue(s) => {
                        budget.string(s.len(), &|| path.to_string())?;
                        Value::String(s)
                    }
                    Kind::BoolValue(b) => Value::Bool(b),
                    Kind::IntValue(n) => Value::Int(n),
                    Kind::DoubleValue(d) => Value::Double(d),
                    Kind::BytesValue(b) => {
                        budget.bytes(b.len(), &|| path.to_string())?;
                        Value::Bytes(b)
                    }
                    Kind::ArrayValue(a) => {
                        budget.enter(depth, &|| path.to_string())?;
                        let mut items = Vec::with_capacity(a.values.len());
                        for (i, item) in a.values.into_iter().enumerate() {
                            let at = format!("{path}[{i}]");
                            budget.count_attribute(&|| at.clone())?;
                            items.push(value_from_pb(Some(item), depth + 1, budget, &at)?);
                        }
                        Value::Array(items)
                    }
                    Kind::KvlistValue(m) => {
                        budget.enter(depth, &|| path.to_string())?;
                        Value::Map(attributes_from_pb(m.values, depth + 1, budget, path)?)
                    }
                })
            }

            fn attributes_from_pb(
                list: Vec<pb::KeyValue>,
                depth: usize,
                budget: &mut Budget,
                path: &str,
            ) -> Result<Attributes> {
                let mut out: Attributes = Vec::with_capacity(list.len());
                let mut keys = std::collections::HashSet::with_capacity(list.len());
                for kv in list {
                    let at = format!("{path}[{:?}]", kv.key);
                    budget.count_attribute(&|| at.clone())?;
                    budget.string(kv.key.len(), &|| at.clone())?;
                    if !keys.insert(kv.key.clone()) {
                        return fail(
                            ErrorCode::DuplicateKey,
                            format!("key {:?} appears twice in {path}", kv.key),
                        );
                    }
                    let value = value_from_pb(kv.value, depth, budget, &at)?;
                    out.push((kv.key, value));
                }
                Ok(out)
            }

            pub fn header_to_pb(h: &Header) -> pb::Header {
                let s = &h.schema;
                #[allow(unused_mut)]
                let mut schema = pb::SchemaRef {
                    r#type: s.r#type.clone(),
                    subtype: s.subtype.clone(),
                    version: s.version.clone(),
                    url: s.url.clone(),
                    ..Default::default()
                };
                schema_next_to(s, &mut schema);
                let r = &h.resource;
                #[allow(unused_mut)]
                let mut out = pb::Header {
                    schema: Some(schema),
                    event_id: h.event_id.clone(),
                    time_unix_nano: h.time_unix_nano,
                    producer: Some(pb::Producer {
                        language: h.producer.language.clone(),
                        version: h.producer.version.clone(),
                    }),
                    trace: h.trace.as_ref().map(|t| pb::TraceContext {
                        trace_id: t.trace_id.clone(),
                        span_id: t.span_id.clone(),
                        parent_span_id: t.parent_span_id.clone(),
                        trace_flags: t.trace_flags,
                        trace_state: t.trace_state.clone(),
                    }),
                    resource: Some(pb::Resource {
                        service_name: r.service_name.clone(),
                        service_version: r.service_version.clone(),
                        environment: r.environment.clone(),
                        region: r.region.clone(),
                        host: r.host.clone(),
                        attributes: attributes_to_pb(&r.attributes),
                    }),
                    status: h.status.as_ref().map(|s| pb::Status {
                        code: s.code as i32,
                        message: s.message.clone(),
                    }),
                    ..Default::default()
                };
                header_next_to(h, &mut out);
                out
            }

            pub fn body_to_pb(b: &Body) -> pb::Body {
                pb::Body {
                    attributes: attributes_to_pb(&b.attributes),
                    extensions: b
                        .extensions
                        .iter()
                        .map(|e| pb::Extension {
                            namespace: e.namespace.clone(),
                            version: e.version.clone(),
                            attributes: attributes_to_pb(&e.attributes),
                        })
                        .collect(),
                }
            }

            pub fn envelope_to_pb(env: &Envelope) -> pb::Envelope {
                pb::Envelope {
                    header: Some(header_to_pb(&env.header)),
                    body: Some(body_to_pb(&env.body)),
                }
            }

            fn required<T>(value: Option<T>, path: &str) -> Result<T> {
                value.ok_or_else(|| {
                    EnvelopeError::new(ErrorCode::MissingField, format!("{path} is required"))
                })
            }

            fn text(s: String, budget: &Budget, path: &str) -> Result<String> {
                budget.string(s.len(), &|| path.to_string())?;
                Ok(s)
            }

            pub fn header_from_pb(mut h: pb::Header, budget: &mut Budget) -> Result<Header> {
                let mut s = required(h.schema.take(), "header.schema")?;
                let p = required(h.producer.take(), "header.producer")?;
                let r = required(h.resource.take(), "header.resource")?;
                let mut out = Header {
                    schema: SchemaRef {
                        r#type: text(std::mem::take(&mut s.r#type), budget, "header.schema.type")?,
                        subtype: text(std::mem::take(&mut s.subtype), budget, "header.schema.subtype")?,
                        version: text(std::mem::take(&mut s.version), budget, "header.schema.version")?,
                        url: s.url.take().map(|u| text(u, budget, "header.schema.url")).transpose()?,
                        ..Default::default()
                    },
                    event_id: std::mem::take(&mut h.event_id),
                    time_unix_nano: h.time_unix_nano,
                    producer: Producer {
                        language: text(p.language, budget, "header.producer.language")?,
                        version: text(p.version, budget, "header.producer.version")?,
                    },
                    trace: h.trace.take().map(|t| TraceContext {
                        trace_id: t.trace_id,
                        span_id: t.span_id,
                        parent_span_id: t.parent_span_id,
                        trace_flags: t.trace_flags,
                        trace_state: t.trace_state,
                    }),
                    resource: Resource {
                        service_name: text(r.service_name, budget, "header.resource.serviceName")?,
                        service_version: r.service_version,
                        environment: r.environment,
                        region: r.region,
                        host: r.host,
                        attributes: attributes_from_pb(
                            r.attributes,
                            0,
                            budget,
                            "header.resource.attributes",
                        )?,
                    },
                    status: match h.status.take() {
                        None => None,
                        Some(st) => Some(Status {
                            code: u32::try_from(st.code).map_err(|_| {
                                EnvelopeError::new(
                                    ErrorCode::InvalidValue,
                                    format!("header.status.code {} is negative", st.code),
                                )
                            })?,
                            message: st.message,
                        }),
                    },
                    ..Default::default()
                };
                schema_next_from(s, &mut out.schema, budget)?;
                header_next_from(h, &mut out, budget)?;
                Ok(out)
            }

            pub fn body_from_pb(b: pb::Body, budget: &mut Budget) -> Result<Body> {
                let attributes = attributes_from_pb(b.attributes, 0, budget, "body.attributes")?;
                let mut extensions = Vec::with_capacity(b.extensions.len());
                for (i, e) in b.extensions.into_iter().enumerate() {
                    let path = format!("body.extensions[{i}]");
                    extensions.push(Extension {
                        namespace: text(e.namespace, budget, &path)?,
                        version: text(e.version, budget, &path)?,
                        attributes: attributes_from_pb(
                            e.attributes,
                            0,
                            budget,
                            &format!("{path}.attributes"),
                        )?,
                    });
                }
                Ok(Body {
                    attributes,
                    extensions,
                })
            }

            pub fn envelope_from_pb(env: pb::Envelope, budget: &mut Budget) -> Result<Envelope> {
                Ok(Envelope {
                    header: header_from_pb(required(env.header, "header")?, budget)?,
                    body: body_from_pb(env.body.unwrap_or_default(), budget)?,
                })
            }

            $($extra)*
        }
    };
}

conversions!(v1, crate::protobuf::v1, {
    // The v1 contract has no next-minor fields: callers refuse envelopes that have them.
    fn schema_next_to(_s: &SchemaRef, _out: &mut pb::SchemaRef) {}
    fn header_next_to(_h: &Header, _out: &mut pb::Header) {}
    fn schema_next_from(
        _s: pb::SchemaRef,
        _out: &mut SchemaRef,
        _budget: &mut Budget,
    ) -> Result<()> {
        Ok(())
    }
    fn header_next_from(_h: pb::Header, _out: &mut Header, _budget: &mut Budget) -> Result<()> {
        Ok(())
    }
});

conversions!(next, crate::protobuf::next, {
    fn schema_next_to(s: &SchemaRef, out: &mut pb::SchemaRef) {
        out.family = s.family.clone();
    }
    fn header_next_to(h: &Header, out: &mut pb::Header) {
        out.tenant = h.tenant.clone();
        out.labels = attributes_to_pb(&h.labels);
    }
    fn schema_next_from(s: pb::SchemaRef, out: &mut SchemaRef, budget: &mut Budget) -> Result<()> {
        out.family = text(s.family, budget, "header.schema.family")?;
        Ok(())
    }
    fn header_next_from(h: pb::Header, out: &mut Header, budget: &mut Budget) -> Result<()> {
        out.tenant = text(h.tenant, budget, "header.tenant")?;
        out.labels = attributes_from_pb(h.labels, 0, budget, "header.labels")?;
        Ok(())
    }
});
