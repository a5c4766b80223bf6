package lab

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBuildRSTParses(t *testing.T) {
	p := buildRST(12345, 40000, 0xdeadbeef)
	h, err := parseIPv4TCP(p)
	require.NoError(t, err)
	assert.Equal(t, tcpHeader{srcPort: 12345, dstPort: 40000, seq: 0xdeadbeef, rst: true}, h)
	// A correct checksum makes the sum over the pseudo-header and segment
	// come out as 0xffff, that is, 0 once complemented.
	assert.Equal(t, uint16(0), tcpChecksum(p[12:16], p[16:20], p[20:]))
}

func TestParseIPv4TCP(t *testing.T) {
	// A FIN,ACK with 12 bytes of options and 5 bytes of data, cut short
	// after the headers as the capture reads it.
	p := make([]byte, 20+32+5)
	p[0], p[9] = 0x45, 6
	binary.BigEndian.PutUint16(p[2:4], uint16(len(p)))
	tcp := p[20:]
	binary.BigEndian.PutUint16(tcp[0:2], 40000)
	binary.BigEndian.PutUint16(tcp[2:4], 12345)
	binary.BigEndian.PutUint32(tcp[4:8], 100)
	binary.BigEndian.PutUint32(tcp[8:12], 200)
	tcp[12] = 8 << 4
	tcp[13] = tcpFIN | tcpACK
	h, err := parseIPv4TCP(p[:20+32])
	require.NoError(t, err)
	assert.Equal(t, tcpHeader{srcPort: 40000, dstPort: 12345, seq: 100, ack: 200, fin: true, ackf: true, payload: 5}, h)

	udp := append([]byte(nil), p...)
	udp[9] = 17
	_, err = parseIPv4TCP(udp)
	assert.ErrorIs(t, err, errNotTCP)
	_, err = parseIPv4TCP(p[:30])
	assert.Error(t, err)
	bad := append([]byte(nil), p...)
	bad[20+12] = 2 << 4
	_, err = parseIPv4TCP(bad)
	assert.Error(t, err)
}
