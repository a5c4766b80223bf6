package promela_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/assoc"
	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/internal/mutants"
	"github.com/tcpfsm/tcpfsm/promela"
	"github.com/tcpfsm/tcpfsm/spec"
)

// An assocCase is one association model both checkers explore: the SCTP
// spec or a mutant of it, under a profile, on bounds b. want are the
// properties the case must break in both (none for the spec itself).
type assocCase struct {
	name string
	sp   *spec.Spec
	prof string
	b    assoc.Bounds
	want []string
	// live also runs S7's liveness claims in SPIN, to compare with the
	// explorer's fair-cycle search.
	live bool
}

// sctpMutant is the SCTP spec with one rule rewritten: the rule of event
// in state becomes rule.
func sctpMutant(t *testing.T, state, event, rule string) *spec.Spec {
	t.Helper()
	sp, err := mutants.SCTPRule(state, event, rule)
	require.NoError(t, err)
	return sp
}

// assocCases: the SCTP spec under both profiles on the quick bounds, and
// on bounds that make the network refuse moves (no loss), keep no copy,
// or hold two chunks in flight each way;
// the tag-reuse mutant; and a mutant of the spec per property, each the
// one package assoc's tests break it with.
func assocCases(t *testing.T) []assocCase {
	sp, err := spec.SCTP()
	require.NoError(t, err)
	quick := assoc.QuickBounds()
	noLoss := quick
	noLoss.Loss = false
	oneNoDup := quick
	oneNoDup.Associations, oneNoDup.Dup = 1, false
	reuse := quick
	reuse.ReuseTags = true
	// Two chunks in flight each way, where the canonical order of a
	// direction and a chunk in flight twice (a retransmission) matter: the
	// same chunk is offered once. One association without loss or
	// duplication keeps it to a few seconds.
	twoInFlight := assoc.Bounds{Associations: 1, Capacity: 2}
	out := []assocCase{
		{name: "sctp/rfc9260", sp: sp, prof: "rfc9260", b: quick, live: true},
		{name: "sctp/linux", sp: sp, prof: "linux", b: quick},
		{name: "sctp/no-loss/linux", sp: sp, prof: "linux", b: noLoss, live: true},
		{name: "sctp/one-association-no-dup/rfc9260", sp: sp, prof: "rfc9260", b: oneNoDup},
		{name: "sctp/one-association-capacity-2-no-loss-no-dup/linux", sp: sp, prof: "linux", b: twoInFlight},
		{name: "sctp/reuse-tags/rfc9260", sp: sp, prof: "rfc9260", b: reuse, want: []string{"S1"}},
		{name: "sctp/reuse-tags/linux", sp: sp, prof: "linux", b: reuse, want: []string{"S1"}},
	}
	for _, m := range []struct {
		name, property, state, event, rule string
	}{
		{"wrong-tag-taken-as-data", "S1", "ESTABLISHED", "rcv WRONG_TAG",
			"-> ESTABLISHED send SACK [RFC9260 mutant]"},
		{"t3-rtx-gives-up-at-once", "S2", "ESTABLISHED", "timeout t3_rtx",
			"-> CLOSED stop max_retrans; tell comm_lost [RFC9260 mutant]"},
		{"shutdown-ack-leaves-t5-running", "S3", "SHUTDOWN_SENT", "rcv SHUTDOWN_ACK",
			"-> CLOSED send SHUTDOWN_COMPLETE; stop t2_shutdown; stop max_retrans; tell shutdown_complete [RFC9260 mutant]"},
		{"t3-rtx-sends-shutdown-with-data-outstanding", "S4", "SHUTDOWN_PENDING", "timeout t3_rtx",
			"-> SHUTDOWN_SENT send SHUTDOWN; start t2_shutdown; start t5_shutdown_guard; restart max_retrans [RFC9260 mutant]"},
		{"t2-resends-without-restarting", "S5", "SHUTDOWN_SENT", "timeout t2_shutdown",
			"-> SHUTDOWN_SENT send SHUTDOWN [RFC9260 mutant]"},
		{"data-in-shutdown-sent-stops-t5", "S6", "SHUTDOWN_SENT", "rcv DATA",
			"-> SHUTDOWN_SENT send SHUTDOWN; restart t2_shutdown; stop t5_shutdown_guard [RFC9260 mutant]"},
		{"shutdown-ack-resent-past-max-retrans", "S7", "SHUTDOWN_ACK_SENT", "timeout max_retrans",
			"-> SHUTDOWN_ACK_SENT send SHUTDOWN_ACK; restart t2_shutdown; restart max_retrans [RFC9260 mutant]"},
	} {
		out = append(out, assocCase{name: "sctp-mutant/" + m.name + "/linux", sp: sctpMutant(t, m.state, m.event, m.rule),
			prof: "linux", b: quick, want: []string{m.property}, live: m.property == "S7"})
	}
	return out
}

// TestAssociationCrossCheck: for the SCTP spec under both profiles, the
// tag-reuse mutant and a mutant per property, SPIN and fsmgen check explore
// the same number of states and give the same verdict on S1 to S6; each
// mutant breaks in both the property it is made to break. Where a case
// says live, S7's liveness too: the explorer's fair cycle against SPIN's
// acceptance cycles of the claims s7_A and s7_B.
func TestAssociationCrossCheck(t *testing.T) {
	requireSPIN(t)
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("-short: the cross-check compiles and runs SPIN's verifiers for half a minute")
	}
	began := time.Now()
	t.Cleanup(func() { t.Logf("association cross-check took %.1fs", time.Since(began).Seconds()) })
	for _, c := range assocCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			assocCrossCheck(t, c)
		})
	}
}

// assocCrossCheck explores case c with fsmgen check's explorer and with
// SPIN, and compares.
func assocCrossCheck(t *testing.T, c assocCase) {
	prof := c.sp.Profile(c.prof)
	require.NotNil(t, prof, "profile %s", c.prof)
	a, err := promela.BuildAssociation(c.sp, prof, c.b)
	require.NoError(t, err)
	text, err := a.Generate()
	require.NoError(t, err)
	res, err := check.Explore[*assoc.Model, assoc.State, assoc.Label, assoc.Succ](a.Model, assoc.Properties, check.Options{Workers: 1})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	v, err := promela.Verify(ctx, t.TempDir(), text, promela.RunOptions{HashBits: hashBits(res.States) + 1, CFlags: testCFlags})
	require.NoError(t, err)
	assert.Equal(t, res.States, v.States, "states: fsmgen check against SPIN's states, stored")
	var want, got []string
	for _, id := range promela.AssociationProperties {
		want = append(want, id+" "+status(res.Violations[id] != nil, false))
		got = append(got, id+" "+status(v.Violations[id], v.Findings[id]))
	}
	assert.Equal(t, want, got, "verdicts: fsmgen check, then SPIN")
	var cycles map[string]bool
	if c.live {
		// S7: a fair lasso for the explorer is an acceptance cycle of a
		// claim for SPIN, and the other way round.
		cycles, _, err = promela.VerifyAssociationLiveness(ctx, t.TempDir(), text, promela.RunOptions{HashBits: hashBits(res.States) + 1, CFlags: testCFlags})
		require.NoError(t, err)
		assert.Equal(t, res.Violations["S7"] != nil, len(cycles) > 0, "S7: fsmgen check's fair cycle against SPIN's acceptance cycles %v", cycles)
		if l := res.Violations["S7"]; l != nil {
			assert.GreaterOrEqual(t, l.Loop, 0, "S7's counterexample is a lasso")
		}
		v.Violations["S7"] = len(cycles) > 0
	}
	for _, id := range c.want {
		assert.NotNil(t, res.Violations[id], "fsmgen check must find %s violated", id)
		assert.True(t, v.Violations[id], "SPIN must find %s violated", id)
	}
	if c.want == nil {
		assert.Empty(t, res.Violations, "the spec breaks nothing")
	}
	t.Logf("%s: %d states; %s; S7 acceptance cycles %v (run: %v); check %.1fs; SPIN CPU: compile %.1fs, safety %.1fs",
		c.name, res.States, strings.Join(got, ", "), cycles, c.live, res.Elapsed.Seconds(), v.CPU["compile"].Seconds(), v.CPU["safety"].Seconds())
}
