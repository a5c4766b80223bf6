package track

import (
	"bytes"
	"encoding/binary"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
	"github.com/stretchr/testify/require"
)

// pkt is a segment to write into a test capture.
type pkt struct {
	at       time.Duration // after epoch
	src, dst string        // "ip:port"
	flags    string        // "SYN,ACK", "FIN,ACK", "RST", "ACK"
	seq, ack uint32
	len      int
	wscale   int // on a SYN: the window scale option, 0 for none
}

// epoch is when every test capture begins.
var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// frame builds the bytes of p on link type lt, the payload zeros.
func frame(t *testing.T, lt layers.LinkType, p pkt) []byte {
	t.Helper()
	src, dst := netip.MustParseAddrPort(p.src), netip.MustParseAddrPort(p.dst)
	tcp := &layers.TCP{SrcPort: layers.TCPPort(src.Port()), DstPort: layers.TCPPort(dst.Port()),
		Seq: p.seq, Ack: p.ack, Window: 502,
		SYN: strings.Contains(p.flags, "SYN"), ACK: strings.Contains(p.flags, "ACK"),
		FIN: strings.Contains(p.flags, "FIN"), RST: strings.Contains(p.flags, "RST")}
	if tcp.SYN && p.wscale > 0 {
		tcp.Options = []layers.TCPOption{{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{byte(p.wscale)}}}
	}
	var ip gopacket.NetworkLayer
	ethType := layers.EthernetTypeIPv4
	if src.Addr().Is4() {
		ip4 := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: net.IP(src.Addr().AsSlice()), DstIP: net.IP(dst.Addr().AsSlice())}
		ip = ip4
	} else {
		ethType = layers.EthernetTypeIPv6
		ip = &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolTCP, SrcIP: net.IP(src.Addr().AsSlice()), DstIP: net.IP(dst.Addr().AsSlice())}
	}
	require.NoError(t, tcp.SetNetworkLayerForChecksum(ip))
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	ls := []gopacket.SerializableLayer{ip.(gopacket.SerializableLayer), tcp, gopacket.Payload(make([]byte, p.len))}
	switch lt {
	case layers.LinkTypeEthernet:
		ls = append([]gopacket.SerializableLayer{&layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}, EthernetType: ethType}}, ls...)
	case layers.LinkTypeNull:
		family := layers.ProtocolFamilyIPv4
		if ethType == layers.EthernetTypeIPv6 {
			family = layers.ProtocolFamilyIPv6Linux
		}
		ls = append([]gopacket.SerializableLayer{&layers.Loopback{Family: family}}, ls...)
	}
	require.NoError(t, gopacket.SerializeLayers(buf, opts, ls...))
	data := buf.Bytes()
	if lt == layers.LinkTypeLinuxSLL {
		// gopacket cannot write the cooked header: 16 bytes, the
		// protocol last.
		h := make([]byte, 16)
		binary.BigEndian.PutUint16(h[14:], uint16(ethType))
		data = append(h, data...)
	}
	return data
}

// pcapOf writes pkts as a pcap file of link type lt, each packet cut to
// snap bytes (0: whole).
func pcapOf(t *testing.T, lt layers.LinkType, snap int, pkts ...pkt) []byte {
	t.Helper()
	var b bytes.Buffer
	w := pcapgo.NewWriterNanos(&b)
	require.NoError(t, w.WriteFileHeader(65535, lt))
	for _, p := range pkts {
		data := frame(t, lt, p)
		n := len(data)
		if snap > 0 && snap < n {
			data = data[:snap]
		}
		require.NoError(t, w.WritePacket(gopacket.CaptureInfo{Timestamp: epoch.Add(p.at), CaptureLength: len(data), Length: n}, data))
	}
	return b.Bytes()
}

// pcapngOf writes pkts as a pcapng file of link type lt.
func pcapngOf(t *testing.T, lt layers.LinkType, pkts ...pkt) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := pcapgo.NewNgWriter(&b, lt)
	require.NoError(t, err)
	for _, p := range pkts {
		data := frame(t, lt, p)
		require.NoError(t, w.WritePacket(gopacket.CaptureInfo{Timestamp: epoch.Add(p.at), CaptureLength: len(data), Length: len(data)}, data))
	}
	require.NoError(t, w.Flush())
	return b.Bytes()
}

// follow reads a capture and follows it under the linux profile.
func follow(t *testing.T, capture []byte) *Report {
	t.Helper()
	segs, _, err := Read(bytes.NewReader(capture))
	require.NoError(t, err)
	return followLinux(segs)
}

const (
	cli = "10.0.0.1:40000"
	srv = "10.0.0.2:80"
)

// closeByClient is a whole connection: handshake, 100 bytes from the
// client, the client closes first, the server after it. The client's ISN
// is 1000, the server's 5000.
func closeByClient() []pkt {
	return []pkt{
		{at: 0, src: cli, dst: srv, flags: "SYN", seq: 1000, wscale: 7},
		{at: 1 * time.Millisecond, src: srv, dst: cli, flags: "SYN,ACK", seq: 5000, ack: 1001, wscale: 7},
		{at: 2 * time.Millisecond, src: cli, dst: srv, flags: "ACK", seq: 1001, ack: 5001},
		{at: 3 * time.Millisecond, src: cli, dst: srv, flags: "ACK", seq: 1001, ack: 5001, len: 100},
		{at: 4 * time.Millisecond, src: srv, dst: cli, flags: "ACK", seq: 5001, ack: 1101},
		{at: 10 * time.Millisecond, src: cli, dst: srv, flags: "FIN,ACK", seq: 1101, ack: 5001},
		{at: 11 * time.Millisecond, src: srv, dst: cli, flags: "ACK", seq: 5001, ack: 1102},
		{at: 20 * time.Millisecond, src: srv, dst: cli, flags: "FIN,ACK", seq: 5001, ack: 1102},
		{at: 21 * time.Millisecond, src: cli, dst: srv, flags: "ACK", seq: 1102, ack: 5002},
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
