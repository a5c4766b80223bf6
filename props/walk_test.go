package props_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/internal/mutants"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/props"
	"pgregory.net/rapid"
)

// findings are the properties that fail under a profile (see
// check.TestTCPFindings and the README): a random walk that breaks them
// again tells nothing new. Where a RST may end TIME_WAIT, the assassinated
// TIME_WAIT breaks P3 at the checker's bounds and, with more segments in
// flight and more incarnations, P8 as well: an old RST kills the TIME_WAIT
// of a simultaneous close, and the peer, still in CLOSING, then meets a
// RST. bsd, which ignores RST in TIME_WAIT, keeps both.
var findings = map[string]map[string]bool{
	"rfc9293": {"P3": true, "P7": true, "P8": true},
	"linux":   {"P3": true, "P8": true},
	"solaris": {"P3": true, "P8": true},
	"windows": {"P3": true, "P8": true},
}

// TestRandomWalks drives the two endpoints through the generated table on
// the checker's own model, beyond the checker's bounds (up to 8 segments in
// flight, 3 incarnations, MSL of 1 to 4 ticks, hundreds of steps), drawing
// each step among those enabled, and checks P1 to P8 with the same props
// values the checker uses after every step; at the end it makes the
// network fair and checks that every FIN sent was ACKed or its sender gone
// (P2's liveness half, on this walk). The loss bound stays at one per
// incarnation, the assumption TIME_WAIT's guarantees rest on: with two,
// a FIN retransmitted late outlives TIME_WAIT (fsmgen check -losses 2
// shows it under bsd too). With four incarnations, an incarnation that
// reopened TIME_WAIT and was reset leaves the next one, whose sequence
// numbers need not lie above, exposed to the reopened one's old segments:
// a limit of the reopen rule under arbitrary sequence numbers, out of
// these bounds. RAPID_CHECKS=100000 runs 100000 walks.
func TestRandomWalks(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		profiles := tcp.Profiles()
		p := profiles[rapid.IntRange(0, len(profiles)-1).Draw(t, "profile")]
		b := model.DefaultBounds()
		b.Capacity = rapid.IntRange(1, 8).Draw(t, "capacity")
		b.Incarnations = rapid.IntRange(1, 3).Draw(t, "incarnations")
		b.Losses = rapid.IntRange(0, 1).Draw(t, "losses") // the stated assumption: two losses defeat TIME_WAIT (see README)
		b.MSLTicks = rapid.IntRange(1, 4).Draw(t, "msl ticks")
		m, err := model.New(p, b, nil)
		if err != nil {
			t.Fatalf("%v", err)
		}
		s := m.Initial()
		steps := rapid.IntRange(100, 400).Draw(t, "steps")
		var trace []string
		for i := 0; i < steps; i++ {
			var next []model.Succ
			blocked := m.Successors(&s, func(su model.Succ) { next = append(next, su) })
			for _, prop := range props.ModelChecked {
				if prop.State == nil || findings[p.Name][prop.ID] {
					continue
				}
				if msg := prop.State(m, &s, len(next) == 0 && blocked == 0); msg != "" {
					t.Fatalf("%s under %s after %d steps: %s\nstate: %s\ntrace:\n%s", prop.ID, p.Name, i, msg, s, strings.Join(trace, "\n"))
				}
			}
			if len(next) == 0 {
				return
			}
			su := next[rapid.IntRange(0, len(next)-1).Draw(t, "step")]
			for _, prop := range props.ModelChecked {
				if prop.Step == nil || findings[p.Name][prop.ID] {
					continue
				}
				if msg := prop.Step(m, &s, &su); msg != "" {
					t.Fatalf("%s under %s at step %d (%s): %s\nfrom: %s\ntrace:\n%s", prop.ID, p.Name, i, su.Label, msg, s, strings.Join(trace, "\n"))
				}
			}
			trace = append(trace, fmt.Sprintf("%3d. %s\n     %s", i+1, su.Label, su.Next))
			s = su.Next
		}
		// Now make the network fair: nothing more is lost, every segment is
		// delivered, due timers fire, time moves on, and the applications
		// stay still. Every FIN sent must then be ACKed or its sender gone.
		if x, ok := drain(m, &s); !ok {
			t.Fatalf("under %s, after a fair end, %s still waits for the ACK of its FIN in %s\nstate: %s\ntrace:\n%s",
				p.Name, []string{"A", "B"}[x], s.E[x].St, s, strings.Join(trace, "\n"))
		}
	})
}

// drain runs s to quiescence on a fair network (deliveries first, then
// timers, then time; no losses, no duplicates, no application calls) and
// reports an endpoint still waiting for the ACK of its FIN, if any.
func drain(m *model.Model, s *model.State) (int, bool) {
	rank := map[model.Kind]int{model.Deliver: 3, model.Fire: 2, model.Tick: 1}
	for i := 0; i < 20000; i++ {
		var best *model.Succ
		m.Successors(s, func(su model.Succ) {
			if r := rank[su.Label.Kind]; r > 0 && (best == nil || r > rank[best.Label.Kind]) {
				c := su
				best = &c
			}
		})
		if best == nil {
			break
		}
		*s = best.Next
	}
	for x, e := range s.E {
		if model.PendingFIN(e.St) {
			return x, false
		}
	}
	return 0, true
}

// walk takes random steps through m from its initial state, choosing with
// rnd, and returns the first property of props that fails, with what
// failed, or "" when none does within steps.
func walk(m *model.Model, ps []check.Property, skip map[string]bool, rnd *rand.Rand, steps int) (string, string) {
	s := m.Initial()
	for i := 0; i < steps; i++ {
		var next []model.Succ
		blocked := m.Successors(&s, func(su model.Succ) { next = append(next, su) })
		for _, p := range ps {
			if p.State != nil && !skip[p.ID] {
				if msg := p.State(m, &s, len(next) == 0 && blocked == 0); msg != "" {
					return p.ID, msg
				}
			}
		}
		if len(next) == 0 {
			return "", ""
		}
		su := pick(next, rnd)
		for _, p := range ps {
			if p.Step != nil && !skip[p.ID] {
				if msg := p.Step(m, &s, &su); msg != "" {
					return p.ID, msg
				}
			}
		}
		s = su.Next
	}
	return "", ""
}

// TestRandomWalksCatchMutants: random walks (seeded, so the test is
// repeatable) find, for every mutant of the TCP spec, a violation of one of
// the properties it must break, within walkBudget walks: the properties
// bite on random executions too, not only under exhaustive search.
func TestRandomWalksCatchMutants(t *testing.T) {
	const walkBudget = 20000
	ms, err := mutants.Load("../check/testdata/mutants")
	require.NoError(t, err)
	for _, mu := range ms {
		t.Run(mu.Name, func(t *testing.T) {
			step, err := check.Interpreter(mu.Spec)
			require.NoError(t, err)
			rnd := rand.New(rand.NewPCG(1, 2))
			for n := 0; n < walkBudget; n++ {
				for _, sp := range mu.Spec.Profiles {
					p := check.Profile(sp)
					m, err := model.New(p, model.DefaultBounds(), step)
					require.NoError(t, err)
					id, msg := walk(m, props.ModelChecked, findings[p.Name], rnd, 300)
					if id == "" {
						continue
					}
					assert.Contains(t, mu.Expect, id, "%s under %s: %s", id, p.Name, msg)
					t.Logf("walk %d under %s: %s: %s", n+1, p.Name, id, msg)
					return
				}
			}
			t.Errorf("no violation of %v in %d walks per profile", mu.Expect, walkBudget)
		})
	}
}

// weights make a random walk look like a connection's life rather than a
// string of aborts: segments are mostly delivered, time moves, the
// applications act now and then, and a loss is rare.
var weights = map[model.Kind]float64{
	model.App: 0.15, model.Fire: 1, model.Deliver: 1, model.DeliverCopy: 0.3, model.Lose: 0.1, model.Tick: 0.6,
}

func pick(next []model.Succ, rnd *rand.Rand) model.Succ {
	total := 0.0
	for _, su := range next {
		total += weights[su.Label.Kind]
	}
	x := rnd.Float64() * total
	for _, su := range next {
		if x -= weights[su.Label.Kind]; x < 0 {
			return su
		}
	}
	return next[len(next)-1]
}

// TestFairEndCatchesAStuckFIN: with the mutant whose LAST_ACK neither
// retransmits nor gives up, some walk ends, on a fair network, with a FIN
// never ACKed: the fair-end check of TestRandomWalks bites.
func TestFairEndCatchesAStuckFIN(t *testing.T) {
	ms, err := mutants.Load("../check/testdata/mutants")
	require.NoError(t, err)
	var stuck *mutants.Mutant
	for i := range ms {
		if ms[i].Name == "p7-last-ack-gives-up-waiting.txtar" {
			stuck = &ms[i]
		}
	}
	require.NotNil(t, stuck)
	step, err := check.Interpreter(stuck.Spec)
	require.NoError(t, err)
	m, err := model.New(tcp.Linux, model.DefaultBounds(), step)
	require.NoError(t, err)
	rnd := rand.New(rand.NewPCG(3, 4))
	for n := 0; n < 5000; n++ {
		s := m.Initial()
		for i := 0; i < 60; i++ {
			var next []model.Succ
			m.Successors(&s, func(su model.Succ) { next = append(next, su) })
			if len(next) == 0 {
				break
			}
			s = pick(next, rnd).Next
		}
		if x, ok := drain(m, &s); !ok {
			t.Logf("walk %d: %s left in %s with its FIN never ACKed", n+1, []string{"A", "B"}[x], s.E[x].St)
			return
		}
	}
	t.Fatal("no walk of the stuck-LAST_ACK mutant ended with a FIN never ACKed")
}
