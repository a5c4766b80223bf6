package assoc

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tcpfsm/tcpfsm/generated/sctp"
)

const (
	maxAssoc = 3 // associations: 2 bits of ghost
	maxCap   = 3 // chunks in flight each way
	// MaxData is how many DATA chunks a user sends per association: the
	// model numbers them exactly (a TSN that cannot wrap), so that an
	// acknowledgment says which DATA arrived.
	MaxData = 2
)

// Kind is a chunk's type, as it travels; the receiver classifies it into
// an rcv event of the table by its type and its verification tag.
type Kind uint8

// The chunk types the table sends. ABORT and SHUTDOWN COMPLETE sent with
// the T bit set are the same types with Chunk.T.
const (
	Init Kind = iota + 1
	InitAck
	CookieEcho
	CookieAck
	Data
	Sack
	Shutdown
	ShutdownAck
	ShutdownComplete
	Abort
	Error
	numKinds
)

var kindNames = [numKinds]string{"", "INIT", "INIT ACK", "COOKIE ECHO", "COOKIE ACK", "DATA", "SACK", "SHUTDOWN", "SHUTDOWN ACK", "SHUTDOWN COMPLETE", "ABORT", "ERROR"}

func (k Kind) String() string {
	if k == 0 || k >= numKinds {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// rcvEvent is the table's event for a chunk of type k that passed the tag
// check (or arrived in CLOSED, where no tag is checked).
var rcvEvent = [numKinds]sctp.Event{
	Init: sctp.RcvInit, InitAck: sctp.RcvInitAck, CookieEcho: sctp.RcvCookieEcho, CookieAck: sctp.RcvCookieAck,
	Data: sctp.RcvData, Sack: sctp.RcvSack, Shutdown: sctp.RcvShutdown, ShutdownAck: sctp.RcvShutdownAck,
	ShutdownComplete: sctp.RcvShutdownComplete, Abort: sctp.RcvAbort, Error: sctp.RcvError,
}

// Chunk is a chunk in flight, with the verification tag of its packet.
type Chunk struct {
	Kind Kind
	Tag  uint8 // the packet's verification tag; 0 for INIT
	T    bool  // the T bit: Tag is the sender's own, reflected
	// Assoc is a ghost: the association the chunk was sent in, or, for a
	// chunk sent from CLOSED in answer to another, that chunk's. An INIT
	// ACK's Initiate Tag and cookie are the tags of that association.
	Assoc uint8
	// TSN is, for DATA, its number in the association (1 to MaxData); for
	// SACK and SHUTDOWN, the Cumulative TSN Ack: the highest received.
	TSN uint8
}

func (c Chunk) String() string {
	t := ""
	if c.T {
		t = ",T"
	}
	tsn := ""
	switch c.Kind {
	case Data:
		tsn = fmt.Sprintf(" tsn %d", c.TSN)
	case Sack, Shutdown:
		tsn = fmt.Sprintf(" cum %d", c.TSN)
	}
	return fmt.Sprintf("%s[tag %d%s%s]#%d", c.Kind, c.Tag, t, tsn, c.Assoc)
}

// Endpoint is one end: its state in the table and its TCB.
type Endpoint struct {
	St     sctp.State
	Timers uint8 // bit t-1 for each running sctp.Timer t
	Own    uint8 // our verification tag; 0 without a TCB
	Peer   uint8 // the peer's tag; 0 until known
	Assoc  uint8 // ghost: the association the TCB belongs to
	// Outstanding is DATA sent and not yet acknowledged.
	Outstanding bool
	// Sent is how many DATA chunks this end has sent in the association
	// (the TSN of the last); Got the highest TSN it received from the peer,
	// which its SACKs and SHUTDOWNs acknowledge.
	Sent, Got uint8
}

// State is the global state: both endpoints and the chunks in flight.
type State struct {
	E [2]Endpoint
	// Net[d] are the chunks in flight from endpoint d, N[d] of them,
	// sorted (the network reorders: only the multiset matters).
	Net [2][maxCap]Chunk
	N   [2]uint8
	// Started is how many associations A's user started.
	Started uint8
}

func (s *State) chunks(d int) []Chunk { return s.Net[d][:s.N[d]] }

// canon sorts each channel, so that states equal as multisets are equal.
func (s *State) canon() {
	for d := range 2 {
		slices.SortFunc(s.Net[d][:s.N[d]], func(a, b Chunk) int { return int(packChunk(a)) - int(packChunk(b)) })
		for i := int(s.N[d]); i < maxCap; i++ {
			s.Net[d][i] = Chunk{}
		}
	}
}

func (s State) String() string {
	var b strings.Builder
	for x := range 2 {
		e := s.E[x]
		fmt.Fprintf(&b, "%s %s", endName[x], e.St)
		if e.Assoc != 0 {
			fmt.Fprintf(&b, "#%d tags %d/%d", e.Assoc, e.Own, e.Peer)
		}
		var run []string
		for t := sctp.Timer(1); t < sctp.NumTimers; t++ {
			if e.Timers&(1<<(t-1)) != 0 {
				run = append(run, t.String())
			}
		}
		if len(run) > 0 {
			fmt.Fprintf(&b, " [%s]", strings.Join(run, " "))
		}
		if e.Sent > 0 || e.Got > 0 {
			fmt.Fprintf(&b, " data sent %d got %d", e.Sent, e.Got)
		}
		if e.Outstanding {
			b.WriteString(" unacked")
		}
		b.WriteString("  ")
	}
	for d := range 2 {
		if s.N[d] == 0 {
			continue
		}
		var cs []string
		for _, c := range s.chunks(d) {
			cs = append(cs, c.String())
		}
		fmt.Fprintf(&b, "%s->%s {%s}  ", endName[d], endName[1-d], strings.Join(cs, " "))
	}
	return strings.TrimSpace(b.String())
}

// Packing: a chunk in 12 bits, an endpoint in 24, the state in 3 words.
func packChunk(c Chunk) uint16 {
	t := uint16(0)
	if c.T {
		t = 1
	}
	return uint16(c.Kind) | uint16(c.Tag)<<4 | t<<7 | uint16(c.Assoc)<<8 | uint16(c.TSN)<<10
}

func unpackChunk(v uint16) Chunk {
	return Chunk{Kind: Kind(v & 15), Tag: uint8(v>>4) & 7, T: v>>7&1 == 1, Assoc: uint8(v>>8) & 3, TSN: uint8(v>>10) & 3}
}

func packEndpoint(e Endpoint) uint32 {
	o := uint32(0)
	if e.Outstanding {
		o = 1
	}
	return uint32(e.St) | uint32(e.Timers)<<4 | uint32(e.Own)<<11 | uint32(e.Peer)<<14 | uint32(e.Assoc)<<17 | o<<19 | uint32(e.Sent)<<20 | uint32(e.Got)<<22
}

func unpackEndpoint(v uint32) Endpoint {
	return Endpoint{St: sctp.State(v & 15), Timers: uint8(v>>4) & 127, Own: uint8(v>>11) & 7, Peer: uint8(v>>14) & 7, Assoc: uint8(v>>17) & 3, Outstanding: v>>19&1 == 1,
		Sent: uint8(v>>20) & 3, Got: uint8(v>>22) & 3}
}

// Words is the length of a packed state.
func (m *Model) Words() int { return 3 }

// Pack writes s into dst: word 0 holds both endpoints, the counts and
// Started; words 1 and 2 the chunks from A and from B, 12 bits each.
func (m *Model) Pack(s *State, dst []uint64) {
	dst[0] = uint64(packEndpoint(s.E[0])) | uint64(packEndpoint(s.E[1]))<<24 | uint64(s.N[0])<<48 | uint64(s.N[1])<<50 | uint64(s.Started)<<52
	for d := range 2 {
		var w uint64
		for i := range maxCap {
			w |= uint64(packChunk(s.Net[d][i])) << (12 * i)
		}
		dst[1+d] = w
	}
}

// Unpack reverses Pack.
func (m *Model) Unpack(src []uint64) State {
	var s State
	s.E[0] = unpackEndpoint(uint32(src[0] & (1<<24 - 1)))
	s.E[1] = unpackEndpoint(uint32(src[0] >> 24 & (1<<24 - 1)))
	s.N[0], s.N[1] = uint8(src[0]>>48&3), uint8(src[0]>>50&3)
	s.Started = uint8(src[0] >> 52 & 3)
	for d := range 2 {
		for i := range maxCap {
			s.Net[d][i] = unpackChunk(uint16(src[1+d] >> (12 * i) & (1<<12 - 1)))
		}
	}
	return s
}
