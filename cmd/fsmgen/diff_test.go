package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// applyDiff applies a unified diff to old, as patch would, checking that
// every kept and removed line is where the diff says, and returns the new
// text.
func applyDiff(t interface {
	require.TestingT
	Helper()
}, old []byte, diff string) []byte {
	t.Helper()
	lines := splitLines(old)
	var out []string
	next := 0 // the first line of old not yet copied
	var hunk []string
	header := true // before the first hunk
	flush := func() {
		for _, l := range hunk {
			switch l[0] {
			case ' ', '-':
				require.Less(t, next, len(lines), "the hunk runs past the end")
				require.Equal(t, lines[next], l[1:], "line %d", next+1)
				if l[0] == ' ' {
					out = append(out, l[1:])
				}
				next++
			case '+':
				out = append(out, l[1:])
			}
		}
		hunk = nil
	}
	for _, l := range splitLines([]byte(diff)) {
		switch {
		case header && !strings.HasPrefix(l, "@@ "):
		case strings.HasPrefix(l, "@@ "):
			header = false
			flush()
			var o, on, n, nn int
			_, err := fmt.Sscanf(l, "@@ -%d,%d +%d,%d @@\n", &o, &on, &n, &nn)
			require.NoError(t, err, l)
			if on == 0 {
				o++ // an empty side names the line before it
			}
			require.GreaterOrEqual(t, o-1, next, "hunks in order")
			out = append(out, lines[next:o-1]...)
			next = o - 1
			require.Equal(t, len(out)+1-btoi(nn == 0), n, "%s: the new side starts where the old one is", l)
		case l == "\\ No newline at end of file\n":
			last := &hunk[len(hunk)-1]
			*last = strings.TrimSuffix(*last, "\n")
		default:
			hunk = append(hunk, l)
		}
	}
	flush()
	out = append(out, lines[next:]...)
	return []byte(strings.Join(out, ""))
}

func TestUnifiedDiff(t *testing.T) {
	assert.Nil(t, unifiedDiff("a", "b", []byte("same\n"), []byte("same\n")))

	old := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\n"
	changed := "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nM\nn"
	assert.Equal(t, `diff -u x.orig x
--- x.orig
+++ x
@@ -1,5 +1,5 @@
 a
-b
+B
 c
 d
 e
@@ -10,5 +10,5 @@
 j
 k
 l
-m
-n
+M
+n
\ No newline at end of file
`, string(unifiedDiff("x.orig", "x", []byte(old), []byte(changed))))

	// Changes six kept lines apart share a hunk.
	close := strings.Replace(changed, "M", "m", 1)
	close = strings.Replace(close, "h\n", "H\n", 1)
	got := string(unifiedDiff("x.orig", "x", []byte(old), []byte(close)))
	assert.Equal(t, 1, strings.Count(got, "@@ -"), got)

	assert.Equal(t, "diff -u a b\n--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n", string(unifiedDiff("a", "b", nil, []byte("x\ny\n"))))
	assert.Equal(t, "diff -u a b\n--- a\n+++ b\n@@ -1,1 +0,0 @@\n-x\n", string(unifiedDiff("a", "b", []byte("x\n"), nil)))
}

// TestUnifiedDiffApplies: the diff of any two texts turns the first into
// the second, and changes no more lines than the longest common
// subsequence leaves.
func TestUnifiedDiffApplies(t *testing.T) {
	line := rapid.SampledFrom([]string{"a\n", "b\n", "c\n", "d", "\n"})
	rapid.Check(t, func(t *rapid.T) {
		a := strings.Join(rapid.SliceOfN(line, 0, 30).Draw(t, "a"), "")
		b := strings.Join(rapid.SliceOfN(line, 0, 30).Draw(t, "b"), "")
		diff := string(unifiedDiff("a", "b", []byte(a), []byte(b)))
		if a == b {
			assert.Empty(t, diff)
			return
		}
		assert.Equal(t, b, string(applyDiff(t, []byte(a), diff)))
	})
}

// TestLineDiffBounded: past maxDiffCells, the lines between the common
// head and tail are removed and added whole, still a correct diff.
func TestLineDiffBounded(t *testing.T) {
	n := 5000
	var a, b strings.Builder
	for i := range n {
		fmt.Fprintf(&a, "%d\n", i)
		fmt.Fprintf(&b, "%d\n", (i*7)%n)
	}
	diff := string(unifiedDiff("a", "b", []byte(a.String()), []byte(b.String())))
	assert.Equal(t, b.String(), string(applyDiff(t, []byte(a.String()), diff)))
}
