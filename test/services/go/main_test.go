package main

import (
	"context"
	"net/http"
	"testing"

	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// BenchmarkHop is the per-hop cost of the Go service: extract the caller's
// context, start the server span, inject into the next call's headers, and
// fill and encode the span's envelope (one protobuf frame).
func BenchmarkHop(b *testing.B) {
	tracer = sdktrace.NewTracerProvider(
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.AlwaysSample())),
	).Tracer("bench")
	incoming := http.Header{}
	incoming.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	incoming.Set("tracestate", "vendor=secret42,other=keep")
	b.ReportAllocs()
	for b.Loop() {
		ctx := propagator.Extract(context.Background(), propagation.HeaderCarrier(incoming))
		remote := trace.SpanContextFromContext(ctx)
		ctx, span := tracer.Start(ctx, "POST /hop", trace.WithSpanKind(trace.SpanKindServer))
		out := http.Header{}
		propagator.Inject(ctx, propagation.HeaderCarrier(out))
		span.End()
		if len(encode(hopEnvelope(span, "bench", "server", "valid", false, "http"), span, remote)) == 0 {
			b.Fatal("no frame")
		}
	}
}
