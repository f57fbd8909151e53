package casegen

import (
	ev "github.com/envelope-sdk/envelope/test/producers/go/gen/envelopev1"
	"github.com/envelope-sdk/envelope/test/producers/go/gen/nextv1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// ForwardCases returns the next-minor cases (test/producers/proto-next):
// envelopes with Header.tenant, Header.labels, SchemaRef.family and an
// extension namespace v1 producers never write. v1 readers must decode them.
func ForwardCases() []Case {
	type fwd struct {
		name, description string
		tenant            string
		labels            []*ev.KeyValue
		family            string
		env               *ev.Envelope
	}
	all := base("forward/all")
	all.Body.Attributes = []*ev.KeyValue{kv("user.id", s("u_1")), kv("attempts", i(2))}
	all.Body.Extensions = []*ev.Extension{
		{Namespace: "http", Version: "1.0.0", Attributes: []*ev.KeyValue{kv("method", s("GET"))}},
		{Namespace: "quota.next", Version: "3.1.0", Attributes: []*ev.KeyValue{kv("remaining", i(17)), kv("window_s", d(60))}},
	}
	all.Header.Trace = &ev.TraceContext{TraceId: traceID, SpanId: spanID, TraceFlags: 1}
	all.Header.Status = &ev.Status{Code: ev.StatusCode_STATUS_CODE_OK}
	ext := base("forward/extension-namespace")
	ext.Body.Extensions = []*ev.Extension{{Namespace: "quota.next", Version: "3.1.0", Attributes: []*ev.KeyValue{kv("remaining", i(17))}}}

	cases := []fwd{
		{name: "forward/tenant", description: "Header.tenant (field 8): unknown to v1", tenant: "acme-corp", env: base("forward/tenant")},
		{name: "forward/labels", description: "Header.labels (field 9, an attribute map): unknown to v1",
			labels: []*ev.KeyValue{kv("team", s("auth")), kv("priority", i(2)), kv("canary", b(true))}, env: base("forward/labels")},
		{name: "forward/schema-family", description: "SchemaRef.family (field 5): unknown to v1", family: "auth", env: base("forward/schema-family")},
		{name: "forward/extension-namespace", description: "an extension namespace only newer producers write", env: ext},
		{name: "forward/all", description: "every next-minor field, with a trace, status, body attributes and a new extension namespace",
			tenant: "acme-corp", labels: []*ev.KeyValue{kv("team", s("auth")), kv("nested", kvl(kv("a", arr(i(1), d(1)))))}, family: "auth", env: all},
	}
	out := make([]Case, 0, len(cases))
	for _, c := range cases {
		m := toNext(c.env)
		hdr := m.Mutable(field(m, "header")).Message()
		if c.tenant != "" {
			hdr.Set(field(hdr, "tenant"), protoreflect.ValueOfString(c.tenant))
		}
		if len(c.labels) > 0 {
			carrier := toNext(&ev.Envelope{Body: &ev.Body{Attributes: c.labels}})
			from := carrier.Get(field(carrier, "body")).Message()
			src := from.Get(field(from, "attributes")).List()
			dst := hdr.Mutable(field(hdr, "labels")).List()
			for n := 0; n < src.Len(); n++ {
				dst.Append(src.Get(n))
			}
		}
		if c.family != "" {
			schema := hdr.Mutable(field(hdr, "schema")).Message()
			schema.Set(field(schema, "family"), protoreflect.ValueOfString(c.family))
		}
		out = append(out, Case{Name: c.name, Description: c.description, Envelope: m})
	}
	return out
}

// toNext converts a v1 envelope into a next-minor one through the wire format.
func toNext(e *ev.Envelope) protoreflect.Message {
	data, err := proto.Marshal(e)
	if err != nil {
		panic(err)
	}
	m := nextv1.NewEnvelope()
	if err := proto.Unmarshal(data, m.Interface()); err != nil {
		panic(err)
	}
	return m
}

func field(m protoreflect.Message, name protoreflect.Name) protoreflect.FieldDescriptor {
	fd := m.Descriptor().Fields().ByName(name)
	if fd == nil {
		panic("no field " + string(name) + " in " + string(m.Descriptor().FullName()))
	}
	return fd
}
