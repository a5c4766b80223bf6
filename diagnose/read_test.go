package diagnose

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func read(t *testing.T, text string) *Input {
	t.Helper()
	in, err := Read(strings.NewReader(text))
	require.NoError(t, err)
	return in
}

// TestSS: ss lines with each option's fields, the expiry formats of
// print_ms_timer, names with spaces, IPv6 and interface scopes, and the
// Netid column of ss -an.
func TestSS(t *testing.T) {
	in := read(t, `State      Recv-Q Send-Q Local Address:Port  Peer Address:Port Process
LISTEN     0      4096       127.0.0.1:8080       0.0.0.0:*     users:(("nginx",pid=10,fd=3),("nginx",pid=11,fd=3)) ino:100 sk:1 cgroup:/ <->
CLOSE-WAIT 1      0          127.0.0.1:8080     127.0.0.1:40080 users:(("Web Content, (2)",pid=12,fd=13)) timer:(keepalive,119min,0) uid:1000 ino:101 sk:5 -->
TIME-WAIT  0      0              [::1]:40000        [::1]:9090  timer:(timewait,1min5sec,0) ino:0 sk:2a
FIN-WAIT-1 0      1          127.0.0.1:40030    127.0.0.1:6060  timer:(on,1.600ms,3) ino:0 sk:1e ---
FIN-WAIT-2 0      0          127.0.0.1:40010    127.0.0.1:8080  timer:(timewait,200ms,0) ino:0 sk:6
ESTAB      0      0      127.0.0.53%lo:53         127.0.0.1:5000 timer:(keepalive,,0)
`)
	assert.Equal(t, "ss", in.Format)
	assert.True(t, in.Timers)
	assert.True(t, in.Owners)
	require.Len(t, in.Sockets, 6)
	ln, cw, tw, fw1, fw2, est := in.Sockets[0], in.Sockets[1], in.Sockets[2], in.Sockets[3], in.Sockets[4], in.Sockets[5]
	assert.Equal(t, "LISTEN", ln.State)
	assert.Equal(t, []Process{{"nginx", 10, 3}, {"nginx", 11, 3}}, ln.Owners)
	assert.Equal(t, "127.0.0.1:8080", ln.Local.String())
	assert.Equal(t, "0.0.0.0:*", ln.Peer.String())
	assert.Equal(t, "CLOSE_WAIT", cw.State)
	assert.Equal(t, []Process{{"Web Content, (2)", 12, 13}}, cw.Owners)
	assert.Equal(t, &Timer{"keepalive", 119 * time.Minute, 0}, cw.Timer)
	assert.Equal(t, 1000, *cw.UID)
	assert.Equal(t, int64(1), cw.RecvQ)
	assert.Equal(t, "[::1]:40000", tw.Local.String())
	assert.Equal(t, 65*time.Second, tw.Timer.Left)
	assert.False(t, tw.Orphan, "TIME_WAIT is not an orphan")
	assert.Equal(t, &Timer{"on", 1600 * time.Millisecond, 3}, fw1.Timer)
	assert.True(t, fw1.Orphan)
	assert.Equal(t, 200*time.Millisecond, fw2.Timer.Left)
	assert.Equal(t, "127.0.0.53:53", est.Local.String())
	assert.Equal(t, time.Duration(0), est.Timer.Left)

	in = read(t, `Netid State  Recv-Q Send-Q Local Address:Port  Peer Address:Port Process
u_str ESTAB  0      0                  * 1234            * 1235
tcp   ESTAB  0      0          10.0.0.1:22       10.0.0.2:50000
udp   UNCONN 0      0           0.0.0.0:68        0.0.0.0:*
`)
	require.Len(t, in.Sockets, 1, "only the TCP row")
	assert.Equal(t, "10.0.0.2:50000", in.Sockets[0].Peer.String())
	assert.False(t, in.Timers)
	assert.False(t, in.Owners)

	in = read(t, "ESTAB 0 0 10.0.0.1:22 10.0.0.2:50000\n\tts sack cubic wscale:7,7 rto:204\n")
	require.Len(t, in.Sockets, 1, "ss -H -i: no header, an information line")
}

// TestNetstat: netstat -tan, -tanp and -tanop lines, IPv6 addresses,
// program names with spaces, and the timer column.
func TestNetstat(t *testing.T) {
	in := read(t, `Active Internet connections (servers and established)
Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name     Timer
tcp        0      0 127.0.0.1:8080          0.0.0.0:*               LISTEN      25113/leaky-server   off (0.00/0/0)
tcp        0      1 127.0.0.1:40002         127.0.0.1:6060          FIN_WAIT1   -                    on (0.20/3/0)
tcp        1      0 127.0.0.1:8080          127.0.0.1:40080         CLOSE_WAIT  12/Web Content       keepalive (11.92/0/0)
tcp6       0      0 ::1:40000               ::1:9090                TIME_WAIT   -                    timewait (56.47/0/0)
tcp        0      5 10.0.0.1:80             10.0.0.2:5000           LAST_ACK    -                    probe (1.20/0/4)
`)
	assert.Equal(t, "netstat", in.Format)
	require.Len(t, in.Sockets, 5)
	assert.Nil(t, in.Sockets[0].Timer, "off is no timer")
	assert.Equal(t, []Process{{Name: "leaky-server", PID: 25113}}, in.Sockets[0].Owners)
	assert.True(t, in.Sockets[1].Orphan)
	assert.Equal(t, &Timer{"on", 200 * time.Millisecond, 3}, in.Sockets[1].Timer)
	assert.Equal(t, "Web Content", in.Sockets[2].Owners[0].Name)
	assert.Equal(t, "[::1]:9090", in.Sockets[3].Peer.String())
	assert.Equal(t, 56470*time.Millisecond, in.Sockets[3].Timer.Left)
	assert.Equal(t, &Timer{"persist", 1200 * time.Millisecond, 4}, in.Sockets[4].Timer)

	in = read(t, "tcp        0      0 10.0.0.1:22             10.0.0.2:50000          ESTABLISHED\n")
	require.Len(t, in.Sockets, 1)
	assert.False(t, in.Timers)
	assert.False(t, in.Owners)
}

// TestProcNetTCP: /proc/net/tcp then /proc/net/tcp6, hex addresses in
// the host's byte order, the state codes, the timers in hundredths of a
// second, the uid and the inode.
func TestProcNetTCP(t *testing.T) {
	in := read(t, `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 156992 2 000000003ab2d9dd 100 0 0 10 0
   3: 0100007F:1F90 0100007F:9C66 08 00000000:00000001 02:000004A8 00000000  1000        0 157040 2 000000005cd5a9f1 20 4 0 10 -1
  11: 0100007F:9C42 0100007F:17AC 04 00000001:00000000 01:00000013 00000003     0        0 0 3 00000000015e3b9e 160 0 0 1 -1
  25: 0100007F:9C4C 0100007F:1F90 05 00000000:00000000 03:0000163C 00000000     0        0 0 3 00000000ae21cfe2
  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:9C40 00000000000000000000000001000000:2382 06 00000000:00000000 03:000015F6 00000000     0        0 0 3 0000000000000000
`)
	assert.Equal(t, "/proc/net/tcp", in.Format)
	require.Len(t, in.Sockets, 5)
	ln, cw, fw1, fw2, tw := in.Sockets[0], in.Sockets[1], in.Sockets[2], in.Sockets[3], in.Sockets[4]
	assert.Equal(t, "LISTEN", ln.State)
	assert.Equal(t, "127.0.0.1:8080", ln.Local.String())
	assert.Equal(t, uint64(156992), ln.Inode)
	assert.Equal(t, "CLOSE_WAIT", cw.State)
	assert.Equal(t, "127.0.0.1:40038", cw.Peer.String())
	assert.Equal(t, &Timer{"keepalive", 11920 * time.Millisecond, 0}, cw.Timer)
	assert.Equal(t, 1000, *cw.UID)
	assert.Equal(t, int64(1), cw.RecvQ)
	assert.Equal(t, &Timer{"on", 190 * time.Millisecond, 3}, fw1.Timer)
	assert.True(t, fw1.Orphan)
	assert.Equal(t, "timewait", fw2.Timer.Kind, "an orphaned FIN_WAIT_2 shows the time-wait timer")
	assert.Equal(t, "TIME_WAIT", tw.State)
	assert.Equal(t, "[::1]:40000", tw.Local.String())
	assert.Equal(t, "[::1]:9090", tw.Peer.String())
}

// TestRejects: garbage, truncated lines, mixed formats, unknown states
// and empty input are each a ParseError at their line.
func TestRejects(t *testing.T) {
	ssHeader := "State Recv-Q Send-Q Local Address:Port Peer Address:Port\n"
	for _, c := range []struct{ name, text, want string }{
		{"empty", "", "1: no input"},
		{"blank", "\n \n", "1: no input"},
		{"garbage", "\x00\x01binary\xff\n", `1: not the output of ss -tan, netstat -tan or /proc/net/tcp`},
		{"prose", "hello world\n", `1: not the output`},
		{"ss truncated", ssHeader + "ESTAB 0 0 10.0.0.1:22 10.0.0.2:50000\nESTAB 0 0 10.0.0.1:22\n", "3: ss: 4 columns"},
		{"ss bad state", ssHeader + "ESTABLISHED 0 0 10.0.0.1:22 10.0.0.2:1\n", `2: ss: unknown state "ESTABLISHED"`},
		{"ss names", ssHeader + "ESTAB 0 0 10.0.0.1:ssh 10.0.0.2:50000\n", "2: ss: address \"10.0.0.1:ssh\": port \"ssh\" is not a number (run the tool with -n)"},
		{"ss users cut", ssHeader + "ESTAB 0 0 10.0.0.1:22 10.0.0.2:5 users:((\"sshd\",pid=1\n", "2: ss: users:"},
		{"ss timer cut", ssHeader + "ESTAB 0 0 10.0.0.1:22 10.0.0.2:5 timer:(keepalive,1mi\n", "2: ss: "},
		{"ss junk", ssHeader + "ESTAB 0 0 10.0.0.1:22 10.0.0.2:5 hello\n", `2: ss: unexpected "hello"`},
		{"ss indented first", "\tts sack cubic\n", "1: not the output"},
		{"mixed netstat in ss", ssHeader + "ESTAB 0 0 10.0.0.1:22 10.0.0.2:5\ntcp 0 0 10.0.0.1:22 10.0.0.2:6 ESTABLISHED\n", "3: netstat output in the middle of ss output"},
		{"mixed proc in netstat", "tcp 0 0 10.0.0.1:22 10.0.0.2:6 ESTABLISHED\n   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 2\n", "2: /proc/net/tcp output in the middle of netstat output"},
		{"netstat state", "tcp 0 0 10.0.0.1:22 10.0.0.2:6 ESTAB\n", `1: not the output`},
		{"netstat pid", "Proto Recv-Q Send-Q Local Foreign State\ntcp 0 0 10.0.0.1:22 10.0.0.2:6 ESTABLISHED x/sshd\n", `2: netstat: "x/sshd": want PID/Program name or -`},
		{"proc truncated", "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:000\n", "2: /proc/net/tcp: 6 fields"},
		{"proc state", "   0: 0100007F:1F90 00000000:0000 0D 00000000:00000000 00:00000000 00000000     0        0 1 2\n", "1: not the output"},
		{"proc address", "  sl  local_address rem_address st\n   0: 0100007F1:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 2\n", `2: /proc/net/tcp: address "0100007F1:1F90"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(c.text))
			var pe *ParseError
			require.True(t, errors.As(err, &pe), "want a ParseError, got %v", err)
			assert.Contains(t, pe.Error(), c.want)
		})
	}
}
