package envelope

import (
	"errors"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Variant is one way of writing an envelope: a codec and, for CBOR, a profile.
// Its Name is the variant part of fixture file names.
type Variant struct {
	Name    string
	Codec   Codec
	Profile Profile
}

// Variants are the fixture variants, in file-name order of the spec.
var Variants = []Variant{
	{"protobuf", CodecProtobuf, ProfileDefault},
	{"json", CodecJSON, ProfileDefault},
	{"cbor", CodecCBOR, ProfileDefault},
	{"cbor-det", CodecCBOR, ProfileDeterministic},
}

// EncodeOptions says how Encode writes a frame.
type EncodeOptions struct {
	Variant         Variant
	Compression     Compression
	ContentChecksum bool
}

// Encode writes env (an envelope.v1.Envelope, v1 or next-minor) as one frame:
// the Header message in the header section, the Body in the body section.
func Encode(env protoreflect.Message, o EncodeOptions) ([]byte, error) {
	fields := env.Descriptor().Fields()
	header, err := encodeSection(env.Get(fields.ByNumber(1)).Message(), o.Variant)
	if err != nil {
		return nil, err
	}
	body, err := encodeSection(env.Get(fields.ByNumber(2)).Message(), o.Variant)
	if err != nil {
		return nil, err
	}
	return EncodeFrame(Frame{Codec: o.Variant.Codec, Compression: o.Compression, ContentChecksum: o.ContentChecksum, Header: header, Body: body})
}

func encodeSection(m protoreflect.Message, v Variant) ([]byte, error) {
	switch v.Codec {
	case CodecProtobuf:
		// Deterministic makes proto.Marshal write the fields of a dynamic
		// (next-minor) message in field-number order, as it always does for
		// generated messages; without it dynamicpb's order is unspecified.
		out, err := proto.MarshalOptions{Deterministic: true}.Marshal(withCanonicalNaNs(m).Interface())
		if err != nil {
			return nil, errorf(CodeInvalidValue, "", "protobuf: %v", err)
		}
		return out, nil
	case CodecJSON:
		return MarshalJSON(m)
	case CodecCBOR:
		return MarshalCBOR(m, v.Profile)
	}
	return nil, errorf(CodeUnsupportedCodec, "", "codec id %d", v.Codec)
}

// Decode reads one framed envelope into env, which must be empty, and
// returns the frame. It does not validate: see Validate.
func Decode(data []byte, env protoreflect.Message, lim Limits) (Frame, error) {
	f, err := DecodeFrame(data, lim)
	if err != nil {
		return f, err
	}
	fields := env.Descriptor().Fields()
	if err := decodeSection(f.Codec, f.Header, env.Mutable(fields.ByNumber(1)).Message(), "header"); err != nil {
		return f, err
	}
	if err := decodeSection(f.Codec, f.Body, env.Mutable(fields.ByNumber(2)).Message(), "body"); err != nil {
		return f, err
	}
	return f, nil
}

func decodeSection(c Codec, data []byte, m protoreflect.Message, section string) error {
	var err error
	switch c {
	case CodecProtobuf:
		if err = proto.Unmarshal(data, m.Interface()); err != nil {
			code := CodeInvalidProtobuf
			if strings.Contains(err.Error(), "UTF-8") {
				code = CodeInvalidUTF8
			}
			return errorf(code, section, "%v", err)
		}
		return nil
	case CodecJSON:
		err = UnmarshalJSON(data, m)
	case CodecCBOR:
		err = UnmarshalCBOR(data, m)
	default:
		return errorf(CodeUnsupportedCodec, section, "codec id %d", c)
	}
	var e *Error
	if errors.As(err, &e) {
		e.Path = section + e.Path
	}
	return err
}
