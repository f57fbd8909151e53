// Command produce writes the Go producer's fixtures: for every case of
// test/vectors/cases.json, one framed envelope per variant (protobuf, json,
// cbor, cbor-det) and compression (none, lz4), the broken fixtures, and
// manifest.json, into test/fixtures/go.
//
// Run from test/producers/go: go run ./cmd/produce
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/envelope-sdk/envelope/test/producers/go/internal/fixtures"
	"github.com/envelope-sdk/envelope/test/producers/go/internal/vectors"
)

func main() {
	casesPath := flag.String("cases", "../../vectors/cases.json", "test vectors")
	out := flag.String("out", "../../fixtures/go", "output directory")
	flag.Parse()
	if err := run(*casesPath, *out); err != nil {
		fmt.Fprintln(os.Stderr, "produce:", err)
		os.Exit(1)
	}
}

func run(casesPath, out string) error {
	cases, err := vectors.Load(casesPath)
	if err != nil {
		return err
	}
	libs, err := fixtures.LibraryVersions()
	if err != nil {
		return err
	}
	files, manifest, err := fixtures.Build(cases, libs)
	if err != nil {
		return err
	}
	if err := fixtures.Write(out, files, manifest); err != nil {
		return err
	}
	fmt.Printf("produce: %d fixtures, %d broken, in %s\n", len(manifest.Fixtures), len(manifest.Broken), out)
	return nil
}
