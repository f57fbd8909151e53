package envelope_test

import (
	"bytes"
	"encoding/hex"
	"hash/crc32"
	"math"
	"testing"

	"github.com/envelope-sdk/envelope/test/producers/go/envelope"
	ev "github.com/envelope-sdk/envelope/test/producers/go/gen/envelopev1"
	"github.com/envelope-sdk/envelope/test/producers/go/gen/nextv1"
	"github.com/envelope-sdk/envelope/test/producers/go/internal/vectors"
	"google.golang.org/protobuf/proto"
)

const casesPath = "../../../vectors/cases.json"

func loadCases(t *testing.T) []*vectors.Case {
	t.Helper()
	cases, err := vectors.Load(casesPath)
	if err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestRoundTrip: every case, every variant and compression, decodes to the
// case again, with v1 and (forward cases) with the next-minor contract.
func TestRoundTrip(t *testing.T) {
	for _, c := range loadCases(t) {
		for _, v := range envelope.Variants {
			for _, comp := range []envelope.Compression{envelope.CompressionNone, envelope.CompressionLZ4} {
				data, err := envelope.Encode(c.Message, envelope.EncodeOptions{Variant: v, Compression: comp, ContentChecksum: c.ContentChecksum})
				if err != nil {
					t.Fatalf("%s %s: encode: %v", c.Name, v.Name, err)
				}
				var got ev.Envelope
				if _, err := envelope.Decode(data, got.ProtoReflect(), envelope.DefaultLimits); err != nil {
					t.Fatalf("%s %s %d: decode: %v", c.Name, v.Name, comp, err)
				}
				if err := envelope.Validate(&got, envelope.DefaultLimits); err != nil {
					t.Errorf("%s %s: %v", c.Name, v.Name, err)
				}
				want := c.V1.ProtoReflect()
				if v.Profile == envelope.ProfileDeterministic {
					want = envelope.SortedAttributes(want)
				}
				if d := envelope.Diff(want, got.ProtoReflect()); d != "" {
					t.Errorf("%s %s: %s", c.Name, v.Name, d)
				}
				if c.Forward {
					next := nextv1.NewEnvelope()
					if _, err := envelope.Decode(data, next, envelope.DefaultLimits); err != nil {
						t.Fatalf("%s %s: decode next: %v", c.Name, v.Name, err)
					}
					want := c.Message
					if v.Profile == envelope.ProfileDeterministic {
						want = envelope.SortedAttributes(want)
					}
					if d := envelope.Diff(want, next); d != "" {
						t.Errorf("%s %s next-minor: %s", c.Name, v.Name, d)
					}
				}
			}
		}
	}
}

// TestUnknownProtobufFieldsKept: v1 decodes a next-minor protobuf envelope,
// keeps the unknown fields and writes the same bytes back.
func TestUnknownProtobufFieldsKept(t *testing.T) {
	for _, c := range loadCases(t) {
		if !c.Forward {
			continue
		}
		data, err := proto.MarshalOptions{Deterministic: true}.Marshal(c.Message.Interface())
		if err != nil {
			t.Fatal(err)
		}
		var v1 ev.Envelope
		if err := proto.Unmarshal(data, &v1); err != nil {
			t.Fatal(err)
		}
		again, err := proto.Marshal(&v1)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(data, again) {
			t.Errorf("%s: v1 re-encoding differs:\n%x\n%x", c.Name, data, again)
		}
	}
}

func TestCRC32C(t *testing.T) {
	if got := crc32.Checksum([]byte("123456789"), crc32.MakeTable(crc32.Castagnoli)); got != 0xE3069283 {
		t.Fatalf("CRC-32C check value %08x", got)
	}
}

func attrEnvelope(v *ev.AnyValue) *ev.Envelope {
	return &ev.Envelope{Body: &ev.Body{Attributes: []*ev.KeyValue{{Key: "v", Value: v}}}}
}

func double(f float64) *ev.AnyValue {
	return &ev.AnyValue{Value: &ev.AnyValue_DoubleValue{DoubleValue: f}}
}

// TestCBORValues pins the encoding of one attribute value in the body map
// {1: {"v": value}} (a1 01 a1 61 76 ...).
func TestCBORValues(t *testing.T) {
	for _, tc := range []struct {
		name          string
		value         *ev.AnyValue
		def, det      string
		decodesBackAs *ev.AnyValue
	}{
		{"1.0", double(1), "fb3ff0000000000000", "f93c00", nil},
		{"0.1", double(0.1), "fb3fb999999999999a", "fb3fb999999999999a", nil},
		{"NaN", double(math.NaN()), "fb7ff8000000000000", "f97e00", nil},
		{"+Inf", double(math.Inf(1)), "fb7ff0000000000000", "f97c00", nil},
		{"-Inf", double(math.Inf(-1)), "fbfff0000000000000", "f9fc00", nil},
		{"-0", double(math.Copysign(0, -1)), "fb8000000000000000", "f98000", nil},
		{"5e-324", double(5e-324), "fb0000000000000001", "fb0000000000000001", nil},
		{"100000", double(100000), "fb40f86a0000000000", "fa47c35000", nil},
		{"int 0", &ev.AnyValue{Value: &ev.AnyValue_IntValue{}}, "00", "00", nil},
		{"int min", &ev.AnyValue{Value: &ev.AnyValue_IntValue{IntValue: math.MinInt64}}, "3b7fffffffffffffff", "3b7fffffffffffffff", nil},
		{"empty bytes", &ev.AnyValue{Value: &ev.AnyValue_BytesValue{}}, "40", "40", nil},
		{"empty string", &ev.AnyValue{Value: &ev.AnyValue_StringValue{}}, "60", "60", nil},
		{"empty array", &ev.AnyValue{Value: &ev.AnyValue_ArrayValue{ArrayValue: &ev.ArrayValue{}}}, "80", "80", nil},
		{"empty map", &ev.AnyValue{Value: &ev.AnyValue_KvlistValue{KvlistValue: &ev.KeyValueList{}}}, "a0", "a0", nil},
	} {
		env := attrEnvelope(tc.value)
		for _, p := range []struct {
			profile envelope.Profile
			want    string
		}{{envelope.ProfileDefault, tc.def}, {envelope.ProfileDeterministic, tc.det}} {
			got, err := envelope.MarshalCBOR(env.Body.ProtoReflect(), p.profile)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if want := "a101a16176" + p.want; hex.EncodeToString(got) != want {
				t.Errorf("%s profile %d: %x, want %s", tc.name, p.profile, got, want)
			}
			var back ev.Body
			if err := envelope.UnmarshalCBOR(got, back.ProtoReflect()); err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if d := envelope.Diff(env.Body.ProtoReflect(), back.ProtoReflect()); d != "" {
				t.Errorf("%s profile %d: %s", tc.name, p.profile, d)
			}
		}
	}
}

// TestCBORReader: what a strict reader accepts and rejects.
func TestCBORReader(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		code       envelope.Code
	}{
		{"f16 is a double", "a101a16176f93e00", ""},
		{"f32 is a double", "a101a16176fa3fc00000", ""},
		{"explicit empty attributes", "a101a0", ""},
		{"unknown key skipped", "a20963666f6f01a0", ""},
		{"duplicate attribute key", "a101a2617601617602", envelope.CodeDuplicateKey},
		{"duplicate field key", "a201a001a0", envelope.CodeDuplicateKey},
		{"trailing bytes", "a000", envelope.CodeTrailingBytes},
		{"break after a complete item", "a101a1617601ff", envelope.CodeTrailingBytes},
		{"map ends early", "a201a0", envelope.CodeTruncated},
		{"truncated item", "a101a16176fb3ff0", envelope.CodeTruncated},
		{"indefinite map", "bf01a0ff", envelope.CodeInvalidCBOR},
		{"tag", "a101a16176c101", envelope.CodeInvalidCBOR},
		{"null value", "a101a16176f6", envelope.CodeInvalidCBOR},
		{"invalid UTF-8", "a101a1617662c328", envelope.CodeInvalidUTF8},
		{"text key for a field", "a1617601", envelope.CodeInvalidCBOR},
		{"int over int64", "a101a161761bffffffffffffffff", envelope.CodeInvalidValue},
		{"byte string attribute key", "a101a1417601", envelope.CodeInvalidCBOR},
	} {
		data, _ := hex.DecodeString(tc.body)
		var b ev.Body
		err := envelope.UnmarshalCBOR(data, b.ProtoReflect())
		if got := envelope.CodeOf(err); got != tc.code || (tc.code == "" && err != nil) {
			t.Errorf("%s: got %v, want code %q", tc.name, err, tc.code)
		}
	}
}

// TestJSONReader: what the JSON mapping reader accepts and rejects.
func TestJSONReader(t *testing.T) {
	for _, tc := range []struct {
		name, json string
		code       envelope.Code
		check      func(*ev.Header) bool
	}{
		{"uppercase id", `{"eventId":"0AF7651916CD43DD8448EB211C80319C"}`, envelope.CodeInvalidID, nil},
		{"odd-length id", `{"eventId":"0af"}`, envelope.CodeInvalidID, nil},
		{"snake_case is unknown", `{"event_id":"0af7651916cd43dd8448eb211c80319c"}`, "", func(h *ev.Header) bool { return len(h.EventId) == 0 }},
		{"time as number", `{"timeUnixNano":1700000000}`, "", func(h *ev.Header) bool { return h.TimeUnixNano == 1700000000 }},
		{"time as number over 2^53", `{"timeUnixNano":9007199254740992}`, envelope.CodeInvalidValue, nil},
		{"time max as string", `{"timeUnixNano":"18446744073709551615"}`, "", func(h *ev.Header) bool { return h.TimeUnixNano == math.MaxUint64 }},
		{"null is absent", `{"trace":null,"status":{"code":null}}`, "", func(h *ev.Header) bool { return h.Trace == nil && h.Status != nil }},
		{"duplicate key", `{"status":{},"status":{}}`, envelope.CodeDuplicateKey, nil},
		{"trace flags over uint32", `{"trace":{"traceFlags":4294967296}}`, envelope.CodeInvalidValue, nil},
		{"trailing data", `{} {}`, envelope.CodeTrailingBytes, nil},
		{"not JSON", `{"status":}`, envelope.CodeInvalidJSON, nil},
		{"unknown keys ignored", `{"tenant":"x","status":{"code":2,"extra":[1]}}`, "", func(h *ev.Header) bool { return h.Status.Code == 2 }},
	} {
		var h ev.Header
		err := envelope.UnmarshalJSON([]byte(tc.json), h.ProtoReflect())
		if got := envelope.CodeOf(err); got != tc.code || (tc.code == "" && err != nil) {
			t.Errorf("%s: got %v, want code %q", tc.name, err, tc.code)
			continue
		}
		if tc.check != nil && !tc.check(&h) {
			t.Errorf("%s: read %v", tc.name, &h)
		}
	}
	for _, tc := range []struct{ name, json, want string }{
		{"int as number", `{"intValue":3}`, `{"intValue":"3"}`},
		{"double as decimal string", `{"doubleValue":"1.5"}`, `{"doubleValue":1.5}`},
		{"double -0 as number", `{"doubleValue":-0}`, `{"doubleValue":"-0"}`},
		{"double integral", `{"doubleValue":1.0}`, `{"doubleValue":1}`},
		{"double exponent", `{"doubleValue":1e21}`, `{"doubleValue":1e+21}`},
		{"base64 url-safe unpadded", `{"bytesValue":"-_8"}`, `{"bytesValue":"+/8="}`},
	} {
		var v ev.AnyValue
		if err := envelope.UnmarshalJSON([]byte(tc.json), v.ProtoReflect()); err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		got, err := envelope.MarshalJSON(v.ProtoReflect())
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: wrote %s (%v), want %s", tc.name, got, err, tc.want)
		}
	}
}

// TestFrameErrors: the frame checks and their order (docs/spec.md, "Frame").
func TestFrameErrors(t *testing.T) {
	good, err := envelope.EncodeFrame(envelope.Frame{Codec: envelope.CodecProtobuf, Header: []byte{1, 2, 3}, Body: []byte{4, 5}})
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func(b []byte) []byte, fixPrefix bool) []byte {
		b := f(bytes.Clone(good))
		if fixPrefix && len(b) >= 24 {
			sum := crc32.Checksum(b[:20], crc32.MakeTable(crc32.Castagnoli))
			b[20], b[21], b[22], b[23] = byte(sum), byte(sum>>8), byte(sum>>16), byte(sum>>24)
		}
		return b
	}
	for _, tc := range []struct {
		name string
		data []byte
		code envelope.Code
	}{
		{"good", good, ""},
		{"short", good[:23], envelope.CodeTruncated},
		{"magic before version", edit(func(b []byte) []byte { b[0], b[4] = 0, 9; return b }, true), envelope.CodeBadMagic},
		{"version before checksum", edit(func(b []byte) []byte { b[4] = 2; return b }, false), envelope.CodeUnsupportedVersion},
		{"prefix checksum", edit(func(b []byte) []byte { b[5] = 3; return b }, false), envelope.CodeChecksumMismatch},
		{"reserved flag", edit(func(b []byte) []byte { b[7] = 0x80; return b }, true), envelope.CodeInvalidFrame},
		{"raw length differs uncompressed", edit(func(b []byte) []byte { b[16] = 3; return b }, true), envelope.CodeInvalidFrame},
		{"codec", edit(func(b []byte) []byte { b[5] = 4; return b }, true), envelope.CodeUnsupportedCodec},
		{"compression", edit(func(b []byte) []byte { b[6] = 2; b[16] = 3; return b }, true), envelope.CodeUnsupportedCompression},
		{"frame too large", edit(func(b []byte) []byte { b[11] = 0x10; return b }, true), envelope.CodeTooLarge},
		{"truncated body", good[:len(good)-1], envelope.CodeTruncated},
		{"trailing", append(bytes.Clone(good), 0), envelope.CodeTrailingBytes},
	} {
		_, err := envelope.DecodeFrame(tc.data, envelope.DefaultLimits)
		if got := envelope.CodeOf(err); got != tc.code {
			t.Errorf("%s: got %v, want code %q", tc.name, err, tc.code)
		}
	}
}

// TestLZ4: concatenated and skippable frames decode; a declared content size
// over the raw length is too_large; a wrong raw length is invalid_lz4.
func TestLZ4(t *testing.T) {
	a, _ := envelope.CompressLZ4([]byte("hello "))
	b, _ := envelope.CompressLZ4([]byte("world"))
	skippable := []byte{0x50, 0x2a, 0x4d, 0x18, 2, 0, 0, 0, 0xaa, 0xbb}
	stream := append(append(append([]byte{}, a...), skippable...), b...)
	got, err := envelope.DecompressLZ4(stream, 11)
	if err != nil || string(got) != "hello world" {
		t.Errorf("concatenated: %q %v", got, err)
	}
	if _, err := envelope.DecompressLZ4(a, 5); envelope.CodeOf(err) != envelope.CodeTooLarge {
		t.Errorf("content size over raw length: %v", err)
	}
	if _, err := envelope.DecompressLZ4(append(bytes.Clone(a), 1, 2, 3, 4, 5), 6); envelope.CodeOf(err) != envelope.CodeInvalidLZ4 {
		t.Errorf("garbage after the end mark: %v", err)
	}
	if _, err := envelope.DecompressLZ4(a[:len(a)-2], 6); envelope.CodeOf(err) != envelope.CodeInvalidLZ4 {
		t.Errorf("truncated: %v", err)
	}
}

// TestValidate: each validation rule with its code.
func TestValidate(t *testing.T) {
	base := func() *ev.Envelope {
		return &ev.Envelope{
			Header: &ev.Header{Schema: &ev.SchemaRef{Type: "t", Subtype: "s", Version: "1.0.0"}, EventId: bytes.Repeat([]byte{1}, 16),
				TimeUnixNano: 1, Producer: &ev.Producer{Language: "go", Version: "0.1.0"}, Resource: &ev.Resource{ServiceName: "s"}},
			Body: &ev.Body{},
		}
	}
	nest := func(n int) *ev.AnyValue {
		v := &ev.AnyValue{Value: &ev.AnyValue_BoolValue{BoolValue: true}}
		for range n {
			v = &ev.AnyValue{Value: &ev.AnyValue_ArrayValue{ArrayValue: &ev.ArrayValue{Values: []*ev.AnyValue{v}}}}
		}
		return v
	}
	for _, tc := range []struct {
		name string
		edit func(e *ev.Envelope)
		code envelope.Code
	}{
		{"valid", func(e *ev.Envelope) {}, ""},
		{"no body", func(e *ev.Envelope) { e.Body = nil }, envelope.CodeMissingField},
		{"empty type", func(e *ev.Envelope) { e.Header.Schema.Type = "" }, envelope.CodeMissingField},
		{"semver leading zero", func(e *ev.Envelope) { e.Header.Schema.Version = "1.01.0" }, envelope.CodeInvalidSemver},
		{"semver suffix", func(e *ev.Envelope) { e.Header.Schema.Version = "1.0.0-rc.1" }, envelope.CodeInvalidSemver},
		{"semver 2^53", func(e *ev.Envelope) { e.Header.Schema.Version = "9007199254740992.0.0" }, envelope.CodeInvalidSemver},
		{"zero event id", func(e *ev.Envelope) { e.Header.EventId = make([]byte, 16) }, envelope.CodeInvalidID},
		{"time 0", func(e *ev.Envelope) { e.Header.TimeUnixNano = 0 }, envelope.CodeMissingField},
		{"short span id", func(e *ev.Envelope) {
			e.Header.Trace = &ev.TraceContext{TraceId: bytes.Repeat([]byte{1}, 16), SpanId: []byte{1}}
		}, envelope.CodeInvalidID},
		{"flags 256", func(e *ev.Envelope) {
			e.Header.Trace = &ev.TraceContext{TraceId: bytes.Repeat([]byte{1}, 16), SpanId: bytes.Repeat([]byte{1}, 8), TraceFlags: 256}
		}, envelope.CodeInvalidValue},
		{"depth 32", func(e *ev.Envelope) { e.Body.Attributes = []*ev.KeyValue{{Key: "d", Value: nest(32)}} }, ""},
		{"depth 33", func(e *ev.Envelope) { e.Body.Attributes = []*ev.KeyValue{{Key: "d", Value: nest(33)}} }, envelope.CodeLimitExceeded},
		{"duplicate key", func(e *ev.Envelope) {
			e.Body.Attributes = []*ev.KeyValue{{Key: "k", Value: nest(0)}, {Key: "k", Value: nest(0)}}
		}, envelope.CodeDuplicateKey},
		{"no value", func(e *ev.Envelope) { e.Body.Attributes = []*ev.KeyValue{{Key: "k", Value: &ev.AnyValue{}}} }, envelope.CodeInvalidValue},
		{"duplicate namespace", func(e *ev.Envelope) {
			e.Body.Extensions = []*ev.Extension{{Namespace: "n", Version: "1.0.0"}, {Namespace: "n", Version: "1.0.0"}}
		}, envelope.CodeDuplicateKey},
	} {
		e := base()
		tc.edit(e)
		if got := envelope.CodeOf(envelope.Validate(e, envelope.DefaultLimits)); got != tc.code {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.code)
		}
	}
}
