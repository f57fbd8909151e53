package casegen

import (
	"regexp"
	"testing"

	"google.golang.org/protobuf/proto"
)

func TestNames(t *testing.T) {
	valid := regexp.MustCompile(`^[a-z0-9-]+/[a-z0-9-]+$`)
	seen := map[string]bool{}
	for _, c := range append(Cases(), ForwardCases()...) {
		if !valid.MatchString(c.Name) {
			t.Errorf("case name %q is not lowercase group/name of [a-z0-9-]", c.Name)
		}
		if seen[c.Name] {
			t.Errorf("case name %q twice", c.Name)
		}
		seen[c.Name] = true
	}
}

// TestBenchSizes pins the benchmark envelopes near the sizes the issue asks
// for (protobuf binary, unframed).
func TestBenchSizes(t *testing.T) {
	want := map[string][2]int{"bench/small": {300, 1000}, "bench/medium": {1700, 2600}, "bench/large": {56_000, 72_000}}
	for _, c := range Cases() {
		r, ok := want[c.Name]
		if !ok {
			continue
		}
		n := proto.Size(c.Envelope.Interface())
		t.Logf("%s: %d bytes", c.Name, n)
		if n < r[0] || n > r[1] {
			t.Errorf("%s is %d bytes in protobuf, want %d..%d", c.Name, n, r[0], r[1])
		}
	}
}
