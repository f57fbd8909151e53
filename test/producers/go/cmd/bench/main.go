// Command bench is the Go peer of the TypeScript benchmark (`pnpm bench
// --native`, see docs/interop.md, "Benchmark peers"): protobuf-go and
// vtprotobuf straight, as a Go service would use them, on the same committed
// fixture files as the SDK.
//
//   - protobuf-go/protobuf/decode/<size>: the 24-byte frame prefix is parsed
//     and checked (magic, version, prefix CRC-32C, flags, codec, compression,
//     lengths, no trailing bytes), then proto.Unmarshal of the header and body
//     sections into the protoc-gen-go types (protobuf-go checks UTF-8).
//   - protobuf-go/protobuf/encode/<size>: proto.Size of both sections, one
//     buffer, the prefix with its CRC-32C, then MarshalAppend of both
//     messages with the cached sizes.
//   - vtprotobuf/...: the same with the vtprotobuf-generated UnmarshalVT,
//     plus utf8.ValidString on every string field (UnmarshalVT does not check
//     UTF-8, which the SDK, protobuf-go and prost do), and SizeVT +
//     MarshalToSizedBufferVT on encode.
//
// It is a server, so that the harness can alternate short TypeScript and Go
// slices of one case and take the median of the per-slice ratios: it prints
// the cases as one JSON line, then answers each stdin line `<case>
// <milliseconds>` with {"name":…,"opsPerSec":…} (the median rate over
// batches of about 0.2 ms).
//
// Usage: go run ./cmd/bench <fixture dir>
package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	ev "github.com/envelope-sdk/envelope/test/producers/go/gen/envelopev1"
	"google.golang.org/protobuf/proto"
)

const (
	prefixSize = 24
	maxFrame   = 64 << 20
)

var (
	magic      = []byte{0x89, 'E', 'N', 'V'}
	castagnoli = crc32.MakeTable(crc32.Castagnoli)
	errFrame   = errors.New("bad frame")
	errUTF8    = errors.New("invalid_utf8")
)

// readPrefix checks the frame prefix as the SDK's reader does and returns the
// header and body ranges.
func readPrefix(data []byte) (int, int, int, error) {
	if len(data) < prefixSize || !bytes.Equal(data[:4], magic) || data[4] != 1 {
		return 0, 0, 0, errFrame
	}
	u32 := func(at int) int { return int(binary.LittleEndian.Uint32(data[at:])) }
	if uint32(u32(20)) != crc32.Checksum(data[:20], castagnoli) {
		return 0, 0, 0, errFrame
	}
	flags, codec, compression := data[7], data[5], data[6]
	headerLen, bodyLen, bodyRaw := u32(8), u32(12), u32(16)
	if flags&0xfe != 0 || (compression == 0 && bodyRaw != bodyLen) || codec != 1 || compression != 0 {
		return 0, 0, 0, errFrame
	}
	checksum := int(flags&1) * 4
	end := prefixSize + headerLen + bodyLen
	if end+checksum > maxFrame || bodyRaw > maxFrame || len(data) != end+checksum {
		return 0, 0, 0, errFrame
	}
	if checksum == 4 && uint32(u32(end)) != crc32.Checksum(data[prefixSize:end], castagnoli) {
		return 0, 0, 0, errFrame
	}
	return prefixSize, prefixSize + headerLen, end, nil
}

func decodeGo(data []byte) (*ev.Header, *ev.Body, error) {
	h, b, end, err := readPrefix(data)
	if err != nil {
		return nil, nil, err
	}
	header, body := &ev.Header{}, &ev.Body{}
	if err := proto.Unmarshal(data[h:b], header); err != nil {
		return nil, nil, err
	}
	if err := proto.Unmarshal(data[b:end], body); err != nil {
		return nil, nil, err
	}
	return header, body, nil
}

func decodeVT(data []byte) (*ev.Header, *ev.Body, error) {
	h, b, end, err := readPrefix(data)
	if err != nil {
		return nil, nil, err
	}
	header, body := &ev.Header{}, &ev.Body{}
	if err := header.UnmarshalVT(data[h:b]); err != nil {
		return nil, nil, err
	}
	if err := body.UnmarshalVT(data[b:end]); err != nil {
		return nil, nil, err
	}
	if !headerUTF8(header) || !attributesUTF8(body.Attributes) {
		return nil, nil, errUTF8
	}
	for _, x := range body.Extensions {
		if !utf8.ValidString(x.Namespace) || !utf8.ValidString(x.Version) || !attributesUTF8(x.Attributes) {
			return nil, nil, errUTF8
		}
	}
	return header, body, nil
}

func headerUTF8(h *ev.Header) bool {
	ok := true
	check := func(s string) { ok = ok && utf8.ValidString(s) }
	if s := h.Schema; s != nil {
		check(s.Type)
		check(s.Subtype)
		check(s.Version)
		check(s.GetUrl())
	}
	if p := h.Producer; p != nil {
		check(p.Language)
		check(p.Version)
	}
	if t := h.Trace; t != nil {
		check(t.TraceState)
	}
	if r := h.Resource; r != nil {
		check(r.ServiceName)
		check(r.GetServiceVersion())
		check(r.GetEnvironment())
		check(r.GetRegion())
		check(r.GetHost())
		ok = ok && attributesUTF8(r.Attributes)
	}
	if s := h.Status; s != nil {
		check(s.Message)
	}
	return ok
}

func attributesUTF8(kvs []*ev.KeyValue) bool {
	for _, kv := range kvs {
		if !utf8.ValidString(kv.Key) || !valueUTF8(kv.Value) {
			return false
		}
	}
	return true
}

func valueUTF8(v *ev.AnyValue) bool {
	if v == nil {
		return true
	}
	switch x := v.Value.(type) {
	case *ev.AnyValue_StringValue:
		return utf8.ValidString(x.StringValue)
	case *ev.AnyValue_ArrayValue:
		if x.ArrayValue != nil {
			for _, e := range x.ArrayValue.Values {
				if !valueUTF8(e) {
					return false
				}
			}
		}
	case *ev.AnyValue_KvlistValue:
		if x.KvlistValue != nil {
			return attributesUTF8(x.KvlistValue.Values)
		}
	}
	return true
}

// putPrefix writes the frame prefix of a protobuf frame without compression or checksum.
func putPrefix(out []byte, headerLen, bodyLen int) {
	copy(out, magic)
	out[4], out[5], out[6], out[7] = 1, 1, 0, 0
	binary.LittleEndian.PutUint32(out[8:], uint32(headerLen))
	binary.LittleEndian.PutUint32(out[12:], uint32(bodyLen))
	binary.LittleEndian.PutUint32(out[16:], uint32(bodyLen))
	binary.LittleEndian.PutUint32(out[20:], crc32.Checksum(out[:20], castagnoli))
}

var cached = proto.MarshalOptions{UseCachedSize: true}

func encodeGo(h *ev.Header, b *ev.Body) ([]byte, error) {
	hl, bl := proto.Size(h), proto.Size(b)
	out := make([]byte, prefixSize, prefixSize+hl+bl)
	putPrefix(out, hl, bl)
	out, err := cached.MarshalAppend(out, h)
	if err != nil {
		return nil, err
	}
	return cached.MarshalAppend(out, b)
}

func encodeVT(h *ev.Header, b *ev.Body) ([]byte, error) {
	hl, bl := h.SizeVT(), b.SizeVT()
	out := make([]byte, prefixSize+hl+bl)
	putPrefix(out, hl, bl)
	if _, err := h.MarshalToSizedBufferVT(out[prefixSize : prefixSize+hl]); err != nil {
		return nil, err
	}
	if _, err := b.MarshalToSizedBufferVT(out[prefixSize+hl:]); err != nil {
		return nil, err
	}
	return out, nil
}

type benchCase struct {
	Name  string `json:"name"`
	Bytes int    `json:"bytes"`
	run   func() error
	batch int
}

// measure returns the median calls per second over batches for about d.
func measure(c *benchCase, d time.Duration) float64 {
	start := time.Now()
	var rates []float64
	for time.Since(start) < d || len(rates) < 3 {
		t := time.Now()
		for i := 0; i < c.batch; i++ {
			if err := c.run(); err != nil {
				panic(err)
			}
		}
		rates = append(rates, float64(c.batch)/time.Since(t).Seconds())
	}
	sort.Float64s(rates)
	return rates[len(rates)/2]
}

// batchSize returns how many calls take about 0.2 ms.
func batchSize(c *benchCase) int {
	for n := 1; ; n *= 2 {
		t := time.Now()
		for i := 0; i < n; i++ {
			_ = c.run()
		}
		if time.Since(t) >= 200*time.Microsecond || n >= 1<<20 {
			return n
		}
	}
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: bench <fixture dir>")
		os.Exit(2)
	}
	var cases []*benchCase
	for _, size := range []string{"small", "medium", "large"} {
		path := fmt.Sprintf("%s/bench__%s.protobuf.none.bin", os.Args[1], size)
		data, err := os.ReadFile(path)
		if err != nil {
			panic(err)
		}
		h, b, err := decodeGo(data)
		if err != nil {
			panic(fmt.Sprintf("%s: %v", path, err))
		}
		for _, enc := range []func(*ev.Header, *ev.Body) ([]byte, error){encodeGo, encodeVT} {
			if out, err := enc(h, b); err != nil || !bytes.Equal(out, data) {
				panic(fmt.Sprintf("%s: re-encodes other bytes (%v)", path, err))
			}
		}
		add := func(name string, run func() error) {
			cases = append(cases, &benchCase{Name: name, Bytes: len(data), run: run})
		}
		add("protobuf-go/protobuf/decode/"+size, func() error { _, _, err := decodeGo(data); return err })
		add("vtprotobuf/protobuf/decode/"+size, func() error { _, _, err := decodeVT(data); return err })
		add("protobuf-go/protobuf/encode/"+size, func() error { _, err := encodeGo(h, b); return err })
		add("vtprotobuf/protobuf/encode/"+size, func() error { _, err := encodeVT(h, b); return err })
	}
	for _, c := range cases {
		c.batch = batchSize(c)
	}
	out := bufio.NewWriter(os.Stdout)
	list, _ := json.Marshal(map[string]any{"cases": cases})
	fmt.Fprintf(out, "%s\n", list)
	out.Flush()
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		words := strings.Fields(in.Text())
		if len(words) != 2 {
			continue
		}
		ms, err := strconv.Atoi(words[1])
		if err != nil {
			panic(err)
		}
		var found *benchCase
		for _, c := range cases {
			if c.Name == words[0] {
				found = c
			}
		}
		if found == nil {
			panic("unknown case " + words[0])
		}
		rate := measure(found, time.Duration(ms)*time.Millisecond)
		fmt.Fprintf(out, "{\"name\":%q,\"opsPerSec\":%.1f}\n", found.Name, rate)
		out.Flush()
	}
}
