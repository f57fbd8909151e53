// Command vectors writes test/vectors/cases.json from internal/casegen.
//
// Run from test/producers/go: go run ./cmd/vectors
// The output is deterministic and committed; every producer reads it.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/envelope-sdk/envelope/test/producers/go/internal/casegen"
)

func main() {
	out := flag.String("out", "../../vectors/cases.json", "file to write")
	flag.Parse()
	data, err := casegen.Render()
	if err != nil {
		fmt.Fprintln(os.Stderr, "vectors:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "vectors:", err)
		os.Exit(1)
	}
}
