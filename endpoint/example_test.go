package endpoint_test

import (
	"fmt"
	"time"

	"github.com/tcpfsm/tcpfsm/endpoint"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// Two endpoints close a connection and the final ACK is lost: the side
// that closed second retransmits its FIN when its RTO fires, and TIME_WAIT
// answers the retransmission with a new ACK (RFC 9293 3.10.7.4 eighth).
func Example() {
	now := time.Unix(0, 0)
	clock := func() time.Time { return now }
	client := endpoint.New(tcp.Linux, endpoint.Options{}, clock)
	server := endpoint.New(tcp.Linux, endpoint.Options{}, clock)
	client.SetISS(1000)
	server.SetISS(5000)
	var out endpoint.Output
	lose := false
	// deliver sends out's segments from one side to the other, and the
	// answers back, until the wire is quiet.
	var deliver func(from, to *endpoint.Endpoint, out endpoint.Output, name string)
	deliver = func(from, to *endpoint.Endpoint, o endpoint.Output, name string) {
		for _, s := range o.Segments() {
			if lose && s.Flags == endpoint.ACK && from.State() == tcp.TimeWait {
				fmt.Printf("%s sends %s seq=%d ack=%d: lost\n", name, s.Flags, s.Seq, s.Ack)
				lose = false
				continue
			}
			fmt.Printf("%s sends %s seq=%d ack=%d\n", name, s.Flags, s.Seq, s.Ack)
			var reply endpoint.Output
			before := to.State()
			to.Receive(s, &reply)
			if to.State() != before {
				fmt.Printf("  %s -> %s\n", before, to.State())
			}
			other := "server"
			if name == "server" {
				other = "client"
			}
			deliver(to, from, reply, other)
		}
	}
	_ = server.Listen(&out)
	_ = client.Connect(&out)
	deliver(client, server, out, "client")
	fmt.Println("client", client.State(), "server", server.State())

	lose = true
	_ = client.Close(&out)
	deliver(client, server, out, "client")
	_ = server.Close(&out)
	deliver(server, client, out, "server")
	fmt.Println("client", client.State(), "server", server.State())

	rto, _ := server.Deadline(tcp.RetransmissionTimer)
	now = rto
	server.Advance(now, &out)
	fmt.Println("after", now.Sub(time.Unix(0, 0)), "the server's RTO fires")
	deliver(server, client, out, "server")
	fmt.Println("client", client.State(), "server", server.State())

	end, _ := client.Deadline(tcp.TimeWaitTimer)
	now = end
	client.Advance(now, &out)
	fmt.Println("after", now.Sub(time.Unix(0, 0)), "time_wait ends:", client.State())
	// Output:
	// client sends SYN seq=1000 ack=0
	//   LISTEN -> SYN_RECEIVED
	// server sends SYN,ACK seq=5000 ack=1001
	//   SYN_SENT -> ESTABLISHED
	// client sends ACK seq=1001 ack=5001
	//   SYN_RECEIVED -> ESTABLISHED
	// client ESTABLISHED server ESTABLISHED
	// client sends FIN,ACK seq=1001 ack=5001
	//   ESTABLISHED -> CLOSE_WAIT
	// server sends ACK seq=5001 ack=1002
	//   FIN_WAIT_1 -> FIN_WAIT_2
	// server sends FIN,ACK seq=5001 ack=1002
	//   FIN_WAIT_2 -> TIME_WAIT
	// client sends ACK seq=1002 ack=5002: lost
	// client TIME_WAIT server LAST_ACK
	// after 1s the server's RTO fires
	// server sends FIN,ACK seq=5001 ack=1002
	// client sends ACK seq=1002 ack=5002
	//   LAST_ACK -> CLOSED
	// client TIME_WAIT server CLOSED
	// after 1m1s time_wait ends: CLOSED
}
