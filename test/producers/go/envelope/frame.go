package envelope

import (
	"encoding/binary"
	"hash/crc32"
)

// Frame layout (docs/spec.md, "Frame"); all integers little-endian.
//
//	offset size field
//	0      4    magic 89 45 4E 56
//	4      1    version (1)
//	5      1    codec (1 protobuf, 2 JSON, 3 CBOR)
//	6      1    compression (0 none, 1 LZ4 frame)
//	7      1    flags (bit 0: content checksum; bits 1-7 reserved, 0)
//	8      4    header length
//	12     4    body length (stored)
//	16     4    body raw length (after decompression)
//	20     4    CRC-32C of bytes 0-19
//	24     ...  header section, body section, [CRC-32C of both as stored]
const (
	prefixSize      = 24
	frameVersion    = 1
	flagChecksum    = 0x01
	reservedFlags   = 0xfe
	maxSectionBytes = 1<<32 - 1
)

var frameMagic = [4]byte{0x89, 'E', 'N', 'V'}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Codec is the frame's codec id.
type Codec byte

// Codec ids.
const (
	CodecProtobuf Codec = 1
	CodecJSON     Codec = 2
	CodecCBOR     Codec = 3
)

// Compression is the frame's compression id.
type Compression byte

// Compression ids.
const (
	CompressionNone Compression = 0
	CompressionLZ4  Compression = 1
)

// Frame is a decoded frame: the codec sections, the body decompressed.
type Frame struct {
	Codec           Codec
	Compression     Compression
	ContentChecksum bool
	Header          []byte
	Body            []byte
}

// EncodeFrame writes f as one frame, compressing the body when asked.
func EncodeFrame(f Frame) ([]byte, error) {
	stored := f.Body
	if f.Compression == CompressionLZ4 {
		var err error
		if stored, err = CompressLZ4(f.Body); err != nil {
			return nil, err
		}
	}
	if len(f.Header) > maxSectionBytes || len(stored) > maxSectionBytes || len(f.Body) > maxSectionBytes {
		return nil, errorf(CodeTooLarge, "", "section over 4 GiB")
	}
	out := make([]byte, prefixSize, prefixSize+len(f.Header)+len(stored)+4)
	copy(out, frameMagic[:])
	out[4] = frameVersion
	out[5] = byte(f.Codec)
	out[6] = byte(f.Compression)
	if f.ContentChecksum {
		out[7] = flagChecksum
	}
	binary.LittleEndian.PutUint32(out[8:], uint32(len(f.Header)))
	binary.LittleEndian.PutUint32(out[12:], uint32(len(stored)))
	binary.LittleEndian.PutUint32(out[16:], uint32(len(f.Body)))
	binary.LittleEndian.PutUint32(out[20:], crc32.Checksum(out[:20], castagnoli))
	out = append(out, f.Header...)
	out = append(out, stored...)
	if f.ContentChecksum {
		out = binary.LittleEndian.AppendUint32(out, crc32.Checksum(out[prefixSize:], castagnoli))
	}
	return out, nil
}

// DecodeFrame reads exactly one frame, running the checks of docs/spec.md
// ("Frame") in the order the spec gives them.
func DecodeFrame(data []byte, lim Limits) (Frame, error) {
	if len(data) < prefixSize {
		return Frame{}, errorf(CodeTruncated, "", "%d bytes, a frame prefix is 24", len(data))
	}
	if [4]byte(data[:4]) != frameMagic {
		return Frame{}, errorf(CodeBadMagic, "", "bytes 0-3 are % x, not the frame magic", data[:4])
	}
	if data[4] != frameVersion {
		return Frame{}, errorf(CodeUnsupportedVersion, "", "frame version %d", data[4])
	}
	if got, want := binary.LittleEndian.Uint32(data[20:]), crc32.Checksum(data[:20], castagnoli); got != want {
		return Frame{}, errorf(CodeChecksumMismatch, "", "prefix checksum %08x, computed %08x", got, want)
	}
	codec, compression, flags := Codec(data[5]), Compression(data[6]), data[7]
	headerLen := uint64(binary.LittleEndian.Uint32(data[8:]))
	bodyLen := uint64(binary.LittleEndian.Uint32(data[12:]))
	rawLen := uint64(binary.LittleEndian.Uint32(data[16:]))
	if flags&reservedFlags != 0 {
		return Frame{}, errorf(CodeInvalidFrame, "", "reserved flag bits set (0x%02x)", flags)
	}
	if compression == CompressionNone && rawLen != bodyLen {
		return Frame{}, errorf(CodeInvalidFrame, "", "uncompressed body: raw length %d != body length %d", rawLen, bodyLen)
	}
	if codec < CodecProtobuf || codec > CodecCBOR {
		return Frame{}, errorf(CodeUnsupportedCodec, "", "codec id %d", codec)
	}
	if compression > CompressionLZ4 {
		return Frame{}, errorf(CodeUnsupportedCompression, "", "compression id %d", compression)
	}
	frameLen := prefixSize + headerLen + bodyLen
	checksum := flags&flagChecksum != 0
	if checksum {
		frameLen += 4
	}
	if frameLen > uint64(lim.MaxFrameLength) {
		return Frame{}, errorf(CodeTooLarge, "", "frame of %d bytes, limit %d", frameLen, lim.MaxFrameLength)
	}
	if rawLen > uint64(lim.MaxBodyLength) {
		return Frame{}, errorf(CodeTooLarge, "", "body raw length %d, limit %d", rawLen, lim.MaxBodyLength)
	}
	if uint64(len(data)) < frameLen {
		return Frame{}, errorf(CodeTruncated, "", "%d bytes, the frame is %d", len(data), frameLen)
	}
	sections := data[prefixSize : prefixSize+headerLen+bodyLen]
	if checksum {
		got := binary.LittleEndian.Uint32(data[frameLen-4:])
		if want := crc32.Checksum(sections, castagnoli); got != want {
			return Frame{}, errorf(CodeChecksumMismatch, "", "content checksum %08x, computed %08x", got, want)
		}
	}
	if uint64(len(data)) > frameLen {
		return Frame{}, errorf(CodeTrailingBytes, "", "%d bytes after the frame", uint64(len(data))-frameLen)
	}
	f := Frame{Codec: codec, Compression: compression, ContentChecksum: checksum,
		Header: sections[:headerLen], Body: sections[headerLen:]}
	if compression == CompressionLZ4 {
		body, err := DecompressLZ4(f.Body, int(rawLen), lim.MaxBodyLength)
		if err != nil {
			return Frame{}, err
		}
		f.Body = body
	}
	return f, nil
}
