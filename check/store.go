package check

import "math/bits"

// store is the visited set: every state found, packed into a few words,
// numbered in the order it was found, with the number of the state it was
// first reached from. Packed states live back to back in fixed chunks, so
// the set never copies them as it grows; an open-addressing table of state
// numbers finds them.
type store struct {
	words  int
	chunks [][]uint64
	parent links
	slots  []uint64 // 0: empty; else the hash's high half, then i+1 for state i
	n      uint32
}

const (
	chunkBits   = 16
	chunkStates = 1 << chunkBits
	minSlots    = 1 << 12
)

func newStore(words int) *store {
	return &store{words: words, slots: make([]uint64, minSlots)}
}

// state is the packed form of state i.
func (st *store) state(i uint32) []uint64 {
	off := int(i&(chunkStates-1)) * st.words
	return st.chunks[i>>chunkBits][off : off+st.words]
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

// tableEntry is what the table keeps of state n with hash h: the hash's high
// half, which spares most comparisons with states that merely collide, and
// the state's number plus one.
func tableEntry(h uint64, n uint32) uint64 { return h&^(1<<32-1) | uint64(n+1) }

// find returns the number of the state packed as k, whose hash is h. It
// only reads, so many goroutines may call it while nobody inserts.
func (st *store) find(k []uint64, h uint64) (uint32, bool) {
	mask := uint64(len(st.slots) - 1)
	tag := h &^ (1<<32 - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		v := st.slots[i]
		if v == 0 {
			return 0, false
		}
		if v&^(1<<32-1) == tag && equalWords(st.state(uint32(v)-1), k) {
			return uint32(v) - 1, true
		}
	}
}

// insert adds the state packed as k, reached from parent, unless it is
// there already; it returns the state's number and whether it is new.
func (st *store) insert(k []uint64, h uint64, parent uint32) (uint32, bool) {
	if (uint64(st.n)+1)*4 > uint64(len(st.slots))*3 {
		st.grow()
	}
	mask := uint64(len(st.slots) - 1)
	tag := h &^ (1<<32 - 1)
	i := h & mask
	for ; st.slots[i] != 0; i = (i + 1) & mask {
		if v := st.slots[i]; v&^(1<<32-1) == tag && equalWords(st.state(uint32(v)-1), k) {
			return uint32(v) - 1, false
		}
	}
	n := st.n
	if int(n>>chunkBits) == len(st.chunks) {
		st.chunks = append(st.chunks, make([]uint64, chunkStates*st.words))
	}
	copy(st.state(n), k)
	st.parent.add(parent)
	st.slots[i] = tableEntry(h, n)
	st.n++
	return n, true
}

// grow doubles the table and puts every state back in it.
func (st *store) grow() {
	slots := make([]uint64, 2*len(st.slots))
	mask := uint64(len(slots) - 1)
	for _, v := range st.slots {
		if v == 0 {
			continue
		}
		h := hashWords(st.state(uint32(v) - 1))
		i := h & mask
		for slots[i] != 0 {
			i = (i + 1) & mask
		}
		slots[i] = v
	}
	st.slots = slots
}

// bytes is the memory the set holds: packed states, parent links, table.
func (st *store) bytes() uint64 {
	return uint64(len(st.chunks))*chunkStates*uint64(st.words)*8 + st.parent.bytes() + uint64(len(st.slots))*8
}

// bytesAfterGrowth is what bytes would be once the next state is in,
// counting the table's doubling (old and new table side by side).
func (st *store) bytesAfterGrowth() uint64 {
	b := st.bytes() - st.parent.bytes() + st.parent.bytesAfterAdd()
	if (uint64(st.n)+1)*4 > uint64(len(st.slots))*3 {
		b += uint64(len(st.slots)) * 16
	}
	return b
}
