package fixturegen

import (
	"math"
	"testing"
)

// The reference outputs of splitmix64 for seed 1234567 (docs/spec.md, Fixtures).
func TestSplitMix64(t *testing.T) {
	g := New(1234567)
	for i, want := range []uint64{6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821} {
		if got := g.Next(); got != want {
			t.Fatalf("output %d: got %d, want %d", i, got, want)
		}
	}
}

// Between takes int64's full range without overflow, and a single point costs one draw.
func TestBetween(t *testing.T) {
	g := New(0)
	if got, want := g.Between(math.MinInt64, math.MaxInt64), int64(uint64(0xE220A8397B1DCDAF)-(1<<63)); got != want {
		t.Fatalf("full range: got %d, want %d", got, want)
	}
	if got := g.Between(5, 5); got != 5 {
		t.Fatalf("single point: got %d", got)
	}
	if got, want := New(0).Below(10), uint64(0xE220A8397B1DCDAF%10); got != want {
		t.Fatalf("below: got %d, want %d", got, want)
	}
}

// Random doubles are multiples of 1/16; a range without one yields its bounds.
func TestDouble(t *testing.T) {
	g := New(9)
	for i := 0; i < 100; i++ {
		if v := g.Double(Random, -0.5, 1); v < -0.5 || v > 1 || v*16 != math.Trunc(v*16) {
			t.Fatalf("got %v", v)
		}
		if v := g.Double(Random, 0.01, 0.02); v != 0.01 && v != 0.02 {
			t.Fatalf("got %v", v)
		}
	}
}
