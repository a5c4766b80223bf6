package verify

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/spec"
)

// TestAssociationLasso: S7 is a liveness property of the association
// model, so its counterexample is a lasso, and the report says where the
// cycle starts. The mutant resends the SHUTDOWN ACK for ever past
// Association.Max.Retrans.
func TestAssociationLasso(t *testing.T) {
	const rule = "  timeout max_retrans        -> CLOSED stop t2_shutdown; stop t5_shutdown_guard; tell comm_lost"
	src := string(spec.SCTPSource())
	in := strings.Index(src, "\nin SHUTDOWN_ACK_SENT")
	require.Positive(t, in)
	at := strings.Index(src[in:], rule)
	require.Positive(t, at, "the rule the mutant rewrites")
	end := in + at + strings.Index(src[in+at:], "\n")
	mutant := src[:in+at] + "  timeout max_retrans -> SHUTDOWN_ACK_SENT send SHUTDOWN_ACK; restart t2_shutdown; restart max_retrans [RFC9260 mutant]" + src[end:]
	sp, err := spec.Parse("mutant.fsm", []byte(mutant))
	require.NoError(t, err)
	b := model.QuickBounds()
	rep, _, err := Run(sp, sp.Profiles[:1], Options{Bounds: b, MaxStates: 1_000_000})
	require.NoError(t, err)
	require.Len(t, rep.Results, 1)
	var s7 *PropertyResult
	for i, p := range rep.Results[0].Properties {
		if p.ID == "S7" {
			s7 = &rep.Results[0].Properties[i]
		}
	}
	require.NotNil(t, s7, "the association model reports S7")
	assert.False(t, s7.Holds)
	require.NotNil(t, s7.RepeatsFrom, "a lasso says where it repeats")
	assert.Less(t, *s7.RepeatsFrom, len(s7.Counterexample))
	assert.Contains(t, s7.Problem, "for ever")
}
