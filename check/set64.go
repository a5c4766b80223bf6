package check

import "math/bits"

// set64 numbers distinct 64-bit values in the order they come: the values
// in a packed array, and an open-addressing table (linear probing) of
// their numbers to find them by. A slot is a number plus one in its low
// bits, and in the bits the numbers leave free a tag, a few more bits of
// the value's hash, which spares most comparisons with values that merely
// collide. The table is not a power of two long: it grows by half once
// four fifths full, so it is between 53% and 80% full, and a slot costs a
// value 5 to 7.5 bytes.
type set64 struct {
	vals  packed
	slots []uint32
	n     uint32
	shift uint   // the bits of a slot its number takes
	limit uint32 // the numbers the table may hold before it grows
}

const minSet = 1 << 10

func newSet64() *set64 {
	s := &set64{}
	s.resize(minSet)
	return s
}

func (s *set64) resize(size int) {
	s.slots = make([]uint32, size)
	s.limit = uint32(uint64(size) * 4 / 5)
	s.shift = uint(bits.Len32(s.limit))
}

// home is where the search for a value of hash h starts: the high bits of
// h, scaled to the table. The tag, what the slots keep of h, is from its
// low bits.
func (s *set64) home(h uint64) int {
	hi, _ := bits.Mul64(h, uint64(len(s.slots)))
	return int(hi)
}

func (s *set64) tag(h uint64) uint32 { return uint32(h) >> s.shift << s.shift }

func (s *set64) next(i int) int {
	if i++; i == len(s.slots) {
		return 0
	}
	return i
}

// find returns the number of v. It only reads, so many goroutines may call
// it while nobody inserts.
func (s *set64) find(v uint64) (uint32, bool) {
	h := mix64(v)
	tag, mask := s.tag(h), uint32(1)<<s.shift-1
	for i := s.home(h); s.slots[i] != 0; i = s.next(i) {
		if e := s.slots[i]; e&^mask == tag && s.vals.at(int(e&mask)-1) == v {
			return e&mask - 1, true
		}
	}
	return 0, false
}

// insert adds v unless it is there already, and returns its number and
// whether it is new.
func (s *set64) insert(v uint64) (uint32, bool) {
	if s.n == s.limit {
		s.grow()
	}
	h := mix64(v)
	tag, mask := s.tag(h), uint32(1)<<s.shift-1
	i := s.home(h)
	for ; s.slots[i] != 0; i = s.next(i) {
		if e := s.slots[i]; e&^mask == tag && s.vals.at(int(e&mask)-1) == v {
			return e&mask - 1, false
		}
	}
	s.slots[i] = tag | (s.n + 1)
	s.vals.append(v)
	s.n++
	return s.n - 1, true
}

// grow makes the table half as long again and puts every value back.
func (s *set64) grow() {
	s.resize(s.growth())
	for k := uint32(0); k < s.n; k++ {
		h := mix64(s.vals.at(int(k)))
		i := s.home(h)
		for s.slots[i] != 0 {
			i = s.next(i)
		}
		s.slots[i] = s.tag(h) | (k + 1)
	}
}

func (s *set64) growth() int { return len(s.slots) + len(s.slots)/2 }

// bytes is the memory the set holds.
func (s *set64) bytes() uint64 { return s.vals.bytes() + uint64(len(s.slots))*4 }

// bytesAfterInsert bounds what bytes would be once one more value is in,
// counting the old table and the grown one side by side.
func (s *set64) bytesAfterInsert() uint64 {
	b := s.vals.bytesAfterAppend() + uint64(len(s.slots))*4
	if s.n == s.limit {
		b += uint64(s.growth()) * 4
	}
	return b
}

// mix64 mixes a value well (the finalizer of SplitMix64).
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 27
	x *= 0x94D049BB133111EB
	return x ^ x>>31
}
