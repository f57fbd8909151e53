package envelope

import (
	"bytes"

	"github.com/pierrec/lz4/v4"
)

// CompressLZ4 writes raw as one standard LZ4 frame (docs/spec.md,
// "Compression") with pierrec/lz4: 64 KiB independent blocks, the content
// size in the frame descriptor (so readers can check it before
// decompressing) and the content checksum, as the reference lz4 tool writes.
func CompressLZ4(raw []byte) ([]byte, error) {
	var out bytes.Buffer
	w := lz4.NewWriter(&out)
	if err := w.Apply(
		lz4.BlockSizeOption(lz4.Block64Kb),
		lz4.ChecksumOption(true),
		lz4.SizeOption(uint64(len(raw))),
		lz4.ConcurrencyOption(1),
	); err != nil {
		return nil, errorf(CodeInvalidArgument, "", "lz4: %v", err)
	}
	if _, err := w.Write(raw); err != nil {
		return nil, errorf(CodeInvalidLZ4, "", "lz4: %v", err)
	}
	if err := w.Close(); err != nil {
		return nil, errorf(CodeInvalidLZ4, "", "lz4: %v", err)
	}
	return out.Bytes(), nil
}
