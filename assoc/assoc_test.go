package assoc_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/assoc"
	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/generated/sctp"
	"github.com/tcpfsm/tcpfsm/internal/mutants"
	"github.com/tcpfsm/tcpfsm/spec"
)

// explore runs the association model through the explorer that runs the
// TCP model (check.Explore; check.Run is its TCP instance).
func explore(t *testing.T, b assoc.Bounds, step assoc.StepFunc) *check.ResultOf[assoc.State, assoc.Label] {
	t.Helper()
	m, err := assoc.New(b, step)
	require.NoError(t, err)
	res, err := check.Explore[*assoc.Model, assoc.State, assoc.Label, assoc.Succ](m, assoc.Properties, check.Options{MaxStates: 5_000_000})
	require.NoError(t, err)
	return res
}

// trace prints a counterexample one step a line.
func trace(c *check.CounterexampleOf[assoc.State, assoc.Label]) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n   0. start  %s\n", c.Property, c.Problem, c.Initial)
	for i, s := range c.Steps {
		fmt.Fprintf(&b, "  %2d. %s\n      %s\n", i+1, s.Label, s.State)
	}
	return b.String()
}

// TestSCTPHolds: the SCTP table, with fresh tags, keeps every property on
// the quick bounds, and the exploration reaches every state of the table
// and its shutdown cells.
func TestSCTPHolds(t *testing.T) {
	res := explore(t, assoc.QuickBounds(), nil)
	for id, c := range res.Violations {
		t.Errorf("%s (%s) violated:\n%s", id, assoc.Names[id], trace(c))
	}
	assert.Greater(t, res.States, 1000)
	fired := func(s sctp.State, e sctp.Event) uint64 { return res.Fired[int(s)*int(sctp.NumEvents)+int(e)] }
	for s := sctp.State(1); s < sctp.NumStates; s++ {
		var n uint64
		for e := sctp.Event(1); e < sctp.NumEvents; e++ {
			n += fired(s, e)
		}
		assert.NotZero(t, n, "no step taken in %s", s)
	}
	// The steps that replace TIME_WAIT: the old chunk dropped by its tag,
	// SHUTDOWN COMPLETE taken in SHUTDOWN_ACK_SENT, and a SHUTDOWN ACK that
	// reaches CLOSED answered with SHUTDOWN COMPLETE, T bit set.
	assert.NotZero(t, fired(sctp.Established, sctp.RcvWrongTag), "no chunk of another association reached ESTABLISHED")
	assert.NotZero(t, fired(sctp.ShutdownAckSent, sctp.RcvShutdownComplete))
	assert.NotZero(t, fired(sctp.Closed, sctp.RcvShutdownAck))
	t.Logf("%d states, %d transitions", res.States, res.Transitions)
}

// TestTagReuse: the key mutant. Associations that reuse the previous
// tags take in an old chunk, and the explorer's shortest counterexample
// shows it: the first association's chunk, still in flight, accepted by
// the second. With fresh tags (TestSCTPHolds) the same chunk is WRONG_TAG.
func TestTagReuse(t *testing.T) {
	b := assoc.QuickBounds()
	b.ReuseTags = true
	res := explore(t, b, nil)
	c := res.Violations["S1"]
	require.NotNil(t, c, "tag reuse must let an old chunk in")
	t.Log(trace(c))
	last := c.Steps[len(c.Steps)-1].Label
	assert.Contains(t, []assoc.StepKind{assoc.Deliver, assoc.DeliverCopy}, last.Kind)
	assert.Equal(t, uint8(1), last.Chunk.Assoc, "the chunk accepted is the first association's")
	assert.NotEqual(t, sctp.RcvWrongTag, last.Event)
	before := c.Steps[len(c.Steps)-2].State
	assert.Equal(t, uint8(2), before.E[last.End].Assoc, "by an endpoint of the second association")
	assert.LessOrEqual(t, len(c.Steps), 20, "a short counterexample")
	assert.Nil(t, res.Violations["S2"])
	assert.Nil(t, res.Violations["S3"])
}

// mutant returns the interpreter of the SCTP spec with one rule
// rewritten: the rule of event in state becomes rule.
func mutant(t *testing.T, state, event, rule string) assoc.StepFunc {
	t.Helper()
	sp, err := mutants.SCTPRule(state, event, rule)
	require.NoError(t, err)
	step, err := assoc.Interpreter(sp)
	require.NoError(t, err)
	return step
}

// TestMutants: each property has a mutant of the spec that breaks it,
// and the unmodified spec run through the interpreter breaks nothing.
func TestMutants(t *testing.T) {
	sp, err := spec.SCTP()
	require.NoError(t, err)
	step, err := assoc.Interpreter(sp)
	require.NoError(t, err)
	assert.Empty(t, explore(t, assoc.QuickBounds(), step).Violations, "the spec through its interpreter")

	for _, c := range []struct {
		name, property, state, event, rule string
	}{
		{"T3-rtx gives up on its first expiry", "S2", "ESTABLISHED", "timeout t3_rtx",
			"-> CLOSED stop max_retrans; tell comm_lost [RFC9260 mutant]"},
		{"SHUTDOWN ACK leaves T5 running", "S3", "SHUTDOWN_SENT", "rcv SHUTDOWN_ACK",
			"-> CLOSED send SHUTDOWN_COMPLETE; stop t2_shutdown; stop max_retrans; tell shutdown_complete [RFC9260 mutant]"},
		{"a chunk that fails the tag check is taken as DATA", "S1", "ESTABLISHED", "rcv WRONG_TAG",
			"-> ESTABLISHED send SACK [RFC9260 mutant]"},
		{"T3 expiry in SHUTDOWN_PENDING sends SHUTDOWN with DATA outstanding", "S4", "SHUTDOWN_PENDING", "timeout t3_rtx",
			"-> SHUTDOWN_SENT send SHUTDOWN; start t2_shutdown; start t5_shutdown_guard; restart max_retrans [RFC9260 mutant]"},
		{"T2 expiry resends without restarting T2", "S5", "SHUTDOWN_SENT", "timeout t2_shutdown",
			"-> SHUTDOWN_SENT send SHUTDOWN [RFC9260 mutant]"},
		{"DATA in SHUTDOWN_SENT stops T5", "S6", "SHUTDOWN_SENT", "rcv DATA",
			"-> SHUTDOWN_SENT send SHUTDOWN; restart t2_shutdown; stop t5_shutdown_guard [RFC9260 mutant]"},
		{"SHUTDOWN ACK resent for ever past Association.Max.Retrans", "S7", "SHUTDOWN_ACK_SENT", "timeout max_retrans",
			"-> SHUTDOWN_ACK_SENT send SHUTDOWN_ACK; restart t2_shutdown; restart max_retrans [RFC9260 mutant]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := explore(t, assoc.QuickBounds(), mutant(t, c.state, c.event, c.rule))
			v := res.Violations[c.property]
			require.NotNil(t, v, "%s must break %s", c.name, c.property)
			t.Log(trace(v))
			for id, other := range res.Violations {
				assert.Equal(t, c.property, id, "%s breaks %s only, not %s: %s", c.name, c.property, id, other.Problem)
			}
		})
	}
}

// TestPack: packing keeps every field of a state.
func TestPack(t *testing.T) {
	m, err := assoc.New(assoc.Bounds{Associations: 3, Capacity: 3, Loss: true, Dup: true}, nil)
	require.NoError(t, err)
	var s assoc.State
	s.E[0] = assoc.Endpoint{St: sctp.ShutdownAckSent, Timers: 0x7f, Own: 5, Peer: 6, Assoc: 3, Outstanding: true, Sent: 2, Got: 1}
	s.E[1] = assoc.Endpoint{St: sctp.CookieEchoed, Timers: 0x41, Own: 7, Peer: 1, Assoc: 2, Sent: 3, Got: 3}
	s.Net[0] = [3]assoc.Chunk{{Kind: assoc.Abort, Tag: 7, T: true, Assoc: 3}, {Kind: assoc.Data, Tag: 6, Assoc: 2, TSN: 2}, {Kind: assoc.Sack, Tag: 1, Assoc: 1, TSN: 3}}
	s.N[0] = 3
	s.Net[1][0] = assoc.Chunk{Kind: assoc.Init, Assoc: 3}
	s.N[1] = 1
	s.Started = 3
	key := make([]uint64, m.Words())
	m.Pack(&s, key)
	assert.Equal(t, s, m.Unpack(key))
}

// TestBounds: bounds out of range are refused, naming the bound.
func TestBounds(t *testing.T) {
	_, err := assoc.New(assoc.Bounds{Associations: 4, Capacity: 1}, nil)
	assert.ErrorContains(t, err, "associations")
	_, err = assoc.New(assoc.Bounds{Associations: 1, Capacity: 0}, nil)
	assert.ErrorContains(t, err, "capacity")
	tcp, err := spec.TCP()
	require.NoError(t, err)
	_, err = assoc.Interpreter(tcp)
	assert.ErrorContains(t, err, "the association model runs the SCTP vocabulary")
}
