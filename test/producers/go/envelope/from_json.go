package envelope

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// UnmarshalJSON reads the spec's JSON mapping (docs/spec.md, "Codec: JSON")
// into m, which must be empty. Unknown keys and null are ignored; snake_case
// names are unknown keys. It does not validate: see Validate.
//
// The text must be exactly one JSON value (invalid_json otherwise: a byte
// order mark, text after the value, an object with two members of one name);
// a \u escape of a lone surrogate is invalid_utf8, which encoding/json would
// silently turn into U+FFFD.
func UnmarshalJSON(data []byte, m protoreflect.Message) error {
	if !utf8.Valid(data) {
		return errorf(CodeInvalidUTF8, "", "JSON text is not UTF-8")
	}
	if at := loneSurrogate(data); at >= 0 {
		return errorf(CodeInvalidUTF8, "", "\\u escape of a lone surrogate at byte %d", at)
	}
	v, err := parseJSON(data)
	if err != nil {
		return err
	}
	return readJSONMessage(v, m, "")
}

// jsonValue is a parsed JSON value that keeps object members in order, so
// that duplicate keys are seen (encoding/json keeps the last one silently).
type jsonValue struct {
	kind    byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' bool, 'z' null
	members []jsonMember
	items   []*jsonValue
	str     string // string value, or the number's text
	boolean bool
}

type jsonMember struct {
	key   string
	value *jsonValue
}

// maxJSONNesting bounds the reader's recursion as the Rust reader does: how
// deep the JSON of a valid envelope can nest (envelope, body, resource,
// attribute list, key/value, value: 6; 4 more per array or map level of the
// default depth limit) and a margin. Deeper text is limit_exceeded before it
// can grow the stack.
var maxJSONNesting = 6 + 4*DefaultLimits.MaxDepth + 8

func parseJSON(data []byte) (*jsonValue, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := parseJSONValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errorf(CodeInvalidJSON, "", "text after the JSON value at byte %d", dec.InputOffset())
	}
	return v, nil
}

// loneSurrogate returns the offset of the first \u escape, in a string of
// data, of a surrogate that is not half of an escaped pair, or -1.
func loneSurrogate(data []byte) int {
	unit := func(at int) int {
		if at+6 > len(data) || data[at] != '\\' || data[at+1] != 'u' {
			return -1
		}
		n, err := strconv.ParseUint(string(data[at+2:at+6]), 16, 16)
		if err != nil {
			return -1
		}
		return int(n)
	}
	inString := false
	for i := 0; i < len(data); i++ {
		switch {
		case data[i] == '"':
			inString = !inString
		case data[i] == '\\' && inString:
			switch u := unit(i); {
			case u >= 0xD800 && u <= 0xDBFF:
				if low := unit(i + 6); low < 0xDC00 || low > 0xDFFF {
					return i
				}
				i += 6
			case u >= 0xDC00 && u <= 0xDFFF:
				return i
			}
			i++ // the escaped character never ends the string
		}
	}
	return -1
}

func parseJSONValue(dec *json.Decoder, depth int) (*jsonValue, error) {
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, errorf(CodeInvalidJSON, "", "JSON text ends early")
		}
		return nil, errorf(CodeInvalidJSON, "", "%v", err)
	}
	switch t := tok.(type) {
	case json.Delim:
		if depth >= maxJSONNesting && (t == '{' || t == '[') {
			return nil, errorf(CodeLimitExceeded, "", "JSON nested deeper than %d (attribute values deeper than %d)", maxJSONNesting, DefaultLimits.MaxDepth)
		}
		switch t {
		case '{':
			v := &jsonValue{kind: 'o'}
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, errorf(CodeInvalidJSON, "", "%v", err)
				}
				key := kt.(string) // the decoder only yields string keys
				if seen[key] {
					// invalid_json, as protojson does; duplicate_key is for attributes.
					return nil, errorf(CodeInvalidJSON, "", "name %q twice in one object (byte %d)", key, dec.InputOffset())
				}
				seen[key] = true
				mv, err := parseJSONValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				v.members = append(v.members, jsonMember{key, mv})
			}
			if _, err := dec.Token(); err != nil {
				return nil, errorf(CodeInvalidJSON, "", "%v", err)
			}
			return v, nil
		case '[':
			v := &jsonValue{kind: 'a'}
			for dec.More() {
				iv, err := parseJSONValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				v.items = append(v.items, iv)
			}
			if _, err := dec.Token(); err != nil {
				return nil, errorf(CodeInvalidJSON, "", "%v", err)
			}
			return v, nil
		}
		return nil, errorf(CodeInvalidJSON, "", "unexpected %v", t)
	case string:
		return &jsonValue{kind: 's', str: t}, nil
	case json.Number:
		return &jsonValue{kind: 'n', str: t.String()}, nil
	case bool:
		return &jsonValue{kind: 'b', boolean: t}, nil
	case nil:
		return &jsonValue{kind: 'z'}, nil
	}
	return nil, errorf(CodeInvalidJSON, "", "unexpected token %v", tok)
}

func readJSONMessage(v *jsonValue, m protoreflect.Message, path string) error {
	if v.kind != 'o' {
		return errorf(CodeInvalidJSON, path, "expected an object")
	}
	md := m.Descriptor()
	fields := md.Fields()
	isAny := md.FullName() == anyValueName
	for _, mem := range v.members {
		// Only the lowerCamelCase names are known: fields.ByJSONName also
		// matches the proto names, which readers must not accept.
		fd := fields.ByJSONName(mem.key)
		if fd == nil || fd.JSONName() != mem.key || mem.value.kind == 'z' {
			continue
		}
		p := path + "." + mem.key
		if isAny && anyValueField(m) != nil {
			return errorf(CodeInvalidJSON, p, "attribute value has more than one kind")
		}
		if fd.IsList() {
			if mem.value.kind != 'a' {
				return errorf(CodeInvalidJSON, p, "expected an array")
			}
			list := m.Mutable(fd).List()
			for i, item := range mem.value.items {
				ev, err := readJSONValue(item, fd, list.NewElement(), p+"["+strconv.Itoa(i)+"]")
				if err != nil {
					return err
				}
				list.Append(ev)
			}
			continue
		}
		var into protoreflect.Value
		if fd.Kind() == protoreflect.MessageKind {
			into = m.Mutable(fd)
		}
		fv, err := readJSONValue(mem.value, fd, into, p)
		if err != nil {
			return err
		}
		m.Set(fd, fv)
	}
	return nil
}

var (
	intText     = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)
	decimalText = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)
)

// readJSONValue reads one value of field fd; into is the message to fill for
// message fields.
func readJSONValue(v *jsonValue, fd protoreflect.FieldDescriptor, into protoreflect.Value, path string) (protoreflect.Value, error) {
	switch fd.Kind() {
	case protoreflect.MessageKind:
		return into, readJSONMessage(v, into.Message(), path)
	case protoreflect.StringKind:
		if v.kind != 's' {
			return protoreflect.Value{}, errorf(CodeInvalidJSON, path, "expected a string")
		}
		return protoreflect.ValueOfString(v.str), nil
	case protoreflect.BoolKind:
		if v.kind != 'b' {
			return protoreflect.Value{}, errorf(CodeInvalidJSON, path, "expected true or false")
		}
		return protoreflect.ValueOfBool(v.boolean), nil
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		n, err := readJSONInt(v, path, math.MinInt64, math.MaxInt64)
		return protoreflect.ValueOfInt64(n), err
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		if v.kind == 's' && intText.MatchString(v.str) && v.str[0] != '-' {
			n, err := strconv.ParseUint(v.str, 10, 64)
			if err != nil {
				return protoreflect.Value{}, errorf(CodeInvalidValue, path, "%q is out of range", v.str)
			}
			return protoreflect.ValueOfUint64(n), nil
		}
		n, err := readJSONInt(v, path, 0, math.MaxInt64)
		return protoreflect.ValueOfUint64(uint64(n)), err
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		n, err := readJSONInt(v, path, 0, math.MaxUint32)
		return protoreflect.ValueOfUint32(uint32(n)), err
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		n, err := readJSONInt(v, path, math.MinInt32, math.MaxInt32)
		return protoreflect.ValueOfInt32(int32(n)), err
	case protoreflect.EnumKind:
		// The enum's value names are read too, as the proto3 JSON mapping
		// allows; any other string that is not decimal digits is invalid_value.
		if v.kind == 's' && !intText.MatchString(v.str) {
			ev := fd.Enum().Values().ByName(protoreflect.Name(v.str))
			if ev == nil {
				return protoreflect.Value{}, errorf(CodeInvalidValue, path, "%q is not a value name of %s", v.str, fd.Enum().Name())
			}
			return protoreflect.ValueOfEnum(ev.Number()), nil
		}
		n, err := readJSONInt(v, path, 0, math.MaxInt32)
		return protoreflect.ValueOfEnum(protoreflect.EnumNumber(n)), err
	case protoreflect.DoubleKind:
		f, err := readJSONDouble(v, path)
		return protoreflect.ValueOfFloat64(f), err
	case protoreflect.BytesKind:
		if v.kind != 's' {
			return protoreflect.Value{}, errorf(CodeInvalidJSON, path, "expected a string")
		}
		if fd.ContainingMessage().FullName() == anyValueName {
			b, err := readBase64(v.str)
			if err != nil {
				return protoreflect.Value{}, errorf(CodeInvalidValue, path, "not base64: %v", err)
			}
			return protoreflect.ValueOfBytes(b), nil
		}
		if strings.ToLower(v.str) != v.str {
			return protoreflect.Value{}, errorf(CodeInvalidID, path, "id is not lowercase hex")
		}
		b, err := hex.DecodeString(v.str)
		if err != nil {
			return protoreflect.Value{}, errorf(CodeInvalidID, path, "id is not hex: %v", err)
		}
		return protoreflect.ValueOfBytes(b), nil
	}
	return protoreflect.Value{}, errorf(CodeInvalidArgument, path, "field kind %v is not in the contract", fd.Kind())
}

// readJSONInt reads a 64-bit integer written as a decimal string, or a JSON
// number that is an integer within ±(2^53 − 1), and checks it is in [lo, hi].
func readJSONInt(v *jsonValue, path string, lo, hi int64) (int64, error) {
	var n int64
	switch {
	case v.kind == 's' && intText.MatchString(v.str):
		var err error
		if n, err = strconv.ParseInt(v.str, 10, 64); err != nil {
			return 0, errorf(CodeInvalidValue, path, "%q is out of range", v.str)
		}
	case v.kind == 'n':
		f, err := strconv.ParseFloat(v.str, 64)
		if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53-1 {
			return 0, errorf(CodeInvalidJSON, path, "%s is not an integer within ±(2^53 − 1); write large integers as decimal strings", v.str)
		}
		n = int64(f)
	default:
		return 0, errorf(CodeInvalidJSON, path, "expected an integer")
	}
	if n < lo || n > hi {
		return 0, errorf(CodeInvalidValue, path, "%d is out of range", n)
	}
	return n, nil
}

func readJSONDouble(v *jsonValue, path string) (float64, error) {
	text := v.str
	switch {
	case v.kind == 's':
		switch text {
		case "NaN":
			return canonicalNaN, nil
		case "Infinity":
			return math.Inf(1), nil
		case "-Infinity":
			return math.Inf(-1), nil
		}
		if !decimalText.MatchString(text) {
			return 0, errorf(CodeInvalidJSON, path, "%q is not a number", text)
		}
	case v.kind != 'n':
		return 0, errorf(CodeInvalidJSON, path, "expected a number")
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return 0, errorf(CodeInvalidJSON, path, "%q is beyond a double", text)
	}
	return f, nil
}

// readBase64 accepts standard or URL-safe base64, padded or not (RFC 4648).
func readBase64(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	s = strings.NewReplacer("-", "+", "_", "/").Replace(s)
	return base64.RawStdEncoding.DecodeString(s)
}
