// The Go service of the trace-context flows (test/services/README.md): net/http
// with OpenTelemetry's W3C propagator (propagation.TraceContext) and tracer SDK,
// and the Go envelope code of test/producers/go for the envelopes it emits.
//
//	trace-service --name NAME --sink URL [--redact KEY]... [--priority-sampling]
//
// It listens on 127.0.0.1 (a free port) and prints `listening on 127.0.0.1:PORT`
// on stderr. POST /hop and POST /extract are the protocol of the README;
// GET /stats answers the extraction counts as JSON, GET /stats/envelope as one envelope.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/envelope-sdk/envelope/test/producers/go/envelope"
	ev "github.com/envelope-sdk/envelope/test/producers/go/gen/envelopev1"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

const maxBody = 1 << 20

type redactKeys []string

func (r *redactKeys) String() string     { return strings.Join(*r, ",") }
func (r *redactKeys) Set(v string) error { *r = append(*r, v); return nil }

var (
	name             = flag.String("name", "go-service", "service name (the envelopes' resource)")
	sink             = flag.String("sink", "", "URL the envelopes are POSTed to, as a frame stream")
	prioritySampling = flag.Bool("priority-sampling", false, "sample a request whose body says priority high, whatever its parent decided")
	redact           redactKeys
	propagator       = propagation.TraceContext{}
	tracer           trace.Tracer
	counts           = map[string]int{}
	countsMu         sync.Mutex
)

// prioritySampler keeps the parent's decision, except for a high-priority
// request, which is always sampled (the override the flows check).
type prioritySampler struct{ parent sdktrace.Sampler }

func (s prioritySampler) ShouldSample(p sdktrace.SamplingParameters) sdktrace.SamplingResult {
	if *prioritySampling {
		for _, a := range p.Attributes {
			if a.Key == "request.priority" && a.Value.AsString() == "high" {
				return sdktrace.SamplingResult{
					Decision:   sdktrace.RecordAndSample,
					Tracestate: trace.SpanContextFromContext(p.ParentContext).TraceState(),
				}
			}
		}
	}
	return s.parent.ShouldSample(p)
}

func (s prioritySampler) Description() string { return "PrioritySampler" }

type step struct {
	URL string `json:"url"`
	Via string `json:"via"`
}

type hopRequest struct {
	Flow     string `json:"flow"`
	Route    []step `json:"route"`
	Priority string `json:"priority"`
}

func main() {
	flag.Var(&redact, "redact", "tracestate key masked in what this service sends (a trust boundary); repeatable")
	flag.Parse()
	tracer = sdktrace.NewTracerProvider(
		sdktrace.WithSampler(prioritySampler{sdktrace.ParentBased(sdktrace.AlwaysSample())}),
	).Tracer("trace-service")

	mux := http.NewServeMux()
	mux.HandleFunc("POST /hop", hop)
	mux.HandleFunc("POST /extract", extractOnly)
	mux.HandleFunc("GET /stats", stats)
	mux.HandleFunc("GET /stats/envelope", statsEnvelope)
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Fprintf(os.Stderr, "listening on %s\n", listener.Addr())
	if err := http.Serve(listener, mux); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// outcome classifies an extraction the way every service counts it
// (docs/spec.md, "Across services"): one of valid, missing, malformed,
// tracestate_dropped and tracestate_truncated, and whether this hop starts a new
// trace although the caller sent trace headers (restarted).
func outcome(h http.Header, sc trace.SpanContext) (string, bool) {
	restarted := !sc.IsValid() && len(h.Values("traceparent"))+len(h.Values("tracestate")) > 0
	if len(h.Values("traceparent")) == 0 {
		return "missing", restarted
	}
	if !sc.IsValid() {
		return "malformed", restarted
	}
	sent := members(strings.Join(h.Values("tracestate"), ","))
	if sent > 0 && sc.TraceState().Len() == 0 {
		return "tracestate_dropped", restarted
	}
	if sc.TraceState().Len() < sent {
		return "tracestate_truncated", restarted
	}
	return "valid", restarted
}

// members counts a tracestate list's members (empty list members, which W3C allows, do not count).
func members(list string) int {
	n := 0
	for _, m := range strings.Split(list, ",") {
		if strings.TrimSpace(m) != "" {
			n++
		}
	}
	return n
}

func count(o string, sampled, restarted bool) {
	countsMu.Lock()
	defer countsMu.Unlock()
	counts[o]++
	if sampled {
		counts["sampled"]++
	} else {
		counts["unsampled"]++
	}
	if restarted {
		counts["restarted"]++
	}
}

// statsEnvelope answers the counts as one envelope (schema trace/propagation_health
// 1.0.0, one int attribute trace.extract.<count> per count), as the TypeScript service does.
func statsEnvelope(w http.ResponseWriter, _ *http.Request) {
	countsMu.Lock()
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	attributes := make([]*ev.KeyValue, 0, len(keys))
	for _, k := range keys {
		attributes = append(attributes, &ev.KeyValue{Key: "trace.extract." + k,
			Value: &ev.AnyValue{Value: &ev.AnyValue_IntValue{IntValue: int64(counts[k])}}})
	}
	countsMu.Unlock()
	eventID := make([]byte, 16)
	_, _ = rand.Read(eventID)
	frame := reencode(&ev.Envelope{Header: header("propagation_health", eventID), Body: &ev.Body{Attributes: attributes}})
	w.Header().Set("content-type", "application/vnd.envelope.frames")
	_, _ = w.Write(frame)
}

func stats(w http.ResponseWriter, _ *http.Request) {
	countsMu.Lock()
	defer countsMu.Unlock()
	w.Header().Set("content-type", "application/json")
	_ = json.NewEncoder(w).Encode(counts)
}

// serverSpan extracts the caller's context and starts this request's span.
// The remote context is returned as the span's parent: the SDK keeps the
// parent only on recording spans, and an unsampled span's envelope needs it too.
func serverSpan(r *http.Request, priority string) (context.Context, trace.Span, trace.SpanContext, string, bool) {
	ctx := propagator.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
	remote := trace.SpanContextFromContext(ctx)
	ctx, span := tracer.Start(ctx, r.Method+" "+r.URL.Path,
		trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(attribute.String("request.priority", priority)))
	o, restarted := outcome(r.Header, remote)
	count(o, span.SpanContext().IsSampled(), restarted)
	return ctx, span, remote, o, restarted
}

// headersFor writes the span's context into h, masking the configured
// tracestate members (the next service is across a trust boundary).
func headersFor(ctx context.Context, h http.Header) {
	propagator.Inject(ctx, propagation.HeaderCarrier(h))
	if state := h.Get("tracestate"); state != "" {
		h.Set("tracestate", masked(state))
	}
}

// masked replaces the value of every configured tracestate key with "redacted".
func masked(state string) string {
	ts, err := trace.ParseTraceState(state)
	if err != nil || len(redact) == 0 {
		return state
	}
	members := []string{}
	ts.Walk(func(key, value string) bool {
		for _, k := range redact {
			if k == key {
				value = "redacted"
			}
		}
		members = append(members, key+"="+value)
		return true
	})
	return strings.Join(members, ",")
}

func extractOnly(w http.ResponseWriter, r *http.Request) {
	ctx, span, parent, o, restarted := serverSpan(r, "")
	span.End()
	h := http.Header{}
	headersFor(ctx, h)
	w.Header().Set("content-type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"outcome":     o,
		"restarted":   restarted,
		"span":        describe(span, parent),
		"traceparent": h.Get("traceparent"),
		"tracestate":  h.Get("tracestate"),
	})
}

func describe(span trace.Span, parent trace.SpanContext) map[string]any {
	sc := span.SpanContext()
	parentID := ""
	if parent.IsValid() {
		parentID = parent.SpanID().String()
	}
	return map[string]any{
		"traceId":      sc.TraceID().String(),
		"spanId":       sc.SpanID().String(),
		"parentSpanId": parentID,
		"traceFlags":   int(sc.TraceFlags()),
		"traceState":   sc.TraceState().String(),
	}
}

func hop(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	var req hopRequest
	if err == nil {
		err = json.Unmarshal(body, &req)
	}
	if err != nil {
		http.Error(w, "bad body: "+err.Error(), http.StatusBadRequest)
		return
	}
	ctx, span, parent, o, restarted := serverSpan(r, req.Priority)
	var frames [][]byte
	status := http.StatusOK
	var failure string
	if len(req.Route) > 0 {
		next := req.Route[0]
		callCtx, call := tracer.Start(ctx, "POST "+next.URL, trace.WithSpanKind(trace.SpanKindClient))
		rest, _ := json.Marshal(hopRequest{Flow: req.Flow, Route: req.Route[1:], Priority: req.Priority})
		callEnvelope := hopEnvelope(call, req.Flow, "client", o, restarted, next.Via)
		var out []byte
		headers := http.Header{}
		if next.Via == "bus" {
			// The message is the producer span's envelope: its header.trace is the context.
			callEnvelope.Body.Attributes = append(callEnvelope.Body.Attributes,
				str("flow.route", string(rest)))
			call.End()
			encode(callEnvelope, call, span.SpanContext()) // fills header.trace from the producer span
			// The message crosses the same boundary as a call: its tracestate is masked too.
			callEnvelope.Header.Trace.TraceState = masked(callEnvelope.Header.Trace.TraceState)
			out = reencode(callEnvelope)
			headers.Set("content-type", "application/vnd.envelope.frames")
		} else {
			headersFor(callCtx, headers)
			headers.Set("content-type", "application/json")
			out = rest
		}
		answer, err := post(next.URL, headers, out)
		if err != nil || answer/100 != 2 { // 202: a background job took the message
			status = http.StatusBadGateway
			failure = fmt.Sprintf("%s answered %d %v", next.URL, answer, err)
		}
		call.End()
		frames = append(frames, encode(callEnvelope, call, span.SpanContext()))
	}
	span.End()
	frames = append(frames, encode(hopEnvelope(span, req.Flow, "server", o, restarted, "http"), span, parent))
	if _, err := post(*sink, http.Header{"Content-Type": {"application/vnd.envelope.frames"}}, bytes.Join(frames, nil)); err != nil && status == http.StatusOK {
		status, failure = http.StatusBadGateway, "sink: "+err.Error()
	}
	if status != http.StatusOK {
		http.Error(w, failure, status)
		return
	}
	w.WriteHeader(status)
}

func post(url string, headers http.Header, body []byte) (int, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header = headers
	client := http.Client{Timeout: 10 * time.Second}
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode, nil
}

func str(key, value string) *ev.KeyValue {
	return &ev.KeyValue{Key: key, Value: &ev.AnyValue{Value: &ev.AnyValue_StringValue{StringValue: value}}}
}

// hopEnvelope is the envelope of one span: schema trace/hop, the span's context, this service's resource.
// incoming and restarted say how the service's server span found its context.
func hopEnvelope(span trace.Span, flow, role, incoming string, restarted bool, via string) *ev.Envelope {
	eventID := make([]byte, 16)
	sid := span.SpanContext().SpanID()
	tid := span.SpanContext().TraceID()
	copy(eventID, tid[:8])
	copy(eventID[8:], sid[:])
	return &ev.Envelope{
		Header: header("hop", eventID),
		Body: &ev.Body{Attributes: []*ev.KeyValue{
			str("flow", flow), str("hop.role", role), str("trace.incoming", incoming),
			{Key: "trace.restarted", Value: &ev.AnyValue{Value: &ev.AnyValue_BoolValue{BoolValue: restarted}}},
			str("hop.via", via),
		}},
	}
}

// header is the header of this service's envelopes: schema trace/<subtype> 1.0.0, its resource.
func header(subtype string, eventID []byte) *ev.Header {
	return &ev.Header{
		Schema:       &ev.SchemaRef{Type: "trace", Subtype: subtype, Version: "1.0.0"},
		EventId:      eventID,
		TimeUnixNano: uint64(time.Now().UnixNano()),
		Producer:     &ev.Producer{Language: "go", Version: "0.1.0"},
		Resource:     &ev.Resource{ServiceName: *name},
	}
}

// encode fills the envelope's trace context from the span and its parent, and writes one protobuf frame.
func encode(e *ev.Envelope, span trace.Span, parent trace.SpanContext) []byte {
	sc := span.SpanContext()
	tid, sid := sc.TraceID(), sc.SpanID()
	tc := &ev.TraceContext{
		TraceId:    tid[:],
		SpanId:     sid[:],
		TraceFlags: uint32(sc.TraceFlags()),
		TraceState: sc.TraceState().String(),
	}
	if parent.IsValid() {
		p := parent.SpanID()
		tc.ParentSpanId = p[:]
	}
	e.Header.Trace = tc
	return reencode(e)
}

func reencode(e *ev.Envelope) []byte {
	frame, err := envelope.Encode(e.ProtoReflect(), envelope.EncodeOptions{Variant: envelope.Variants[0]})
	if err != nil {
		panic(err) // the envelope is built here: an error is a bug
	}
	return frame
}
