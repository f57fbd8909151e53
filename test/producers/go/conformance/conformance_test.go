package conformance

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/envelope-sdk/envelope/test/producers/go/envelope"
	ev "github.com/envelope-sdk/envelope/test/producers/go/gen/envelopev1"
	"github.com/envelope-sdk/envelope/test/producers/go/internal/fixtures"
	"github.com/envelope-sdk/envelope/test/producers/go/internal/vectors"
	"google.golang.org/protobuf/proto"
)

const casesPath = "../../../vectors/cases.json"

// fixturesDir is a variable so that a test can point the checks elsewhere.
var fixturesDir = "../../../fixtures"

// others are the producers whose fixtures the Go side checks.
var others = []string{"rust", "ts"}

func loadCases(t *testing.T) map[string]*vectors.Case {
	t.Helper()
	cases, err := vectors.Load(casesPath)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*vectors.Case{}
	for _, c := range cases {
		out[c.Name] = c
	}
	return out
}

func readManifest(t *testing.T, lang string) (*fixtures.Manifest, bool) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixturesDir, lang, "manifest.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false
	}
	if err != nil {
		t.Fatal(err)
	}
	var m fixtures.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s/manifest.json: %v", lang, err)
	}
	return &m, true
}

// TestOtherProducers checks the fixtures of every other language that has a
// manifest, and fails when none has: in CI all of them exist.
func TestOtherProducers(t *testing.T) {
	cases := loadCases(t)
	found := 0
	for _, lang := range others {
		m, ok := readManifest(t, lang)
		if !ok {
			t.Logf("no test/fixtures/%s/manifest.json: skipping %s", lang, lang)
			continue
		}
		found++
		t.Run(lang, func(t *testing.T) { checkProducer(t, lang, m, cases) })
	}
	if found == 0 {
		t.Fatalf("no other producer's fixtures: none of test/fixtures/{%s}/manifest.json exists", "rust,ts")
	}
}

// TestOwnFixtures runs the same checks on the Go fixtures, so the checks are
// themselves exercised before another language's fixtures exist (the byte
// comparison with Go is then a check that the files are current).
func TestOwnFixtures(t *testing.T) {
	m, ok := readManifest(t, "go")
	if !ok {
		t.Fatal("no test/fixtures/go/manifest.json: run `go run ./cmd/produce` in test/producers/go")
	}
	checkProducer(t, "go", m, loadCases(t))
}

// TestOwnFixturesCurrent: the committed Go fixtures are what cmd/produce
// writes now (CI also regenerates them and fails on a diff).
func TestOwnFixturesCurrent(t *testing.T) {
	cases, err := vectors.Load(casesPath)
	if err != nil {
		t.Fatal(err)
	}
	files, m, err := fixtures.Build(cases, goModVersions(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(fixturesDir, "go")
	want, err := fixtures.MarshalManifest(m)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "manifest.json")); !bytes.Equal(got, want) {
		t.Fatal("test/fixtures/go/manifest.json is stale: run `go run ./cmd/produce` in test/producers/go")
	}
	onDisk, _ := filepath.Glob(filepath.Join(dir, "*.bin"))
	if len(onDisk) != len(files) {
		t.Errorf("test/fixtures/go has %d .bin files, cmd/produce writes %d", len(onDisk), len(files))
	}
	for name, data := range files {
		if got, err := os.ReadFile(filepath.Join(dir, name)); err != nil || !bytes.Equal(got, data) {
			t.Errorf("test/fixtures/go/%s is stale or missing", name)
		}
	}
}

var (
	codecs      = map[string]envelope.Codec{"protobuf": envelope.CodecProtobuf, "json": envelope.CodecJSON, "cbor": envelope.CodecCBOR}
	profiles    = map[string]envelope.Profile{"default": envelope.ProfileDefault, "deterministic": envelope.ProfileDeterministic}
	compression = map[string]envelope.Compression{"none": envelope.CompressionNone, "lz4": envelope.CompressionLZ4}
)

func variantOf(codec, profile string) (envelope.Variant, bool) {
	for _, v := range envelope.Variants {
		if c, ok := codecs[codec]; ok && v.Codec == c && v.Profile == profiles[profile] {
			return v, true
		}
	}
	return envelope.Variant{}, false
}

// checkProducer checks one producer's manifest:
//   - every fixture's sha256, and that it decodes with the v1 code, validates,
//     has the frame the manifest and the case say, and equals the case
//     (kinds included; the deterministic CBOR profile may reorder attributes);
//   - protobuf and cbor-det: the same bytes as the Go encoding (for LZ4, the
//     same header section and decompressed body section);
//   - forward protobuf fixtures: v1 re-encodes each section byte-identically
//     (unknown fields kept);
//   - every case × variant × compression is present;
//   - every broken fixture fails with its expected error code.
func checkProducer(t *testing.T, lang string, m *fixtures.Manifest, cases map[string]*vectors.Case) {
	dir := filepath.Join(fixturesDir, lang)
	if m.Producer != lang {
		t.Errorf("%s/manifest.json: producer %q", lang, m.Producer)
	}
	seen := map[string]bool{}
	for _, fx := range m.Fixtures {
		c := cases[fx.Case]
		v, okVariant := variantOf(fx.Codec, fx.Profile)
		comp, okComp := compression[fx.Compression]
		if c == nil || !okVariant || !okComp {
			t.Errorf("%s/%s: unknown case %q or variant %s/%s/%s", lang, fx.File, fx.Case, fx.Codec, fx.Profile, fx.Compression)
			continue
		}
		seen[fx.Case+" "+v.Name+" "+fx.Compression] = true
		data, ok := readChecked(t, dir, fx.File, fx.SHA256)
		if !ok {
			continue
		}
		var got ev.Envelope
		frame, err := envelope.Decode(data, got.ProtoReflect(), envelope.DefaultLimits)
		if err == nil {
			err = envelope.Validate(&got, envelope.DefaultLimits)
		}
		if err != nil {
			t.Errorf("%s/%s: %v", lang, fx.File, err)
			continue
		}
		if frame.Codec != v.Codec || frame.Compression != comp || frame.ContentChecksum != c.ContentChecksum {
			t.Errorf("%s/%s: frame codec %d compression %d checksum %v", lang, fx.File, frame.Codec, frame.Compression, frame.ContentChecksum)
		}
		want := c.V1.ProtoReflect()
		if v.Profile == envelope.ProfileDeterministic {
			want = envelope.SortedAttributes(want)
		}
		if d := envelope.Diff(want, got.ProtoReflect()); d != "" {
			t.Errorf("%s/%s: differs from the case: %s", lang, fx.File, d)
		}
		if c.Forward && v.Codec == envelope.CodecProtobuf {
			checkUnknownKept(t, lang, fx.File, frame)
		}
		if v.Codec == envelope.CodecProtobuf || v.Profile == envelope.ProfileDeterministic {
			compareWithGo(t, lang, fx.File, c, v, comp, data, frame)
		}
	}
	// Forward (next-minor) cases are required only from a producer that writes
	// any: the TypeScript producer has no next-minor contract and writes none.
	writesForward := false
	for _, fx := range m.Fixtures {
		if c, ok := cases[fx.Case]; ok && c.Forward {
			writesForward = true
			break
		}
	}
	for name, c := range cases {
		if c.Forward && !writesForward {
			continue
		}
		for _, v := range envelope.Variants {
			for _, comp := range fixtures.Compressions {
				if key := name + " " + v.Name + " " + fixtures.CompressionName(comp); !seen[key] {
					t.Errorf("%s: no fixture for case %s, %s, %s", lang, c.Name, v.Name, fixtures.CompressionName(comp))
				}
			}
		}
	}
	if len(m.Broken) == 0 {
		t.Errorf("%s: no broken fixtures", lang)
	}
	for _, b := range m.Broken {
		data, ok := readChecked(t, dir, b.File, b.SHA256)
		if !ok {
			continue
		}
		var got ev.Envelope
		_, err := envelope.Decode(data, got.ProtoReflect(), envelope.DefaultLimits)
		if err == nil {
			err = envelope.Validate(&got, envelope.DefaultLimits)
		}
		if err == nil {
			t.Errorf("%s/%s (%s): decoded, want error %s", lang, b.File, b.Name, b.ExpectedError)
		} else if code := envelope.CodeOf(err); string(code) != b.ExpectedError {
			t.Errorf("%s/%s (%s): error %v, want %s", lang, b.File, b.Name, err, b.ExpectedError)
		}
	}
}

func readChecked(t *testing.T, dir, file, sum string) ([]byte, bool) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Errorf("%v", err)
		return nil, false
	}
	if s := sha256.Sum256(data); hex.EncodeToString(s[:]) != sum {
		t.Errorf("%s: sha256 does not match the manifest", filepath.Join(dir, file))
		return nil, false
	}
	return data, true
}

// compareWithGo checks that a deterministic encoding is byte-identical to
// Go's. LZ4 output differs between implementations, so for LZ4 the header
// section and the decompressed body section are compared.
func compareWithGo(t *testing.T, lang, file string, c *vectors.Case, v envelope.Variant, comp envelope.Compression, data []byte, frame envelope.Frame) {
	t.Helper()
	mine, err := envelope.Encode(c.Message, envelope.EncodeOptions{Variant: v, Compression: comp, ContentChecksum: c.ContentChecksum})
	if err != nil {
		t.Fatal(err)
	}
	if comp == envelope.CompressionNone {
		if !bytes.Equal(mine, data) {
			t.Errorf("%s/%s: bytes differ from Go's at offset %d", lang, file, firstDiff(mine, data))
		}
		return
	}
	mf, err := envelope.DecodeFrame(mine, envelope.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mf.Header, frame.Header) {
		t.Errorf("%s/%s: header section differs from Go's at offset %d", lang, file, firstDiff(mf.Header, frame.Header))
	}
	if !bytes.Equal(mf.Body, frame.Body) {
		t.Errorf("%s/%s: decompressed body section differs from Go's at offset %d", lang, file, firstDiff(mf.Body, frame.Body))
	}
}

// checkUnknownKept: a next-minor protobuf section read with v1 and written
// back is unchanged (unknown fields are kept and written after known ones).
func checkUnknownKept(t *testing.T, lang, file string, frame envelope.Frame) {
	t.Helper()
	for _, s := range []struct {
		name string
		data []byte
		msg  proto.Message
	}{{"header", frame.Header, &ev.Header{}}, {"body", frame.Body, &ev.Body{}}} {
		if err := proto.Unmarshal(s.data, s.msg); err != nil {
			t.Errorf("%s/%s: %s: %v", lang, file, s.name, err)
			continue
		}
		again, err := proto.Marshal(s.msg)
		if err != nil || !bytes.Equal(again, s.data) {
			t.Errorf("%s/%s: v1 re-encoding of the %s section differs (unknown fields lost or moved)", lang, file, s.name)
		}
	}
}

func firstDiff(a, b []byte) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// goModVersions reads the library versions from go.mod: a test binary's
// build info has no dependency list, which cmd/produce reads them from.
func goModVersions(t *testing.T) map[string]string {
	t.Helper()
	gomod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, lib := range fixtures.Libraries {
		m := regexp.MustCompile(`(?m)^\s*(?:require\s+)?` + regexp.QuoteMeta(lib) + `\s+(v\S+)`).FindSubmatch(gomod)
		if m == nil {
			t.Fatalf("go.mod does not require %s", lib)
		}
		out[lib] = string(m[1])
	}
	return out
}
