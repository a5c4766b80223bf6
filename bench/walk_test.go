package bench

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/looplab/fsm"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// benchN events, drawn once with a fixed seed: the walk generated/tcp's
// BenchmarkStepWalk and BenchmarkSwitchWalk take.
const benchN = 1 << 12

var benchEvents = func() []tcp.Event {
	r := rand.New(rand.NewPCG(0x7c9f5e11, 0x9a41))
	ev := make([]tcp.Event, benchN)
	for i := range ev {
		ev[i] = tcp.Event(1 + r.IntN(tcp.NumEvents-1))
	}
	return ev
}()

var (
	sinkState  tcp.State
	sinkAction tcp.Action
	sinkString string
)

// looplabTable is the generated table (profile rfc9293's switches) as
// looplab/fsm transitions: one EventDesc per event, from every state in
// which the table moves to another state. looplab keeps no actions and
// refuses the cells the table ignores, rejects or loops on.
func looplabTable() []fsm.EventDesc {
	var out []fsm.EventDesc
	for e := tcp.Event(1); e < tcp.NumEvents; e++ {
		byDst := map[tcp.State][]string{}
		for s := tcp.State(1); s < tcp.NumStates; s++ {
			if t, _ := tcp.Step(s, e); t.Verdict == tcp.Move && t.Next != s {
				byDst[t.Next] = append(byDst[t.Next], s.String())
			}
		}
		for dst := tcp.State(1); dst < tcp.NumStates; dst++ {
			if src := byDst[dst]; src != nil {
				out = append(out, fsm.EventDesc{Name: e.String(), Src: src, Dst: dst.String()})
			}
		}
	}
	return out
}

// TestLooplabAgrees: the looplab machine and the table walk the benchmark
// events to the same states, so the two benchmarks do the same work.
func TestLooplabAgrees(t *testing.T) {
	m := fsm.NewFSM(tcp.Closed.String(), looplabTable(), nil)
	s := tcp.Closed
	for i, e := range benchEvents {
		tr, _ := tcp.Step(s, e)
		s = tr.Next
		_ = m.Event(context.Background(), e.String()) // an error: a cell with no move to another state
		if m.Current() != s.String() {
			t.Fatalf("event %d (%s): looplab is in %s, the table in %s", i, e, m.Current(), s)
		}
	}
}

// BenchmarkStepWalk: the dependent walk through the generated table.
func BenchmarkStepWalk(b *testing.B) {
	s := tcp.Closed
	var acc tcp.Action
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		t, _ := tcp.Step(s, benchEvents[i&(benchN-1)])
		i++
		s = t.Next
		acc ^= t.Actions
	}
	sinkState, sinkAction = s, acc
}

// BenchmarkLooplabWalk: the same walk through looplab/fsm.
func BenchmarkLooplabWalk(b *testing.B) {
	m := fsm.NewFSM(tcp.Closed.String(), looplabTable(), nil)
	names := make([]string, benchN)
	for i, e := range benchEvents {
		names[i] = e.String()
	}
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_ = m.Event(ctx, names[i&(benchN-1)])
		i++
	}
	sinkString = m.Current()
}

// closeWalk is the spec's example: one connection from connect() to the
// end of TIME_WAIT on the side that closes first (RFC 9293 Figure 12).
var closeWalk = []tcp.Event{tcp.AppOpenActive, tcp.RcvSynAck, tcp.AppClose, tcp.RcvAckOfFin, tcp.RcvFin, tcp.TimeoutTimeWait}

// BenchmarkStepClose: one connection's close walk through the table.
func BenchmarkStepClose(b *testing.B) {
	var acc tcp.Action
	b.ReportAllocs()
	for b.Loop() {
		s := tcp.Closed
		for _, e := range closeWalk {
			t, _ := tcp.Step(s, e)
			s = t.Next
			acc ^= t.Actions
		}
		sinkState = s
	}
	sinkAction = acc
}

// BenchmarkLooplabClose: the same walk through looplab/fsm.
func BenchmarkLooplabClose(b *testing.B) {
	m := fsm.NewFSM(tcp.Closed.String(), looplabTable(), nil)
	names := make([]string, len(closeWalk))
	for i, e := range closeWalk {
		names[i] = e.String()
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		for _, n := range names {
			if err := m.Event(ctx, n); err != nil {
				b.Fatal(err)
			}
		}
	}
	sinkString = m.Current()
}
