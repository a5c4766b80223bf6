package lab

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParseSetState reads lines of the tracepoint as tracefs prints them:
// a state change of an IPv4 socket, one of an IPv6 socket, a line of
// another event, and a line it must refuse rather than skip.
func TestParseSetState(t *testing.T) {
	c, stamp, ok, err := parseSetState(`         python3-457     [001] ..s2. 60978.859816: inet_sock_set_state: family=AF_INET protocol=IPPROTO_TCP sport=23456 dport=43210 saddr=127.0.0.1 daddr=127.0.0.1 saddrv6=::ffff:127.0.0.1 daddrv6=::ffff:127.0.0.1 oldstate=TCP_LISTEN newstate=TCP_SYN_RECV`)
	require.NoError(t, err)
	require.True(t, ok)
	assert.InDelta(t, 60978.859816, stamp, 1e-9)
	assert.Equal(t, StateChange{Local: netip.MustParseAddrPort("127.0.0.1:23456"), Remote: netip.MustParseAddrPort("127.0.0.1:43210"), Old: "LISTEN", New: "SYN_RECEIVED"}, c)

	c, _, ok, err = parseSetState(`  <idle>-0 [000] ..s2. 5.000001: inet_sock_set_state: family=AF_INET6 protocol=IPPROTO_TCP sport=80 dport=5555 saddr=0.0.0.0 daddr=0.0.0.0 saddrv6=2001:db8::1 daddrv6=2001:db8::2 oldstate=TCP_FIN_WAIT2 newstate=TCP_CLOSE`)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "[2001:db8::1]:80", c.Local.String())
	assert.Equal(t, "FIN_WAIT_2", c.Old)
	assert.Equal(t, "CLOSED", c.New)

	_, _, ok, err = parseSetState(`# tracer: nop`)
	assert.NoError(t, err)
	assert.False(t, ok)

	_, _, _, err = parseSetState(`  x-1 [000] ..... 1.0: inet_sock_set_state: family=AF_INET protocol=IPPROTO_TCP sport=1 dport=2 saddr=127.0.0.1 daddr=127.0.0.1 oldstate=TCP_BOGUS newstate=TCP_CLOSE`)
	assert.ErrorContains(t, err, "cannot read")
}

// TestStatesRoundTrip writes a recording's state changes and reads them
// back, and takes a side's sequence from them: each socket's first old
// state once, where the one before did not end in it.
func TestStatesRoundTrip(t *testing.T) {
	client, server := netip.MustParseAddrPort("127.0.0.1:40000"), netip.MustParseAddrPort("127.0.0.1:12345")
	rd := &Recording{Scenario: "reopen", Kernel: "6.1", Changes: []StateChange{
		{Local: client, Remote: server, Old: "CLOSED", New: "SYN_SENT"},
		{Local: server, Remote: client, Old: "LISTEN", New: "SYN_RECEIVED"},
		{Local: client, Remote: server, Old: "SYN_SENT", New: "CLOSED"},
		{At: 1500000, Local: client, Remote: server, Old: "CLOSED", New: "SYN_SENT"},
	}}
	var b bytes.Buffer
	require.NoError(t, rd.WriteStates(&b))
	assert.Contains(t, b.String(), "# scenario reopen\n# kernel 6.1\n")
	back, err := ReadStates(&b, "x.states")
	require.NoError(t, err)
	assert.Equal(t, rd.Changes, back)
	assert.Equal(t, []string{"CLOSED", "SYN_SENT", "CLOSED", "SYN_SENT"}, Sequence(back, client))
	assert.Equal(t, []string{"LISTEN", "SYN_RECEIVED"}, Sequence(back, server))

	for in, want := range map[string]string{
		"0.1 127.0.0.1:1 127.0.0.1:2 CLOSED\n":            "x.states:1: want SECONDS LOCAL REMOTE OLD NEW, got 4 fields",
		"# c\nzz 127.0.0.1:1 127.0.0.1:2 CLOSED LISTEN\n": "x.states:2: bad time",
		"0.1 127.0.0.1 127.0.0.1:2 CLOSED LISTEN\n":       "x.states:1: local address",
		"0.1 127.0.0.1:1 127.0.0.1:2 CLOSED OPEN\n":       `x.states:1: unknown state "OPEN"`,
	} {
		_, err := ReadStates(strings.NewReader(in), "x.states")
		assert.ErrorContains(t, err, want, in)
	}
}

// TestChained: a side's changes must follow on from one another, a new
// socket starting from CLOSED or LISTEN once the one before is CLOSED;
// anything else is another socket's, and an error.
func TestChained(t *testing.T) {
	a, b := netip.MustParseAddrPort("127.0.0.1:40000"), netip.MustParseAddrPort("127.0.0.1:12345")
	ok := []StateChange{
		{Local: a, Old: "CLOSED", New: "SYN_SENT"},
		{Local: b, Old: "LISTEN", New: "SYN_RECEIVED"},
		{Local: a, Old: "SYN_SENT", New: "ESTABLISHED"},
		{Local: a, Old: "ESTABLISHED", New: "CLOSED"},
		{Local: b, Old: "SYN_RECEIVED", New: "CLOSED"},
		{Local: b, Old: "LISTEN", New: "SYN_RECEIVED"},
		{Local: a, Old: "CLOSED", New: "SYN_SENT"},
	}
	assert.NoError(t, chained(ok))
	bad := append(append([]StateChange(nil), ok...), StateChange{Local: a, Old: "ESTABLISHED", New: "FIN_WAIT_1"})
	assert.ErrorContains(t, chained(bad), "state change 8 of 127.0.0.1:40000 goes from ESTABLISHED, but the socket was in SYN_SENT")
}
