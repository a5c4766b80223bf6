package lab

import (
	"encoding/binary"
	"errors"
)

// tcpHeader is what a trace needs of a captured IPv4+TCP packet.
type tcpHeader struct {
	srcPort, dstPort    uint16
	seq, ack            uint32
	syn, ackf, fin, rst bool
	payload             int
}

// TCP flag bits.
const (
	tcpFIN = 0x01
	tcpSYN = 0x02
	tcpRST = 0x04
	tcpACK = 0x10
)

var errNotTCP = errors.New("not an IPv4 TCP packet")

// parseIPv4TCP reads the IPv4 and TCP headers at the start of b, a packet
// as an AF_PACKET SOCK_DGRAM socket hands it over (no link header). b may
// be cut short after the TCP header: the payload length comes from the IP
// total length.
func parseIPv4TCP(b []byte) (tcpHeader, error) {
	var h tcpHeader
	if len(b) < 20 || b[0]>>4 != 4 || b[9] != 6 {
		return h, errNotTCP
	}
	ihl := int(b[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(b[2:4]))
	if ihl < 20 || len(b) < ihl+20 {
		return h, errors.New("IPv4 TCP packet too short")
	}
	t := b[ihl:]
	doff := int(t[12]>>4) * 4
	if doff < 20 || total < ihl+doff {
		return h, errors.New("bad TCP data offset or IP total length")
	}
	h.srcPort = binary.BigEndian.Uint16(t[0:2])
	h.dstPort = binary.BigEndian.Uint16(t[2:4])
	h.seq = binary.BigEndian.Uint32(t[4:8])
	h.ack = binary.BigEndian.Uint32(t[8:12])
	f := t[13]
	h.fin, h.syn, h.rst, h.ackf = f&tcpFIN != 0, f&tcpSYN != 0, f&tcpRST != 0, f&tcpACK != 0
	h.payload = total - ihl - doff
	return h, nil
}

// buildRST makes an IPv4 packet carrying a bare RST (no ACK, no options)
// from 127.0.0.1:src to 127.0.0.1:dst with sequence number seq, for a
// raw IPPROTO_RAW socket. The TCP checksum is filled in; the kernel fills
// the IP checksum and id.
func buildRST(src, dst uint16, seq uint32) []byte {
	p := make([]byte, 40)
	p[0] = 0x45                                // IPv4, 20-byte header
	binary.BigEndian.PutUint16(p[2:4], 40)     // total length
	binary.BigEndian.PutUint16(p[6:8], 0x4000) // don't fragment
	p[8] = 64                                  // TTL
	p[9] = 6                                   // TCP
	copy(p[12:16], []byte{127, 0, 0, 1})
	copy(p[16:20], []byte{127, 0, 0, 1})
	t := p[20:]
	binary.BigEndian.PutUint16(t[0:2], src)
	binary.BigEndian.PutUint16(t[2:4], dst)
	binary.BigEndian.PutUint32(t[4:8], seq)
	t[12] = 5 << 4 // 20-byte header
	t[13] = tcpRST
	binary.BigEndian.PutUint16(t[16:18], tcpChecksum(p[12:16], p[16:20], t))
	return p
}

// tcpChecksum is the TCP checksum of segment seg (checksum field zero)
// between IPv4 addresses src and dst.
func tcpChecksum(src, dst, seg []byte) uint16 {
	var sum uint32
	add := func(b []byte) {
		for i := 0; i+1 < len(b); i += 2 {
			sum += uint32(binary.BigEndian.Uint16(b[i:]))
		}
		if len(b)%2 == 1 {
			sum += uint32(b[len(b)-1]) << 8
		}
	}
	add(src)
	add(dst)
	sum += 6 + uint32(len(seg))
	add(seg)
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}
