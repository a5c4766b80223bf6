package track

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/gopacket/layers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadLinkTypes reads the same connection from pcap and pcapng files
// on every supported link type, over IPv4 and IPv6, and finds the same
// segments in each.
func TestReadLinkTypes(t *testing.T) {
	v6 := func(ps []pkt) []pkt {
		out := append([]pkt(nil), ps...)
		for i := range out {
			out[i].src = strings.Replace(strings.Replace(out[i].src, "10.0.0.1", "[2001:db8::1]", 1), "10.0.0.2", "[2001:db8::2]", 1)
			out[i].dst = strings.Replace(strings.Replace(out[i].dst, "10.0.0.1", "[2001:db8::1]", 1), "10.0.0.2", "[2001:db8::2]", 1)
		}
		return out
	}
	type capture struct {
		name string
		data []byte
		addr string
	}
	var caps []capture
	for _, lt := range []layers.LinkType{layers.LinkTypeEthernet, layers.LinkTypeLinuxSLL, layers.LinkTypeRaw, layers.LinkTypeNull} {
		caps = append(caps,
			capture{"pcap " + lt.String() + " IPv4", pcapOf(t, lt, 0, closeByClient()...), "10.0.0.1:40000"},
			capture{"pcap " + lt.String() + " IPv6", pcapOf(t, lt, 0, v6(closeByClient())...), "[2001:db8::1]:40000"},
			capture{"pcapng " + lt.String() + " IPv4", pcapngOf(t, lt, closeByClient()...), "10.0.0.1:40000"})
	}
	for _, c := range caps {
		t.Run(c.name, func(t *testing.T) {
			segs, skipped, err := Read(bytes.NewReader(c.data))
			require.NoError(t, err)
			assert.Zero(t, skipped)
			require.Len(t, segs, len(closeByClient()))
			for i, want := range closeByClient() {
				s := segs[i]
				assert.Equal(t, i+1, s.Packet)
				assert.Equal(t, epoch.Add(want.at), s.At.UTC())
				assert.Equal(t, want.flags, s.Flags())
				assert.Equal(t, want.seq, s.Seq)
				if s.ACK {
					assert.Equal(t, want.ack, s.Ack)
				}
				assert.Equal(t, want.len, s.Len)
			}
			assert.Equal(t, c.addr, segs[0].Src.String())
			assert.Equal(t, 7, segs[0].WScale)
			assert.Equal(t, -1, segs[2].WScale, "only a SYN carries the window scale")
		})
	}
}

// TestReadSnapLength: a capture that kept only the headers still gives
// the payload's length (from the IP header); a packet cut inside its TCP
// header is skipped and counted.
func TestReadSnapLength(t *testing.T) {
	ps := closeByClient()
	data := pcapOf(t, layers.LinkTypeEthernet, 14+20+24, ps...) // the SYNs' headers have the window scale option
	segs, skipped, err := Read(bytes.NewReader(data))
	require.NoError(t, err)
	assert.Zero(t, skipped)
	assert.Equal(t, 100, segs[3].Len)

	data = pcapOf(t, layers.LinkTypeEthernet, 14+20+10, ps[:2]...)
	segs, skipped, err = Read(bytes.NewReader(data))
	require.NoError(t, err)
	assert.Empty(t, segs)
	assert.Equal(t, 2, skipped)
}

// TestReadErrors: input that is not a capture, or a capture cut off, is
// an error that says where and what.
func TestReadErrors(t *testing.T) {
	whole := pcapOf(t, layers.LinkTypeEthernet, 0, closeByClient()...)
	ng := pcapngOf(t, layers.LinkTypeEthernet, closeByClient()...)
	shb := int(binary.LittleEndian.Uint32(ng[4:8])) // the section header block's length
	wifi := pcapOf(t, layers.LinkTypeEthernet, 0, closeByClient()[:1]...)
	wifi[20] = byte(layers.LinkTypeIEEE802_11) // the link type field of the file header
	for name, c := range map[string]struct {
		data []byte
		want string
	}{
		"empty":                   {nil, "empty input: not a pcap or pcapng capture"},
		"short":                   {[]byte{0xd4, 0xc3}, "2 bytes: too short for a pcap or pcapng file header"},
		"text":                    {[]byte("GET / HTTP/1.1\r\n"), "not a pcap or pcapng capture: the file starts with 47 45 54 20"},
		"pcap header cut":         {whole[:10], "pcap file header: the file ends in the middle of it: truncated capture"},
		"pcap packet header cut":  {whole[:24+8], "packet 1: the file ends in the middle of it: truncated capture"},
		"pcap packet cut":         {whole[:len(whole)-5], "packet 9: the file ends in the middle of it: truncated capture"},
		"pcapng block cut":        {ng[:len(ng)-7], "packet 9:"},
		"unsupported link type":   {wifi, "packet 1: link type"},
		"pcapng section garbage":  {append([]byte{0x0a, 0x0d, 0x0d, 0x0a}, bytes.Repeat([]byte{0xff}, 40)...), "pcapng block at byte 0: section header without the byte-order magic"},
		"pcapng block length":     {append(append([]byte(nil), ng[:shb+4]...), 0xfc, 0xff, 0xff, 0x7f), fmt.Sprintf("packet 1: pcapng block at byte %d: block length 2147483644 is larger than 16 MiB", shb)},
		"pcapng trailing length":  {badTrail(ng), fmt.Sprintf("packet 1: pcapng block at byte %d: the block's trailing length", shb)},
		"pcap with garbage after": {append(append([]byte(nil), whole...), bytes.Repeat([]byte{0x7f}, 30)...), "packet 10:"},
	} {
		t.Run(name, func(t *testing.T) {
			segs, _, err := Read(bytes.NewReader(c.data))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Nil(t, segs, "no partial result")
		})
	}
}

// TestReadSkipsOtherTraffic: UDP and other packets are not segments; the
// TCP ones around them still are.
func TestReadSkipsOtherTraffic(t *testing.T) {
	ps := closeByClient()[:2]
	data := pcapOf(t, layers.LinkTypeEthernet, 0, ps...)
	// A UDP packet: the same frame with IP protocol 17 (its checksum is
	// not checked).
	udp := frame(t, layers.LinkTypeEthernet, pkt{src: cli, dst: srv, flags: "ACK", at: time.Millisecond})
	udp[14+9] = 17
	var b bytes.Buffer
	b.Write(data)
	hdr := make([]byte, 16)
	hdr[0] = 1 // seconds, little endian: any time
	hdr[8], hdr[12] = byte(len(udp)), byte(len(udp))
	b.Write(hdr)
	b.Write(udp)
	segs, skipped, err := Read(&b)
	require.NoError(t, err)
	assert.Zero(t, skipped)
	assert.Len(t, segs, 2)
}

// badTrail is pcapng file ng with the trailing length of its second block
// (the interface description) changed.
func badTrail(ng []byte) []byte {
	out := append([]byte(nil), ng...)
	shb := int(binary.LittleEndian.Uint32(out[4:8]))
	n := int(binary.LittleEndian.Uint32(out[shb+4:]))
	out[shb+n-4]++
	return out
}

// TestReadGzip: a capture compressed with gzip reads as the capture; one
// whose compressed stream is cut off is truncated.
func TestReadGzip(t *testing.T) {
	for name, data := range map[string][]byte{
		"pcap":   pcapOf(t, layers.LinkTypeEthernet, 0, closeByClient()...),
		"pcapng": pcapngOf(t, layers.LinkTypeEthernet, closeByClient()...),
	} {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		_, err := zw.Write(data)
		require.NoError(t, err)
		require.NoError(t, zw.Close())
		segs, _, err := Read(bytes.NewReader(b.Bytes()))
		require.NoError(t, err, name)
		assert.Len(t, segs, len(closeByClient()), name)

		_, _, err = Read(bytes.NewReader(b.Bytes()[:b.Len()-20]))
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), "gzip-compressed capture: ", name)
		assert.Contains(t, err.Error(), "truncated", name)
	}
}
