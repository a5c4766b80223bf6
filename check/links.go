package check

import (
	"fmt"
	"math/bits"
)

// links are the parent links, the state each state was first reached
// from, in about two bits a state. Breadth first, states are expanded in
// the order they are numbered and their new successors are numbered in
// the order they are expanded, so the parents of states 1, 2, 3, ... never
// decrease: the links are kept as that sequence in unary, a one for each
// state (but the initial one) after as many zeros as its parent is above
// the previous state's. The one of state i is then at bit i-1+parent(i).
// Every 256th state's parent is kept as well, so a parent is found by
// counting ones from the last of those.
type links struct {
	w       [][]uint64
	nbits   uint64   // the bits written
	samples []uint32 // the parent of states 1, 257, 513, ...
	n       uint32   // the states linked, the initial one included
	last    uint32   // the parent of the last state linked
}

const (
	linkWordBits = 12 // a piece of the bits is 2^12 words
	sampleBits   = 8
)

// noParent marks the initial state.
const noParent = ^uint32(0)

// add links the next state to parent p: noParent for the initial state,
// then parents that never decrease.
func (l *links) add(p uint32) {
	l.n++
	if p == noParent {
		if l.n != 1 {
			panic("check: only the initial state has no parent")
		}
		return
	}
	if p < l.last {
		panic(fmt.Sprintf("check: parent %d linked after parent %d", p, l.last))
	}
	k := l.n - 2 // the state's rank among those with a parent
	if k&(1<<sampleBits-1) == 0 {
		l.samples = append(l.samples, p)
	}
	l.nbits += uint64(p - l.last)
	l.last = p
	for l.nbits>>(linkWordBits+6) >= uint64(len(l.w)) {
		l.w = append(l.w, make([]uint64, 1<<linkWordBits))
	}
	l.w[l.nbits>>(linkWordBits+6)][l.nbits>>6&(1<<linkWordBits-1)] |= 1 << (l.nbits & 63)
	l.nbits++
}

func (l *links) word(i uint64) uint64 { return l.w[i>>linkWordBits][i&(1<<linkWordBits-1)] }

// at is the parent of state i; noParent for the initial state.
func (l *links) at(i int) uint32 {
	if i == 0 {
		return noParent
	}
	k := uint64(i - 1)
	k0 := k &^ (1<<sampleBits - 1)
	pos := k0 + uint64(l.samples[k0>>sampleBits]) // the one of state k0+1
	// Skip the ones of states k0+2 .. k+1, to the last of them.
	need := k - k0
	for need > 0 {
		pos++
		w := l.word(pos>>6) >> (pos & 63)
		if c := uint64(bits.OnesCount64(w)); c < need {
			need -= c
			pos += 63 - pos&63
			continue
		}
		for ; need > 1; need-- {
			w &= w - 1
		}
		pos += uint64(bits.TrailingZeros64(w))
		need = 0
	}
	return uint32(pos - k)
}

// bytes is the memory the links hold.
func (l *links) bytes() uint64 {
	return uint64(len(l.w))<<(linkWordBits+3) + uint64(cap(l.samples))*4
}

// bytesAfterAdd bounds what bytes would be once one more state is linked:
// its one is at most at bit 2n-1, its parent being below n; and the
// samples may be copied into a slice twice as long.
func (l *links) bytesAfterAdd() uint64 {
	pieces := max(uint64(len(l.w)), uint64(l.n)*2>>(linkWordBits+6)+1)
	return pieces<<(linkWordBits+3) + uint64(cap(l.samples))*12
}
