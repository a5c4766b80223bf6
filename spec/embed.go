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

// SCTPFile is the name the embedded SCTP spec carries in positions and in
// generated headers: its path in the repository.
const SCTPFile = "spec/sctp.fsm"

//go:embed sctp.fsm
var sctpSource []byte

// SCTPSource returns the text of the embedded SCTP spec: the association
// state machine of RFC 9260, the second protocol the same language,
// generator and checks serve.
func SCTPSource() []byte { return append([]byte(nil), sctpSource...) }

var sctpOnce = sync.OnceValues(func() (*Spec, error) { return Parse(SCTPFile, sctpSource) })

// SCTP returns the embedded SCTP spec, parsed. The result is shared:
// callers must not modify it.
func SCTP() (*Spec, error) { return sctpOnce() }
