package check

import "math/bits"

// packed is a growable array of 64-bit values, each stored as its high
// and low halves cut down to as many bits as the widest values of its
// piece need: a value the tree stores is a pair of numbers of lower
// nodes, far below 2^32, so a pair takes a few bytes rather than eight.
// The array grows a piece at a time, never copying the pieces it fills; a
// piece widens (is rewritten, alone) when a value needs more bits than its
// earlier ones.
type packed struct {
	pieces []packedPiece
	n      int
	words  int // the words the pieces hold, for bytes
}

type packedPiece struct {
	w      []uint64
	hi, lo uint8 // the bits each value's halves take in this piece
}

const (
	packedBits = 16
	packedLen  = 1 << packedBits
)

// width is the bits of a piece's values.
func (p *packedPiece) width() uint { return uint(p.hi) + uint(p.lo) }

func (p *packedPiece) get(j int) uint64 {
	wd := p.width()
	if wd == 0 {
		return 0
	}
	at := uint(j) * wd
	i, sh := at>>6, at&63
	v := p.w[i] >> sh
	if sh+wd > 64 {
		v |= p.w[i+1] << (64 - sh)
	}
	v &= 1<<(wd&63) - 1 | -(uint64(wd) >> 6) // wd == 64: every bit
	return v>>p.lo<<32 | v&(1<<p.lo-1)
}

// put writes value j of a piece whose bits from value j on are still zero.
// The piece's words grow as it fills, doubling up to the whole piece, so
// that a small table takes little.
func (p *packedPiece) put(j int, v uint64) {
	wd := p.width()
	if wd == 0 {
		return
	}
	v = v>>32<<p.lo | v&(1<<32-1)
	at := uint(j) * wd
	i, sh := at>>6, at&63
	if need := int((at + wd + 63) >> 6); need > len(p.w) {
		if need > cap(p.w) {
			w := make([]uint64, len(p.w), min(max(2*cap(p.w), need, 16), packedLen/64*int(wd)))
			copy(w, p.w)
			p.w = w
		}
		p.w = p.w[:need]
	}
	p.w[i] |= v << sh
	if sh+wd > 64 {
		p.w[i+1] |= v >> (64 - sh)
	}
}

// widen rewrites the first n values of p with halves of hi and lo bits.
func (p *packedPiece) widen(n int, hi, lo uint8) {
	q := packedPiece{w: make([]uint64, 0, (n*(int(hi)+int(lo))+63)/64), hi: hi, lo: lo}
	for j := 0; j < n; j++ {
		q.put(j, p.get(j))
	}
	*p = q
}

func (a *packed) at(i int) uint64 { return a.pieces[i>>packedBits].get(i & (packedLen - 1)) }

func (a *packed) append(v uint64) {
	j := a.n & (packedLen - 1)
	if j == 0 {
		a.pieces = append(a.pieces, packedPiece{})
		if k := len(a.pieces); k > 1 { // start as wide as the last piece
			a.pieces[k-1].widen(0, a.pieces[k-2].hi, a.pieces[k-2].lo)
		}
	}
	p := &a.pieces[len(a.pieces)-1]
	a.words -= cap(p.w)
	hi, lo := uint8(bits.Len32(uint32(v>>32))), uint8(bits.Len32(uint32(v)))
	if hi > p.hi || lo > p.lo {
		p.widen(j, max(hi, p.hi), max(lo, p.lo))
	}
	p.put(j, v)
	a.words += cap(p.w)
	a.n++
}

// bytes is the memory the pieces take.
func (a *packed) bytes() uint64 { return uint64(a.words) * 8 }

// bytesAfterAppend bounds what bytes would be once one more value is in:
// the last piece grown or widened beside its old self, or a new one.
func (a *packed) bytesAfterAppend() uint64 {
	return a.bytes() + packedLen/64*64*8
}
