// Package fixturegen is the runtime of the Go bindings `schema gen --lang go`
// writes (internal/schemas): the fixture generator of docs/spec.md
// "Fixtures" (splitmix64, the draws and their order) and the constructors
// that turn typed values into AnyValues. cmd/fixtures drives it.
package fixturegen

import (
	"encoding/binary"
	"math"
	"sort"
	"strconv"

	ev "github.com/envelope-sdk/envelope/test/producers/go/gen/envelopev1"
)

// The envelope messages the bindings build.
type (
	AnyValue  = ev.AnyValue
	KeyValue  = ev.KeyValue
	SchemaRef = ev.SchemaRef
)

// Binding is one event version's generated struct.
type Binding interface {
	// Schema is the event version the struct holds.
	Schema() *SchemaRef
	// Attributes builds the body attributes, in descriptor order.
	Attributes() []*KeyValue
	// Fill draws every attribute, in mode m.
	Fill(g *Gen, m Mode)
}

// Body is the envelope body built from a binding: its attributes, no extensions.
func Body(b Binding) *ev.Body { return &ev.Body{Attributes: b.Attributes()} }

// Version is one entry of the generated list of bindings.
type Version struct {
	// Path of the descriptor file in the schemas folder, as in index.json.
	Path string
	// SHA256 of the descriptor file the binding was generated from.
	SHA256 string
	// New returns an empty binding.
	New func() Binding
}

// Mode says where values go: on their lower boundary, their upper one, or drawn.
type Mode int

// The modes of samples 0, 1 and the rest.
const (
	Min Mode = iota
	Max
	Random
)

// ModeOf is the mode of sample i.
func ModeOf(i int) Mode {
	switch i {
	case 0:
		return Min
	case 1:
		return Max
	}
	return Random
}

// Gen is splitmix64.
type Gen struct{ state uint64 }

// New starts a generator at a state.
func New(state uint64) *Gen { return &Gen{state: state} }

// Next is splitmix64's next output.
func (g *Gen) Next() uint64 {
	g.state += 0x9E3779B97F4A7C15
	z := g.state
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// Below is uniform in [0, n), 1 <= n: it rejects draws below 2^64 mod n.
func (g *Gen) Below(n uint64) uint64 {
	t := -n % n
	for {
		r := g.Next()
		if r >= t {
			return r % n
		}
	}
}

// Between is uniform in [lo, hi].
func (g *Gen) Between(lo, hi int64) int64 {
	span := uint64(hi) - uint64(lo)
	var r uint64
	if span == math.MaxUint64 {
		r = g.Next()
	} else {
		r = g.Below(span + 1)
	}
	return int64(uint64(lo) + r)
}

// Pick is lo in mode Min, hi in Max, else a draw in [lo, hi].
func (g *Gen) Pick(m Mode, lo, hi int64) int64 {
	switch m {
	case Min:
		return lo
	case Max:
		return hi
	}
	return g.Between(lo, hi)
}

// EventID is 16 bytes from two draws, big-endian; never all zero.
func (g *Gen) EventID() []byte {
	id := make([]byte, 16)
	binary.BigEndian.PutUint64(id[0:], g.Next())
	binary.BigEndian.PutUint64(id[8:], g.Next())
	for _, b := range id {
		if b != 0 {
			return id
		}
	}
	id[15] = 1
	return id
}

// Present says whether an optional field without a default is written.
func (g *Gen) Present(m Mode) bool { return m != Random || g.Below(2) == 0 }

// Bool draws a bool.
func (g *Gen) Bool(m Mode) bool {
	switch m {
	case Min:
		return false
	case Max:
		return true
	}
	return g.Below(2) == 1
}

// Int draws an int64 in [lo, hi].
func (g *Gen) Int(m Mode, lo, hi int64) int64 { return g.Pick(m, lo, hi) }

// IntEnum draws one of the values.
func (g *Gen) IntEnum(m Mode, values []int64) int64 { return values[g.enumIndex(m, len(values))] }

// StringEnum draws one of the values.
func (g *Gen) StringEnum(m Mode, values []string) string {
	return values[g.enumIndex(m, len(values))]
}

func (g *Gen) enumIndex(m Mode, n int) int {
	switch m {
	case Min:
		return 0
	case Max:
		return n - 1
	}
	return int(g.Below(uint64(n)))
}

// Double draws a float64 in [lo, hi]: a multiple of 1/16, or a bound.
func (g *Gen) Double(m Mode, lo, hi float64) float64 {
	switch m {
	case Min:
		return lo
	case Max:
		return hi
	}
	a := math.Max(math.Ceil(lo*16), -(1 << 36))
	b := math.Min(math.Floor(hi*16), 1<<36)
	if a > b {
		if g.Below(2) == 0 {
			return lo
		}
		return hi
	}
	return float64(g.Between(int64(a), int64(b))) / 16
}

// Alphabet is the code points strings are drawn from.
var Alphabet = []rune("abcdefghijklmnopqrstuvwxyz0123456789éß€中😀🚀")

// String draws a string of lo to hi code points.
func (g *Gen) String(m Mode, lo, hi int64) string {
	n := g.Pick(m, lo, hi)
	out := make([]rune, n)
	for i := range out {
		out[i] = Alphabet[g.Below(uint64(len(Alphabet)))]
	}
	return string(out)
}

// Bytes draws lo to hi bytes.
func (g *Gen) Bytes(m Mode, lo, hi int64) []byte {
	n := g.Pick(m, lo, hi)
	out := make([]byte, n)
	for i := range out {
		out[i] = byte(g.Below(256))
	}
	return out
}

// Generator draws one value of type T.
type Generator[T any] func(g *Gen, m Mode) T

// Slice draws lo to hi elements.
func Slice[T any](lo, hi int64, element Generator[T]) Generator[[]T] {
	return func(g *Gen, m Mode) []T {
		n := g.Pick(m, lo, hi)
		out := make([]T, n)
		for i := range out {
			out[i] = element(g, m)
		}
		return out
	}
}

// Map draws 0 to 2 entries, keys k0, k1.
func Map[T any](value Generator[T]) Generator[map[string]T] {
	return func(g *Gen, m Mode) map[string]T {
		n := g.Pick(m, 0, 2)
		out := make(map[string]T, n)
		for i := int64(0); i < n; i++ {
			out["k"+strconv.FormatInt(i, 10)] = value(g, m)
		}
		return out
	}
}

// BoolGen draws bools.
func BoolGen() Generator[bool] { return func(g *Gen, m Mode) bool { return g.Bool(m) } }

// IntGen draws int64s in [lo, hi].
func IntGen(lo, hi int64) Generator[int64] {
	return func(g *Gen, m Mode) int64 { return g.Int(m, lo, hi) }
}

// IntEnumGen draws one of the values.
func IntEnumGen(values []int64) Generator[int64] {
	return func(g *Gen, m Mode) int64 { return g.IntEnum(m, values) }
}

// DoubleGen draws float64s in [lo, hi].
func DoubleGen(lo, hi float64) Generator[float64] {
	return func(g *Gen, m Mode) float64 { return g.Double(m, lo, hi) }
}

// StringGen draws strings of lo to hi code points.
func StringGen(lo, hi int64) Generator[string] {
	return func(g *Gen, m Mode) string { return g.String(m, lo, hi) }
}

// StringEnumGen draws one of the values.
func StringEnumGen(values []string) Generator[string] {
	return func(g *Gen, m Mode) string { return g.StringEnum(m, values) }
}

// BytesGen draws lo to hi bytes.
func BytesGen(lo, hi int64) Generator[[]byte] {
	return func(g *Gen, m Mode) []byte { return g.Bytes(m, lo, hi) }
}

// AnyString draws the value of an untyped map entry: a string of 0 to 12 code points.
func AnyString(g *Gen, m Mode) *AnyValue { return String(g.String(m, 0, 12)) }

// NegZero is -0.0 (a Go constant -0.0 is +0).
func NegZero() float64 { return math.Copysign(0, -1) }

// KV is one attribute.
func KV(key string, v *AnyValue) *KeyValue { return &KeyValue{Key: key, Value: v} }

// String is a string AnyValue.
func String(v string) *AnyValue { return &AnyValue{Value: &ev.AnyValue_StringValue{StringValue: v}} }

// Bool is a bool AnyValue.
func Bool(v bool) *AnyValue { return &AnyValue{Value: &ev.AnyValue_BoolValue{BoolValue: v}} }

// Int is an int64 AnyValue.
func Int(v int64) *AnyValue { return &AnyValue{Value: &ev.AnyValue_IntValue{IntValue: v}} }

// Double is a double AnyValue.
func Double(v float64) *AnyValue { return &AnyValue{Value: &ev.AnyValue_DoubleValue{DoubleValue: v}} }

// Bytes is a bytes AnyValue.
func Bytes(v []byte) *AnyValue { return &AnyValue{Value: &ev.AnyValue_BytesValue{BytesValue: v}} }

// Same is the identity, for untyped maps (their values are AnyValues already).
func Same(v *AnyValue) *AnyValue { return v }

// ArrayOf converts a slice to an array AnyValue, element by element.
func ArrayOf[T any](f func(T) *AnyValue) func([]T) *AnyValue {
	return func(vs []T) *AnyValue {
		out := make([]*AnyValue, len(vs))
		for i, v := range vs {
			out[i] = f(v)
		}
		return &AnyValue{Value: &ev.AnyValue_ArrayValue{ArrayValue: &ev.ArrayValue{Values: out}}}
	}
}

// MapOf converts a map to a key-value list AnyValue, keys in byte order (Go maps have none).
func MapOf[T any](f func(T) *AnyValue) func(map[string]T) *AnyValue {
	return func(m map[string]T) *AnyValue {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make([]*KeyValue, len(keys))
		for i, k := range keys {
			out[i] = KV(k, f(m[k]))
		}
		return &AnyValue{Value: &ev.AnyValue_KvlistValue{KvlistValue: &ev.KeyValueList{Values: out}}}
	}
}
