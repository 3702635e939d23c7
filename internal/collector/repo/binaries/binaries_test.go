package binaries

import (
	"sort"
	"testing"
	"time"

	"github.com/assaysec/assay/internal/testutil/treetest"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
)

// pe is a minimal PE header: MZ, e_lfanew at 0x3c pointing at "PE\0\0".
func pe() string {
	b := make([]byte, 0x80)
	copy(b, "MZ")
	b[0x3c] = 0x40
	copy(b[0x40:], "PE\x00\x00")
	return string(b)
}

func TestCollect(t *testing.T) {
	pad := string(make([]byte, 100))
	files := map[string]string{
		"bin/tool":                          "\x7fELF\x02\x01\x01" + pad,
		"tools/setup":                       pe(),
		"dist/app":                          "\xcf\xfa\xed\xfe" + pad,
		"lib/vendor.jar":                    "PK\x03\x04",
		"app/__pycache__/m.cpython-312.pyc": "\x00\x00",
		"gradle/wrapper/gradle-wrapper.jar": "PK\x03\x04",
		"internal/parse/testdata/sample.so": "\x7fELF" + pad,
		"src/test/resources/fixture.class":  "\xca\xfe\xba\xbe\x00\x00\x00\x34" + pad,
		"README.md":                         "MZ is not a binary" + pad,
		"scripts/run":                       "#!/bin/sh\necho hi\n" + pad,
		"docs/notes":                        "MZ" + pad,
	}
	dir := treetest.Write(t, files)
	recs := treetest.Collect(t, New(), dir, time.Time{})
	var got []string
	for _, r := range recs {
		if b, ok := r.Fact.(evidence.Binary); ok {
			got = append(got, b.Path+" "+b.Format+" "+b.Allowed)
		}
	}
	sort.Strings(got)
	want := []string{
		"app/__pycache__/m.cpython-312.pyc Python bytecode ",
		"bin/tool ELF ",
		"dist/app Mach-O ",
		"gradle/wrapper/gradle-wrapper.jar jar build tool wrapper (gradle-wrapper.jar)",
		"internal/parse/testdata/sample.so shared library test data (testdata/)",
		"lib/vendor.jar jar ",
		"src/test/resources/fixture.class Java class test data (test/resources/)",
		"tools/setup PE ",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func FuzzMagic(f *testing.F) {
	f.Add([]byte("\x7fELF"))
	f.Add([]byte(pe()))
	f.Add([]byte("\xca\xfe\xba\xbe\x00\x00\x00\x02"))
	f.Fuzz(func(t *testing.T, h []byte) { Magic(h) })
}
