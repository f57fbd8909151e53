// Package vectors reads test/vectors/cases.json.
package vectors

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/envelope-sdk/envelope/test/producers/go/envelope"
	ev "github.com/envelope-sdk/envelope/test/producers/go/gen/envelopev1"
	"github.com/envelope-sdk/envelope/test/producers/go/gen/nextv1"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Case is one case of cases.json.
type Case struct {
	Name        string
	Description string
	// Forward is true for the next-minor cases ("forward" list).
	Forward bool
	// ContentChecksum is the case's frame option.
	ContentChecksum bool
	// JSON is the envelope in the JSON mapping, as in the file.
	JSON json.RawMessage
	// V1 is the envelope read with the v1 contract (for forward cases, the
	// fields v1 does not know are left out).
	V1 *ev.Envelope
	// Message is the envelope read with the contract that wrote it: V1 for
	// v1 cases, the next-minor contract for forward cases.
	Message protoreflect.Message
}

// FileBase is the case's name as used in fixture file names ("/" -> "__").
func (c *Case) FileBase() string { return strings.ReplaceAll(c.Name, "/", "__") }

type file struct {
	Comment string    `json:"comment"`
	Cases   []rawCase `json:"cases"`
	Forward []rawCase `json:"forward"`
}

type rawCase struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Frame       *struct {
		ContentChecksum bool `json:"contentChecksum"`
	} `json:"frame"`
	Envelope json.RawMessage `json:"envelope"`
}

// Load reads the cases file at path: the v1 cases, then the forward cases.
func Load(path string) ([]*Case, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f file
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []*Case
	for _, group := range []struct {
		raw     []rawCase
		forward bool
	}{{f.Cases, false}, {f.Forward, true}} {
		for _, r := range group.raw {
			c := &Case{Name: r.Name, Description: r.Description, Forward: group.forward, JSON: r.Envelope, V1: &ev.Envelope{}}
			if r.Frame != nil {
				c.ContentChecksum = r.Frame.ContentChecksum
			}
			if err := envelope.UnmarshalJSON(r.Envelope, c.V1.ProtoReflect()); err != nil {
				return nil, fmt.Errorf("case %s: %w", r.Name, err)
			}
			c.Message = c.V1.ProtoReflect()
			if group.forward {
				c.Message = nextv1.NewEnvelope()
				if err := envelope.UnmarshalJSON(r.Envelope, c.Message); err != nil {
					return nil, fmt.Errorf("case %s: %w", r.Name, err)
				}
			}
			out = append(out, c)
		}
	}
	return out, nil
}
