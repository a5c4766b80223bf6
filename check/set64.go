package check

import "math/bits"

// set64 numbers distinct 64-bit values in the order they come: the values
// in a packed array, and open-addressing tables (linear probing) of their
// numbers to find them by. A slot is a number plus one in its low bits,
// and in the bits the numbers leave free a tag, a few more bits of the
// value's hash, which spares most comparisons with values that merely
// collide.
//
// The table is cut in segments by the top bits of the hash, each a table
// of its own that grows alone, by half once four fifths full: between 53%
// and 80% full, so a slot costs a value 5 to 7.5 bytes. One table would
// be hundreds of megabytes at the default bounds, and growing it would
// hold it twice, its old self and its new one, and leave the old one to
// the garbage collector. A segment is a sixty-fourth of that, and the
// segments grow at different times (newSet64).
type set64 struct {
	vals   packed
	segs   [1 << segBits]segment
	n      uint32
	shift  uint   // the bits of a slot its number takes: numbers plus one are below 1<<shift
	slots  uint64 // the slots of all segments
	widest int    // the slots of the longest segment
}

// segment is one table of a set64: the slots of the values whose hashes
// start with its number.
type segment struct {
	slots []uint32
	n     uint32 // the values it holds
	limit uint32 // the values it may hold before it grows
}

const (
	segBits = 6
	minSeg  = 1 << 6 // the slots a segment starts with
)

// newSet64 is an empty set. Its segments start at lengths spread over
// the range of one growth (minSeg to half as long again): the values
// spread evenly over the segments, which would otherwise all grow at
// once, at the cost of a whole table grown at once.
func newSet64() *set64 {
	s := &set64{shift: 8}
	for i := range s.segs {
		size := minSeg + minSeg/2*i/len(s.segs)
		s.segs[i].resize(size)
		s.slots += uint64(size)
		s.widest = max(s.widest, size)
	}
	return s
}

func (g *segment) resize(size int) {
	g.slots = make([]uint32, size)
	g.limit = uint32(uint64(size) * 4 / 5)
}

// seg is the segment of a value of hash h: the top bits of h.
func (s *set64) seg(h uint64) *segment { return &s.segs[h>>(64-segBits)] }

// home is where the search for a value of hash h starts in its segment:
// the bits of h below those that chose the segment, scaled to the table.
// The tag, what the slots keep of h, is from its low bits.
func (g *segment) home(h uint64) int {
	hi, _ := bits.Mul64(h<<segBits, uint64(len(g.slots)))
	return int(hi)
}

func (g *segment) next(i int) int {
	if i++; i == len(g.slots) {
		return 0
	}
	return i
}

func (s *set64) tag(h uint64) uint32 { return uint32(h) >> s.shift << s.shift }

// find returns the number of v. It only reads, so many goroutines may call
// it while nobody inserts.
func (s *set64) find(v uint64) (uint32, bool) {
	h := mix64(v)
	g := s.seg(h)
	tag, mask := s.tag(h), uint32(1)<<s.shift-1
	for i := g.home(h); g.slots[i] != 0; i = g.next(i) {
		if e := g.slots[i]; e&^mask == tag && s.vals.at(int(e&mask)-1) == v {
			return e&mask - 1, true
		}
	}
	return 0, false
}

// insert adds v unless it is there already, and returns its number and
// whether it is new.
func (s *set64) insert(v uint64) (uint32, bool) {
	h := mix64(v)
	g := s.seg(h)
	if g.n == g.limit {
		s.grow(g)
	}
	if uint64(s.n)+1 >= 1<<s.shift {
		s.widen() // the new number plus one would not fit
	}
	tag, mask := s.tag(h), uint32(1)<<s.shift-1
	i := g.home(h)
	for ; g.slots[i] != 0; i = g.next(i) {
		if e := g.slots[i]; e&^mask == tag && s.vals.at(int(e&mask)-1) == v {
			return e&mask - 1, false
		}
	}
	g.slots[i] = tag | (s.n + 1)
	g.n++
	s.vals.append(v)
	s.n++
	return s.n - 1, true
}

// grow makes segment g half as long again and puts its values back.
func (s *set64) grow(g *segment) {
	old := g.slots
	g.resize(growth(len(old)))
	s.slots += uint64(len(g.slots) - len(old))
	s.widest = max(s.widest, len(g.slots))
	mask := uint32(1)<<s.shift - 1
	for _, e := range old {
		if e == 0 {
			continue
		}
		i := g.home(mix64(s.vals.at(int(e&mask) - 1)))
		for g.slots[i] != 0 {
			i = g.next(i)
		}
		g.slots[i] = e
	}
}

// widen gives the numbers one more bit of every slot, taken from the
// tags: the lowest bit of a tag, which the numbers so far leave 0. No
// slot moves.
func (s *set64) widen() {
	bit := uint32(1) << s.shift
	for i := range s.segs {
		for j, e := range s.segs[i].slots {
			s.segs[i].slots[j] = e &^ bit
		}
	}
	s.shift++
}

func growth(size int) int { return size + size/2 }

// seal drops the tables that find a value's number, keeping the values
// by number: once the search is over only that way is taken (to load a
// state on a path), and the tables are a third of what the set holds.
// Nothing may be found or inserted after.
func (s *set64) seal() {
	for i := range s.segs {
		s.segs[i].slots = nil
	}
	s.slots, s.widest = 0, 0
}

// bytes is the memory the set holds.
func (s *set64) bytes() uint64 { return s.vals.bytes() + s.slots*4 }

// bytesAfterInsert bounds what bytes would be once one more value is in,
// counting a segment that grows as its old and new selves.
func (s *set64) bytesAfterInsert() uint64 {
	return s.vals.bytesAfterAppend() + s.slots*4 + uint64(growth(s.widest))*4
}

// mix64 mixes a value well (the finalizer of SplitMix64).
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 27
	x *= 0x94D049BB133111EB
	return x ^ x>>31
}
