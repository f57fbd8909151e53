package casegen

import (
	"fmt"
	"math"
	"strings"

	ev "github.com/envelope-sdk/envelope/test/producers/go/gen/envelopev1"
)

type v1Case struct {
	name, description string
	checksum          bool
	env               *ev.Envelope
}

// Cases returns the v1 cases, in file order.
func Cases() []Case {
	var out []Case
	for _, c := range v1Cases() {
		out = append(out, Case{Name: c.name, Description: c.description, ContentChecksum: c.checksum, Envelope: c.env.ProtoReflect()})
	}
	return out
}

func v1Cases() []v1Case {
	var cs []v1Case
	add := func(name, description string, env *ev.Envelope) {
		cs = append(cs, v1Case{name: name, description: description, env: env})
	}
	one := func(name, description string, v *ev.AnyValue) {
		add(name, description, withAttrs(name, kv("value", v)))
	}

	// Scalars: every kind and its edges.
	one("kinds/string", "a plain ASCII string", s("hello"))
	one("kinds/string-empty", "the empty string is a value, not absence", s(""))
	one("kinds/string-unicode", "multi-byte and astral Unicode: 2-, 3- and 4-byte UTF-8", s("é 日本 😀"))
	add("kinds/string-escapes", "characters JSON writers must escape, and ones they need not (U+2028, <, &)",
		withAttrs("kinds/string-escapes",
			kv("quote", s(`say "hi"`)), kv("backslash", s(`C:\path`)), kv("control", s("tab\tnewline\nnul\x00unit\x1f")),
			kv("separator", s("line\u2028paragraph\u2029")), kv("html", s("<a href='x'>&amp;</a>"))))
	add("kinds/bool", "true and false", withAttrs("kinds/bool", kv("yes", b(true)), kv("no", b(false))))
	one("kinds/int64-zero", "int 0 is written (the oneof member is always written)", i(0))
	one("kinds/int64-max", "2^63 - 1", i(math.MaxInt64))
	one("kinds/int64-min", "-2^63", i(math.MinInt64))
	one("kinds/int64-2p53-plus-1", "2^53 + 1: not representable as a double", i(1<<53+1))
	one("kinds/int64-neg-2p53-minus-1", "-2^53 - 1: not representable as a double", i(-(1<<53)-1))
	add("kinds/int64-boundaries", "integers at the CBOR head and protobuf varint length boundaries",
		withAttrs("kinds/int64-boundaries",
			kv("n1", i(1)), kv("m1", i(-1)), kv("p23", i(23)), kv("p24", i(24)), kv("m24", i(-24)), kv("m25", i(-25)),
			kv("p255", i(255)), kv("p256", i(256)), kv("p65535", i(65535)), kv("p65536", i(65536)),
			kv("p4294967295", i(4294967295)), kv("p4294967296", i(4294967296)), kv("m4294967297", i(-4294967297)),
			kv("p127", i(127)), kv("p128", i(128)), kv("p16383", i(16383)), kv("p16384", i(16384))))
	one("kinds/double-zero", "+0.0", d(0))
	one("kinds/double-one", "1.0 stays a double, never an int", d(1))
	one("kinds/double-tenth", "0.1: not exact in binary, must round-trip exactly", d(0.1))
	one("kinds/double-nan", "NaN is kept (JSON \"NaN\")", d(math.NaN()))
	one("kinds/double-infinity", "+Infinity (JSON \"Infinity\")", d(math.Inf(1)))
	one("kinds/double-neg-infinity", "-Infinity (JSON \"-Infinity\")", d(math.Inf(-1)))
	one("kinds/double-neg-zero", "-0.0 is kept (JSON \"-0\")", d(math.Copysign(0, -1)))
	one("kinds/double-min-subnormal", "smallest subnormal double, 5e-324", d(5e-324))
	one("kinds/double-max", "largest finite double", d(math.MaxFloat64))
	one("kinds/double-negative", "a negative fraction", d(-2.5e-8))
	add("kinds/double-shortest-float", "doubles the CBOR deterministic profile writes as f16, f32 or f64",
		withAttrs("kinds/double-shortest-float",
			kv("f16", d(1.5)), kv("f16-max", d(65504)), kv("f16-min-subnormal", d(math.Ldexp(1, -24))),
			kv("f32", d(100000)), kv("f32-max", d(math.MaxFloat32)), kv("f32-min-subnormal", d(math.Ldexp(1, -149))),
			kv("f64", d(1.1)), kv("f64-large", d(1e300)), kv("integral-large", d(1<<53)), kv("neg", d(-1))))
	one("kinds/bytes", "a short byte string", by([]byte{0x00, 0x01, 0xfe, 0xff}))
	one("kinds/bytes-empty", "empty bytes are a value, distinct from the empty string", by([]byte{}))
	big := make([]byte, 64*1024)
	for n := range big {
		big[n] = byte(n*7 + n>>8)
	}
	one("kinds/bytes-64kib", "65,536 bytes", by(big))
	add("kinds/string-vs-bytes", "the same content as string and as bytes: distinct kinds",
		withAttrs("kinds/string-vs-bytes", kv("as-string", s("abc")), kv("as-bytes", by([]byte("abc")))))
	add("kinds/int-vs-double", "the same number as int and as double: distinct kinds",
		withAttrs("kinds/int-vs-double", kv("as-int", i(1)), kv("as-double", d(1))))

	// Arrays and maps.
	one("nesting/array-empty", "an empty array", arr())
	one("nesting/map-empty", "an empty map", kvl())
	one("nesting/array-mixed-kinds", "an array mixing every kind",
		arr(s("a"), b(true), i(-7), d(2.5), by([]byte{1}), arr(i(1)), kvl(kv("k", s("v"))), s(""), d(math.NaN())))
	one("nesting/map-mixed-kinds", "a map holding every kind",
		kvl(kv("s", s("a")), kv("b", b(false)), kv("i", i(42)), kv("d", d(0.5)), kv("y", by([]byte("x"))),
			kv("a", arr(s("x"), s("y"))), kv("m", kvl(kv("inner", i(1)))), kv("", s("empty key"))))
	add("nesting/array-depth-32", "32 nested arrays around a scalar: depth 32, the default limit",
		withAttrs("nesting/array-depth-32", kv("deep", nest(32, func(v *ev.AnyValue, _ int) *ev.AnyValue { return arr(v) }))))
	add("nesting/map-depth-32", "32 nested maps around a scalar: depth 32, the default limit",
		withAttrs("nesting/map-depth-32", kv("deep", nest(32, func(v *ev.AnyValue, n int) *ev.AnyValue { return kvl(kv(fmt.Sprintf("d%d", n), v)) }))))
	add("nesting/mixed-depth-32", "arrays and maps alternating, 32 levels",
		withAttrs("nesting/mixed-depth-32", kv("deep", nest(32, func(v *ev.AnyValue, n int) *ev.AnyValue {
			if n%2 == 0 {
				return arr(v, i(int64(n)))
			}
			return kvl(kv("next", v), kv("level", i(int64(n))))
		}))))

	// Attribute maps.
	add("attrs/none", "no attributes, no extensions: an empty body", base("attrs/none"))
	add("attrs/one", "a single attribute", withAttrs("attrs/one", kv("k", s("v"))))
	add("attrs/order", "insertion order is kept (the CBOR deterministic profile sorts)",
		withAttrs("attrs/order", kv("zeta", i(1)), kv("alpha", i(2)), kv("b", i(3)), kv("aa", i(4)), kv("B", i(5)), kv("é", i(6)), kv("a", i(7))))
	add("attrs/empty-key", "the empty string is a valid key", withAttrs("attrs/empty-key", kv("", s("v")), kv("k", s(""))))
	add("attrs/unicode-keys", "multi-byte and astral keys", withAttrs("attrs/unicode-keys", kv("é", i(1)), kv("日本", i(2)), kv("😀", i(3))))
	many := make([]*ev.KeyValue, 1500)
	for n := range many {
		var v *ev.AnyValue
		switch n % 5 {
		case 0:
			v = s(fmt.Sprintf("value-%d", n))
		case 1:
			v = i(int64(n) * 1000003)
		case 2:
			v = d(float64(n) / 8)
		case 3:
			v = b(n%2 == 1)
		case 4:
			v = by([]byte{byte(n), byte(n >> 8)})
		}
		many[n] = kv(fmt.Sprintf("attr.%04d", n), v)
	}
	add("attrs/1500", "1,500 attributes of every scalar kind", withAttrs("attrs/1500", many...))

	// Extensions.
	ext1 := withAttrs("extensions/one", kv("k", s("v")))
	ext1.Body.Extensions = []*ev.Extension{{Namespace: "http", Version: "1.0.0", Attributes: []*ev.KeyValue{kv("method", s("POST")), kv("status", i(201))}}}
	add("extensions/one", "one extension namespace next to body attributes", ext1)
	ext3 := base("extensions/several")
	ext3.Body.Extensions = []*ev.Extension{
		{Namespace: "http", Version: "1.2.0", Attributes: []*ev.KeyValue{kv("method", s("GET")), kv("route", s("/a/{id}"))}},
		{Namespace: "payment", Version: "2.0.10", Attributes: []*ev.KeyValue{kv("amount", d(12.99)), kv("currency", s("EUR")), kv("items", arr(i(1), i(2)))}},
		{Namespace: "db", Version: "0.0.1", Attributes: []*ev.KeyValue{kv("statement", s("SELECT 1")), kv("rows", i(0))}},
	}
	add("extensions/several", "three namespaces, no body attributes", ext3)
	ext0 := base("extensions/empty-attributes")
	ext0.Body.Extensions = []*ev.Extension{{Namespace: "marker", Version: "1.0.0"}}
	add("extensions/empty-attributes", "an extension with no attributes", ext0)

	// Header: each optional field absent and present.
	add("header/minimal", "only the required fields: no trace, no status, no optional resource field", base("header/minimal"))
	h := base("header/schema-url")
	h.Header.Schema.Url = opt("https://schemas.example.com/vectors/header/1.0.0.json")
	add("header/schema-url", "schema url present", h)
	h = base("header/schema-url-empty")
	h.Header.Schema.Url = opt("")
	add("header/schema-url-empty", "schema url present and empty: written, distinct from absent", h)
	h = base("header/schema-version-max")
	h.Header.Schema.Version = "9007199254740991.0.10"
	add("header/schema-version-max", "a semver part at 2^53 - 1, the largest allowed", h)
	h = base("header/time-one")
	h.Header.TimeUnixNano = 1
	add("header/time-one", "time 1 ns, the smallest valid", h)
	h = base("header/time-max")
	h.Header.TimeUnixNano = math.MaxUint64
	add("header/time-max", "time 2^64 - 1 ns, the largest fixed64", h)
	h = base("header/event-id-ff")
	h.Header.EventId = mustHex("ffffffffffffffffffffffffffffffff")
	add("header/event-id-ff", "event id of all 0xff bytes", h)
	h = base("header/producer-unicode")
	h.Header.Producer = &ev.Producer{Language: "rust", Version: "10.20.30"}
	h.Header.Schema.Subtype = "auth_request.日本"
	add("header/producer-unicode", "another producer, a non-ASCII subtype", h)

	// Trace context.
	trace := func(name, description string, tc *ev.TraceContext) {
		e := base(name)
		e.Header.Trace = tc
		add(name, description, e)
	}
	trace("trace/present", "trace id and span id only, flags 00", &ev.TraceContext{TraceId: traceID, SpanId: spanID})
	trace("trace/parent", "with a parent span id", &ev.TraceContext{TraceId: traceID, SpanId: spanID, ParentSpanId: parentSpanID, TraceFlags: 1})
	for _, f := range []uint32{0, 1, 2, 3, 255} {
		trace(fmt.Sprintf("trace/flags-%02x", f), fmt.Sprintf("trace flags %02x", f), &ev.TraceContext{TraceId: traceID, SpanId: spanID, TraceFlags: f})
	}
	for _, ts := range []struct{ name, value, description string }{
		{"single", "congo=t61rcWkgMzE", "tracestate with one member"},
		{"multiple", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", "tracestate with two members"},
		{"ows", "rojo=00f067aa0ba902b7 ,\tcongo=t61rcWkgMzE", "tracestate with optional white space around the comma"},
		{"multi-tenant", "fw529a3039@dt=ZmYtMzA3YzlmNjctYzk0Mi0,b@a=1", "tracestate with multi-tenant keys (tenant@system)"},
		{"max-members", tracestateMembers(32), "tracestate with 32 members, the W3C maximum"},
	} {
		trace("trace/state-"+ts.name, ts.description, &ev.TraceContext{TraceId: traceID, SpanId: spanID, ParentSpanId: parentSpanID, TraceFlags: 1, TraceState: ts.value})
	}

	// Resource.
	res := func(name, description string, edit func(r *ev.Resource)) {
		e := base(name)
		edit(e.Header.Resource)
		add(name, description, e)
	}
	res("resource/service-version", "service version present", func(r *ev.Resource) { r.ServiceVersion = opt("2.3.4") })
	res("resource/environment", "environment present", func(r *ev.Resource) { r.Environment = opt("production") })
	res("resource/region", "region present", func(r *ev.Resource) { r.Region = opt("eu-west-1") })
	res("resource/host", "host present", func(r *ev.Resource) { r.Host = opt("ip-10-0-0-1.internal") })
	res("resource/all", "every optional resource field and attributes", func(r *ev.Resource) {
		r.ServiceVersion, r.Environment, r.Region, r.Host = opt("2.3.4"), opt("staging"), opt("us-east-2"), opt("host-1")
		r.Attributes = []*ev.KeyValue{kv("k8s.pod.name", s("api-7d9f")), kv("k8s.replicas", i(3))}
	})
	res("resource/optional-empty", "every optional resource field present and empty: written, distinct from absent", func(r *ev.Resource) {
		r.ServiceVersion, r.Environment, r.Region, r.Host = opt(""), opt(""), opt(""), opt("")
	})
	res("resource/attributes", "resource attributes of several kinds, nested", func(r *ev.Resource) {
		r.Attributes = []*ev.KeyValue{kv("cloud.provider", s("aws")), kv("cpu.count", i(8)), kv("mem.ratio", d(0.75)),
			kv("labels", kvl(kv("team", s("auth")), kv("tier", i(1))))}
	})

	// Status.
	st := func(name, description string, status *ev.Status) {
		e := base(name)
		e.Header.Status = status
		add(name, description, e)
	}
	st("status/unset", "status present with code 0 and no message: an empty message, written", &ev.Status{})
	st("status/unset-message", "code 0 with a message", &ev.Status{Message: "not evaluated"})
	st("status/ok", "code 1", &ev.Status{Code: ev.StatusCode_STATUS_CODE_OK})
	st("status/error", "code 2 with a message", &ev.Status{Code: ev.StatusCode_STATUS_CODE_ERROR, Message: "upstream timed out after 30 s"})
	st("status/unknown-code", "a code this version does not know (7): readers keep it", &ev.Status{Code: 7})

	// Frame options.
	fc := withAttrs("frame/content-checksum", kv("k", s("v")))
	cs = append(cs, v1Case{name: "frame/content-checksum", description: "frame with the content checksum (flag bit 0)", checksum: true, env: fc})

	// Benchmarks.
	add("bench/small", "realistic small event: about 8 attributes", benchSmall())
	add("bench/medium", "realistic medium event: about 40 attributes, some nested, about 2 KB in protobuf", benchMedium())
	add("bench/large", "realistic large event: about 1,000 attributes, about 64 KB in protobuf", benchLarge())
	return cs
}

// nest wraps a scalar n times with wrap; wrap gets the level (1 = innermost).
func nest(n int, wrap func(v *ev.AnyValue, level int) *ev.AnyValue) *ev.AnyValue {
	v := s("leaf")
	for level := 1; level <= n; level++ {
		v = wrap(v, level)
	}
	return v
}

func tracestateMembers(n int) string {
	parts := make([]string, n)
	for k := range parts {
		parts[k] = fmt.Sprintf("vendor%02d=value%02d", k, k)
	}
	return strings.Join(parts, ",")
}
