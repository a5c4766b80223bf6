package check

import (
	"math/bits"

	"github.com/tcpfsm/tcpfsm/model"
)

// store is the visited set: every state found, numbered in the order it
// was found, with the number of the state it was first reached from
// (links). States are kept exactly, in a tree of tables (tree).
type store struct {
	words  int
	n      uint32
	parent links
	tree   *tree
}

func newStore(words int) *store {
	return &store{words: words, tree: newTree(0, words)}
}

// hashWords mixes a packed state into a 64-bit hash.
func hashWords(k []uint64) uint64 {
	h := uint64(len(k)) * 0x9E3779B97F4A7C15
	for _, w := range k {
		hi, lo := bits.Mul64(h^w, 0xBF58476D1CE4E5B9)
		h = hi ^ lo
	}
	h ^= h >> 31
	h *= 0x94D049BB133111EB
	return h ^ h>>29
}

func equalWords(a, b []uint64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// find returns the number of the state packed as k, whose hash is h. It
// only reads, so many goroutines may call it while nobody inserts.
func (st *store) find(k []uint64, h uint64) (uint32, bool) {
	return st.tree.find(k)
}

// insert adds the state packed as k, whose hash is h, reached from parent,
// unless it is there already; it returns the state's number and whether it
// is new. Parents never decrease from one new state to the next (see
// links).
func (st *store) insert(k []uint64, h uint64, parent uint32) (uint32, bool) {
	n, fresh := st.tree.insert(k)
	if fresh {
		st.parent.add(parent)
		st.n++
	}
	return n, fresh
}

// load writes the packed form of state i into k.
func (st *store) load(i uint32, k []uint64) {
	st.tree.load(i, k)
}

// vectors are the packed states along p, a path from the initial state.
func (st *store) vectors(m *model.Model, p []uint32) [][]uint64 {
	out := make([][]uint64, len(p))
	for j, i := range p {
		out[j] = make([]uint64, st.words)
		st.tree.load(i, out[j])
	}
	return out
}

// bytes is the memory the set holds: the tables and the parent links.
func (st *store) bytes() uint64 {
	return st.tree.bytes() + st.parent.bytes()
}

// bytesAfterGrowth bounds what bytes would be once the next state is in,
// counting tables that grow as both their old and new selves.
func (st *store) bytesAfterGrowth() uint64 {
	return st.tree.bytesAfterInsert() + st.parent.bytesAfterAdd()
}
