// Package conformance holds the cross-language conformance tests: the Go
// side decodes the fixtures of every other producer under test/fixtures and
// checks them against test/vectors/cases.json. See conformance_test.go and
// test/producers/go/README.md.
package conformance
