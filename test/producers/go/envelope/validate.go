package envelope

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"

	ev "github.com/envelope-sdk/envelope/test/producers/go/gen/envelopev1"
)

// Limits are the structural limits of docs/spec.md ("Limits"), with the
// TypeScript defaults in DefaultLimits.
type Limits struct {
	MaxFrameLength      int
	MaxBodyLength       int
	MaxDepth            int
	MaxAttributeEntries int
	MaxStringLength     int
	MaxBytesLength      int
}

// DefaultLimits are the TypeScript SDK's defaults.
var DefaultLimits = Limits{
	MaxFrameLength:      64 << 20,
	MaxBodyLength:       64 << 20,
	MaxDepth:            32,
	MaxAttributeEntries: 100_000,
	MaxStringLength:     16 << 20,
	MaxBytesLength:      16 << 20,
}

var semver = regexp.MustCompile(`^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$`)

// An extension namespace follows the schema registry's name rule.
var namespaceName = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]*$`)

const maxNamespaceLength = 255

// trimText shortens untrusted text quoted in a message.
func trimText(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// Validate checks e against docs/spec.md "Validation" and returns the first
// problem found.
func Validate(e *ev.Envelope, lim Limits) error {
	v := validator{lim: lim}
	return v.envelope(e)
}

type validator struct {
	lim     Limits
	entries int
}

func (v *validator) envelope(e *ev.Envelope) error {
	h := e.GetHeader()
	switch {
	case h == nil:
		return errorf(CodeMissingField, "header", "missing")
	case h.Schema == nil:
		return errorf(CodeMissingField, "header.schema", "missing")
	case h.Producer == nil:
		return errorf(CodeMissingField, "header.producer", "missing")
	case h.Resource == nil:
		return errorf(CodeMissingField, "header.resource", "missing")
	case e.Body == nil:
		return errorf(CodeMissingField, "body", "missing")
	}
	for _, f := range []struct{ path, value string }{
		{"header.schema.type", h.Schema.Type}, {"header.schema.subtype", h.Schema.Subtype},
		{"header.producer.language", h.Producer.Language}, {"header.producer.version", h.Producer.Version},
		{"header.resource.serviceName", h.Resource.ServiceName},
	} {
		if f.value == "" {
			return errorf(CodeMissingField, f.path, "empty")
		}
	}
	if err := checkSemver("header.schema.version", h.Schema.Version); err != nil {
		return err
	}
	if err := checkID("header.eventId", h.EventId, 16); err != nil {
		return err
	}
	if h.TimeUnixNano == 0 {
		return errorf(CodeMissingField, "header.timeUnixNano", "must be > 0")
	}
	if t := h.Trace; t != nil {
		if err := checkID("header.trace.traceId", t.TraceId, 16); err != nil {
			return err
		}
		if err := checkID("header.trace.spanId", t.SpanId, 8); err != nil {
			return err
		}
		if len(t.ParentSpanId) > 0 {
			if err := checkID("header.trace.parentSpanId", t.ParentSpanId, 8); err != nil {
				return err
			}
		}
		if t.TraceFlags > 255 {
			return errorf(CodeInvalidValue, "header.trace.traceFlags", "%d is not 0..255", t.TraceFlags)
		}
	}
	if s := h.Status; s != nil && s.Code < 0 {
		return errorf(CodeInvalidValue, "header.status.code", "%d is negative", s.Code)
	}
	if err := v.attributes("header.resource.attributes", h.Resource.Attributes, 0); err != nil {
		return err
	}
	if err := v.attributes("body.attributes", e.Body.Attributes, 0); err != nil {
		return err
	}
	namespaces := map[string]bool{}
	for n, x := range e.Body.Extensions {
		p := fmt.Sprintf("body.extensions[%d]", n)
		if x.Namespace == "" {
			return errorf(CodeMissingField, p+".namespace", "empty")
		}
		if len(x.Namespace) > maxNamespaceLength || !namespaceName.MatchString(x.Namespace) {
			return errorf(CodeInvalidValue, p+".namespace", "%q is not a name: [a-z0-9][a-z0-9_.-]*, at most %d bytes", trimText(x.Namespace), maxNamespaceLength)
		}
		if namespaces[x.Namespace] {
			return errorf(CodeDuplicateKey, p+".namespace", "namespace %q twice", x.Namespace)
		}
		namespaces[x.Namespace] = true
		if err := checkSemver(p+".version", x.Version); err != nil {
			return err
		}
		if err := v.attributes(p+".attributes", x.Attributes, 0); err != nil {
			return err
		}
	}
	return nil
}

func checkSemver(path, s string) error {
	m := semver.FindStringSubmatch(s)
	if m == nil {
		return errorf(CodeInvalidSemver, path, "%q is not MAJOR.MINOR.PATCH", s)
	}
	for _, part := range m[1:] {
		if n, err := strconv.ParseUint(part, 10, 64); err != nil || n >= 1<<53 {
			return errorf(CodeInvalidSemver, path, "%q has a part over 2^53 - 1", s)
		}
	}
	return nil
}

func checkID(path string, id []byte, size int) error {
	if len(id) != size {
		return errorf(CodeInvalidID, path, "%d bytes, want %d", len(id), size)
	}
	if bytes.Count(id, []byte{0}) == size {
		return errorf(CodeInvalidID, path, "all zero")
	}
	return nil
}

// attributes checks one attribute map: unique keys, the entry count, the
// depth of its values. depth is the depth of the map itself (0 at the top).
func (v *validator) attributes(path string, kvs []*ev.KeyValue, depth int) error {
	seen := make(map[string]bool, len(kvs))
	for n, kv := range kvs {
		if seen[kv.Key] {
			return errorf(CodeDuplicateKey, fmt.Sprintf("%s[%d]", path, n), "key %q twice", kv.Key)
		}
		seen[kv.Key] = true
		if err := v.value(fmt.Sprintf("%s[%q]", path, kv.Key), kv.Value, depth); err != nil {
			return err
		}
	}
	return nil
}

// value checks one attribute value; depth is the number of arrays and maps
// around it.
func (v *validator) value(path string, a *ev.AnyValue, depth int) error {
	v.entries++
	if v.entries > v.lim.MaxAttributeEntries {
		return errorf(CodeLimitExceeded, path, "more than %d attribute entries", v.lim.MaxAttributeEntries)
	}
	switch x := a.GetValue().(type) {
	case nil:
		return errorf(CodeInvalidValue, path, "attribute value has no kind")
	case *ev.AnyValue_StringValue:
		if len(x.StringValue) > v.lim.MaxStringLength {
			return errorf(CodeLimitExceeded, path, "string of %d bytes", len(x.StringValue))
		}
	case *ev.AnyValue_BytesValue:
		if len(x.BytesValue) > v.lim.MaxBytesLength {
			return errorf(CodeLimitExceeded, path, "bytes of %d bytes", len(x.BytesValue))
		}
	case *ev.AnyValue_ArrayValue:
		if depth+1 > v.lim.MaxDepth {
			return errorf(CodeLimitExceeded, path, "nesting deeper than %d", v.lim.MaxDepth)
		}
		for n, item := range x.ArrayValue.GetValues() {
			if err := v.value(fmt.Sprintf("%s[%d]", path, n), item, depth+1); err != nil {
				return err
			}
		}
	case *ev.AnyValue_KvlistValue:
		if depth+1 > v.lim.MaxDepth {
			return errorf(CodeLimitExceeded, path, "nesting deeper than %d", v.lim.MaxDepth)
		}
		return v.attributes(path, x.KvlistValue.GetValues(), depth+1)
	}
	return nil
}
