package spec

import (
	_ "embed"
	"sync"
)

// TCPFile is the name the embedded TCP spec carries in positions and in
// generated headers: its path in the repository.
const TCPFile = "spec/tcp.fsm"

//go:embed tcp.fsm
var tcpSource []byte

// TCPSource returns the text of the embedded TCP spec.
func TCPSource() []byte { return append([]byte(nil), tcpSource...) }

var tcpOnce = sync.OnceValues(func() (*Spec, error) { return Parse(TCPFile, tcpSource) })

// TCP returns the embedded TCP spec, parsed. The result is shared: callers
// must not modify it.
func TCP() (*Spec, error) { return tcpOnce() }
