package envelope

import (
	"encoding/binary"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fxamacker/cbor/v2"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Reading (docs/spec.md, "Codec: CBOR"): definite and indefinite lengths,
// valid UTF-8; tags are well-formed CBOR the walker keeps out of known
// fields and attribute values, and accepts in unknown keys' values. Duplicate
// keys and trailing bytes are checked by the walker. The nesting limit only
// bounds the parser: the attribute depth limit is Validate's job.
var decMode = func() cbor.DecMode {
	dm, err := cbor.DecOptions{
		IndefLength:     cbor.IndefLengthAllowed,
		TagsMd:          cbor.TagsAllowed,
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
	case strings.Contains(err.Error(), "invalid UTF-8"):
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

// head reads the initial bytes of the next item: its major type and
// argument. For an indefinite-length array or map (additional information
// 31) it returns indefinite = true; the items end at a break (0xff).
func (d *cborDecoder) head(path string) (major byte, arg uint64, indefinite bool, err error) {
	if d.off >= len(d.data) {
		return 0, 0, false, errorf(CodeTruncated, path, "CBOR item ends early")
	}
	ib := d.data[d.off]
	major, ai := ib>>5, ib&0x1f
	d.off++
	size := 0
	switch {
	case ai < 24:
		return major, uint64(ai), false, nil
	case ai == 24:
		size = 1
	case ai == 25:
		size = 2
	case ai == 26:
		size = 4
	case ai == 27:
		size = 8
	case ai == 31 && major >= 2 && major <= 5: // callers expecting another type say so
		return major, 0, true, nil
	default:
		return 0, 0, false, errorf(CodeInvalidCBOR, path, "indefinite length or reserved value at byte %d", d.off-1)
	}
	if d.off+size > len(d.data) {
		return 0, 0, false, errorf(CodeTruncated, path, "CBOR item ends early")
	}
	var buf [8]byte
	copy(buf[8-size:], d.data[d.off:d.off+size])
	d.off += size
	return major, binary.BigEndian.Uint64(buf[:]), false, nil
}

// more reports whether another item of an array or map follows: it counts
// down a definite length n, or reads the break of an indefinite one.
func (d *cborDecoder) more(n *uint64, indefinite bool, path string) (bool, error) {
	if !indefinite {
		if *n == 0 {
			return false, nil
		}
		*n--
		return true, nil
	}
	if d.off >= len(d.data) {
		return false, errorf(CodeTruncated, path, "CBOR item ends early")
	}
	if d.data[d.off] == 0xff {
		d.off++
		return false, nil
	}
	return true, nil
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

// skip steps over an unknown key's value: any well-formed CBOR, tags and
// simple values included (fxamacker/cbor would also check the content of
// the tags it knows, such as tag 1 around a number, which the spec does not
// ask). UnmarshalCBOR checked well-formedness and nesting first.
func (d *cborDecoder) skip(path string) error {
	if d.off >= len(d.data) {
		return errorf(CodeTruncated, path, "CBOR item ends early")
	}
	ib := d.data[d.off]
	major, ai := ib>>5, ib&0x1f
	switch {
	case (major == 2 || major == 3) && ai == 31: // chunks, then a break
		d.off++
		for d.off < len(d.data) && d.data[d.off] != 0xff {
			if d.data[d.off]>>5 != major {
				return errorf(CodeInvalidCBOR, path, "chunk of another type at byte %d", d.off)
			}
			if err := d.skip(path); err != nil {
				return err
			}
		}
		if d.off >= len(d.data) {
			return errorf(CodeTruncated, path, "CBOR item ends early")
		}
		d.off++
		return nil
	case major == 7:
		if ai == 24 && d.off+1 < len(d.data) && d.data[d.off+1] < 32 {
			return errorf(CodeInvalidCBOR, path, "two-byte simple value below 32 at byte %d", d.off)
		}
		if ai == 31 {
			return errorf(CodeInvalidCBOR, path, "break outside an indefinite-length item at byte %d", d.off)
		}
		var raw cbor.RawMessage
		return d.scalar(&raw, path)
	}
	major, n, indefinite, err := d.head(path)
	if err != nil {
		return err
	}
	switch major {
	case 2, 3:
		if uint64(len(d.data)-d.off) < n {
			return errorf(CodeTruncated, path, "CBOR item ends early")
		}
		if major == 3 && !utf8.Valid(d.data[d.off:d.off+int(n)]) {
			return errorf(CodeInvalidUTF8, path, "text at byte %d is not UTF-8", d.off)
		}
		d.off += int(n)
	case 4, 5:
		items := n
		if major == 5 && !indefinite {
			items = 2 * n
		}
		for {
			if more, err := d.more(&items, indefinite, path); err != nil || !more {
				return err
			}
			if err := d.skip(path); err != nil {
				return err
			}
		}
	case 6:
		return d.skip(path)
	}
	return nil
}

func (d *cborDecoder) message(m protoreflect.Message, path string) error {
	major, n, indefinite, err := d.head(path)
	if err != nil {
		return err
	}
	if major != 5 {
		return errorf(CodeInvalidValue, path, "expected a map, got major type %d", major)
	}
	fields := m.Descriptor().Fields()
	seen := map[uint64]bool{}
	for {
		if more, err := d.more(&n, indefinite, path); err != nil || !more {
			return err
		}
		if d.off < len(d.data) && d.peek() != 0 {
			return errorf(CodeInvalidCBOR, path, "map key at byte %d is not an unsigned integer", d.off)
		}
		_, num, _, err := d.head(path)
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
}

func (d *cborDecoder) field(m protoreflect.Message, fd protoreflect.FieldDescriptor, path string) error {
	switch {
	case isAttributeList(fd):
		return d.attributes(m.Mutable(fd).List(), path)
	case fd.IsList():
		major, n, indefinite, err := d.head(path)
		if err != nil {
			return err
		}
		if major != 4 {
			return errorf(CodeInvalidValue, path, "expected an array, got major type %d", major)
		}
		list := m.Mutable(fd).List()
		for k := 0; ; k++ {
			if more, err := d.more(&n, indefinite, path); err != nil || !more {
				return err
			}
			item := list.NewElement()
			p := path + "[" + strconv.Itoa(k) + "]"
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
// integers and enums -> integer. A known field (or a section) of another CBOR
// type is invalid_value (docs/spec.md, "What a reader rejects"); UnmarshalCBOR
// has refused what is not well-formed, a stray break included.
func (d *cborDecoder) scalarField(fd protoreflect.FieldDescriptor, path string) (protoreflect.Value, error) {
	want := map[protoreflect.Kind]byte{protoreflect.StringKind: 3, protoreflect.BytesKind: 2}[fd.Kind()]
	if got := d.peek(); (want != 0 && got != want) || (want == 0 && got > 1) {
		return protoreflect.Value{}, errorf(CodeInvalidValue, path, "wrong CBOR type (major %d) for a %v field", got, fd.Kind())
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
	major, n, indefinite, err := d.head(path)
	if err != nil {
		return err
	}
	if major != 5 {
		return errorf(CodeInvalidValue, path, "expected a map, got major type %d", major)
	}
	seen := make(map[string]bool, min(n, 1024))
	for {
		if more, err := d.more(&n, indefinite, path); err != nil || !more {
			return err
		}
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
		_, n, indefinite, err := d.head(path)
		if err != nil {
			return err
		}
		arr := m.Mutable(fields.ByNumber(5)).Message()
		values := arr.Mutable(arr.Descriptor().Fields().ByNumber(1)).List()
		for k := 0; ; k++ {
			more, err := d.more(&n, indefinite, path)
			if err != nil {
				return err
			}
			if !more {
				break
			}
			item := values.NewElement()
			if err := d.anyValue(item.Message(), path+"["+strconv.Itoa(k)+"]"); err != nil {
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
