package envelope

import (
	"math"
	"slices"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// The codecs walk messages by descriptor, so they serve the v1 generated types
// and the next-minor descriptors (test/producers/proto-next) alike. These are
// the messages the mapping treats specially (docs/spec.md, "Attribute values").
const (
	anyValueName     protoreflect.FullName = "envelope.v1.AnyValue"
	keyValueName     protoreflect.FullName = "envelope.v1.KeyValue"
	arrayValueName   protoreflect.FullName = "envelope.v1.ArrayValue"
	keyValueListName protoreflect.FullName = "envelope.v1.KeyValueList"
)

// canonicalNaN is the one NaN the spec lets writers write (0x7FF8000000000000).
// Go's math.NaN() is 0x7FF8000000000001 and 0/0 on amd64 is
// 0xFFF8000000000000; written as they are, they would make Go's protobuf and
// CBOR bytes differ from the other languages'.
var canonicalNaN = math.Float64frombits(0x7FF8000000000000)

func isOddNaN(f float64) bool {
	return math.IsNaN(f) && math.Float64bits(f) != math.Float64bits(canonicalNaN)
}

// withCanonicalNaNs returns m, or a copy of m in which every NaN double is
// canonicalNaN: proto.Marshal writes a double's bits as they are.
func withCanonicalNaNs(m protoreflect.Message) protoreflect.Message {
	if !fixNaNs(m, false) {
		return m
	}
	c := proto.Clone(m.Interface()).ProtoReflect()
	fixNaNs(c, true)
	return c
}

// fixNaNs reports whether m holds a NaN other than canonicalNaN and, when fix
// is set, replaces each one. The contract has no map fields.
func fixNaNs(m protoreflect.Message, fix bool) bool {
	found := false
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList():
			list := v.List()
			for n := 0; n < list.Len(); n++ {
				switch fd.Kind() {
				case protoreflect.MessageKind:
					found = fixNaNs(list.Get(n).Message(), fix) || found
				case protoreflect.DoubleKind:
					if isOddNaN(list.Get(n).Float()) {
						found = true
						if fix {
							list.Set(n, protoreflect.ValueOfFloat64(canonicalNaN))
						}
					}
				}
			}
		case fd.Kind() == protoreflect.MessageKind:
			found = fixNaNs(v.Message(), fix) || found
		case fd.Kind() == protoreflect.DoubleKind && isOddNaN(v.Float()):
			found = true
			if fix {
				m.Set(fd, protoreflect.ValueOfFloat64(canonicalNaN))
			}
		}
		return fix || !found
	})
	return found
}

// fieldsInOrder returns the fields of md sorted by field number: every codec
// writes known fields in field-number order.
func fieldsInOrder(md protoreflect.MessageDescriptor) []protoreflect.FieldDescriptor {
	fds := md.Fields()
	out := make([]protoreflect.FieldDescriptor, fds.Len())
	for i := range out {
		out[i] = fds.Get(i)
	}
	slices.SortFunc(out, func(a, b protoreflect.FieldDescriptor) int {
		return int(a.Number()) - int(b.Number())
	})
	return out
}

// isAttributeList reports whether fd is a repeated KeyValue: an attribute map.
func isAttributeList(fd protoreflect.FieldDescriptor) bool {
	return fd.IsList() && fd.Kind() == protoreflect.MessageKind && fd.Message().FullName() == keyValueName
}

// anyValueField returns the member of the AnyValue oneof that is set, or nil.
func anyValueField(m protoreflect.Message) protoreflect.FieldDescriptor {
	return m.WhichOneof(m.Descriptor().Oneofs().ByName("value"))
}
