package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/tcpfsm/tcpfsm/verify"
)

// TestProgressNotATerminal: on a stderr that is not a terminal, progress
// is a line of its own at most every progressEvery, and nothing before
// the first has passed.
func TestProgressNotATerminal(t *testing.T) {
	defer func(d time.Duration) { progressEvery = d }(progressEvery)
	progressEvery = 50 * time.Millisecond
	var stderr bytes.Buffer
	report, done := progress(&stderr, "fsmgen check")
	p := verify.Progress{Phase: "explore", States: 10, Done: 4, Elapsed: time.Second}
	report("linux", p)
	assert.Empty(t, stderr.String(), "a run shorter than progressEvery prints nothing")
	time.Sleep(60 * time.Millisecond)
	report("linux", p)
	report("linux", p)
	done()
	assert.Equal(t, "fsmgen check: linux: explore: 10 states, 10 states/s, frontier 6, depth 0, 0 MiB, 1 s\n", stderr.String())
}
