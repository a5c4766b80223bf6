package check

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestLinks: parents that never decrease, with states of three children,
// then states without children now and then, then long runs of them,
// read back.
func TestLinks(t *testing.T) {
	var l links
	l.add(noParent)
	want := []uint32{noParent}
	p := uint32(0)
	for i := 1; i < 300_000; i++ {
		switch {
		case i < 100_000:
			p = uint32(i / 3)
		case i < 200_000:
			if i%1000 == 0 {
				p += 900
			}
		case i%50_000 == 0:
			p = uint32(i - 1)
		}
		l.add(p)
		want = append(want, p)
	}
	for i := range want {
		if l.at(i) != want[i] {
			t.Fatalf("parent of %d: %d, want %d", i, l.at(i), want[i])
		}
	}
	assert.Panics(t, func() { l.add(p - 1) })
	assert.Less(t, float64(l.bytes())/float64(len(want)), 0.5, "bytes a state")
}
