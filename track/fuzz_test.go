package track

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

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
