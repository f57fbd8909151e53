package envelope

import (
	"encoding/binary"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/fxamacker/cbor/v2"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Strict reading (docs/spec.md, "Codec: CBOR"): definite lengths, no tags,
// valid UTF-8; duplicate keys and trailing bytes are checked by the walker.
// The nesting limit only bounds the parser: the attribute depth limit is
// Validate's job.
var decMode = func() cbor.DecMode {
	dm, err := cbor.DecOptions{
		IndefLength:     cbor.IndefLengthForbidden,
		TagsMd:          cbor.TagsForbidden,
		UTF8:            cbor.UTF8RejectInvalid,
		DupMapKey:       cbor.DupMapKeyEnforcedAPF,
		MaxNestedLevels: 256,
	}.DecMode()
	if err != nil {
		panic(err)
	}
	return dm
}()

// UnmarshalCBOR reads the spec's CBOR mapping into m, which must be empty.
// Unknown integer keys are skipped; an explicitly written default is accepted.
// It does not validate: see Validate.
func UnmarshalCBOR(data []byte, m protoreflect.Message) error {
	if err := decMode.Wellformed(data); err != nil {
		return cborError(err, "")
	}
	d := cborDecoder{data: data}
	if err := d.message(m, ""); err != nil {
		return err
	}
	if d.off != len(d.data) {
		return errorf(CodeTrailingBytes, "", "bytes after the CBOR item at byte %d", d.off)
	}
	return nil
}

func cborError(err error, path string) error {
	var extra *cbor.ExtraneousDataError
	var nested *cbor.MaxNestedLevelError
	switch {
	case errors.As(err, &extra):
		return errorf(CodeTrailingBytes, path, "%v", err)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return errorf(CodeTruncated, path, "CBOR item ends early")
	case errors.As(err, &nested):
		return errorf(CodeLimitExceeded, path, "%v", err)
	case strings.Contains(err.Error(), "UTF-8"):
		return errorf(CodeInvalidUTF8, path, "%v", err)
	}
	return errorf(CodeInvalidCBOR, path, "%v", err)
}

// cborDecoder walks a well-formed item. fxamacker/cbor decodes the scalars;
// maps are walked here because it has no ordered map type.
type cborDecoder struct {
	data []byte
	off  int
}

// head reads the initial bytes of the next item: its major type and argument.
func (d *cborDecoder) head(path string) (major byte, arg uint64, err error) {
	if d.off >= len(d.data) {
		return 0, 0, errorf(CodeTruncated, path, "CBOR item ends early")
	}
	ib := d.data[d.off]
	major, ai := ib>>5, ib&0x1f
	d.off++
	size := 0
	switch {
	case ai < 24:
		return major, uint64(ai), nil
	case ai == 24:
		size = 1
	case ai == 25:
		size = 2
	case ai == 26:
		size = 4
	case ai == 27:
		size = 8
	default:
		return 0, 0, errorf(CodeInvalidCBOR, path, "indefinite length or reserved value at byte %d", d.off-1)
	}
	if d.off+size > len(d.data) {
		return 0, 0, errorf(CodeTruncated, path, "CBOR item ends early")
	}
	var buf [8]byte
	copy(buf[8-size:], d.data[d.off:d.off+size])
	d.off += size
	return major, binary.BigEndian.Uint64(buf[:]), nil
}

// peek returns the major type of the next item.
func (d *cborDecoder) peek() byte { return d.data[d.off] >> 5 }

// scalar decodes the next item into v with fxamacker/cbor.
func (d *cborDecoder) scalar(v any, path string) error {
	rest, err := decMode.UnmarshalFirst(d.data[d.off:], v)
	if err != nil {
		var typeErr *cbor.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return errorf(CodeInvalidValue, path, "%v", err)
		}
		return cborError(err, path)
	}
	d.off = len(d.data) - len(rest)
	return nil
}

func (d *cborDecoder) skip(path string) error {
	var raw cbor.RawMessage
	return d.scalar(&raw, path)
}

func (d *cborDecoder) message(m protoreflect.Message, path string) error {
	major, n, err := d.head(path)
	if err != nil {
		return err
	}
	if major != 5 {
		return errorf(CodeInvalidCBOR, path, "expected a map, got major type %d", major)
	}
	fields := m.Descriptor().Fields()
	seen := map[uint64]bool{}
	for range n {
		if d.off < len(d.data) && d.peek() != 0 {
			return errorf(CodeInvalidCBOR, path, "map key at byte %d is not an unsigned integer", d.off)
		}
		_, num, err := d.head(path)
		if err != nil {
			return err
		}
		if seen[num] {
			return errorf(CodeDuplicateKey, path, "key %d twice", num)
		}
		seen[num] = true
		var fd protoreflect.FieldDescriptor
		if num <= math.MaxInt32 {
			fd = fields.ByNumber(protoreflect.FieldNumber(num))
		}
		if fd == nil {
			if err := d.skip(path); err != nil { // unknown: a newer producer's field
				return err
			}
			continue
		}
		if err := d.field(m, fd, path+"."+fd.JSONName()); err != nil {
			return err
		}
	}
	return nil
}

func (d *cborDecoder) field(m protoreflect.Message, fd protoreflect.FieldDescriptor, path string) error {
	switch {
	case isAttributeList(fd):
		return d.attributes(m.Mutable(fd).List(), path)
	case fd.IsList():
		major, n, err := d.head(path)
		if err != nil {
			return err
		}
		if major != 4 {
			return errorf(CodeInvalidCBOR, path, "expected an array, got major type %d", major)
		}
		list := m.Mutable(fd).List()
		for k := range n {
			item := list.NewElement()
			p := path + "[" + strconv.FormatUint(k, 10) + "]"
			if fd.Kind() == protoreflect.MessageKind {
				err = d.message(item.Message(), p)
			} else {
				item, err = d.scalarField(fd, p)
			}
			if err != nil {
				return err
			}
			list.Append(item)
		}
		return nil
	case fd.Kind() == protoreflect.MessageKind:
		return d.message(m.Mutable(fd).Message(), path)
	}
	v, err := d.scalarField(fd, path)
	if err != nil {
		return err
	}
	m.Set(fd, v)
	return nil
}

// scalarField reads a contract scalar: string -> text, bytes -> byte string,
// integers and enums -> integer.
func (d *cborDecoder) scalarField(fd protoreflect.FieldDescriptor, path string) (protoreflect.Value, error) {
	want := map[protoreflect.Kind]byte{protoreflect.StringKind: 3, protoreflect.BytesKind: 2}[fd.Kind()]
	if got := d.peek(); (want != 0 && got != want) || (want == 0 && got > 1) {
		return protoreflect.Value{}, errorf(CodeInvalidCBOR, path, "wrong CBOR type (major %d) for a %v field", got, fd.Kind())
	}
	switch fd.Kind() {
	case protoreflect.StringKind:
		var s string
		err := d.scalar(&s, path)
		return protoreflect.ValueOfString(s), err
	case protoreflect.BytesKind:
		var b []byte
		err := d.scalar(&b, path)
		return protoreflect.ValueOfBytes(b), err
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		var n uint32
		err := d.scalar(&n, path)
		return protoreflect.ValueOfUint32(n), err
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		var n uint64
		err := d.scalar(&n, path)
		return protoreflect.ValueOfUint64(n), err
	case protoreflect.EnumKind:
		var n int32
		err := d.scalar(&n, path)
		return protoreflect.ValueOfEnum(protoreflect.EnumNumber(n)), err
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		var n int32
		err := d.scalar(&n, path)
		return protoreflect.ValueOfInt32(n), err
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		var n int64
		err := d.scalar(&n, path)
		return protoreflect.ValueOfInt64(n), err
	}
	return protoreflect.Value{}, errorf(CodeInvalidArgument, path, "field kind %v is not in the contract", fd.Kind())
}

// attributes reads a native map with text keys into a list of KeyValue.
func (d *cborDecoder) attributes(list protoreflect.List, path string) error {
	major, n, err := d.head(path)
	if err != nil {
		return err
	}
	if major != 5 {
		return errorf(CodeInvalidCBOR, path, "expected a map, got major type %d", major)
	}
	seen := make(map[string]bool, min(n, 1024))
	for range n {
		if d.off < len(d.data) && d.peek() != 3 {
			return errorf(CodeInvalidCBOR, path, "attribute key at byte %d is not a text string", d.off)
		}
		var key string
		if err := d.scalar(&key, path); err != nil {
			return err
		}
		if seen[key] {
			return errorf(CodeDuplicateKey, path, "key %q twice", key)
		}
		seen[key] = true
		kv := list.NewElement()
		fds := kv.Message().Descriptor().Fields()
		kv.Message().Set(fds.ByNumber(1), protoreflect.ValueOfString(key))
		if err := d.anyValue(kv.Message().Mutable(fds.ByNumber(2)).Message(), path+"["+strconv.Quote(key)+"]"); err != nil {
			return err
		}
		list.Append(kv)
	}
	return nil
}

// anyValue reads a natively typed value: the CBOR type is the kind.
func (d *cborDecoder) anyValue(m protoreflect.Message, path string) error {
	if d.off >= len(d.data) {
		return errorf(CodeTruncated, path, "CBOR item ends early")
	}
	fields := m.Descriptor().Fields()
	set := func(num protoreflect.FieldNumber, v protoreflect.Value) { m.Set(fields.ByNumber(num), v) }
	ib := d.data[d.off]
	switch ib >> 5 {
	case 0, 1:
		var n int64
		if err := d.scalar(&n, path); err != nil {
			return err
		}
		set(3, protoreflect.ValueOfInt64(n))
	case 2:
		var b []byte
		if err := d.scalar(&b, path); err != nil {
			return err
		}
		if b == nil {
			b = []byte{}
		}
		set(7, protoreflect.ValueOfBytes(b))
	case 3:
		var s string
		if err := d.scalar(&s, path); err != nil {
			return err
		}
		set(1, protoreflect.ValueOfString(s))
	case 4:
		_, n, err := d.head(path)
		if err != nil {
			return err
		}
		arr := m.Mutable(fields.ByNumber(5)).Message()
		values := arr.Mutable(arr.Descriptor().Fields().ByNumber(1)).List()
		for k := range n {
			item := values.NewElement()
			if err := d.anyValue(item.Message(), path+"["+strconv.FormatUint(k, 10)+"]"); err != nil {
				return err
			}
			values.Append(item)
		}
	case 5:
		kvl := m.Mutable(fields.ByNumber(6)).Message()
		return d.attributes(kvl.Mutable(kvl.Descriptor().Fields().ByNumber(1)).List(), path)
	case 7:
		switch ib & 0x1f {
		case 20, 21:
			set(2, protoreflect.ValueOfBool(ib&0x1f == 21))
			d.off++
		case 25, 26, 27: // f16, f32, f64: all decode to a double
			var f float64
			if err := d.scalar(&f, path); err != nil {
				return err
			}
			set(4, protoreflect.ValueOfFloat64(f))
		default:
			return errorf(CodeInvalidCBOR, path, "simple value 0x%02x is not an attribute value (the contract has no null)", ib)
		}
	default:
		return errorf(CodeInvalidCBOR, path, "tags are not allowed")
	}
	return nil
}
