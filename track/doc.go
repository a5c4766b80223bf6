// Package track follows the TCP connections of a packet capture through the
// spec's table. It reads pcap and pcapng files (Ethernet, Linux cooked, raw
// IP and BSD loopback link types; IPv4 and IPv6), groups the segments into
// connections by their 4-tuple, a new SYN after the end of one starting the
// next incarnation, and runs one endpoint.Endpoint per side, fed with the
// events of the segments that side sent and received in capture order.
// The result is each side's state timeline with the rule of the spec
// behind every move, and the segments the table did not expect: a RST
// reaching TIME_WAIT, data after a FIN, a FIN arriving after TIME_WAIT
// ended, an old duplicate.
//
// A capture shows the wire, not the sockets, so nothing here decides what
// TCP does: the table does. A side's application calls are inferred from
// what it sends, as the calls the table answers by sending that (a SYN is
// a connect(), a first FIN a close(), a RST that answers nothing an
// abort); what it receives is classified by endpoint.Inspect on the
// sequence variables the capture has shown from both directions; each
// event is stepped with Endpoint.Apply, so that the side's timers are
// armed, stopped and timed by the same runtime rules as any Endpoint's,
// on the capture's clock. A capture that begins mid-connection leaves
// each side's state unknown until a SYN, FIN or RST tells it.
package track
