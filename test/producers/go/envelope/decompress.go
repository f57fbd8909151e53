package envelope

import (
	"bytes"
	"encoding/binary"
	"io"

	"github.com/pierrec/lz4/v4"
)

const lz4Magic = 0x184D2204

// DecompressLZ4 decompresses a body section stored as LZ4 frames; rawLen is
// the frame prefix's body raw length, already checked against the limit.
// The declared content size is checked before anything is decompressed, and
// no more than rawLen + 1 bytes are ever produced.
func DecompressLZ4(stored []byte, rawLen int) ([]byte, error) {
	if len(stored) >= 4 && binary.LittleEndian.Uint32(stored) == lz4Magic && len(stored) >= 6 {
		flg := stored[4]
		if flg&0x08 != 0 { // content size present
			if len(stored) < 14 {
				return nil, errorf(CodeInvalidLZ4, "body", "LZ4 frame header ends early")
			}
			if size := binary.LittleEndian.Uint64(stored[6:]); size > uint64(rawLen) {
				return nil, errorf(CodeTooLarge, "body", "LZ4 content size %d over the body raw length %d", size, rawLen)
			}
		}
	}
	r := lz4.NewReader(bytes.NewReader(stored))
	out := make([]byte, 0, rawLen)
	buf := bytes.NewBuffer(out)
	n, err := io.Copy(buf, io.LimitReader(r, int64(rawLen)+1))
	if err != nil {
		return nil, errorf(CodeInvalidLZ4, "body", "lz4: %v", err)
	}
	if n != int64(rawLen) {
		return nil, errorf(CodeInvalidLZ4, "body", "decompressed %d bytes, the frame says %d", n, rawLen)
	}
	return buf.Bytes(), nil
}
