package sctp_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/gen"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/spec"
	"github.com/tcpfsm/tcpfsm/verify"
)

var update = flag.Bool("update", false, "rewrite this package's generated files from spec/sctp.fsm")

// TestGeneratedIsFresh makes this package again in memory, as go generate
// does (verify.Generate and the generator), from the verification record
// on disk without checking again, and compares it with the files on disk,
// so that a spec or generator change without regeneration fails (a spec
// change makes the record stale, which fails too). With -update it writes
// them instead.
func TestGeneratedIsFresh(t *testing.T) {
	sp, err := spec.SCTP()
	require.NoError(t, err)
	out := gen.Options{Package: "sctp", ImportPath: "github.com/tcpfsm/tcpfsm/generated/sctp", Command: gen.Command(sp, "generated/sctp", "sctp")}
	data, err := os.ReadFile(verify.RecordFile)
	require.NoError(t, err, "the verification record: run go generate ./...")
	prior, err := verify.ParseRecord(verify.RecordFile, data)
	require.NoError(t, err)
	files, reused, err := verify.Generate(sp, out, verify.Options{Bounds: model.DefaultBounds(), Also: verify.DefaultAlso(sp, model.DefaultBounds())}, verify.Regeneration{Prior: &prior, NoCheck: true})
	require.NoError(t, err)
	require.True(t, reused)
	for _, f := range files {
		if *update {
			require.NoError(t, os.WriteFile(f.Name, f.Data, 0o644))
			continue
		}
		old, err := os.ReadFile(f.Name)
		if err != nil {
			t.Errorf("generated/sctp/%s: %v (run go generate ./... or go test ./generated/sctp -update)", f.Name, err)
			continue
		}
		if !bytes.Equal(old, f.Data) {
			t.Errorf("file on disk generated/sctp/%s is stale: run go generate ./... (or go test ./generated/sctp -update)\n%s", f.Name, firstDiff(string(old), string(f.Data)))
		}
	}
}

// firstDiff shows the first line where the file on disk and the fresh
// output differ.
func firstDiff(disk, fresh string) string {
	a, b := strings.Split(disk, "\n"), strings.Split(fresh, "\n")
	for i := 0; i < max(len(a), len(b)); i++ {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y || i >= len(a) || i >= len(b) {
			return fmt.Sprintf("line %d:\n  on disk: %s\n  fresh:   %s", i+1, x, y)
		}
	}
	return "the files differ"
}
