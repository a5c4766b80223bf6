package tcpfsm

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLayout: the README's package map names every package of the module,
// one line each, and no other: a package added, moved or removed without
// a line in the map fails here.
func TestLayout(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	_, layout, ok := strings.Cut(string(readme), "\n## Layout\n")
	require.True(t, ok, "README.md has no Layout section")
	layout, _, _ = strings.Cut(layout, "\n## ")
	var mapped []string
	for _, m := range regexp.MustCompile("(?m)^\\| `([^`]+)` \\|").FindAllStringSubmatch(layout, -1) {
		mapped = append(mapped, strings.TrimSuffix(m[1], "/"))
	}

	var packages []string
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") && path != ".") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			packages = append(packages, filepath.ToSlash(filepath.Dir(path)))
		}
		return nil
	})
	require.NoError(t, err)
	slices.Sort(packages)
	packages = slices.Compact(packages)
	sorted := slices.Clone(mapped)
	slices.Sort(sorted)
	assert.Equal(t, packages, sorted, "the README's package map against the module's packages")
	assert.Len(t, mapped, len(slices.Compact(sorted)), "a package named twice in the map")
}
