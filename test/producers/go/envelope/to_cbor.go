package envelope

import (
	"bytes"
	"encoding/binary"
	"math"
	"slices"

	"github.com/fxamacker/cbor/v2"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Profile selects how the CBOR mapping writes maps and floats.
type Profile int

const (
	// ProfileDefault writes maps in field-number / insertion order and every
	// double as a float64 (0xfb), so 1.0 stays visibly a float.
	ProfileDefault Profile = iota
	// ProfileDeterministic is RFC 8949 §4.2.1 core deterministic encoding:
	// shortest forms, map keys sorted by their encoded bytes, floats in the
	// shortest lossless width, NaN as f97e00, ±Infinity as f97c00/f9fc00.
	ProfileDeterministic
)

var (
	// Plain RFC 8949: definite lengths, no tags; nil bytes are empty bytes,
	// never null (the contract has no null).
	defaultEncMode = mustEncMode(cbor.EncOptions{
		ShortestFloat: cbor.ShortestFloatNone,
		NaNConvert:    cbor.NaNConvertNone,
		InfConvert:    cbor.InfConvertNone,
		IndefLength:   cbor.IndefLengthForbidden,
		TagsMd:        cbor.TagsForbidden,
		NilContainers: cbor.NilContainerAsEmpty,
	})
	deterministicEncMode = mustEncMode(func() cbor.EncOptions {
		o := cbor.CoreDetEncOptions() // ShortestFloat16, NaNConvert7e00, InfConvertFloat16
		o.TagsMd = cbor.TagsForbidden
		o.NilContainers = cbor.NilContainerAsEmpty
		return o
	}())
)

func mustEncMode(o cbor.EncOptions) cbor.EncMode {
	em, err := o.EncMode()
	if err != nil {
		panic(err)
	}
	return em
}

// MarshalCBOR writes m in the spec's CBOR mapping (docs/spec.md, "Codec:
// CBOR"): contract messages are maps keyed by field number, written exactly
// when protobuf would write them; attribute lists are native CBOR maps with
// text keys and natively typed values; extensions an array of maps.
//
// fxamacker/cbor writes every scalar; the maps and arrays are assembled here
// because it has no ordered map type, and the default profile keeps
// insertion order. Unknown protobuf fields have no CBOR form and are left out.
func MarshalCBOR(m protoreflect.Message, p Profile) ([]byte, error) {
	e := cborEncoder{em: defaultEncMode, sorted: p == ProfileDeterministic}
	if e.sorted {
		e.em = deterministicEncMode
	}
	return e.message(m, "")
}

type cborEncoder struct {
	em     cbor.EncMode
	sorted bool
}

type cborEntry struct{ key, value []byte }

func (e *cborEncoder) message(m protoreflect.Message, path string) ([]byte, error) {
	var entries []cborEntry
	for _, fd := range fieldsInOrder(m.Descriptor()) {
		if !m.Has(fd) {
			continue
		}
		p := path + "." + fd.JSONName()
		var value []byte
		var err error
		switch {
		case isAttributeList(fd):
			value, err = e.attributes(m.Get(fd).List(), p)
		case fd.IsList():
			value, err = e.list(fd, m.Get(fd).List(), p)
		case fd.Kind() == protoreflect.MessageKind:
			value, err = e.message(m.Get(fd).Message(), p)
		default:
			value, err = e.scalar(fd, m.Get(fd), p)
		}
		if err != nil {
			return nil, err
		}
		key, _ := e.em.Marshal(uint64(fd.Number()))
		entries = append(entries, cborEntry{key, value})
	}
	return e.mapOf(entries), nil
}

func (e *cborEncoder) list(fd protoreflect.FieldDescriptor, list protoreflect.List, path string) ([]byte, error) {
	out := cborHead(4, uint64(list.Len()))
	for n := 0; n < list.Len(); n++ {
		var item []byte
		var err error
		if fd.Kind() == protoreflect.MessageKind {
			item, err = e.message(list.Get(n).Message(), path)
		} else {
			item, err = e.scalar(fd, list.Get(n), path)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, item...)
	}
	return out, nil
}

// attributes writes a list of KeyValue as a native map with text keys.
func (e *cborEncoder) attributes(list protoreflect.List, path string) ([]byte, error) {
	entries := make([]cborEntry, 0, list.Len())
	for n := 0; n < list.Len(); n++ {
		kv := list.Get(n).Message()
		fds := kv.Descriptor().Fields()
		k := kv.Get(fds.ByNumber(1)).String()
		key, err := e.em.Marshal(k)
		if err != nil {
			return nil, errorf(CodeInvalidValue, path, "%v", err)
		}
		value, err := e.anyValue(kv.Get(fds.ByNumber(2)).Message(), path+"["+k+"]")
		if err != nil {
			return nil, err
		}
		entries = append(entries, cborEntry{key, value})
	}
	return e.mapOf(entries), nil
}

func (e *cborEncoder) anyValue(m protoreflect.Message, path string) ([]byte, error) {
	fd := anyValueField(m)
	if fd == nil {
		return nil, errorf(CodeInvalidValue, path, "attribute value has no kind")
	}
	v := m.Get(fd)
	switch fd.Number() {
	case 5: // array_value
		values := v.Message().Get(v.Message().Descriptor().Fields().ByNumber(1)).List()
		out := cborHead(4, uint64(values.Len()))
		for n := 0; n < values.Len(); n++ {
			item, err := e.anyValue(values.Get(n).Message(), path)
			if err != nil {
				return nil, err
			}
			out = append(out, item...)
		}
		return out, nil
	case 6: // kvlist_value
		return e.attributes(v.Message().Get(v.Message().Descriptor().Fields().ByNumber(1)).List(), path)
	}
	return e.scalar(fd, v, path)
}

func (e *cborEncoder) scalar(fd protoreflect.FieldDescriptor, v protoreflect.Value, path string) ([]byte, error) {
	var x any
	switch fd.Kind() {
	case protoreflect.StringKind:
		x = v.String()
	case protoreflect.BytesKind:
		x = v.Bytes()
	case protoreflect.BoolKind:
		x = v.Bool()
	case protoreflect.Int64Kind, protoreflect.Int32Kind, protoreflect.Sint64Kind, protoreflect.Sint32Kind,
		protoreflect.Sfixed64Kind, protoreflect.Sfixed32Kind:
		x = v.Int()
	case protoreflect.Uint64Kind, protoreflect.Uint32Kind, protoreflect.Fixed64Kind, protoreflect.Fixed32Kind:
		x = v.Uint()
	case protoreflect.EnumKind:
		x = int64(v.Enum())
	case protoreflect.DoubleKind:
		f := v.Float()
		if math.IsNaN(f) {
			f = canonicalNaN // the default profile writes NaN's bits as they are
		}
		x = f
	default:
		return nil, errorf(CodeInvalidArgument, path, "field kind %v is not in the contract", fd.Kind())
	}
	out, err := e.em.Marshal(x)
	if err != nil {
		return nil, errorf(CodeInvalidValue, path, "%v", err)
	}
	return out, nil
}

// mapOf assembles a map; the deterministic profile sorts the entries by the
// bytewise order of their encoded keys (RFC 8949 §4.2.1).
func (e *cborEncoder) mapOf(entries []cborEntry) []byte {
	if e.sorted {
		slices.SortStableFunc(entries, func(a, b cborEntry) int { return bytes.Compare(a.key, b.key) })
	}
	out := cborHead(5, uint64(len(entries)))
	for _, en := range entries {
		out = append(out, en.key...)
		out = append(out, en.value...)
	}
	return out
}

// cborHead writes the initial bytes of a data item of the given major type
// with argument n, in the shortest form.
func cborHead(major byte, n uint64) []byte {
	mt := major << 5
	switch {
	case n < 24:
		return []byte{mt | byte(n)}
	case n <= math.MaxUint8:
		return []byte{mt | 24, byte(n)}
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16([]byte{mt | 25}, uint16(n))
	case n <= math.MaxUint32:
		return binary.BigEndian.AppendUint32([]byte{mt | 26}, uint32(n))
	}
	return binary.BigEndian.AppendUint64([]byte{mt | 27}, n)
}
