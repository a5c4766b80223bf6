package lab

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// A reading of /proc/net/tcp taken in a scenario's namespace: the listener,
// the client in TIME_WAIT and the server in FIN_WAIT_1 with its FIN's
// retransmission timer.
const procSample = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:3039 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 51234 1 0000000000000000 100 0 0 10 0
   1: 0100007F:9C40 0100007F:3039 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000
   2: 0100007F:3039 0100007F:9C40 04 00000001:00000000 01:00000014 00000000     0        0 51240 2 0000000000000000 20 4 30 10 -1
`

func TestParseProcNetTCP(t *testing.T) {
	socks, err := parseProcNetTCP([]byte(procSample))
	require.NoError(t, err)
	assert.Equal(t, []procSocket{
		{LocalPort: 12345, RemotePort: 0, State: tcp.Listen},
		{LocalPort: 40000, RemotePort: 12345, State: tcp.TimeWait, Timer: 3, TimerLeft: 60 * time.Second},
		{LocalPort: 12345, RemotePort: 40000, State: tcp.FinWait1, Timer: 1, TimerLeft: 200 * time.Millisecond},
	}, socks)

	for _, bad := range []string{
		"   0: 0100007F:3039 00000000:0000 0C 00000000:00000000 00:00000000\n", // no such state
		"   0: 0100007F 00000000:0000 0A 00000000:00000000 00:00000000\n",      // no port
		"   0: 0100007F:3039 00000000:0000 0A 00000000:00000000 0000000000\n",  // no tr:when
		"   0: 0100007F:3039\n",
	} {
		_, err := parseProcNetTCP([]byte(bad))
		assert.Error(t, err, bad)
	}
}

func TestTimerName(t *testing.T) {
	assert.Equal(t, "", timerName(0))
	assert.Equal(t, "retransmit", timerName(1))
	assert.Equal(t, "keepalive", timerName(2))
	assert.Equal(t, "timewait", timerName(3))
	assert.Equal(t, "probe", timerName(4))
	assert.Equal(t, "", timerName(5))
}
