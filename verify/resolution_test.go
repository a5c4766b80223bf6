package verify

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/spec"
)

// TestVerdictsStableAcrossResolutions: on the quick bounds every verdict
// of the TCP spec, under every profile, is the same at two and at four
// ticks per MSL: none of them is decided by how durations are rounded.
func TestVerdictsStableAcrossResolutions(t *testing.T) {
	sp, err := spec.TCP()
	require.NoError(t, err)
	rep, failures, err := Run(sp, sp.Profiles, Options{Bounds: model.QuickBounds(), AlsoMSLTicks: []int{4}})
	require.NoError(t, err)
	assert.Zero(t, failures, rep.Failures())
	for _, r := range rep.Results {
		for _, p := range r.Properties {
			assert.Empty(t, p.Resolution, "%s under %s", p.ID, r.Profile)
		}
	}
}

// TestResolutionFlagged: a verdict that rounding decides is reported as
// such and fails the check. Under bsd with two losses, P8 is violated at
// two ticks per MSL, where the 1 s RTO becomes a 15 s tick and the FIN's
// retransmissions outlive TIME_WAIT, and holds at eight.
func TestResolutionFlagged(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: eight ticks per MSL explore some millions of states")
	}
	sp, err := spec.TCP()
	require.NoError(t, err)
	b := model.QuickBounds()
	b.Losses = 2
	rep, failures, err := Run(sp, []*spec.Profile{sp.Profile("bsd")}, Options{Bounds: b, AlsoMSLTicks: []int{8}})
	require.NoError(t, err)
	assert.Equal(t, 1, failures, rep.Failures())
	var p8 PropertyResult
	for _, p := range rep.Results[0].Properties {
		if p.ID == "P8" {
			p8 = p
		} else {
			assert.Empty(t, p.Resolution, p.ID)
		}
	}
	assert.Equal(t, "VIOLATED at 2 ticks per MSL, holds at 8", p8.Resolution)
	assert.Equal(t, "unstable", p8.Status())
	assert.True(t, p8.Fails())
	var text strings.Builder
	require.NoError(t, rep.WriteText(&text, sp))
	assert.Contains(t, text.String(), "P8 under bsd depends on the time resolution: VIOLATED at 2 ticks per MSL, holds at 8.")
	assert.True(t, strings.HasSuffix(text.String(), "\nVerdict: VIOLATED: P8 under bsd.\n"), text.String())
}
