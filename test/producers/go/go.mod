module github.com/envelope-sdk/envelope/test/producers/go

go 1.26

require (
	github.com/fxamacker/cbor/v2 v2.9.6
	github.com/pierrec/lz4/v4 v4.1.33
	github.com/planetscale/vtprotobuf v0.6.0
	google.golang.org/protobuf v1.36.12
)

require github.com/x448/float16 v0.8.4 // indirect
