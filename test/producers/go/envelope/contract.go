package envelope

import (
	"math"
	"slices"

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

// canonicalNaN is the quiet NaN that JavaScript and Rust write
// (0x7FF8000000000000). Go's math.NaN() is 0x7FF8000000000001, which would
// make Go's protobuf and CBOR bytes differ from the other languages'.
var canonicalNaN = math.Float64frombits(0x7FF8000000000000)

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
