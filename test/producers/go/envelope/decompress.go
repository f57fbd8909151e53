package envelope

import (
	"bytes"
	"encoding/binary"
	"io"

	"github.com/pierrec/lz4/v4"
)

// LZ4 frame format (lz4_Frame_format.md 1.6.x), all integers little-endian:
//
//	magic 04 22 4D 18 | FLG | BD | [content size u64] | [dict id u32] | HC |
//	blocks: size u32 (bit 31: stored uncompressed; 0 is the end mark), data, [block checksum u32] |
//	[content checksum u32]
//
// A skippable frame is a magic 0x184D2A50..0x184D2A5F, a size u32 and that many bytes.
const (
	lz4Magic          = 0x184D2204
	lz4SkippableMask  = 0xFFFFFFF0
	lz4SkippableMagic = 0x184D2A50
)

var lz4BlockMax = map[byte]int64{4: 64 << 10, 5: 256 << 10, 6: 1 << 20, 7: 4 << 20}

// lz4Span is one data frame found by scanLZ4.
type lz4Span struct {
	start, end  int
	contentSize int64 // -1 when the frame does not declare it
}

// DecompressLZ4 decompresses a body section stored as LZ4 frames (docs/spec.md,
// "Compression"). rawLen is the frame prefix's body raw length and maxSize the
// decompressed-size limit (DecodeFrame checks rawLen <= maxSize first too).
//
// pierrec/lz4 reads concatenated and skippable frames, but it also reads the
// legacy format, and it bounds nothing: a frame expands to whatever it holds.
// So the frames are walked here first (structure, declared content sizes),
// then each data frame is decoded block by block (pierrec's Reader expands
// one block at a time) with its output capped at what rawLen still allows
// and at its declared content size. The bound is that exact size, never a
// worst case summed over blocks (docs/spec.md, "LZ4 readers"): a valid frame
// of thousands of small blocks has a worst case far over its real size.
func DecompressLZ4(stored []byte, rawLen, maxSize int) ([]byte, error) {
	if rawLen > maxSize {
		return nil, errorf(CodeTooLarge, "body", "body raw length %d is over the limit %d", rawLen, maxSize)
	}
	spans, err := scanLZ4(stored, int64(rawLen))
	if err != nil {
		return nil, err
	}
	var declared int64
	allDeclared := true
	for _, s := range spans {
		if s.contentSize < 0 {
			allDeclared = false
		} else {
			declared += s.contentSize
		}
	}
	if allDeclared && declared < int64(rawLen) {
		return nil, errorf(CodeInvalidLZ4, "body", "LZ4 frames declare %d bytes of content, the body raw length is %d", declared, rawLen)
	}
	// Grown as output arrives, so a forged raw length over a small frame
	// costs nothing; each read is capped one byte past what is allowed, so
	// that output past it is seen.
	var out bytes.Buffer
	r := lz4.NewReader(nil)
	for _, s := range spans {
		r.Reset(bytes.NewReader(stored[s.start:s.end]))
		room := int64(rawLen - out.Len())
		limit := room
		if s.contentSize >= 0 {
			limit = min(room, s.contentSize)
		}
		n, err := io.Copy(&out, io.LimitReader(r, limit+1))
		if err != nil {
			return nil, errorf(CodeInvalidLZ4, "body", "LZ4 frame at byte %d: %v", s.start, err)
		}
		switch {
		case s.contentSize >= 0 && n != s.contentSize:
			return nil, errorf(CodeInvalidLZ4, "body", "LZ4 frame at byte %d declares %d bytes of content and holds another amount", s.start, s.contentSize)
		case n > room:
			return nil, errorf(CodeTooLarge, "body", "LZ4 body decompresses to more than its raw length %d", rawLen)
		}
	}
	if out.Len() != rawLen {
		return nil, errorf(CodeInvalidLZ4, "body", "decompressed %d bytes, the frame says %d", out.Len(), rawLen)
	}
	return out.Bytes(), nil
}

// scanLZ4 walks every frame of b without decompressing anything and checks
// the declared content sizes against maxSize, the output allowed.
func scanLZ4(b []byte, maxSize int64) ([]lz4Span, error) {
	if len(b) == 0 {
		return nil, errorf(CodeInvalidLZ4, "body", "an empty body is not an LZ4 frame")
	}
	var spans []lz4Span
	var total int64
	for p := 0; p < len(b); {
		if len(b)-p < 4 {
			return nil, errorf(CodeInvalidLZ4, "body", "%d bytes after the last LZ4 frame", len(b)-p)
		}
		magic := binary.LittleEndian.Uint32(b[p:])
		if magic&lz4SkippableMask == lz4SkippableMagic {
			if len(b)-p < 8 || int64(binary.LittleEndian.Uint32(b[p+4:])) > int64(len(b)-p-8) {
				return nil, errorf(CodeInvalidLZ4, "body", "skippable frame at byte %d runs past the end", p)
			}
			p += 8 + int(binary.LittleEndian.Uint32(b[p+4:]))
			continue
		}
		if magic != lz4Magic {
			return nil, errorf(CodeInvalidLZ4, "body", "bytes at %d are not an LZ4 frame (magic %08x)", p, magic)
		}
		s, err := scanLZ4Frame(b, p, max(0, maxSize-total))
		if err != nil {
			return nil, err
		}
		if s.contentSize >= 0 {
			total += s.contentSize
		}
		spans = append(spans, s)
		p = s.end
	}
	if len(spans) == 0 {
		return nil, errorf(CodeInvalidLZ4, "body", "only skippable frames, no LZ4 data frame")
	}
	return spans, nil
}

func scanLZ4Frame(b []byte, start int, budget int64) (lz4Span, error) {
	invalid := func(format string, args ...any) (lz4Span, error) {
		return lz4Span{}, errorf(CodeInvalidLZ4, "body", "LZ4 frame at byte %d: "+format, append([]any{start}, args...)...)
	}
	p := start + 4
	if len(b)-p < 3 {
		return invalid("descriptor ends early")
	}
	flg, bd := b[p], b[p+1]
	blockMax, ok := lz4BlockMax[(bd>>4)&7]
	switch {
	case flg>>6 != 1:
		return invalid("version %d is not 1", flg>>6)
	case flg&0x02 != 0 || bd&0x8f != 0:
		return invalid("reserved descriptor bits set")
	case flg&0x01 != 0:
		return invalid("a dictionary id is not supported")
	case !ok:
		return invalid("block maximum size id %d is not 4..7", (bd>>4)&7)
	}
	blockChecksum, contentChecksum := flg&0x10 != 0, flg&0x04 != 0
	s := lz4Span{start: start, contentSize: -1}
	if flg&0x08 != 0 {
		if len(b)-p < 11 {
			return invalid("descriptor ends early")
		}
		size := binary.LittleEndian.Uint64(b[p+2:])
		if size > uint64(budget) {
			return s, errorf(CodeTooLarge, "body", "LZ4 frame at byte %d declares %d bytes of content, over the limit", start, size)
		}
		s.contentSize = int64(size)
		p += 8
	}
	p += 3 // FLG, BD, header checksum (pierrec checks it)
	for {
		if len(b)-p < 4 {
			return invalid("no end mark")
		}
		word := binary.LittleEndian.Uint32(b[p:])
		p += 4
		if word == 0 {
			break
		}
		size := int64(word & 0x7FFFFFFF)
		if size > blockMax {
			return invalid("block of %d bytes over the block maximum %d", size, blockMax)
		}
		need := size
		if blockChecksum {
			need += 4
		}
		if int64(len(b)-p) < need {
			return invalid("block ends early")
		}
		p += int(need)
	}
	if contentChecksum {
		if len(b)-p < 4 {
			return invalid("no content checksum")
		}
		p += 4
	}
	s.end = p
	return s, nil
}
