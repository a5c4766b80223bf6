package track

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadmeExample: the example output in the README is what fsmgen
// track prints for the capture it names, so that it cannot drift from the
// spec's lines.
func TestReadmeExample(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	const head = "    10 TCP segments in 1 connection, profile linux\n"
	i := bytes.Index(readme, []byte(head))
	require.GreaterOrEqual(t, i, 0, "the README's fsmgen track example")
	j := bytes.Index(readme[i:], []byte("\n\nThe server sat"))
	require.Greater(t, j, 0)
	var want strings.Builder
	for _, line := range strings.Split(string(readme[i:i+j]), "\n") {
		want.WriteString(strings.TrimPrefix(line, "    ") + "\n")
	}

	capture, err := os.ReadFile("testdata/linux/lost-final-ack.pcap")
	require.NoError(t, err)
	segs, _, err := Read(bytes.NewReader(capture))
	require.NoError(t, err)
	var got bytes.Buffer
	require.NoError(t, followLinux(segs).WriteText(&got))
	assert.Equal(t, want.String(), got.String())
}
