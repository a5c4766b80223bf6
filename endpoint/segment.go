package endpoint

import "strings"

// Flags are the control bits of a TCP header, in the header's bit order.
type Flags uint8

// The control bits the table's events depend on.
const (
	FIN Flags = 1 << 0
	SYN Flags = 1 << 1
	RST Flags = 1 << 2
	PSH Flags = 1 << 3
	ACK Flags = 1 << 4
)

// FlagsOf makes Flags from the control bits as a capture or a trace
// records them, one bool each.
func FlagsOf(syn, ack, fin, rst bool) Flags {
	var f Flags
	for _, b := range [...]struct {
		on bool
		f  Flags
	}{{syn, SYN}, {ack, ACK}, {fin, FIN}, {rst, RST}} {
		if b.on {
			f |= b.f
		}
	}
	return f
}

var flagNames = [...]struct {
	f    Flags
	name string
}{{SYN, "SYN"}, {FIN, "FIN"}, {RST, "RST"}, {PSH, "PSH"}, {ACK, "ACK"}}

// Has reports whether f includes every bit of g.
func (f Flags) Has(g Flags) bool { return f&g == g }

// String writes the flags as tcpdump-like traces do: "SYN,ACK", "FIN,ACK",
// "RST", or "none".
func (f Flags) String() string {
	var parts []string
	for _, n := range flagNames {
		if f&n.f != 0 {
			parts = append(parts, n.name)
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ",")
}

// Segment is the part of a TCP header the state machine reads: the flags,
// the sequence and acknowledgment numbers, the payload length and the
// window the sender advertises.
type Segment struct {
	Flags  Flags
	Seq    uint32 // SEG.SEQ
	Ack    uint32 // SEG.ACK, meaningful with ACK
	Len    uint32 // payload bytes, not counting SYN or FIN
	Window uint32 // SEG.WND, already scaled
}

// SeqLen is SEG.LEN of RFC 9293: the sequence space the segment occupies,
// its payload plus one for SYN and one for FIN.
func (s Segment) SeqLen() uint32 {
	n := s.Len
	if s.Flags&SYN != 0 {
		n++
	}
	if s.Flags&FIN != 0 {
		n++
	}
	return n
}

// Sequence numbers compare modulo 2^32 (RFC 9293 3.4): a is before b when
// the signed distance from b to a is negative.
func seqLT(a, b uint32) bool        { return int32(a-b) < 0 }
func seqLE(a, b uint32) bool        { return int32(a-b) <= 0 }
func seqGT(a, b uint32) bool        { return int32(a-b) > 0 }
func inWindow(x, lo, n uint32) bool { return x-lo < n } // lo <= x < lo+n, modulo 2^32
