package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/spec"
	"github.com/tcpfsm/tcpfsm/verify"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or with -update writes it.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), got, "%s (go test -update rewrites it)", path)
}

// endpoint is an endpoint in state st, held by its application, of
// incarnation 1 unless it has no connection.
func endpoint(st tcp.State) model.Endpoint {
	if st == tcp.Closed || st == tcp.Listen {
		return model.Endpoint{St: st}
	}
	return model.Endpoint{St: st, Inc: 1, Held: true}
}

// state is a global state with A and B in states a and b and the given
// segments in flight from A to B.
func state(a, b tcp.State, toB ...model.Segment) model.State {
	s := model.State{E: [2]model.Endpoint{endpoint(a), endpoint(b)}}
	copy(s.Net[0][:], toB)
	s.N[0] = uint8(len(toB))
	return s
}

// lasso is a made-up liveness counterexample with a step of every kind:
// an open, a delivery, a delivered copy, a loss, a tick and a timer that
// fires and sends into a full channel, the last three repeating for ever.
func lasso() *check.Counterexample {
	fin := model.Segment{Kind: model.FIN, Inc: 1}
	syn := model.Segment{Kind: model.SYN, Inc: 2, Stray: true, Age: 1}
	return &check.Counterexample{
		Property: "P2",
		Problem:  "A's FIN is never ACKed; #1 waits",
		Initial:  state(tcp.Closed, tcp.Listen),
		Steps: []check.Step{
			{Label: model.Label{Kind: model.App, End: model.A, Event: tcp.AppOpenActive, From: tcp.Closed, To: tcp.SynSent, Actions: tcp.SendSyn, Above: true}, State: state(tcp.SynSent, tcp.Listen, syn)},
			{Label: model.Label{Kind: model.Deliver, End: model.B, Event: tcp.RcvSyn, Seg: syn, From: tcp.Listen, To: tcp.SynReceived}, State: state(tcp.SynSent, tcp.SynReceived)},
			{Label: model.Label{Kind: model.DeliverCopy, End: model.B, Event: tcp.RcvFin, Seg: fin, From: tcp.Established, To: tcp.Established}, State: state(tcp.FinWait1, tcp.Established, fin)},
			{Label: model.Label{Kind: model.Lose, End: model.B, Seg: fin}, State: state(tcp.FinWait1, tcp.Established)},
			{Label: model.Label{Kind: model.Tick}, State: state(tcp.FinWait1, tcp.Established)},
			{Label: model.Label{Kind: model.Fire, End: model.A, Event: tcp.TimeoutRetransmission, From: tcp.FinWait1, To: tcp.FinWait1, Actions: tcp.SendFin, Lost: 1}, State: state(tcp.FinWait1, tcp.Established, fin)},
		},
		Loop: 3,
	}
}

// stutter is a made-up liveness counterexample whose cycle is time
// passing in its last state.
func stutter() *check.Counterexample {
	return &check.Counterexample{
		Property: "P7",
		Problem:  "A is left in FIN_WAIT_2\nfor ever",
		Initial:  state(tcp.Established, tcp.Established),
		Steps: []check.Step{
			{Label: model.Label{Kind: model.App, End: model.A, Event: tcp.AppClose, From: tcp.Established, To: tcp.FinWait1, Actions: tcp.SendFin}, State: state(tcp.FinWait1, tcp.Established)},
			{Label: model.Label{Kind: model.Tick}, State: state(tcp.FinWait1, tcp.Established)},
		},
		Loop:    1,
		Stutter: true,
	}
}

// safety is a made-up safety counterexample of property id.
func safety(id string) *check.Counterexample {
	c := lasso()
	c.Property, c.Problem, c.Steps, c.Loop = id, "B entered TIME_WAIT", c.Steps[:2], -1
	return c
}

// TestSequenceDiagramGolden: the Mermaid sequence diagrams of made-up
// counterexamples, which take every branch of the drawing.
func TestSequenceDiagramGolden(t *testing.T) {
	golden(t, "lasso.mmd", sequenceDiagram("linux", "VIOLATED", lasso()))
	golden(t, "stutter.mmd", sequenceDiagram("rfc9293", "finding", stutter()))
	golden(t, "safety.mmd", sequenceDiagram("bsd", "VIOLATED", safety("P4")))
}

// TestFormatCounterexampleGolden: the numbered steps of made-up
// counterexamples.
func TestFormatCounterexampleGolden(t *testing.T) {
	golden(t, "lasso.txt", formatCounterexample("linux", "VIOLATED", lasso())+
		formatCounterexample("rfc9293", "finding", stutter())+
		formatCounterexample("bsd", "VIOLATED", safety("P4")))
}

// madeUpReport is a report on the TCP spec with every kind of verdict:
// holds, holds though the profile declares a finding, a finding, a
// violation the profile declares a finding on but from another cause, and
// a violation without a trace.
func madeUpReport() *verify.Report {
	holds := func(id, name string) verify.PropertyResult {
		return verify.PropertyResult{ID: id, Name: name, Holds: true}
	}
	withTrace := func(p verify.PropertyResult, c *check.Counterexample) verify.PropertyResult {
		p.Problem, p.Trace = c.Problem, c
		return p
	}
	return &verify.Report{
		Spec:   spec.TCPFile,
		Bounds: "client A and server B over a network of capacity 1 per direction",
		Results: []verify.ProfileResult{
			{Profile: "rfc9293", MSL: "2m0s", Timing: "tick 1m0s", States: 1000, Transitions: 4000, Seconds: 0.5,
				Properties: []verify.PropertyResult{
					holds("P3", "NoOldDuplicate"),
					withTrace(verify.PropertyResult{ID: "P7", Name: "NoOrphan", Finding: "RFC9293 3.6 no FIN-WAIT-2 timer"}, stutter()),
					holds("P9", "DeterministicAndTotal"),
				}},
			{Profile: "linux", MSL: "1m0s", Timing: "tick 30s", States: 7, Transitions: 9, Seconds: 0,
				Properties: []verify.PropertyResult{
					withTrace(verify.PropertyResult{ID: "P2", Name: "FinAcked"}, lasso()),
					withTrace(verify.PropertyResult{ID: "P8", Name: "CleanClose"}, safety("P8")),
					{ID: "P9", Name: "DeterministicAndTotal", Problem: "(CLOSED, rcv FIN): no rule"},
				}},
		},
	}
}

// TestPrintReportGolden: the text report of a made-up report, on the
// embedded spec and on a spec the model does not run.
func TestPrintReportGolden(t *testing.T) {
	sp, err := spec.TCP()
	require.NoError(t, err)
	rep := madeUpReport()
	var b strings.Builder
	printReport(&b, sp, rep, []*spec.Profile{sp.Profile("rfc9293"), sp.Profile("linux")}, true)
	golden(t, "report.txt", b.String())

	mini, err := loadSpec("../../spec/testdata/mini.fsm")
	require.NoError(t, err)
	skipped := &verify.Report{Spec: mini.File, Skipped: "the model runs the TCP vocabulary", Results: []verify.ProfileResult{
		{Profile: "home", MSL: "none", Properties: []verify.PropertyResult{{ID: "P9", Name: "DeterministicAndTotal", Holds: true}}},
		{Profile: "office", MSL: "none", Properties: []verify.PropertyResult{{ID: "P9", Name: "DeterministicAndTotal", Problem: "(OPEN, rcv BUMP): two rules"}}},
	}}
	b.Reset()
	printReport(&b, mini, skipped, mini.Profiles, false)
	golden(t, "skipped.txt", b.String())
}

// TestCheckDiagramGolden: fsmgen check -diagram on the smallest bounds
// writes the counterexample of RFC 9293's finding, as it always has.
func TestCheckDiagramGolden(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cx.mmd")
	code, _, stderr := fsmgen("check", "-capacity", "1", "-profile", "rfc9293", "-diagram", path)
	require.Equal(t, 0, code, stderr)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	golden(t, "rfc9293.mmd", string(data))
}
