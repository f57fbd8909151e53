package vectors

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/envelope-sdk/envelope/test/producers/go/envelope"
	"github.com/envelope-sdk/envelope/test/producers/go/internal/casegen"
)

const casesPath = "../../../../vectors/cases.json"

// TestCasesValid: every case, the forward ones read with v1, is a valid
// envelope (docs/spec.md, "Validation").
func TestCasesValid(t *testing.T) {
	cases, err := Load(casesPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if err := envelope.Validate(c.V1, envelope.DefaultLimits); err != nil {
			t.Errorf("%s: %v", c.Name, err)
		}
	}
}

// TestJSONRoundTrip: reading a case and writing it back gives the file's bytes.
func TestJSONRoundTrip(t *testing.T) {
	cases, err := Load(casesPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		got, err := envelope.MarshalJSON(c.Message)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		var want bytes.Buffer
		if err := json.Compact(&want, c.JSON); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%s: JSON round trip differs:\n got %.300s\nwant %.300s", c.Name, got, want.Bytes())
		}
	}
}

// TestCasesCurrent: the committed cases.json is what cmd/vectors writes.
func TestCasesCurrent(t *testing.T) {
	got, err := casegen.Render()
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(casesPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("test/vectors/cases.json is stale: run `go run ./cmd/vectors` in test/producers/go")
	}
}
