package spec

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSetSwitch: a run may turn a profile's switch over, which its switch
// set then says; a name the profile does not set is refused.
func TestSetSwitch(t *testing.T) {
	sp, err := Parse(TCPFile, TCPSource())
	require.NoError(t, err)
	p := sp.Profile("linux")
	var bit uint64
	for _, s := range sp.Switches {
		if s.Name == "rfc1337" {
			bit = 1 << uint(s.Bit)
		}
	}
	require.NotZero(t, bit)
	assert.Zero(t, p.Switches()&bit, "linux has rfc1337 off")
	assert.True(t, p.SetSwitch("rfc1337", true))
	assert.NotZero(t, p.Switches()&bit)
	assert.False(t, p.SetSwitch("no_such_switch", true))
}
