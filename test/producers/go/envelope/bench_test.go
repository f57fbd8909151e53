package envelope_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/envelope-sdk/envelope/test/producers/go/envelope"
	ev "github.com/envelope-sdk/envelope/test/producers/go/gen/envelopev1"
)

// BenchmarkNative is the Go peer of the TypeScript benchmark (`pnpm bench
// --native`): it decodes (and validates) and encodes the same committed
// fixture files, one sub-benchmark per `<codec>/<op>/<size>[/lz4]`.
func BenchmarkNative(b *testing.B) {
	for _, size := range []string{"small", "medium", "large"} {
		for _, v := range envelope.Variants {
			if v.Name == "cbor-det" {
				continue
			}
			for _, c := range []struct {
				name        string
				compression envelope.Compression
			}{{"none", envelope.CompressionNone}, {"lz4", envelope.CompressionLZ4}} {
				path := fmt.Sprintf("../../../fixtures/go/bench__%s.%s.%s.bin", size, v.Name, c.name)
				data, err := os.ReadFile(path)
				if err != nil {
					b.Fatal(err)
				}
				suffix := ""
				if c.name == "lz4" {
					suffix = "/lz4"
				}
				var decoded ev.Envelope
				if _, err := envelope.Decode(data, decoded.ProtoReflect(), envelope.DefaultLimits); err != nil {
					b.Fatalf("%s: %v", path, err)
				}
				b.Run(fmt.Sprintf("%s/decode/%s%s", v.Name, size, suffix), func(b *testing.B) {
					b.SetBytes(int64(len(data)))
					for b.Loop() {
						var e ev.Envelope
						if _, err := envelope.Decode(data, e.ProtoReflect(), envelope.DefaultLimits); err != nil {
							b.Fatal(err)
						}
						if err := envelope.Validate(&e, envelope.DefaultLimits); err != nil {
							b.Fatal(err)
						}
					}
				})
				opts := envelope.EncodeOptions{Variant: v, Compression: c.compression}
				b.Run(fmt.Sprintf("%s/encode/%s%s", v.Name, size, suffix), func(b *testing.B) {
					b.SetBytes(int64(len(data)))
					for b.Loop() {
						if _, err := envelope.Encode(decoded.ProtoReflect(), opts); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}
