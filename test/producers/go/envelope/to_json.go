package envelope

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math"
	"strconv"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// MarshalJSON writes m in the spec's JSON mapping (docs/spec.md, "Codec:
// JSON"): lowerCamelCase keys in field-number order, defaults omitted,
// optional fields written when present, ids as lowercase hex, 64-bit
// integers as decimal strings, enums as integers, doubles as numbers or
// "NaN"/"Infinity"/"-Infinity"/"-0", bytesValue as padded standard base64.
// The output is compact UTF-8 JSON.
//
// protojson cannot be used: it writes bytes (ids included) as base64.
func MarshalJSON(m protoreflect.Message) ([]byte, error) {
	var b bytes.Buffer
	if err := writeJSONMessage(&b, m, ""); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func writeJSONMessage(b *bytes.Buffer, m protoreflect.Message, path string) error {
	md := m.Descriptor()
	if md.FullName() == anyValueName {
		fd := anyValueField(m)
		if fd == nil {
			return errorf(CodeInvalidValue, path, "attribute value has no kind")
		}
		b.WriteString(`{"`)
		b.WriteString(fd.JSONName())
		b.WriteString(`":`)
		if err := writeJSONValue(b, fd, m.Get(fd), path+"."+fd.JSONName()); err != nil {
			return err
		}
		b.WriteByte('}')
		return nil
	}
	b.WriteByte('{')
	first := true
	for _, fd := range fieldsInOrder(md) {
		if !m.Has(fd) {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		writeJSONString(b, fd.JSONName())
		b.WriteByte(':')
		p := path + "." + fd.JSONName()
		if fd.IsList() {
			list := m.Get(fd).List()
			b.WriteByte('[')
			for i := 0; i < list.Len(); i++ {
				if i > 0 {
					b.WriteByte(',')
				}
				if err := writeJSONValue(b, fd, list.Get(i), p+"["+strconv.Itoa(i)+"]"); err != nil {
					return err
				}
			}
			b.WriteByte(']')
			continue
		}
		if err := writeJSONValue(b, fd, m.Get(fd), p); err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}

func writeJSONValue(b *bytes.Buffer, fd protoreflect.FieldDescriptor, v protoreflect.Value, path string) error {
	switch fd.Kind() {
	case protoreflect.StringKind:
		writeJSONString(b, v.String())
	case protoreflect.BoolKind:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		b.WriteByte('"')
		b.WriteString(strconv.FormatInt(v.Int(), 10))
		b.WriteByte('"')
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		b.WriteByte('"')
		b.WriteString(strconv.FormatUint(v.Uint(), 10))
		b.WriteByte('"')
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		b.WriteString(strconv.FormatUint(v.Uint(), 10))
	case protoreflect.EnumKind:
		b.WriteString(strconv.FormatInt(int64(v.Enum()), 10))
	case protoreflect.DoubleKind:
		writeJSONDouble(b, v.Float())
	case protoreflect.BytesKind:
		// Inside AnyValue, bytes are data (base64); elsewhere they are ids (hex).
		if fd.ContainingMessage().FullName() == anyValueName {
			b.WriteByte('"')
			b.WriteString(base64.StdEncoding.EncodeToString(v.Bytes()))
			b.WriteByte('"')
		} else {
			b.WriteByte('"')
			b.WriteString(hex.EncodeToString(v.Bytes()))
			b.WriteByte('"')
		}
	case protoreflect.MessageKind:
		return writeJSONMessage(b, v.Message(), path)
	default:
		return errorf(CodeInvalidArgument, path, "field kind %v is not in the contract", fd.Kind())
	}
	return nil
}

// writeJSONDouble writes f as JavaScript's JSON.stringify would (encoding/json
// uses the same ES6 number formatting), with the four values JSON has no
// literal for as strings.
func writeJSONDouble(b *bytes.Buffer, f float64) {
	switch {
	case math.IsNaN(f):
		b.WriteString(`"NaN"`)
	case math.IsInf(f, 1):
		b.WriteString(`"Infinity"`)
	case math.IsInf(f, -1):
		b.WriteString(`"-Infinity"`)
	case f == 0 && math.Signbit(f):
		b.WriteString(`"-0"`)
	default:
		out, _ := json.Marshal(f) // cannot fail for a finite float
		b.Write(out)
	}
}

// writeJSONString writes s as a JSON string without HTML escaping, as
// JSON.stringify does.
func writeJSONString(b *bytes.Buffer, s string) {
	var tmp bytes.Buffer
	enc := json.NewEncoder(&tmp)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b.Write(bytes.TrimSuffix(tmp.Bytes(), []byte{'\n'}))
}
