package endpoint

import (
	"testing"
	"time"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// FuzzEndpoint drives two Endpoints with arbitrary calls, segments (from
// the peer, or forged), events applied directly, losses and the passing
// of time. Whatever happens,
// neither panics, each stays in a valid state, a connection that has ended
// holds no timer, and a deadline is never in the past after Advance.
func FuzzEndpoint(f *testing.F) {
	f.Add([]byte{0, 1, 10, 10, 10, 2, 10, 10, 3, 10, 10, 20, 20})
	f.Add([]byte{0, 1, 11, 10, 10, 5, 10, 30, 40, 50, 60, 20})
	f.Fuzz(func(t *testing.T, ops []byte) {
		now := time.Unix(1000, 0)
		clock := func() time.Time { return now }
		profiles := tcp.Profiles()
		p := profiles[len(ops)%len(profiles)]
		eps := [2]*Endpoint{New(p, Options{}, clock), New(p, Options{KeepAlive: true, Held: len(ops)%3 == 0}, clock)}
		var queue [2][]Segment // segments in flight to each side
		var out Output
		for i, op := range ops {
			x := i & 1
			e := eps[x]
			switch op % 16 {
			case 0:
				e.Listen(&out)
			case 1:
				e.Connect(&out)
			case 2:
				e.Close(&out)
			case 3:
				e.Shutdown(&out)
			case 4:
				e.Abort(&out)
			case 5:
				e.CloseUnread(&out)
			case 6, 7, 8, 9, 10:
				if len(queue[x]) == 0 {
					continue
				}
				seg := queue[x][0]
				queue[x] = queue[x][1:]
				if op%16 == 6 {
					continue // lost
				}
				e.Receive(seg, &out)
			case 11:
				// A forged segment made of the next bytes.
				v := e.Vars()
				e.Receive(Segment{Flags: Flags(op >> 3), Seq: v.RcvNxt + uint32(op)*997, Ack: v.SndNxt - uint32(op>>4)}, &out)
			case 12:
				// An event a driver chose; an expiry only of a running timer.
				ev := tcp.Event((int(op>>4) + i) % int(tcp.NumEvents))
				before := e.State()
				_, running := e.Deadline(ev.Timer())
				if _, ok := e.Apply(ev, &out); !ok && e.State() != before {
					t.Fatalf("Apply(%v) refused but moved %v to %v", ev, before, e.State())
				} else if ok && ev.Timer().Valid() && !running {
					t.Fatalf("Apply(%v) fired a timer that was not running", ev)
				}
			default:
				now = now.Add(time.Duration(op) * time.Second)
				e.Advance(now, &out)
				if d, ok := e.Next(); ok && !d.After(now) && out.nSteps < MaxSteps {
					t.Fatalf("a deadline %v is due at %v after Advance", d, now)
				}
			}
			queue[1-x] = append(queue[1-x], out.Segments()...)
			for _, s := range out.Steps() {
				if !s.To.Valid() {
					t.Fatalf("step %+v to an invalid state", s)
				}
			}
			if !e.State().Valid() {
				t.Fatalf("invalid state %v", e.State())
			}
			if _, running := e.Next(); running && !e.State().Is(tcp.HasConnection) {
				t.Fatalf("a timer runs in %v", e.State())
			}
		}
	})
}
