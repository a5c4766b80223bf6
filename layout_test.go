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

// TestReadmeExample: the README's first example is code that runs: every
// statement of it stands in generated/tcp's Example_useTheTable, whose
// output go test checks.
func TestReadmeExample(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	example, err := os.ReadFile("generated/tcp/example_use_test.go")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(readme), "\n## Use the table in your program\n")
	require.True(t, ok, "README.md has no \"Use the table in your program\" section")
	section, _, _ = strings.Cut(section, "\n## ")
	code := 0
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "    ") {
			continue
		}
		stmt, _, _ := strings.Cut(strings.TrimSpace(line), "//")
		stmt = strings.TrimSpace(stmt)
		if stmt == "" || strings.HasPrefix(stmt, "import ") {
			continue
		}
		code++
		assert.Contains(t, string(example), stmt, "a line of the README's example that Example_useTheTable does not run")
	}
	assert.NotZero(t, code, "the README's example has no code")
}
