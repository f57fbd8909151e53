// Package nextv1 is the "next minor" contract (test/producers/proto-next):
// v1 plus Header.tenant = 8, Header.labels = 9 and SchemaRef.family = 5.
//
// It is not protoc-gen-go code on purpose. The next-minor file declares the
// same package (envelope.v1) and message names as v1, and protobuf-go panics
// at init when two generated packages register the same full names in one
// binary ("namespace conflict"). The producer and the tests need both, so the
// next-minor contract is loaded from its descriptor set (envelope.binpb,
// written by `buf build` in generate.sh) into a private registry and used
// through dynamicpb, which registers nothing globally.
package nextv1

import (
	_ "embed"
	"fmt"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
)

//go:embed envelope.binpb
var descriptorSet []byte

// Envelope is the descriptor of the next-minor envelope.v1.Envelope.
var Envelope protoreflect.MessageDescriptor = load()

func load() protoreflect.MessageDescriptor {
	var set descriptorpb.FileDescriptorSet
	if err := proto.Unmarshal(descriptorSet, &set); err != nil {
		panic(fmt.Sprintf("nextv1: bad descriptor set: %v", err))
	}
	files, err := protodesc.NewFiles(&set)
	if err != nil {
		panic(fmt.Sprintf("nextv1: bad descriptor set: %v", err))
	}
	d, err := files.FindDescriptorByName("envelope.v1.Envelope")
	if err != nil {
		panic(fmt.Sprintf("nextv1: %v", err))
	}
	return d.(protoreflect.MessageDescriptor)
}

// NewEnvelope returns an empty next-minor envelope.
func NewEnvelope() protoreflect.Message {
	return dynamicpb.NewMessage(Envelope)
}
