package check

import (
	"math"
	"math/bits"
	"runtime/debug"
)

// store is the visited set: every state found, numbered in the order it
// was found, with the number of the state it was first reached from
// (links). States are kept exactly, in a tree of tables (tree), or, under
// hash compaction, as a few bits of their hash alone.
//
// Hash compaction (Wolper and Leroy, "Reliable hashing without collision
// detection", CAV 1993; Stern and Dill, "Improved probabilistic
// verification by hash compaction", CHARME 1995) keeps b bits of each
// state's hash, so two states whose bits agree count as one and the second
// is never expanded: a search of n states misses a state with probability
// at most about n²/2^(b+1), the chance that two of them agree. The states
// themselves are kept only until they are expanded (frontier); the way to
// any other is found again from the initial state along parent links,
// matching each step's successors against the hash (vectors).
type store struct {
	words  int
	n      uint32
	parent links
	tree   *tree // exact storage; nil under hash compaction

	hashes   *set64 // under hash compaction, hashBits bits of each state's hash
	hashBits uint
	front    frontier
	init     []uint64
}

// newStore is the visited set for states of the given words, exact if
// hashBits is 0, else keeping that many bits (1 to 64) of their hashes.
func newStore(words, hashBits int) *store {
	st := &store{words: words, hashBits: uint(hashBits)}
	if hashBits == 0 {
		st.tree = newTree(0, words)
	} else {
		st.hashes = newSet64()
		st.front.words = words
	}
	return st
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

// compacted is what hash compaction keeps of a state of hash h.
func (st *store) compacted(h uint64) uint64 { return h >> (64 - st.hashBits) }

// find returns the number of the state packed as k, whose hash is h. It
// only reads, so many goroutines may call it while nobody inserts.
func (st *store) find(k []uint64, h uint64) (uint32, bool) {
	if st.tree != nil {
		return st.tree.find(k)
	}
	return st.hashes.find(st.compacted(h))
}

// insert adds the state packed as k, whose hash is h, reached from parent,
// unless it is there already; it returns the state's number and whether it
// is new. Parents never decrease from one new state to the next (see
// links).
func (st *store) insert(k []uint64, h uint64, parent uint32) (uint32, bool) {
	if st.tree == nil {
		return st.insertCompacted(k, h, parent)
	}
	n, fresh := st.tree.insert(k)
	if fresh {
		st.parent.add(parent)
		st.n++
	}
	return n, fresh
}

func (st *store) insertCompacted(k []uint64, h uint64, parent uint32) (uint32, bool) {
	n, fresh := st.hashes.insert(st.compacted(h))
	if !fresh {
		return n, false
	}
	if st.n == 0 {
		st.init = append([]uint64(nil), k...)
	}
	if parent != noParent {
		st.front.release(parent) // the states before it are expanded
	}
	st.front.append(k)
	st.parent.add(parent)
	st.n++
	return n, true
}

// seal ends the search: from here on states are loaded by number, never
// found or inserted, and the tables that found them are dropped
// (set64.seal), their memory returned to the system when it is worth a
// collection: the liveness search that follows allocates its own.
func (st *store) seal() {
	before := st.bytes()
	st.tree.seal()
	if st.hashes != nil {
		st.hashes.seal()
	}
	if before-st.bytes() >= 64<<20 {
		debug.FreeOSMemory()
	}
}

// load writes the packed form of state i into k. Under hash compaction,
// only states not yet expanded are kept.
func (st *store) load(i uint32, k []uint64) {
	if st.tree != nil {
		st.tree.load(i, k)
	} else {
		st.front.load(i, k)
	}
}

// vectors are the packed states along p, a path from the initial state.
func vectors[M System[S, L, Su], S, L, Su any](st *store, m M, p []uint32) [][]uint64 {
	out := make([][]uint64, len(p))
	for j, i := range p {
		k := make([]uint64, st.words)
		out[j] = k
		switch {
		case st.tree != nil:
			st.tree.load(i, k)
		case j == 0:
			if i != 0 {
				panic("check: a path from a state other than the initial one")
			}
			copy(k, st.init)
		default:
			want := st.hashes.vals.at(int(i))
			from, found := m.Unpack(out[j-1]), false
			m.Each(&from, func(su *Su) {
				if !found {
					m.Pack(m.SuccNext(su), k)
					found = st.compacted(hashWords(k)) == want
				}
			})
			if !found {
				panic("check: a parent link to a state that is no successor")
			}
		}
	}
	return out
}

// omission is the probability that hash compaction missed a state, at
// most n²/2^(b+1) (see store); 0 for exact storage.
func (st *store) omission() float64 {
	if st.tree != nil {
		return 0
	}
	n := float64(st.n)
	return min(1, n*n/math.Exp2(float64(st.hashBits)+1))
}

// bytes is the memory the set holds: the tables (or hashes and the
// frontier) and the parent links.
func (st *store) bytes() uint64 {
	if st.tree != nil {
		return st.tree.bytes() + st.parent.bytes()
	}
	return st.hashes.bytes() + st.front.bytes() + st.parent.bytes()
}

// bytesAfterGrowth bounds what bytes would be once the next state is in,
// counting tables that grow as both their old and new selves.
func (st *store) bytesAfterGrowth() uint64 {
	if st.tree != nil {
		return st.tree.bytesAfterInsert() + st.parent.bytesAfterAdd()
	}
	return st.hashes.bytesAfterInsert() + st.front.bytesAfterAppend() + st.parent.bytesAfterAdd()
}

// frontier keeps, under hash compaction, the packed states not yet
// expanded, in pieces dropped once expanded.
type frontier struct {
	words  int
	pieces [][]uint64 // nil once dropped
	first  int        // the first piece not dropped
	n      uint32
}

const frontierBits = 14

func (f *frontier) append(k []uint64) {
	if int(f.n>>frontierBits) == len(f.pieces) {
		f.pieces = append(f.pieces, make([]uint64, f.words<<frontierBits))
	}
	off := int(f.n&(1<<frontierBits-1)) * f.words
	copy(f.pieces[f.n>>frontierBits][off:off+f.words], k)
	f.n++
}

func (f *frontier) load(i uint32, k []uint64) {
	off := int(i&(1<<frontierBits-1)) * f.words
	copy(k, f.pieces[i>>frontierBits][off:off+f.words])
}

// release drops the pieces wholly before state i.
func (f *frontier) release(i uint32) {
	for ; f.first < int(i>>frontierBits); f.first++ {
		f.pieces[f.first] = nil
	}
}

func (f *frontier) bytes() uint64 {
	return uint64(len(f.pieces)-f.first) * uint64(f.words) << (frontierBits + 3)
}

func (f *frontier) bytesAfterAppend() uint64 {
	return f.bytes() + uint64(f.words)<<(frontierBits+3)
}
