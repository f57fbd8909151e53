//! The Rust service of the trace-context flows (test/services/README.md):
//! tiny_http (a small blocking server, one thread per request) and ureq for
//! the calls, with the `opentelemetry_sdk` W3C propagator
//! (`TraceContextPropagator`) and tracer, and the Rust envelope code of
//! test/producers/rust for the envelopes it emits.
//!
//!   trace-service --name NAME --sink URL [--redact KEY]... [--priority-sampling]
//!   cargo run --release -- --bench 100000     # the per-hop cost
//!
//! It listens on 127.0.0.1 (a free port) and prints `listening on 127.0.0.1:PORT`
//! on stderr. POST /hop, POST /consume and POST /extract are the protocol of the README;
//! GET /stats answers the extraction counts as JSON, GET /stats/envelope as one envelope.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use envelope_producer::codec::{decode_frame, encode_frame, Variant};
use envelope_producer::limits::Limits;
use envelope_producer::model::{
    Body, Contract, Envelope, Header, Producer, Resource, SchemaRef, TraceContext, Value,
};
use envelope_producer::wire::frame::Compression;
use opentelemetry::propagation::{Extractor, TextMapPropagator};
use opentelemetry::trace::{
    Link, Span as _, SpanContext, SpanId, SpanKind, TraceContextExt, TraceFlags, TraceId,
    TraceState, Tracer as _, TracerProvider as _,
};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::{
    Sampler, SamplingDecision, SamplingResult, SdkTracer, SdkTracerProvider, ShouldSample,
};
use serde_json::{json, Value as Json};

const MAX_BODY: u64 = 1 << 20;

struct Config {
    name: String,
    sink: String,
    redact: Vec<String>,
}

/// Keeps the parent's decision, except for a high-priority request, which is
/// always sampled (the override the flows check).
#[derive(Clone, Debug)]
struct PrioritySampler {
    enabled: bool,
    parent: Sampler,
}

impl ShouldSample for PrioritySampler {
    fn should_sample(
        &self,
        parent_context: Option<&Context>,
        trace_id: TraceId,
        name: &str,
        span_kind: &SpanKind,
        attributes: &[KeyValue],
        links: &[Link],
    ) -> SamplingResult {
        let high = attributes
            .iter()
            .any(|a| a.key.as_str() == "request.priority" && a.value.as_str() == "high");
        if self.enabled && high {
            return SamplingResult {
                decision: SamplingDecision::RecordAndSample,
                attributes: Vec::new(),
                trace_state: parent_context
                    .map(|cx| cx.span().span_context().trace_state().clone())
                    .unwrap_or_default(),
            };
        }
        self.parent
            .should_sample(parent_context, trace_id, name, span_kind, attributes, links)
    }
}

/// The request's headers as the propagator reads them: every occurrence kept,
/// names compared without case.
struct Headers<'a>(&'a [tiny_http::Header]);

impl Extractor for Headers<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(key))
            .map(|h| h.value.as_str())
    }
    fn keys(&self) -> Vec<&str> {
        self.0.iter().map(|h| h.field.as_str().as_str()).collect()
    }
    fn get_all(&self, key: &str) -> Option<Vec<&str>> {
        let all: Vec<&str> = self
            .0
            .iter()
            .filter(|h| h.field.as_str().as_str().eq_ignore_ascii_case(key))
            .map(|h| h.value.as_str())
            .collect();
        (!all.is_empty()).then_some(all)
    }
}

struct Service {
    config: Config,
    tracer: SdkTracer,
    propagator: TraceContextPropagator,
    counts: Mutex<BTreeMap<String, u64>>,
}

/// One started span and what the envelope needs that the SDK does not expose for unsampled spans.
struct Hop {
    cx: Context,
    parent: Option<SpanContext>,
}

impl Hop {
    fn context(&self) -> SpanContext {
        self.cx.span().span_context().clone()
    }
}

fn main() {
    let mut config = Config {
        name: "rust-service".into(),
        sink: String::new(),
        redact: Vec::new(),
    };
    let mut priority = false;
    let mut bench: Option<u32> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--name" => config.name = args.next().expect("--name VALUE"),
            "--sink" => config.sink = args.next().expect("--sink URL"),
            "--redact" => config.redact.push(args.next().expect("--redact KEY")),
            "--priority-sampling" => priority = true,
            "--bench" => bench = args.next().and_then(|n| n.parse().ok()),
            other => {
                eprintln!("unknown argument {other}");
                std::process::exit(2);
            }
        }
    }
    let provider = SdkTracerProvider::builder()
        .with_sampler(PrioritySampler {
            enabled: priority,
            parent: Sampler::ParentBased(Box::new(Sampler::AlwaysOn)),
        })
        .build();
    let service = Arc::new(Service {
        config,
        tracer: provider.tracer("trace-service"),
        propagator: TraceContextPropagator::new(),
        counts: Mutex::new(BTreeMap::new()),
    });
    if let Some(rounds) = bench {
        return service.bench(rounds);
    }
    let server = tiny_http::Server::http("127.0.0.1:0").expect("listen on 127.0.0.1");
    let port = server.server_addr().to_ip().expect("an IP address").port();
    eprintln!("listening on 127.0.0.1:{port}");
    for request in server.incoming_requests() {
        let service = Arc::clone(&service);
        // One thread per request: a flow may call back into this service while it waits.
        std::thread::spawn(move || service.handle(request));
    }
}

fn respond(request: tiny_http::Request, status: u16, body: String) {
    let header = tiny_http::Header::from_bytes("content-type", "application/json").unwrap();
    let _ = request.respond(
        tiny_http::Response::from_string(body)
            .with_status_code(status)
            .with_header(header),
    );
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Service {
    fn handle(&self, mut request: tiny_http::Request) {
        let mut body = Vec::new();
        if request
            .as_reader()
            .take(MAX_BODY)
            .read_to_end(&mut body)
            .is_err()
        {
            return respond(request, 400, "\"unreadable body\"".into());
        }
        let path = request.url().to_string();
        match (request.method().as_str(), path.as_str()) {
            ("GET", "/stats") => {
                let counts = self.counts.lock().unwrap().clone();
                respond(request, 200, json!(counts).to_string())
            }
            ("GET", "/stats/envelope") => {
                let header = tiny_http::Header::from_bytes(
                    "content-type",
                    "application/vnd.envelope.frames",
                )
                .unwrap();
                let _ = request.respond(
                    tiny_http::Response::from_data(self.stats_envelope()).with_header(header),
                );
            }
            ("POST", "/extract") => {
                let (hop, outcome, restarted) = self.server_span(&request, "");
                let headers = self.headers_for(&hop.cx);
                let answer = json!({
                    "outcome": outcome,
                    "restarted": restarted,
                    "span": describe(&hop),
                    "traceparent": headers.get("traceparent").cloned().unwrap_or_default(),
                    "tracestate": headers.get("tracestate").cloned().unwrap_or_default(),
                });
                respond(request, 200, answer.to_string())
            }
            ("POST", "/consume") => {
                let (status, message) = self.consume(&body);
                respond(request, status, json!(message).to_string())
            }
            ("POST", "/hop") => {
                let req: Json = match serde_json::from_slice(&body) {
                    Ok(v) => v,
                    Err(e) => return respond(request, 400, json!(e.to_string()).to_string()),
                };
                let (status, message) = self.hop(&request, &req);
                respond(request, status, json!(message).to_string())
            }
            _ => respond(request, 404, "\"not found\"".into()),
        }
    }

    /// How every service counts an extraction (docs/spec.md, "Across services"):
    /// one of valid, missing, malformed, tracestate_dropped and tracestate_truncated,
    /// and whether this hop starts a new trace although the caller sent trace
    /// headers (restarted).
    fn outcome(&self, request: &tiny_http::Request, remote: &SpanContext) -> (&'static str, bool) {
        let headers = Headers(request.headers());
        let sent_state = headers.get_all("tracestate").unwrap_or_default().join(",");
        let restarted = !remote.is_valid()
            && (headers.get("traceparent").is_some() || headers.get("tracestate").is_some());
        let kept = members(&remote.trace_state().header());
        let outcome = if headers.get("traceparent").is_none() {
            "missing"
        } else if !remote.is_valid() {
            "malformed"
        } else if kept == 0 && members(&sent_state) > 0 {
            "tracestate_dropped"
        } else if kept < members(&sent_state) {
            "tracestate_truncated"
        } else {
            "valid"
        };
        (outcome, restarted)
    }

    /// The counts as one envelope (schema trace/propagation_health 1.0.0, one
    /// int attribute trace.extract.<count> per count), as the TypeScript service does.
    fn stats_envelope(&self) -> Vec<u8> {
        let attributes = self
            .counts
            .lock()
            .unwrap()
            .iter()
            .map(|(key, value)| (format!("trace.extract.{key}"), Value::Int(*value as i64)))
            .collect();
        let mut event_id = now().to_be_bytes().to_vec();
        event_id.extend_from_slice(&std::process::id().to_be_bytes());
        event_id.resize(16, 0);
        self.frame("propagation_health", event_id, None, attributes)
    }

    /// The per-hop cost (`--bench N`, in a release build): extract the caller's
    /// context, start the server span, inject into the next call's headers, and
    /// fill and encode the span's envelope (one protobuf frame).
    fn bench(&self, rounds: u32) {
        let mut incoming = HashMap::new();
        incoming.insert(
            "traceparent".to_string(),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_string(),
        );
        incoming.insert(
            "tracestate".to_string(),
            "vendor=secret42,other=keep".to_string(),
        );
        let started = std::time::Instant::now();
        let mut bytes = 0;
        for _ in 0..rounds {
            let parent_cx = self.propagator.extract(&incoming);
            let remote = parent_cx.span().span_context().clone();
            let span = self
                .tracer
                .span_builder("POST /hop")
                .with_kind(SpanKind::Server)
                .start_with_context(&self.tracer, &parent_cx);
            let hop = Hop {
                cx: parent_cx.with_span(span),
                parent: Some(remote),
            };
            let mut out = HashMap::new();
            self.propagator.inject_context(&hop.cx, &mut out);
            hop.cx.span().end();
            bytes += self
                .encode(&hop, "bench", "server", ("valid", false), "http")
                .len();
        }
        let per_hop = started.elapsed().as_nanos() / u128::from(rounds.max(1));
        println!("hop: {per_hop} ns/op over {rounds} rounds ({bytes} frame bytes)");
    }

    fn count(&self, outcome: &str, sampled: bool, restarted: bool) {
        let mut counts = self.counts.lock().unwrap();
        *counts.entry(outcome.to_string()).or_default() += 1;
        *counts
            .entry(if sampled { "sampled" } else { "unsampled" }.to_string())
            .or_default() += 1;
        if restarted {
            *counts.entry("restarted".to_string()).or_default() += 1;
        }
    }

    /// Extracts the caller's context and starts this request's span.
    fn server_span(
        &self,
        request: &tiny_http::Request,
        priority: &str,
    ) -> (Hop, &'static str, bool) {
        let parent_cx = self.propagator.extract(&Headers(request.headers()));
        let remote = parent_cx.span().span_context().clone();
        let span = self
            .tracer
            .span_builder(format!("{} {}", request.method(), request.url()))
            .with_kind(SpanKind::Server)
            .with_attributes([KeyValue::new("request.priority", priority.to_string())])
            .start_with_context(&self.tracer, &parent_cx);
        let (outcome, restarted) = self.outcome(request, &remote);
        self.count(outcome, span.span_context().is_sampled(), restarted);
        let hop = Hop {
            cx: parent_cx.with_span(span),
            parent: remote.is_valid().then_some(remote),
        };
        (hop, outcome, restarted)
    }

    fn client_span(&self, parent: &Hop, name: String) -> Hop {
        let span = self
            .tracer
            .span_builder(name)
            .with_kind(SpanKind::Client)
            .start_with_context(&self.tracer, &parent.cx);
        Hop {
            cx: parent.cx.with_span(span),
            parent: Some(parent.context()),
        }
    }

    /// The headers the span's calls carry, with the configured tracestate
    /// members masked (the next service is across a trust boundary).
    fn headers_for(&self, cx: &Context) -> HashMap<String, String> {
        let mut headers = HashMap::new();
        self.propagator.inject_context(cx, &mut headers);
        if let Some(state) = headers.get("tracestate").cloned() {
            let masked: Vec<String> = state
                .split(',')
                .map(|member| match member.split_once('=') {
                    Some((key, _)) if self.config.redact.iter().any(|k| k == key) => {
                        format!("{key}=redacted")
                    }
                    _ => member.to_string(),
                })
                .collect();
            headers.insert("tracestate".into(), masked.join(","));
        }
        headers
    }

    fn hop(&self, request: &tiny_http::Request, req: &Json) -> (u16, String) {
        let priority = req["priority"].as_str().unwrap_or("");
        let (server, outcome, restarted) = self.server_span(request, priority);
        self.run(server, outcome, restarted, req, "http")
    }

    /// The bus consumer: the message's envelope carries the producer span's context in header.trace.
    fn consume(&self, body: &[u8]) -> (u16, String) {
        let envelope = match decode_frame(body, Contract::V1, &Limits::default()) {
            Ok(decoded) => decoded.envelope,
            Err(e) => return (400, format!("{e:?}")),
        };
        let remote = envelope
            .header
            .trace
            .as_ref()
            .and_then(span_context_of)
            .unwrap_or_else(SpanContext::empty_context);
        let next = envelope
            .body
            .attributes
            .iter()
            .find_map(|(key, value)| match value {
                Value::String(text) if key == "flow.route" => serde_json::from_str(text).ok(),
                _ => None,
            })
            .unwrap_or(Json::Null);
        let parent_cx = Context::new().with_remote_span_context(remote.clone());
        let span = self
            .tracer
            .span_builder("consume")
            .with_kind(SpanKind::Consumer)
            .start_with_context(&self.tracer, &parent_cx);
        let outcome = if remote.is_valid() {
            "valid"
        } else {
            "missing"
        };
        self.count(outcome, span.span_context().is_sampled(), false);
        let server = Hop {
            cx: parent_cx.with_span(span),
            parent: remote.is_valid().then_some(remote),
        };
        self.run(server, outcome, false, &next, "bus")
    }

    /// Calls the next step of the route from the server span, then sends the hop's envelopes to the sink.
    fn run(
        &self,
        server: Hop,
        outcome: &str,
        restarted: bool,
        req: &Json,
        via: &str,
    ) -> (u16, String) {
        let flow = req["flow"].as_str().unwrap_or("").to_string();
        let priority = req["priority"].as_str().unwrap_or("");
        let route = req["route"].as_array().cloned().unwrap_or_default();
        let mut frames = Vec::new();
        let mut result = (200, String::new());
        if let Some(next) = route.first() {
            let url = next["url"].as_str().unwrap_or("").to_string();
            let call = self.client_span(&server, format!("POST {url}"));
            let rest = json!({ "flow": flow, "route": route[1..].to_vec(), "priority": priority });
            let mut post = ureq::post(&url).header("content-type", "application/json");
            for (name, value) in self.headers_for(&call.cx) {
                post = post.header(name, value);
            }
            if let Err(e) = post.send(rest.to_string().as_bytes()) {
                result = (502, format!("{url}: {e}"));
            }
            call.cx.span().end();
            frames.extend(self.encode(&call, &flow, "client", (outcome, restarted), "http"));
        }
        server.cx.span().end();
        frames.extend(self.encode(&server, &flow, "server", (outcome, restarted), via));
        let sent = ureq::post(&self.config.sink)
            .header("content-type", "application/vnd.envelope.frames")
            .send(&frames[..]);
        if let (Err(e), 200) = (sent, result.0) {
            result = (502, format!("sink: {e}"));
        }
        result
    }

    /// One protobuf frame: the envelope of one span, schema trace/hop, this service's resource.
    /// `incoming` is how the server span found its context, and whether it restarted the trace.
    fn encode(
        &self,
        hop: &Hop,
        flow: &str,
        role: &str,
        (incoming, restarted): (&str, bool),
        via: &str,
    ) -> Vec<u8> {
        let sc = hop.context();
        let trace_id = sc.trace_id().to_bytes();
        let span_id = sc.span_id().to_bytes();
        let mut event_id = trace_id[..8].to_vec();
        event_id.extend_from_slice(&span_id);
        let text = |s: &str| Value::String(s.to_string());
        let trace = TraceContext {
            trace_id: trace_id.to_vec(),
            span_id: span_id.to_vec(),
            parent_span_id: hop
                .parent
                .as_ref()
                .map(|p| p.span_id().to_bytes().to_vec())
                .unwrap_or_default(),
            trace_flags: u32::from(sc.trace_flags().to_u8()),
            trace_state: sc.trace_state().header(),
        };
        let attributes = vec![
            ("flow".into(), text(flow)),
            ("hop.role".into(), text(role)),
            ("trace.incoming".into(), text(incoming)),
            ("trace.restarted".into(), Value::Bool(restarted)),
            ("hop.via".into(), text(via)),
        ];
        self.frame("hop", event_id, Some(trace), attributes)
    }

    /// One protobuf frame of this service: schema trace/<subtype> 1.0.0, its resource.
    fn frame(
        &self,
        subtype: &str,
        event_id: Vec<u8>,
        trace: Option<TraceContext>,
        attributes: Vec<(String, Value)>,
    ) -> Vec<u8> {
        let envelope = Envelope {
            header: Header {
                schema: SchemaRef {
                    r#type: "trace".into(),
                    subtype: subtype.into(),
                    version: "1.0.0".into(),
                    ..Default::default()
                },
                event_id,
                time_unix_nano: now(),
                producer: Producer {
                    language: "rust".into(),
                    version: "0.1.0".into(),
                },
                trace,
                resource: Resource {
                    service_name: self.config.name.clone(),
                    ..Default::default()
                },
                ..Default::default()
            },
            body: Body {
                attributes,
                extensions: Vec::new(),
            },
        };
        encode_frame(
            &envelope,
            Variant::Protobuf,
            Compression::None,
            Contract::V1,
            false,
        )
        .expect("the envelope is built here: an error is a bug")
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

/// The context to continue from an envelope's trace: its ids, sampled and random flags, and valid tracestate.
fn span_context_of(trace: &TraceContext) -> Option<SpanContext> {
    let trace_id = TraceId::from_bytes(trace.trace_id.as_slice().try_into().ok()?);
    let span_id = SpanId::from_bytes(trace.span_id.as_slice().try_into().ok()?);
    let state = TraceState::from_str(&trace.trace_state).unwrap_or_default();
    let flags = TraceFlags::new((trace.trace_flags & 0x03) as u8);
    let context = SpanContext::new(trace_id, span_id, flags, true, state);
    context.is_valid().then_some(context)
}

/// The members of a tracestate list (empty list members, which W3C allows, do not count).
fn members(list: &str) -> usize {
    list.split(',').filter(|m| !m.trim().is_empty()).count()
}

fn describe(hop: &Hop) -> Json {
    let sc = hop.context();
    json!({
        "traceId": hex(&sc.trace_id().to_bytes()),
        "spanId": hex(&sc.span_id().to_bytes()),
        "parentSpanId": hop.parent.as_ref().map(|p| hex(&p.span_id().to_bytes())).unwrap_or_default(),
        "traceFlags": sc.trace_flags().to_u8(),
        "traceState": sc.trace_state().header(),
    })
}
