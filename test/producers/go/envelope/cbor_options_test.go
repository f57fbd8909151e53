package envelope

import (
	"encoding/hex"
	"errors"
	"math"
	"testing"

	ev "github.com/envelope-sdk/envelope/test/producers/go/gen/envelopev1"
	"github.com/fxamacker/cbor/v2"
)

// TestCBOREncOptions pins what fxamacker/cbor writes with the options that
// docs/spec.md ("Implementing the contract") gives, and why each is needed:
// without them NaN and the infinities shrink to float16 even with
// ShortestFloatNone, and a nil []byte becomes null.
func TestCBOREncOptions(t *testing.T) {
	var zero float64
	negNaN := zero / zero // 0xFFF8000000000000 on amd64 and arm64
	floatOnly := mustEncMode(cbor.EncOptions{ShortestFloat: cbor.ShortestFloatNone})
	for _, tc := range []struct {
		name string
		em   cbor.EncMode
		v    any
		want string
	}{
		{"ShortestFloatNone alone: NaN", floatOnly, canonicalNaN, "f97e00"},
		{"ShortestFloatNone alone: +Inf", floatOnly, math.Inf(1), "f97c00"},
		{"ShortestFloatNone alone: nil bytes", floatOnly, []byte(nil), "f6"},
		{"CoreDet alone: nil bytes", mustEncMode(cbor.CoreDetEncOptions()), []byte(nil), "f6"},
		{"default: 1.0", defaultEncMode, 1.0, "fb3ff0000000000000"},
		{"default: canonical NaN", defaultEncMode, canonicalNaN, "fb7ff8000000000000"},
		{"default: math.NaN() keeps its payload", defaultEncMode, math.NaN(), "fb7ff8000000000001"},
		{"default: +Inf", defaultEncMode, math.Inf(1), "fb7ff0000000000000"},
		{"default: -Inf", defaultEncMode, math.Inf(-1), "fbfff0000000000000"},
		{"default: -0", defaultEncMode, math.Copysign(0, -1), "fb8000000000000000"},
		{"default: nil bytes", defaultEncMode, []byte(nil), "40"},
		{"default: int64 min", defaultEncMode, int64(math.MinInt64), "3b7fffffffffffffff"},
		{"default: uint64 max", defaultEncMode, uint64(math.MaxUint64), "1bffffffffffffffff"},
		{"deterministic: 1.0", deterministicEncMode, 1.0, "f93c00"},
		{"deterministic: 100000", deterministicEncMode, 100000.0, "fa47c35000"},
		{"deterministic: 1.1", deterministicEncMode, 1.1, "fb3ff199999999999a"},
		{"deterministic: math.NaN()", deterministicEncMode, math.NaN(), "f97e00"},
		{"deterministic: negative NaN", deterministicEncMode, negNaN, "f97e00"},
		{"deterministic: -Inf", deterministicEncMode, math.Inf(-1), "f9fc00"},
		{"deterministic: -0", deterministicEncMode, math.Copysign(0, -1), "f98000"},
		{"deterministic: nil bytes", deterministicEncMode, []byte(nil), "40"},
	} {
		got, err := tc.em.Marshal(tc.v)
		if err != nil || hex.EncodeToString(got) != tc.want {
			t.Errorf("%s: %x (%v), want %s", tc.name, got, err, tc.want)
		}
	}
}

// TestCBORDecOptions: fxamacker/cbor's defaults would lose what the mapping
// needs, so the reader walks maps itself and sets its options.
func TestCBORDecOptions(t *testing.T) {
	twoKeys, _ := hex.DecodeString("a2617a01616102") // {"z": 1, "a": 2}
	dup, _ := hex.DecodeString("a2617a01617a02")     // {"z": 1, "z": 2}
	tag, _ := hex.DecodeString("c101")               // tag 1 (epoch time) 1
	deep, _ := hex.DecodeString("8181818181818181818181818181818181818181818181818181818181818181" + "8101")
	var m map[string]any
	if err := cbor.Unmarshal(dup, &m); err != nil || m["z"] != uint64(2) {
		t.Errorf("default DupMapKey keeps the last duplicate: %v %v", m, err)
	}
	var x any
	if err := cbor.Unmarshal(tag, &x); err != nil {
		t.Errorf("default TagsMd accepts tags: %v", err)
	}
	if err := cbor.Unmarshal(deep, &x); err == nil {
		t.Errorf("default MaxNestedLevels (32) accepts 33 levels")
	}
	var dupErr *cbor.DupMapKeyError
	if err := decMode.Unmarshal(dup, &x); !errors.As(err, &dupErr) {
		t.Errorf("decMode duplicate key: %v", err)
	}
	// Tags are well-formed CBOR: decMode reads them (an unknown key's value
	// may hold one), and the walker keeps them out of attribute values.
	if err := decMode.Unmarshal(tag, &x); err != nil {
		t.Errorf("decMode tag: %v", err)
	}
	var tagged ev.Body
	if err := UnmarshalCBOR([]byte{0xa1, 0x01, 0xa1, 0x61, 0x61, 0xc1, 0x01}, tagged.ProtoReflect()); CodeOf(err) != CodeInvalidCBOR {
		t.Errorf("tag as an attribute value: %v", err)
	}
	if err := decMode.Unmarshal(deep, &x); err != nil {
		t.Errorf("decMode nesting: %v", err)
	}
	// Attribute order survives the reader's own map walk: Body {1: {"z": 1, "a": 2}}.
	var body ev.Body
	if err := UnmarshalCBOR(append([]byte{0xa1, 0x01}, twoKeys...), body.ProtoReflect()); err != nil {
		t.Fatal(err)
	}
	if a := body.Attributes; len(a) != 2 || a[0].Key != "z" || a[1].Key != "a" || a[0].Value.GetIntValue() != 1 {
		t.Errorf("attribute order: %v", a)
	}
}
