package envelope_test

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/envelope-sdk/envelope/test/producers/go/envelope"
	ev "github.com/envelope-sdk/envelope/test/producers/go/gen/envelopev1"
	"github.com/envelope-sdk/envelope/test/producers/go/gen/nextv1"
	"github.com/envelope-sdk/envelope/test/producers/go/internal/vectors"
	"github.com/pierrec/lz4/v4"
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
		{"indefinite body map", "bf01a0ff", ""},
		{"indefinite attribute map", "a101bf617601ff", ""},
		{"indefinite text, bytes, array and map values", "a101a4" + "6161" + "7f616162c3a9ff" + "6162" + "5f4101404202 03ff" + "6163" + "9f01bf6164f5ffff" + "6164" + "80", ""},
		{"break in a map's value position", "a101bf6176ff", envelope.CodeInvalidCBOR},
		{"indefinite map without its break", "a101bf617601", envelope.CodeTruncated},
		{"a byte-string chunk in indefinite text", "a101a161767f4161ff", envelope.CodeInvalidCBOR},
		{"tag in an unknown key's value: any well-formed CBOR", "a21863c1c2410101a0", ""},
		{"simple value and indefinite items in an unknown key's value", "a218639ff0bf6178f7ff5f4101ffff01a0", ""},
		{"two-byte simple value below 32 in an unknown key's value", "a21863f81801a0", envelope.CodeInvalidCBOR},
		{"tag", "a101a16176c101", envelope.CodeInvalidCBOR},
		{"null value", "a101a16176f6", envelope.CodeInvalidCBOR},
		{"undefined value", "a101a16176f7", envelope.CodeInvalidCBOR},
		{"body section is an array", "80", envelope.CodeInvalidValue},
		{"attributes as an array", "a10180", envelope.CodeInvalidValue},
		{"attributes as indefinite text", "a1017f6161ff", envelope.CodeInvalidValue},
		{"extensions as a map", "a102a0", envelope.CodeInvalidValue},
		{"extension namespace as an integer", "a10281a10101", envelope.CodeInvalidValue},
		{"a tag on a known field", "a10281a101c16161", envelope.CodeInvalidValue},
		{"invalid UTF-8", "a101a1617662c328", envelope.CodeInvalidUTF8},
		{"text key for a field", "a1617601", envelope.CodeInvalidCBOR},
		{"int over int64", "a101a161761bffffffffffffffff", envelope.CodeInvalidValue},
		{"byte string attribute key", "a101a1417601", envelope.CodeInvalidCBOR},
	} {
		data, _ := hex.DecodeString(strings.ReplaceAll(tc.body, " ", ""))
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
		{"time as number over 2^53", `{"timeUnixNano":9007199254740992}`, envelope.CodeInvalidJSON, nil},
		{"time as 1e3", `{"timeUnixNano":1e3}`, "", func(h *ev.Header) bool { return h.TimeUnixNano == 1000 }},
		{"time as \"1e3\"", `{"timeUnixNano":"1e3"}`, envelope.CodeInvalidJSON, nil},
		{"status code name", `{"status":{"code":"STATUS_CODE_ERROR"}}`, "", func(h *ev.Header) bool { return h.Status.Code == ev.StatusCode_STATUS_CODE_ERROR }},
		{"status code OK name", `{"status":{"code":"STATUS_CODE_OK"}}`, "", func(h *ev.Header) bool { return h.Status.Code == ev.StatusCode_STATUS_CODE_OK }},
		{"status code as decimal string", `{"status":{"code":"2"}}`, "", func(h *ev.Header) bool { return h.Status.Code == 2 }},
		{"status code 2.0", `{"status":{"code":2.0}}`, "", func(h *ev.Header) bool { return h.Status.Code == 2 }},
		{"status code unknown name", `{"status":{"code":"ERROR"}}`, envelope.CodeInvalidValue, nil},
		{"status code \"3.0\"", `{"status":{"code":"3.0"}}`, envelope.CodeInvalidValue, nil},
		{"status code 2.5", `{"status":{"code":2.5}}`, envelope.CodeInvalidJSON, nil},
		{"status code negative", `{"status":{"code":-1}}`, envelope.CodeInvalidValue, nil},
		{"byte order mark", "\ufeff{}", envelope.CodeInvalidJSON, nil},
		{"duplicate name in an unknown object", `{"x":{"a":1,"\u0061":2}}`, envelope.CodeInvalidJSON, nil},
		{"same name in two objects", `{"x":{"a":1},"y":{"a":1}}`, "", nil},
		{"lone high surrogate escape", `{"status":{"message":"\ud800"}}`, envelope.CodeInvalidUTF8, nil},
		{"lone low surrogate escape", `{"status":{"message":"\udc00x"}}`, envelope.CodeInvalidUTF8, nil},
		{"escaped pair", `{"status":{"message":"\ud83d\ude00"}}`, "", func(h *ev.Header) bool { return h.Status.Message == "\U0001F600" }},
		{"escaped backslash then u", `{"status":{"message":"\\ud800"}}`, "", func(h *ev.Header) bool { return h.Status.Message == `\ud800` }},
		{"U+FEFF in a string", `{"status":{"message":"\ufeff"}}`, "", func(h *ev.Header) bool { return h.Status.Message == "\ufeff" }},
		{"not JSON: ends early", `{"status":{`, envelope.CodeInvalidJSON, nil},
		{"time max as string", `{"timeUnixNano":"18446744073709551615"}`, "", func(h *ev.Header) bool { return h.TimeUnixNano == math.MaxUint64 }},
		{"null is absent", `{"trace":null,"status":{"code":null}}`, "", func(h *ev.Header) bool { return h.Trace == nil && h.Status != nil }},
		{"duplicate name", `{"status":{},"status":{}}`, envelope.CodeInvalidJSON, nil},
		{"trace flags over uint32", `{"trace":{"traceFlags":4294967296}}`, envelope.CodeInvalidValue, nil},
		{"trailing data", `{} {}`, envelope.CodeInvalidJSON, nil},
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
		{"int 1.0", `{"intValue":1.0}`, `{"intValue":"1"}`},
		{"int 1e3", `{"intValue":1e3}`, `{"intValue":"1000"}`},
		{"int 30e-1", `{"intValue":30e-1}`, `{"intValue":"3"}`},
		{"double \"1e3\"", `{"doubleValue":"1e3"}`, `{"doubleValue":1000}`},
		{"boolValue false", `{"boolValue":false}`, `{"boolValue":false}`},
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

// TestJSONValueDecisions: the attribute value rules of docs/spec.md ("Codec:
// JSON", "Reading"), read and validated as the producer reads a frame.
func TestJSONValueDecisions(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		code        envelope.Code
	}{
		{"{} is no value", `{}`, envelope.CodeInvalidValue},
		{"only null members", `{"boolValue":null}`, envelope.CodeInvalidValue},
		{"two kinds", `{"intValue":"1","stringValue":"x"}`, envelope.CodeInvalidJSON},
		{"int 3.5", `{"intValue":3.5}`, envelope.CodeInvalidJSON},
		{"int \"1e3\"", `{"intValue":"1e3"}`, envelope.CodeInvalidJSON},
		{"int \"+3\"", `{"intValue":"+3"}`, envelope.CodeInvalidJSON},
		{"int 2^53", `{"intValue":9007199254740992}`, envelope.CodeInvalidJSON},
		{"double \"x\"", `{"doubleValue":"x"}`, envelope.CodeInvalidJSON},
		{"double \"1e400\"", `{"doubleValue":"1e400"}`, envelope.CodeInvalidJSON},
		{"double 1e400", `{"doubleValue":1e400}`, envelope.CodeInvalidJSON},
		{"duplicate kind name", `{"stringValue":"x","stringValue":"y"}`, envelope.CodeInvalidJSON},
	} {
		body := `{"attributes":[{"key":"a","value":` + tc.value + `}]}`
		var b ev.Body
		err := envelope.UnmarshalJSON([]byte(body), b.ProtoReflect())
		if err == nil {
			err = envelope.Validate(&ev.Envelope{Header: validHeader(), Body: &b}, envelope.DefaultLimits)
		}
		if got := envelope.CodeOf(err); got != tc.code {
			t.Errorf("%s: got %v, want code %q", tc.name, err, tc.code)
		}
	}
}

// TestJSONNesting: text nested past what a valid envelope can hold is
// limit_exceeded, found before the recursion reaches it (a 1 MB run of "[").
func TestJSONNesting(t *testing.T) {
	var b ev.Body
	deep := []byte(`{"attributes":` + strings.Repeat("[", 1<<20))
	if got := envelope.CodeOf(envelope.UnmarshalJSON(deep, b.ProtoReflect())); got != envelope.CodeLimitExceeded {
		t.Errorf("got code %q, want limit_exceeded", got)
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

// lz4NoSize writes raw as one LZ4 frame without a declared content size,
// as lz4-napi does: then only the block headers bound the output.
func lz4NoSize(t *testing.T, raw []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	w := lz4.NewWriter(&out)
	if err := w.Apply(lz4.BlockSizeOption(lz4.Block64Kb), lz4.ConcurrencyOption(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// allocatedBy returns the bytes f allocates.
func allocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestLZ4 covers what a reader must add to pierrec/lz4 (docs/spec.md,
// "Compression"): concatenated and skippable frames, declared sizes, the
// block-header bound, an output cap, and nothing but frames.
func TestLZ4(t *testing.T) {
	a, _ := envelope.CompressLZ4([]byte("hello "))
	b, _ := envelope.CompressLZ4([]byte("world"))
	skippable := []byte{0x50, 0x2a, 0x4d, 0x18, 2, 0, 0, 0, 0xaa, 0xbb}
	concat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	got, err := envelope.DecompressLZ4(concat(a, skippable, b), 11, 1<<20)
	if err != nil || string(got) != "hello world" {
		t.Errorf("concatenated: %q %v", got, err)
	}
	got, err = envelope.DecompressLZ4(concat(lz4NoSize(t, []byte("hello ")), b), 11, 1<<20)
	if err != nil || string(got) != "hello world" {
		t.Errorf("without content size: %q %v", got, err)
	}
	var legacy bytes.Buffer
	lw := lz4.NewWriter(&legacy)
	_ = lw.Apply(lz4.LegacyOption(true))
	_, _ = lw.Write([]byte("hello "))
	_ = lw.Close()
	zeros := lz4NoSize(t, make([]byte, 1<<20))
	edit := func(frame []byte, at int, v byte) []byte { c := bytes.Clone(frame); c[at] = v; return c }
	for _, tc := range []struct {
		name            string
		data            []byte
		rawLen, maxSize int
		code            envelope.Code
	}{
		{"empty", nil, 0, 1 << 20, envelope.CodeInvalidLZ4},
		{"only a skippable frame", skippable, 0, 1 << 20, envelope.CodeInvalidLZ4},
		{"legacy format", legacy.Bytes(), 6, 1 << 20, envelope.CodeInvalidLZ4},
		{"content size over the raw length", a, 5, 1 << 20, envelope.CodeTooLarge},
		{"content size over the limit", a, 6, 5, envelope.CodeTooLarge},
		{"content sizes under the raw length", concat(a, b), 12, 1 << 20, envelope.CodeInvalidLZ4},
		{"expands past the raw length, at the limit", zeros, 1000, 1000, envelope.CodeTooLarge},
		{"expands past the raw length", zeros, 1000, 64 << 20, envelope.CodeTooLarge},
		{"raw length over what the frame holds", lz4NoSize(t, []byte("hello ")), 1 << 20, 1 << 20, envelope.CodeInvalidLZ4},
		{"one trailing byte", concat(a, []byte{0}), 6, 1 << 20, envelope.CodeInvalidLZ4},
		{"garbage after the end mark", concat(a, []byte{1, 2, 3, 4, 5}), 6, 1 << 20, envelope.CodeInvalidLZ4},
		{"truncated", a[:len(a)-2], 6, 1 << 20, envelope.CodeInvalidLZ4},
		{"no end mark", a[:len(a)-8], 6, 1 << 20, envelope.CodeInvalidLZ4},
		{"reserved FLG bit", edit(a, 4, a[4]|0x02), 6, 1 << 20, envelope.CodeInvalidLZ4},
		{"dictionary id", edit(a, 4, a[4]|0x01), 6, 1 << 20, envelope.CodeInvalidLZ4},
		{"header checksum", edit(a, 14, a[14]^1), 6, 1 << 20, envelope.CodeInvalidLZ4},
		{"content checksum", edit(a, len(a)-1, a[len(a)-1]^1), 6, 1 << 20, envelope.CodeInvalidLZ4},
	} {
		if _, err := envelope.DecompressLZ4(tc.data, tc.rawLen, tc.maxSize); envelope.CodeOf(err) != tc.code {
			t.Errorf("%s: got %v, want code %q", tc.name, err, tc.code)
		}
	}
	// Forged sizes cost nothing: a 64 MiB raw length over a 6-byte frame
	// allocates what the frame holds, and a 1 MiB bomb against a 1,000-byte
	// raw length stops after 1,001 bytes of output.
	for _, tc := range []struct {
		name   string
		data   []byte
		rawLen int
	}{{"forged raw length", lz4NoSize(t, []byte("hello ")), 64 << 20}, {"bomb", zeros, 1000}} {
		if n := allocatedBy(func() { _, _ = envelope.DecompressLZ4(tc.data, tc.rawLen, 64<<20) }); n > 1<<20 {
			t.Errorf("%s: allocated %d bytes", tc.name, n)
		}
	}
}

// TestLZ4ManySmallBlocks: a streaming writer that flushes after every 1 KiB
// writes one small block per flush. Each block's worst case (255 bytes out
// per byte in, at most the 64 KiB block maximum) summed over 2,000 blocks is
// far over 2 MB of content: a reader that refused by that sum would refuse
// this valid body under a 4 MiB limit (docs/spec.md, "LZ4 readers").
func TestLZ4ManySmallBlocks(t *testing.T) {
	var frame, raw bytes.Buffer
	w := lz4.NewWriter(&frame)
	if err := w.Apply(lz4.BlockSizeOption(lz4.Block64Kb)); err != nil {
		t.Fatal(err)
	}
	for i := range 2000 {
		chunk := make([]byte, 1024)
		for j := range chunk {
			chunk[j] = byte(i*31) ^ byte(j%16) // compressible: one small compressed block per flush
		}
		raw.Write(chunk)
		if _, err := w.Write(chunk); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// Blocks and their worst case, from the block headers (magic, FLG, BD, HC first).
	b := frame.Bytes()
	blocks, worst := 0, 0
	for at := 7; ; {
		word := binary.LittleEndian.Uint32(b[at:])
		if word == 0 {
			break
		}
		size := int(word & 0x7fffffff)
		blocks++
		if word&0x80000000 == 0 {
			worst += min(64<<10, 255*size+32)
		} else {
			worst += size
		}
		at += 4 + size
	}
	if blocks != 2000 || worst <= 4<<20 {
		t.Fatalf("%d blocks, worst case %d bytes: the test needs 2,000 blocks whose worst case is over the limit", blocks, worst)
	}
	got, err := envelope.DecompressLZ4(b, raw.Len(), 4<<20)
	if err != nil || !bytes.Equal(got, raw.Bytes()) {
		t.Errorf("decompress: %d bytes, %v", len(got), err)
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
		{"empty namespace", func(e *ev.Envelope) { e.Body.Extensions = []*ev.Extension{{Version: "1.0.0"}} }, envelope.CodeMissingField},
	} {
		e := base()
		tc.edit(e)
		if got := envelope.CodeOf(envelope.Validate(e, envelope.DefaultLimits)); got != tc.code {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.code)
		}
	}
	// Extension namespaces follow the registry's name rule,
	// ^[a-z0-9][a-z0-9_.-]*$, and are at most 255 bytes.
	for _, tc := range []struct {
		namespace string
		ok        bool
	}{
		{"http", true}, {"0", true}, {"quota.next", true}, {"a_b-c.9", true}, {"a..b", true}, {"a-", true},
		{strings.Repeat("a", 255), true}, {strings.Repeat("a", 256), false},
		{"Http", false}, {"_http", false}, {".http", false}, {"-http", false}, {"ht tp", false},
		{"http/1", false}, {"http\n", false}, {"é", false}, {"\u00a0x", false},
	} {
		e := base()
		e.Body.Extensions = []*ev.Extension{{Namespace: "x", Version: "1.0.0"}, {Namespace: tc.namespace, Version: "1.0.0"}}
		err := envelope.Validate(e, envelope.DefaultLimits)
		var ee *envelope.Error
		switch {
		case tc.ok && err != nil:
			t.Errorf("namespace %q: %v", tc.namespace, err)
		case !tc.ok && (!errors.As(err, &ee) || ee.Code != envelope.CodeInvalidValue || ee.Path != "body.extensions[1].namespace"):
			t.Errorf("namespace %q: got %v, want invalid_value at body.extensions[1].namespace", tc.namespace, err)
		}
	}
}

// TestNaNCanonical: every codec writes any NaN as the quiet NaN
// 0x7FF8000000000000, whatever bits it had (docs/spec.md, "Attribute
// values"); math.NaN() and 0/0 on amd64 are other NaNs.
func TestNaNCanonical(t *testing.T) {
	var zero float64
	for _, nan := range []float64{math.NaN(), zero / zero, math.Float64frombits(0xFFF8000000000000), math.Float64frombits(0x7FF0000000000001)} {
		bits := math.Float64bits(nan)
		env := attrEnvelope(double(nan))
		pb, err := envelope.Encode(env.ProtoReflect(), envelope.EncodeOptions{Variant: envelope.Variants[0]})
		if err != nil {
			t.Fatal(err)
		}
		// Body section: 0a 0e (KeyValue) 0a 01 76 ("v") 12 09 (AnyValue) 21 + 8 bytes.
		if got, want := hex.EncodeToString(pb[len(pb)-14:]), "0a01761209"+"21000000000000f87f"; got != want {
			t.Errorf("NaN %016x protobuf: %s, want %s", bits, got, want)
		}
		for _, v := range envelope.Variants[2:] {
			got, err := envelope.MarshalCBOR(env.Body.ProtoReflect(), v.Profile)
			if err != nil {
				t.Fatal(err)
			}
			want := map[envelope.Profile]string{envelope.ProfileDefault: "fb7ff8000000000000", envelope.ProfileDeterministic: "f97e00"}[v.Profile]
			if hex.EncodeToString(got) != "a101a16176"+want {
				t.Errorf("NaN %016x %s: %x, want a101a16176%s", bits, v.Name, got, want)
			}
		}
		if js, _ := envelope.MarshalJSON(env.Body.ProtoReflect()); !bytes.Contains(js, []byte(`{"doubleValue":"NaN"}`)) {
			t.Errorf("NaN %016x json: %s", bits, js)
		}
		if got := math.Float64bits(env.Body.Attributes[0].Value.GetDoubleValue()); got != bits {
			t.Errorf("NaN %016x: the input envelope was changed to %016x", bits, got)
		}
	}
	// A NaN read with a payload is written back canonical.
	in, _ := hex.DecodeString("0a0e0a01761209" + "21010000000000f87f")
	var b ev.Body
	if err := proto.Unmarshal(in, &b); err != nil {
		t.Fatal(err)
	}
	out, err := envelope.Encode((&ev.Envelope{Header: &ev.Header{}, Body: &b}).ProtoReflect(), envelope.EncodeOptions{Variant: envelope.Variants[0]})
	if err != nil || !bytes.HasSuffix(out, []byte{0x21, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f}) {
		t.Errorf("re-encoded payload NaN: %x %v", out, err)
	}
}

// validHeader is the smallest header Validate accepts.
func validHeader() *ev.Header {
	return &ev.Header{Schema: &ev.SchemaRef{Type: "t", Subtype: "s", Version: "1.0.0"}, EventId: bytes.Repeat([]byte{1}, 16),
		TimeUnixNano: 1, Producer: &ev.Producer{Language: "go", Version: "0.1.0"}, Resource: &ev.Resource{ServiceName: "s"}}
}
