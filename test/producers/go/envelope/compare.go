package envelope

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// Diff compares two envelopes (or any two messages of one descriptor) as
// logical values and describes the first difference, or returns "".
//
// Unlike proto.Equal it tells -0 from +0 (doubles are compared by their bits,
// any NaN equals any NaN, as the spec does not promise NaN payloads) and it
// ignores unknown fields, which only some codecs keep. Kinds are compared
// exactly: an int is never equal to a double, nor bytes to a string.
func Diff(a, b protoreflect.Message) string {
	return diffMessage(a, b, "")
}

func diffMessage(a, b protoreflect.Message, path string) string {
	for _, fd := range fieldsInOrder(a.Descriptor()) {
		p := path + "." + fd.JSONName()
		ha, hb := a.Has(fd), b.Has(fd)
		if ha != hb {
			return fmt.Sprintf("%s: present %v vs %v", p, ha, hb)
		}
		if !ha {
			continue
		}
		if fd.IsList() {
			la, lb := a.Get(fd).List(), b.Get(fd).List()
			if la.Len() != lb.Len() {
				return fmt.Sprintf("%s: %d vs %d elements", p, la.Len(), lb.Len())
			}
			for n := 0; n < la.Len(); n++ {
				if d := diffValue(fd, la.Get(n), lb.Get(n), p+"["+strconv.Itoa(n)+"]"); d != "" {
					return d
				}
			}
			continue
		}
		if d := diffValue(fd, a.Get(fd), b.Get(fd), p); d != "" {
			return d
		}
	}
	return ""
}

func diffValue(fd protoreflect.FieldDescriptor, a, b protoreflect.Value, path string) string {
	switch fd.Kind() {
	case protoreflect.MessageKind:
		return diffMessage(a.Message(), b.Message(), path)
	case protoreflect.DoubleKind:
		x, y := a.Float(), b.Float()
		if (math.IsNaN(x) && math.IsNaN(y)) || math.Float64bits(x) == math.Float64bits(y) {
			return ""
		}
		return fmt.Sprintf("%s: %v (%016x) vs %v (%016x)", path, x, math.Float64bits(x), y, math.Float64bits(y))
	case protoreflect.BytesKind:
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			return fmt.Sprintf("%s: %x vs %x", path, trim(a.Bytes()), trim(b.Bytes()))
		}
		return ""
	}
	if a.Interface() != b.Interface() {
		return fmt.Sprintf("%s: %v vs %v", path, a.Interface(), b.Interface())
	}
	return ""
}

func trim(b []byte) []byte {
	if len(b) > 32 {
		return b[:32]
	}
	return b
}

// SortedAttributes returns a copy of m with every attribute map sorted as the
// CBOR deterministic profile sorts it (by the encoded key: shorter keys
// first, then bytewise), which is the only order that profile keeps.
func SortedAttributes(m protoreflect.Message) protoreflect.Message {
	c := proto.Clone(m.Interface()).ProtoReflect()
	sortAttributes(c)
	return c
}

func sortAttributes(m protoreflect.Message) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.Kind() != protoreflect.MessageKind:
		case fd.IsList():
			list := v.List()
			for n := 0; n < list.Len(); n++ {
				sortAttributes(list.Get(n).Message())
			}
			if isAttributeList(fd) {
				items := make([]protoreflect.Value, list.Len())
				for n := range items {
					items[n] = list.Get(n)
				}
				key := func(v protoreflect.Value) string {
					return v.Message().Get(v.Message().Descriptor().Fields().ByNumber(1)).String()
				}
				slices.SortStableFunc(items, func(a, b protoreflect.Value) int {
					ka, kb := key(a), key(b)
					if len(ka) != len(kb) {
						return len(ka) - len(kb)
					}
					return strings.Compare(ka, kb)
				})
				for n, item := range items {
					list.Set(n, item)
				}
			}
		default:
			sortAttributes(v.Message())
		}
		return true
	})
}
