package check

import (
	"flag"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/model"
)

// TestPacked: values of every width, the widest coming late in a piece,
// read back as written.
func TestPacked(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var a packed
	var want []uint64
	for i := 0; i < 3*packedLen+17; i++ {
		hi, lo := r.IntN(33), r.IntN(33)
		if i%1000 != 999 { // mostly narrow, now and then wide
			hi, lo = min(hi, 3), min(lo, 20)
		}
		v := uint64(r.Uint32()>>(32-hi))<<32 | uint64(r.Uint32()>>(32-lo))
		a.append(v)
		want = append(want, v)
	}
	a.append(0)
	want = append(want, 0)
	words := 0
	for _, p := range a.pieces {
		words += cap(p.w)
	}
	assert.Equal(t, uint64(words)*8, a.bytes())
	for i, v := range want {
		if a.at(i) != v {
			t.Fatalf("value %d: %#x, want %#x", i, a.at(i), v)
		}
	}
	var zeros packed
	for range 100 {
		zeros.append(0)
	}
	assert.Zero(t, zeros.at(99))
	assert.Zero(t, zeros.bytes(), "values of no bits take no words")
}

// TestSet64: values are numbered in the order they first come, found
// again, and told apart from values never put in, through the table's
// growth.
func TestSet64(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	s := newSet64()
	num := map[uint64]uint32{}
	var order []uint64
	for range 200_000 {
		v := r.Uint64() >> r.IntN(64)
		if len(order) > 0 && r.IntN(3) == 0 {
			v = order[r.IntN(len(order))]
		}
		n, fresh := s.insert(v)
		if old, ok := num[v]; ok {
			require.False(t, fresh)
			require.Equal(t, old, n)
			continue
		}
		require.True(t, fresh)
		require.Equal(t, uint32(len(order)), n)
		num[v] = n
		order = append(order, v)
	}
	for i, v := range order {
		n, ok := s.find(v)
		require.True(t, ok)
		require.Equal(t, uint32(i), n)
	}
	for range 10_000 {
		v := r.Uint64()
		_, ok := s.find(v)
		_, in := num[v]
		require.Equal(t, in, ok)
	}
	assert.LessOrEqual(t, float64(s.n), 0.8*float64(s.slots))
}

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

// TestTree: states of one to five words, their words drawn from few
// values so that halves are shared, read back and found exactly.
func TestTree(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for words := 1; words <= 5; words++ {
		st := newStore(words, 0)
		seen := map[[5]uint64]uint32{}
		for range 50_000 {
			var k [5]uint64
			for j := range words {
				k[j] = uint64(r.IntN(40)) << (13 * j)
			}
			n, fresh := st.insert(k[:words], hashWords(k[:words]), st.n/2)
			old, in := seen[k]
			require.Equal(t, !in, fresh)
			if in {
				require.Equal(t, old, n)
			} else {
				seen[k] = n
			}
		}
		got := make([]uint64, words)
		for k, n := range seen {
			st.load(n, got)
			require.Equal(t, k[:words], got)
			m, ok := st.find(k[:words], hashWords(k[:words]))
			require.True(t, ok)
			require.Equal(t, n, m)
		}
		k := [5]uint64{1 << 60}
		_, ok := st.find(k[:words], hashWords(k[:words]))
		assert.False(t, ok)

		// Sealed, the store keeps every state by number in less.
		before := st.bytes()
		st.seal()
		assert.Less(t, st.bytes(), before)
		for k, n := range seen {
			st.load(n, got)
			require.Equal(t, k[:words], got)
		}
	}
}

// explore is a plain breadth-first search of m into st, on one core and
// without properties, checking that the memory bound before each new state
// holds after it.
func explore(t *testing.T, m *model.Model, st *store) {
	init := m.Initial()
	key := make([]uint64, m.Words())
	m.Pack(&init, key)
	st.insert(key, hashWords(key), noParent)
	for i := uint32(0); i < st.n; i++ {
		st.load(i, key)
		s := m.Unpack(key)
		m.Successors(&s, func(su model.Succ) {
			m.Pack(&su.Next, key)
			h := hashWords(key)
			if _, ok := st.find(key, h); !ok {
				bound := st.bytesAfterGrowth()
				st.insert(key, h, i)
				if st.bytes() > bound {
					t.Fatalf("%d bytes after state %d, more than the %d foreseen", st.bytes(), st.n, bound)
				}
			}
		})
	}
}

var bounds = flag.String("bounds", "quick", "the bounds TestBytesPerState explores: quick or default")

// TestBytesPerState reports what the visited set holds per state, table
// by table, exploring the linux profile without properties: on the quick
// bounds, or with -bounds=default on the default ones (minutes).
func TestBytesPerState(t *testing.T) {
	b := model.QuickBounds()
	if *bounds == "default" {
		b = model.DefaultBounds()
	}
	m, err := model.New(tcp.Linux, b, nil)
	require.NoError(t, err)
	st := newStore(m.Words(), 0)
	explore(t, m, st)
	n := float64(st.n)
	var walk func(tr *tree, name string)
	walk = func(tr *tree, name string) {
		if tr == nil {
			return
		}
		t.Logf("%-6s %9d values: packed %5.2f B/state, table %5.2f B/state (%d slots)", name, tr.set.n, float64(tr.set.vals.bytes())/n, float64(tr.set.slots*4)/n, tr.set.slots)
		walk(tr.left, name+"L")
		walk(tr.right, name+"R")
	}
	walk(st.tree, "root")
	t.Logf("parent links %.2f B/state", float64(st.parent.bytes())/n)
	t.Logf("%d states, %d words each: %.2f B/state", st.n, m.Words(), float64(st.bytes())/n)
	assert.LessOrEqual(t, float64(st.bytes())/n, 16.0)
}
