// Package casegen builds the test vectors (test/vectors/cases.json): every
// value kind and edge, every optional header field, the benchmark envelopes
// and the next-minor "forward" cases. cmd/vectors writes them out; the
// output is committed and every producer reads it.
package casegen

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	ev "github.com/envelope-sdk/envelope/test/producers/go/gen/envelopev1"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Case is one named envelope.
type Case struct {
	Name        string
	Description string
	// ContentChecksum asks producers to set frame flag bit 0 for this case.
	ContentChecksum bool
	Envelope        protoreflect.Message
}

// Small constructors keep the case table readable.

func s(v string) *ev.AnyValue  { return &ev.AnyValue{Value: &ev.AnyValue_StringValue{StringValue: v}} }
func b(v bool) *ev.AnyValue    { return &ev.AnyValue{Value: &ev.AnyValue_BoolValue{BoolValue: v}} }
func i(v int64) *ev.AnyValue   { return &ev.AnyValue{Value: &ev.AnyValue_IntValue{IntValue: v}} }
func d(v float64) *ev.AnyValue { return &ev.AnyValue{Value: &ev.AnyValue_DoubleValue{DoubleValue: v}} }
func by(v []byte) *ev.AnyValue { return &ev.AnyValue{Value: &ev.AnyValue_BytesValue{BytesValue: v}} }

func arr(vs ...*ev.AnyValue) *ev.AnyValue {
	return &ev.AnyValue{Value: &ev.AnyValue_ArrayValue{ArrayValue: &ev.ArrayValue{Values: vs}}}
}

func kvl(kvs ...*ev.KeyValue) *ev.AnyValue {
	return &ev.AnyValue{Value: &ev.AnyValue_KvlistValue{KvlistValue: &ev.KeyValueList{Values: kvs}}}
}

func kv(k string, v *ev.AnyValue) *ev.KeyValue { return &ev.KeyValue{Key: k, Value: v} }

func opt(v string) *string { return &v }

// base returns the minimal valid envelope for a case: a deterministic event
// id derived from the name, a fixed time, and an empty body.
func base(name string) *ev.Envelope {
	sum := sha256.Sum256([]byte(name))
	group, _, _ := strings.Cut(name, "/")
	return &ev.Envelope{
		Header: &ev.Header{
			Schema:       &ev.SchemaRef{Type: "vectors", Subtype: strings.ReplaceAll(group, "-", "_"), Version: "1.0.0"},
			EventId:      sum[:16],
			TimeUnixNano: 1700000000000000000,
			Producer:     &ev.Producer{Language: "vectors", Version: "1.0.0"},
			Resource:     &ev.Resource{ServiceName: "vectors"},
		},
		Body: &ev.Body{},
	}
}

// withAttrs returns the base envelope of name with body attributes kvs.
func withAttrs(name string, kvs ...*ev.KeyValue) *ev.Envelope {
	e := base(name)
	e.Body.Attributes = kvs
	return e
}

// fixture trace context (W3C Trace Context examples).
var (
	traceID      = mustHex("4bf92f3577b34da6a3ce929d0e0e4736")
	spanID       = mustHex("00f067aa0ba902b7")
	parentSpanID = mustHex("b7ad6b7169203331")
)

// rng is a small deterministic generator (xorshift64*) for the benchmark
// envelopes: the vectors must not change between runs.
type rng uint64

func (r *rng) next() uint64 {
	x := uint64(*r)
	x ^= x >> 12
	x ^= x << 25
	x ^= x >> 27
	*r = rng(x)
	return x * 2685821657736338717
}

func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

func (r *rng) word(n int) string {
	var sb strings.Builder
	for range n {
		sb.WriteByte(alphabet[r.intn(len(alphabet))])
	}
	return sb.String()
}

func mustHex(s string) []byte {
	out, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return out
}
