package spec

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/internal/specgen"
	"golang.org/x/tools/txtar"
)

// FuzzParse checks that Parse never panics, that what it reports is a
// sorted ErrorList of well-placed messages, that it reports the same
// problems every time, and that a spec it accepts decides every cell under
// every switch set.
//
//	go test ./spec -run '^$' -fuzz FuzzParse -fuzztime 60s
func FuzzParse(f *testing.F) {
	f.Add(specgen.Mini)
	f.Add(TCPSource())
	f.Add(SCTPSource())
	files, err := filepath.Glob("testdata/errors/*.txtar")
	require.NoError(f, err)
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		require.NoError(f, err)
		if src := archiveFile(ar, goldenFile); src != nil {
			f.Add(src)
		}
	}
	const file = "fuzz.fsm"
	f.Fuzz(func(t *testing.T, src []byte) {
		sp, err := Parse(file, src)
		require.Empty(t, checkResult(file, src, sp, err), "Parse(%q) reported:\n%v", src, err)
		_, again := Parse(file, src)
		require.Equal(t, errString(err), errString(again), "Parse(%q) is not deterministic", src)
	})
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
