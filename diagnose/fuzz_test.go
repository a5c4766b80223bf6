package diagnose

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzSeeds are small pieces of each format, whole and cut.
var fuzzSeeds = []string{
	"State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nCLOSE-WAIT 1 0 127.0.0.1:8080 127.0.0.1:40080 users:((\"a b\",pid=1,fd=3)) timer:(keepalive,1min5sec,0) uid:0 ino:5 sk:1 -->\n",
	"ESTAB 0 0 [::1]:22 [::1]:5 timer:(on,1.600ms,2)\n\tts sack\n",
	"Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port\ntcp LISTEN 0 128 *:22 *:*\n",
	"Proto Recv-Q Send-Q Local Address Foreign Address State PID/Program name Timer\ntcp6 0 0 ::1:9 ::1:8 TIME_WAIT - timewait (59.5/0/0)\n",
	"  sl  local_address rem_address st\n   0: 0100007F:1F90 0100007F:9C66 08 00000000:00000001 02:000004A8 00000000 0 0 157040 2\n",
	"   0: 00000000000000000000000001000000:9C40 00000000000000000000000001000000:2382 06 00000000:00000000 03:000015F6 00000000 0 0 0 3\n",
	"ESTAB 0 0 10.0.0.1:22 10.0.0.2:5 users:((\"x\",pid=1",
	"tcp 0 0 10.0.0.1:22 10.0.0.2:6 ESTABLISHED 1/x (",
}

// FuzzRead: Read never panics; what it accepts has a state and
// addresses for every socket, and what it refuses is a ParseError at a
// line of the input.
func FuzzRead(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	for _, name := range fixtureFiles {
		if data, err := os.ReadFile(filepath.Join(hostDir, name)); err == nil && len(data) < 8192 {
			f.Add(string(data))
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		in, err := Read(strings.NewReader(text))
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("not a ParseError: %v", err)
			}
			if lines := strings.Count(text, "\n") + 1; pe.Line < 1 || pe.Line > lines {
				t.Fatalf("line %d of %d lines: %v", pe.Line, lines, err)
			}
			return
		}
		for _, s := range in.Sockets {
			if s.State == "" || s.Local.Addr == "" || s.Peer.Addr == "" || s.Line < 1 {
				t.Fatalf("socket without a state or an address: %+v", s)
			}
		}
	})
}
