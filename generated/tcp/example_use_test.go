package tcp_test

import (
	"fmt"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// Example_useTheTable is the README's first example: a program that
// imports the table asks it what a segment or a call does in a state,
// under a profile.
func Example_useTheTable() {
	t, _ := tcp.Linux.Step(tcp.FinWait2, tcp.RcvFin)
	fmt.Println(t.Next, "|", t.Actions, "|", t.Rule.Cite())

	t, _ = tcp.Linux.Step(tcp.TimeWait, tcp.RcvRst) // tcp_rfc1337=0: a RST ends TIME_WAIT
	fmt.Println(t.Next)
	t, _ = tcp.BSD.Step(tcp.TimeWait, tcp.RcvRst) // RFC 1337: ignored
	fmt.Println(t.Verdict, "|", tcp.Linux.TimeWait)
	// Output:
	// TIME_WAIT | send ACK; stop r2; start time_wait; stop fin_wait_2; stop keepalive; tell end_of_stream | RFC9293 3.10.7.4 eighth: FIN-WAIT-2, enter TIME-WAIT, start the time-wait timer, turn off the others
	// CLOSED
	// ignore | 1m0s
}
