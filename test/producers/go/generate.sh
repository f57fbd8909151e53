#!/bin/sh
# Regenerates the committed generated code of the Go producer:
#   gen/envelopev1/envelope.pb.go  from proto/envelope/v1/envelope.proto (buf + local protoc-gen-go)
#   gen/envelopev1/envelope_vtproto.pb.go  the same, vtprotobuf's methods (the benchmark peer, cmd/bench)
#   gen/nextv1/envelope.binpb      from test/producers/proto-next (buf build; see gen/nextv1/nextv1.go)
# protoc-gen-go and protoc-gen-go-vtproto are installed into .bin at the
# versions go.mod requires, so the generated code matches the runtime.
# Run from anywhere; needs go, and the repository's node_modules (pnpm install).
set -eu
cd "$(dirname "$0")"
root=../../..
buf="$root/node_modules/.bin/buf"

version=$(go list -m -f '{{.Version}}' google.golang.org/protobuf)
GOBIN="$PWD/.bin" go install "google.golang.org/protobuf/cmd/protoc-gen-go@$version"
vt=$(go list -m -f '{{.Version}}' github.com/planetscale/vtprotobuf)
GOBIN="$PWD/.bin" go install "github.com/planetscale/vtprotobuf/cmd/protoc-gen-go-vtproto@$vt"

"$buf" generate                      # buf.gen.yaml: proto/ -> gen/envelopev1
"$buf" build ../proto-next --as-file-descriptor-set --exclude-source-info -o gen/nextv1/envelope.binpb
