package verify

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/spec"
)

// mutant is the TCP spec with each old text of oldNew replaced by the new
// one after it, checked under profile on bounds b through the spec's
// interpreter, as fsmgen check checks a spec file. A run of spaces in an
// old text matches any run: fsmgen fmt aligns the columns of a block.
func mutant(t *testing.T, profile string, b model.Bounds, oldNew ...string) (*Report, int) {
	t.Helper()
	src := string(spec.TCPSource())
	for i := 0; i < len(oldNew); i += 2 {
		old := regexp.MustCompile(strings.Join(strings.Fields(regexp.QuoteMeta(oldNew[i])), ` +`))
		at := old.FindStringIndex(src)
		require.NotNil(t, at, oldNew[i])
		src = src[:at[0]] + oldNew[i+1] + src[at[1]:]
	}
	sp, err := spec.Parse("mutant.fsm", []byte(src))
	require.NoError(t, err)
	rep, failures, err := Run(sp, []*spec.Profile{sp.Profile(profile)}, Options{Bounds: b})
	require.NoError(t, err)
	require.Len(t, rep.Results, 1)
	return rep, failures
}

// statuses lists the status of every property of r, in order.
func statuses(r ProfileResult) []string {
	var out []string
	for _, p := range r.Properties {
		out = append(out, p.ID+" "+p.Status())
	}
	return out
}

// TestRunMutant: a mutant spec is model-checked through its interpreter,
// and its violation is a failure with the shortest counterexample; P9
// holds for it.
func TestRunMutant(t *testing.T) {
	rep, failures := mutant(t, "linux", tiny(),
		"rcv FIN                 -> CLOSE_WAIT send ACK; restart keepalive; stop r2; tell end_of_stream",
		"rcv FIN -> TIME_WAIT send ACK; stop keepalive; stop r2; start time_wait; tell end_of_stream")
	assert.Equal(t, 1, failures, rep.Failures())
	r := rep.Results[0]
	assert.Equal(t, []string{"P1 holds", "P2 holds", "P3 holds", "P4 VIOLATED"}, statuses(r)[:4])
	assert.Equal(t, "P9 holds", statuses(r)[8])
	p4 := r.Properties[3]
	assert.Regexp(t, `^. \((client|server)\) entered TIME_WAIT from ESTABLISHED without having sent its FIN first`, p4.Problem)
	require.NotNil(t, p4.Trace)
	assert.Contains(t, FormatCounterexample("linux", p4.Status(), p4.Trace), "receives FIN#1@0 as rcv FIN: ESTABLISHED -> TIME_WAIT")
}

// TestRunFindingCoversItsWeaknessOnly: without TIME_WAIT, the lost final
// ACK resets LAST_ACK under linux, whose finding on P8 is TIME-WAIT
// assassination: a violation of P8 from another cause is a failure.
func TestRunFindingCoversItsWeaknessOnly(t *testing.T) {
	rep, failures := mutant(t, "linux", tiny(),
		"rcv FIN                 -> TIME_WAIT send ACK; stop fin_wait_2; stop keepalive; stop r2; start time_wait; tell end_of_stream", "rcv FIN -> CLOSED send ACK; stop fin_wait_2; stop keepalive; stop r2; tell end_of_stream",
		"rcv FIN_ACK             -> TIME_WAIT send ACK; stop fin_wait_2; stop keepalive; stop r2; start time_wait; tell end_of_stream", "rcv FIN_ACK -> CLOSED send ACK; stop fin_wait_2; stop keepalive; stop r2; tell end_of_stream")
	assert.Equal(t, 1, failures, rep.Failures())
	assert.Equal(t, []string{"P1 holds", "P2 holds", "P3 holds", "P4 holds", "P5 holds", "P6 holds", "P7 holds", "P8 VIOLATED"}, statuses(rep.Results[0])[:8])
}

// TestCompareGeneratedCatchesDrift: a spec that differs from the one
// generated/tcp was made from, by one rule, is reported cell by cell.
func TestCompareGeneratedCatchesDrift(t *testing.T) {
	src := string(spec.TCPSource())
	const rule = "rcv FIN                                          -> TIME_WAIT send ACK; restart time_wait"
	require.Contains(t, src, rule)
	mutant := strings.Replace(src, rule, "rcv FIN                                          -> TIME_WAIT send ACK", 1)
	sp, err := spec.Parse(spec.TCPFile, []byte(mutant))
	require.NoError(t, err)
	diff := CompareGenerated(sp, sp.Profiles[0].Switches())
	require.Len(t, diff, 1)
	assert.Contains(t, diff[0], "(TIME_WAIT, rcv FIN): table says TIME_WAIT send ACK; restart time_wait, spec says TIME_WAIT send ACK")
}
