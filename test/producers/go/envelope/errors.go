// Package envelope is the Go side of the cross-language conformance tests: the
// spec's codecs (protobuf binary, JSON mapping, CBOR mapping), the frame, LZ4
// compression and validation, written over protoreflect so that the same code
// serves the v1 generated types and the next-minor descriptors.
//
// It is a test producer, not an SDK: it implements docs/spec.md closely enough
// to write fixtures and to check other languages' fixtures, nothing more.
package envelope

import (
	"errors"
	"fmt"
)

// Code is a stable error code; the values are the TypeScript SDK's
// EnvelopeError codes (docs/spec.md, "Errors").
type Code string

// Error codes, see docs/spec.md "Errors".
const (
	CodeTruncated              Code = "truncated"
	CodeBadMagic               Code = "bad_magic"
	CodeUnsupportedVersion     Code = "unsupported_version"
	CodeUnsupportedCodec       Code = "unsupported_codec"
	CodeUnsupportedCompression Code = "unsupported_compression"
	CodeTooLarge               Code = "too_large"
	CodeLimitExceeded          Code = "limit_exceeded"
	CodeInvalidFrame           Code = "invalid_frame"
	CodeChecksumMismatch       Code = "checksum_mismatch"
	CodeTrailingBytes          Code = "trailing_bytes"
	CodeInvalidID              Code = "invalid_id"
	CodeInvalidUTF8            Code = "invalid_utf8"
	CodeInvalidProtobuf        Code = "invalid_protobuf"
	CodeInvalidJSON            Code = "invalid_json"
	CodeInvalidCBOR            Code = "invalid_cbor"
	CodeInvalidLZ4             Code = "invalid_lz4"
	CodeInvalidValue           Code = "invalid_value"
	CodeMissingField           Code = "missing_field"
	CodeInvalidSemver          Code = "invalid_semver"
	CodeDuplicateKey           Code = "duplicate_key"
	CodeInvalidArgument        Code = "invalid_argument"
)

// Error is the one error type of this package: a code, and a message that
// says what is wrong and where (field path or byte offset).
type Error struct {
	Code    Code
	Path    string
	Message string
}

func (e *Error) Error() string {
	if e.Path != "" {
		return fmt.Sprintf("%s: %s: %s", e.Code, e.Path, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func errorf(code Code, path, format string, args ...any) *Error {
	return &Error{Code: code, Path: path, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of err, or "" when err is not an *Error.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
