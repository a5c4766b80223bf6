package model

import (
	"fmt"
	"math/bits"
)

// MaxWords is the most words a packed state takes, at the widest bounds.
const MaxWords = 7

// codec packs a State into a few machine words: the explorer stores tens of
// millions of them, so every bit counts. Each field is as wide as the
// largest value it can take under the model's bounds and timing, so the
// layout is particular to one Model. An endpoint, a segment and the ghosts
// are each first packed into one word by straight-line shifts; those
// pieces are then laid end to end.
type codec struct {
	words int
	// Widths.
	backoff, done, nextInc, loss uint
	forged                       uint // State.Forged
	challenges                   uint // Endpoint.Challenges
	wrote                        uint // Endpoint.Wrote
	window                       uint // an endpoint's fields apart: Full, Blocked, DataQ, FinQ, then Persist, KeepAlive, UserTimeout
	persist                      uint // Endpoint.Persist
	keepAlive                    uint // Endpoint.KeepAlive; no bits with keep-alive off
	userTimeout                  uint // Endpoint.UserTimeout; no bits without a user timeout
	inc                          uint // an incarnation (0..Incarnations), then the Zombie bit
	incSet                       uint // each ghost set: one bit per incarnation
	incSets                      int  // the ghost sets packed: all but Reopened, the last, below three incarnations
	count, age                   uint // segments in one direction, a segment's age
	timers                       [NumTimers]uint
	// Offsets within an endpoint's piece, and the pieces' widths.
	atDone, atFlags, atBackoff, atWrote uint
	atTimers                            [NumTimers]uint
	endpoint, segment, ghosts           uint
}

// width is the number of bits that hold every value from 0 to max.
func width(max int) uint { return uint(bits.Len(uint(max))) }

const (
	numIncSets = 7 // State.ghostSets
	stateBits  = 4 // tcp.State, 1..11
	flagBits   = 4 // Held, Shut, Closer, Unread
	kindBits   = 4 // SYN .. DATA
)

func newCodec(m *Model) codec {
	t, b := m.Timing, m.Bounds
	c := codec{
		backoff: width(t.MaxBackoff),
		done:    width(b.Incarnations),
		inc:     width(b.Incarnations) + 1,
		nextInc: width(b.Incarnations + 1),
		loss:    width(b.Losses),
		wrote:   width(b.Data),
		persist: width(t.Persist + 1),
		incSet:  uint(b.Incarnations),
		count:   width(b.Capacity),
		age:     width(t.MSL),
	}
	// A timer holds its ticks plus one (0 is stopped, 1 is due).
	for k := range NumTimers {
		c.timers[k] = width(t.MaxTicks(k) + 1)
	}
	c.timers[TimerRtx] = width(t.RTO<<t.MaxBackoff + 1) // backed off
	c.atDone = stateBits + c.inc
	c.atFlags = c.atDone + c.done
	c.atBackoff = c.atFlags + flagBits
	c.atWrote = c.atBackoff + c.backoff
	at := c.atWrote + c.wrote
	for k, w := range c.timers {
		c.atTimers[k] = at
		at += w
	}
	c.endpoint = at // at most 55 bits, within one word
	if t.KeepIdle > 0 {
		c.keepAlive = width(max(t.KeepIdle, t.KeepInterval) + 1)
	}
	if t.UserTimeout > 0 {
		c.userTimeout = width(t.UserTimeout + 1)
	}
	c.window = 4 + c.persist + c.keepAlive + c.userTimeout
	c.segment = kindBits + 2 + c.inc + c.age
	// Reopened is never set below three incarnations (step.go: no
	// incarnation can follow the one the reopen opens): no bits then.
	c.incSets = numIncSets
	if b.Incarnations < 3 {
		c.incSets--
	}
	c.ghosts = c.nextInc + c.loss + uint(c.incSets)*c.incSet
	c.forged = width(b.Attacks) // no bits without an attacker
	c.challenges = width(m.challengeCap())
	total := 2*(c.endpoint+c.window) + 2*(c.count+uint(b.Capacity)*c.segment) + c.ghosts + c.forged + 2*c.challenges
	c.words = int((total + 63) / 64)
	return c
}

// Words is how many words a packed state of m takes.
func (m *Model) Words() int { return m.codec.words }

// bitWriter appends fields to a packed state, a word at a time. A value
// too wide for its field sets overflow, which Pack turns into a panic: a
// field narrower than its values is a bug of the codec, never of the input.
type bitWriter struct {
	w        []uint64
	i        int    // the word being filled
	cur      uint64 // its bits so far
	used     uint   // how many
	overflow uint64
}

// put appends the n low bits of v. (Shift counts are masked with 63
// throughout: they are always below 64, and the mask spares the checks Go
// adds to a shift by a variable.)
func (b *bitWriter) put(v uint64, n uint) {
	b.overflow |= v >> (n & 63)
	b.cur |= v << (b.used & 63)
	b.used += n
	if b.used >= 64 {
		b.w[b.i] = b.cur
		b.i++
		b.used -= 64
		b.cur = v >> ((n - b.used) & 63) // the bits that did not fit
		if b.used == 0 {
			b.cur = 0
		}
	}
}

// flush writes the last, partly filled word, and clears the words after
// it: a state with fewer segments in flight takes fewer bits.
func (b *bitWriter) flush() {
	if b.used > 0 {
		b.w[b.i] = b.cur
		b.i++
	}
	clear(b.w[b.i:])
}

// bitReader reads fields back in the order they were put.
type bitReader struct {
	w    []uint64
	i    int
	cur  uint64 // the bits of w[i] not read yet
	left uint   // how many
}

func (b *bitReader) get(n uint) uint64 {
	if n <= b.left {
		v := b.cur & mask(n)
		b.cur >>= n & 63
		b.left -= n
		return v
	}
	v := b.cur
	have := b.left
	b.i++
	b.cur, b.left = b.w[b.i], 64
	v |= b.cur << (have & 63) & mask(n)
	b.cur >>= (n - have) & 63
	b.left -= n - have
	return v
}

// Pack writes s into dst, which has at least Words() words.
func (m *Model) Pack(s *State, dst []uint64) {
	c := &m.codec
	b := bitWriter{w: dst[:c.words]}
	for x := range s.E {
		b.put(c.packEndpoint(&s.E[x], &b.overflow), c.endpoint)
		b.put(c.packWindow(&s.E[x], &b.overflow), c.window)
	}
	for d := 0; d < 2; d++ {
		b.put(uint64(s.N[d]), c.count)
		for _, g := range s.segs(d) {
			b.put(c.packSegment(g, &b.overflow), c.segment)
		}
	}
	at := c.nextInc + c.loss
	g := uint64(s.NextInc) | uint64(s.Losses)<<(c.nextInc&63)
	for k, set := range s.ghostSets() {
		if k == c.incSets {
			b.overflow |= uint64(*set) // a set with no bits must be empty
			continue
		}
		g |= uint64(*set>>1) << ((at + uint(k)*c.incSet) & 63) // bit 0, incarnation 0, is never set
		b.overflow |= uint64(*set>>1) >> (c.incSet & 63)
	}
	b.overflow |= uint64(s.NextInc)>>(c.nextInc&63) | uint64(s.Losses)>>(c.loss&63)
	b.put(g, c.ghosts)
	b.put(uint64(s.Forged), c.forged)
	for x := range s.E {
		b.put(uint64(s.E[x].Challenges), c.challenges)
	}
	b.flush()
	if b.overflow != 0 {
		panic(fmt.Sprintf("model: a field of %v is wider than the codec allows", *s))
	}
}

func flag(v bool) uint64 {
	if v {
		return 1
	}
	return 0
}

func (c *codec) packEndpoint(e *Endpoint, overflow *uint64) uint64 {
	inc := c.packInc(e.Inc)
	v := uint64(e.St) | inc<<stateBits | uint64(e.Done)<<(c.atDone&63) |
		(flag(e.Held)|flag(e.Shut)<<1|flag(e.Closer)<<2|flag(e.Unread)<<3)<<(c.atFlags&63) | uint64(e.Backoff)<<(c.atBackoff&63) |
		uint64(e.Wrote)<<(c.atWrote&63)
	of := uint64(e.St)>>stateBits | inc>>(c.inc&63) | uint64(e.Done)>>(c.done&63) | uint64(e.Backoff)>>(c.backoff&63) |
		uint64(e.Wrote)>>(c.wrote&63)
	for k := range NumTimers {
		t := uint64(e.Timers[k])
		v |= t << (c.atTimers[k] & 63)
		of |= t >> (c.timers[k] & 63)
	}
	*overflow |= of
	return v
}

// packWindow packs an endpoint's zero-window fields, its keep-alive timer
// and its user timeout, a field of their own so that an endpoint's other fields keep
// within one word.
func (c *codec) packWindow(e *Endpoint, overflow *uint64) uint64 {
	*overflow |= uint64(e.Persist)>>(c.persist&63) | uint64(e.KeepAlive)>>(c.keepAlive&63) | uint64(e.UserTimeout)>>(c.userTimeout&63)
	return flag(e.Full) | flag(e.Blocked)<<1 | flag(e.DataQ)<<2 | flag(e.FinQ)<<3 | uint64(e.Persist)<<4 |
		uint64(e.KeepAlive)<<((4+c.persist)&63) | uint64(e.UserTimeout)<<((4+c.persist+c.keepAlive)&63)
}

func (c *codec) packSegment(g Segment, overflow *uint64) uint64 {
	inc := c.packInc(g.Inc)
	*overflow |= uint64(g.Kind)>>kindBits | inc>>(c.inc&63) | uint64(g.Age)>>(c.age&63)
	return uint64(g.Kind) | flag(g.AckFin)<<kindBits | flag(g.Stray)<<(kindBits+1) |
		inc<<(kindBits+2) | uint64(g.Age)<<((kindBits+2+c.inc)&63)
}

func mask(n uint) uint64 { return 1<<(n&63) - 1 }

// packInc writes an incarnation in c.inc bits: its number, then the
// Zombie bit on top. One too wide for its bits comes out wider than
// c.inc, for Pack to report.
func (c *codec) packInc(inc uint8) uint64 {
	top := (c.inc - 1) & 63
	v := uint64(inc &^ Zombie)
	if v>>top != 0 {
		return 1 << (c.inc & 63)
	}
	return v | uint64(inc>>3&1)<<top
}

func (c *codec) unpackInc(v uint64) uint8 {
	top := (c.inc - 1) & 63
	return uint8(v&mask(top)) | uint8(v>>top&1)<<3
}

// Unpack reads a state written by Pack.
func (m *Model) Unpack(src []uint64) State {
	c := &m.codec
	var s State
	b := bitReader{w: src[:c.words], i: -1}
	for x := range s.E {
		v := b.get(c.endpoint)
		e := &s.E[x]
		e.St = tcpState(uint8(v & mask(stateBits)))
		e.Inc = c.unpackInc(v >> stateBits)
		e.Done = uint8(v >> (c.atDone & 63) & mask(c.done))
		f := v >> (c.atFlags & 63)
		e.Held, e.Shut, e.Closer, e.Unread = f&1 != 0, f&2 != 0, f&4 != 0, f&8 != 0
		e.Backoff = uint8(v >> (c.atBackoff & 63) & mask(c.backoff))
		e.Wrote = uint8(v >> (c.atWrote & 63) & mask(c.wrote))
		for k := range NumTimers {
			e.Timers[k] = uint8(v >> (c.atTimers[k] & 63) & mask(c.timers[k]))
		}
		w := b.get(c.window)
		e.Full, e.Blocked, e.DataQ, e.FinQ = w&1 != 0, w&2 != 0, w&4 != 0, w&8 != 0
		e.Persist = uint8(w >> 4 & mask(c.persist))
		e.KeepAlive = uint8(w >> ((4 + c.persist) & 63) & mask(c.keepAlive))
		e.UserTimeout = uint8(w >> ((4 + c.persist + c.keepAlive) & 63) & mask(c.userTimeout))
	}
	for d := 0; d < 2; d++ {
		s.N[d] = uint8(b.get(c.count))
		for i := 0; i < int(s.N[d]); i++ {
			v := b.get(c.segment)
			s.Net[d][i] = Segment{Kind: SegKind(v & mask(kindBits)), AckFin: v>>kindBits&1 != 0, Stray: v>>(kindBits+1)&1 != 0,
				Inc: c.unpackInc(v >> (kindBits + 2)), Age: uint8(v >> ((kindBits + 2 + c.inc) & 63) & mask(c.age))}
		}
	}
	g := b.get(c.ghosts)
	s.NextInc = uint8(g & mask(c.nextInc))
	s.Losses = uint8(g >> (c.nextInc & 63) & mask(c.loss))
	at := c.nextInc + c.loss
	sets := s.ghostSets()
	for k, set := range sets[:c.incSets] {
		*set = uint8(g>>((at+uint(k)*c.incSet)&63)&mask(c.incSet)) << 1
	}
	s.Forged = uint8(b.get(c.forged))
	for x := range s.E {
		s.E[x].Challenges = uint32(b.get(c.challenges))
	}
	return s
}
