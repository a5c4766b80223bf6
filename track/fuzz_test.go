package track

import (
	"bytes"
	"encoding/json"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/gopacket/layers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// FuzzRead feeds Read anything: it must return segments or an error,
// never panic, and what it returns must follow and print. Seeds: the
// committed Linux captures and test captures of every link type.
func FuzzRead(f *testing.F) {
	pcaps, _ := filepath.Glob(filepath.Join("testdata", "linux", "*.pcap"))
	for _, p := range pcaps {
		data, err := os.ReadFile(p)
		require.NoError(f, err)
		f.Add(data)
	}
	t := &testing.T{}
	for _, lt := range []layers.LinkType{layers.LinkTypeEthernet, layers.LinkTypeLinuxSLL, layers.LinkTypeRaw} {
		f.Add(pcapOf(t, lt, 0, closeByClient()...))
		f.Add(pcapngOf(t, lt, closeByClient()...))
	}
	f.Add([]byte("\x0a\x0d\x0d\x0a"))
	f.Fuzz(func(t *testing.T, data []byte) {
		segs, _, err := Read(bytes.NewReader(data))
		if err != nil {
			assert.Nil(t, segs)
			assert.NotEmpty(t, err.Error())
			return
		}
		rep := Follow(segs, tcp.Linux)
		var b bytes.Buffer
		require.NoError(t, rep.WriteJSON(&b))
		assert.True(t, json.Valid(b.Bytes()))
		require.NoError(t, rep.WriteText(io.Discard))
		for _, c := range rep.Connections {
			for _, s := range c.Sides {
				assert.NotEmpty(t, s.States, "a side starts with a state")
			}
		}
	})
}

// FuzzFollow drives Follow with arbitrary segments between two addresses,
// eight bytes a segment: direction and flags, then small steps of the
// sequence and acknowledgment numbers, payload and time, so that the
// segments land near one another as real ones do. Whatever they are, each
// side starts in a state, moves forward in time, and names a rule of the
// spec for every move.
func FuzzFollow(f *testing.F) {
	f.Add([]byte("\x02\x00\x00\x00\x00\x01\x00\x00\x93\x00\x01\x00\x00\x01\x00\x00\x10\x01\x01\x00\x00\x01\x00\x00"))
	f.Add(bytes.Repeat([]byte{0x11, 1, 1, 5, 1, 1, 0, 0, 0x90, 1, 1, 0, 1, 1, 0, 0}, 4))
	a, b := netip.MustParseAddrPort("10.0.0.1:1000"), netip.MustParseAddrPort("10.0.0.2:80")
	f.Fuzz(func(t *testing.T, data []byte) {
		var segs []Segment
		at := epoch
		var seq, ack [2]uint32
		for i := 0; i+8 <= len(data) && len(segs) < 200; i += 8 {
			d := data[i : i+8]
			dir := int(d[0] >> 7)
			src, dst := a, b
			if dir == 1 {
				src, dst = b, a
			}
			seq[dir] += uint32(d[1]) - 64
			ack[dir] += uint32(d[2]) - 64
			at = at.Add(time.Duration(d[3]) * time.Second)
			s := Segment{At: at, Src: src, Dst: dst, SYN: d[0]&1 != 0, FIN: d[0]&2 != 0, RST: d[0]&4 != 0, ACK: d[0]&16 != 0,
				Seq: seq[dir], Ack: ack[dir], Len: int(d[4] % 8), Window: uint16(d[5]) << 8, WScale: int(d[6]%16) - 1, Packet: len(segs) + 1}
			segs = append(segs, s)
		}
		for _, p := range tcp.Profiles() {
			rep := Follow(segs, p)
			for _, c := range rep.Connections {
				for _, s := range c.Sides {
					require.NotEmpty(t, s.States)
					assert.Contains(t, []string{"CLOSED", "LISTEN", "TIME_WAIT", Unknown}, s.States[0].State)
					assert.Empty(t, s.States[0].Rule)
					for i := 1; i < len(s.States); i++ {
						assert.GreaterOrEqual(t, s.States[i].T, s.States[i-1].T, "time goes forward")
						assert.Regexp(t, `^spec/tcp\.fsm:\d+$`, s.States[i].Rule)
						assert.NotEqual(t, s.States[i].State, s.States[i-1].State, "a move changes the state")
					}
				}
			}
		}
	})
}
