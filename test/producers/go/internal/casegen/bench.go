package casegen

import (
	"fmt"

	ev "github.com/envelope-sdk/envelope/test/producers/go/gen/envelopev1"
)

// benchHeader fills the header fields a real service sets.
func benchHeader(name string) *ev.Envelope {
	e := base(name)
	e.Header.Schema = &ev.SchemaRef{Type: "request", Subtype: "auth_request", Version: "1.2.0", Url: opt("https://schemas.example.com/request/auth_request/1.2.0")}
	e.Header.Producer = &ev.Producer{Language: "typescript", Version: "0.1.0"}
	e.Header.Trace = &ev.TraceContext{TraceId: traceID, SpanId: spanID, ParentSpanId: parentSpanID, TraceFlags: 1, TraceState: "rojo=00f067aa0ba902b7"}
	e.Header.Resource = &ev.Resource{ServiceName: "auth", ServiceVersion: opt("4.12.1"), Environment: opt("production"), Region: opt("eu-west-1"), Host: opt("auth-6f7c9d-xk2p"),
		Attributes: []*ev.KeyValue{kv("k8s.namespace", s("identity")), kv("k8s.pod", s("auth-6f7c9d-xk2p"))}}
	e.Header.Status = &ev.Status{Code: ev.StatusCode_STATUS_CODE_OK}
	return e
}

func benchSmall() *ev.Envelope {
	e := benchHeader("bench/small")
	e.Body.Attributes = []*ev.KeyValue{
		kv("user.id", s("u_8c1f2e9a")),
		kv("auth.method", s("password")),
		kv("auth.success", b(true)),
		kv("attempts", i(1)),
		kv("latency_ms", d(12.75)),
		kv("client.ip", s("203.0.113.42")),
		kv("http.status_code", i(200)),
		kv("session.ttl_s", i(3600)),
	}
	return e
}

func benchMedium() *ev.Envelope {
	e := benchHeader("bench/medium")
	r := rng(0x5eed0001)
	attrs := []*ev.KeyValue{
		kv("user.id", s("u_8c1f2e9a")),
		kv("user.roles", arr(s("admin"), s("billing"), s("support"))),
		kv("request.headers", kvl(kv("accept", s("application/json")), kv("user-agent", s("Mozilla/5.0 (X11; Linux x86_64)")), kv("x-request-id", s("9f3b6c2e-51d4-4a8e-9d55-0f1e2a3b4c5d")))),
		kv("geo", kvl(kv("country", s("DE")), kv("lat", d(52.52)), kv("lon", d(13.405)))),
		kv("token.fingerprint", by([]byte{0x9a, 0x1f, 0x33, 0xc0, 0x7e, 0x42, 0x18, 0xd5, 0x6b, 0x0e, 0xaa, 0x51, 0x3c, 0x77, 0x90, 0x2d})),
	}
	for n := len(attrs); n < 40; n++ {
		key := fmt.Sprintf("app.%s.%s", r.word(5), r.word(7))
		var v *ev.AnyValue
		switch n % 4 {
		case 0:
			v = s(r.word(12 + r.intn(16)))
		case 1:
			v = i(int64(r.intn(1_000_000)))
		case 2:
			v = d(float64(r.intn(100_000)) / 100)
		case 3:
			v = b(r.intn(2) == 0)
		}
		attrs = append(attrs, kv(key, v))
	}
	e.Body.Attributes = attrs
	e.Body.Extensions = []*ev.Extension{{Namespace: "http", Version: "1.1.0", Attributes: []*ev.KeyValue{
		kv("method", s("POST")), kv("route", s("/v1/sessions")), kv("status", i(201)), kv("request_bytes", i(512)), kv("response_bytes", i(2048)),
	}}}
	return e
}

func benchLarge() *ev.Envelope {
	e := benchHeader("bench/large")
	r := rng(0x5eed0002)
	attrs := make([]*ev.KeyValue, 0, 1000)
	for n := range 1000 {
		key := fmt.Sprintf("batch.item_%04d.%s", n, r.word(6))
		var v *ev.AnyValue
		switch n % 10 {
		case 0, 1, 2, 3:
			v = s(r.word(40 + r.intn(48)))
		case 4, 5:
			v = i(int64(r.next() >> 1))
		case 6:
			v = d(float64(r.intn(10_000_000)) / 1000)
		case 7:
			v = b(r.intn(2) == 0)
		case 8:
			v = arr(s(r.word(8)), i(int64(r.intn(1000))), d(0.5))
		case 9:
			v = kvl(kv("id", i(int64(n))), kv("name", s(r.word(10))))
		}
		attrs = append(attrs, kv(key, v))
	}
	e.Body.Attributes = attrs
	return e
}
