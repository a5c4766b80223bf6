package verify

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/diagram"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/internal/specgen"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/props"
	"github.com/tcpfsm/tcpfsm/spec"
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

// TestExchangeGolden: the Mermaid sequence diagrams of made-up
// counterexamples, which take every branch of the drawing.
func TestExchangeGolden(t *testing.T) {
	golden(t, "lasso.mmd", diagram.Sequence(Exchange("linux", "VIOLATED", lasso())))
	golden(t, "stutter.mmd", diagram.Sequence(Exchange("rfc9293", "finding", stutter())))
	golden(t, "safety.mmd", diagram.Sequence(Exchange("bsd", "VIOLATED", safety("P4"))))
}

// TestFormatCounterexampleGolden: the numbered steps of made-up
// counterexamples.
func TestFormatCounterexampleGolden(t *testing.T) {
	golden(t, "lasso.txt", FormatCounterexample("linux", "VIOLATED", lasso())+
		FormatCounterexample("rfc9293", "finding", stutter())+
		FormatCounterexample("bsd", "VIOLATED", safety("P4")))
}

// madeUpReport is a report on the TCP spec with every kind of verdict:
// holds, holds though the profile declares a finding, a finding, a
// violation the profile declares a finding on but from another cause, and
// a violation without a trace.
func madeUpReport() *Report {
	holds := func(id, name string) PropertyResult {
		return PropertyResult{ID: id, Name: name, Holds: true}
	}
	withTrace := func(p PropertyResult, c *check.Counterexample) PropertyResult {
		p.Problem, p.Trace = c.Problem, c
		return p
	}
	return &Report{
		Spec:   spec.TCPFile,
		Table:  bind.Generated,
		Bounds: "client A and server B over a network of capacity 1 per direction",
		Results: []ProfileResult{
			{Profile: "rfc9293", MSL: "2m0s", Timing: "tick 1m0s", States: 1000, Transitions: 4000, Seconds: 0.5,
				Properties: []PropertyResult{
					holds("P3", "NoOldDuplicate"),
					withTrace(PropertyResult{ID: "P7", Name: "NoOrphan", Finding: "RFC9293 3.6 no FIN-WAIT-2 timer"}, stutter()),
					holds("P9", "DeterministicAndTotal"),
				}},
			{Profile: "linux", MSL: "1m0s", Timing: "tick 30s", States: 7, Transitions: 9, Seconds: 0,
				Properties: []PropertyResult{
					withTrace(PropertyResult{ID: "P2", Name: "FinAcked"}, lasso()),
					withTrace(PropertyResult{ID: "P8", Name: "CleanClose"}, safety("P8")),
					{ID: "P9", Name: "DeterministicAndTotal", Problem: "(CLOSED, rcv FIN): no rule"},
				}},
		},
	}
}

// TestWriteTextGolden: the text report of a made-up report, on the
// embedded spec and on a spec the model does not run.
func TestWriteTextGolden(t *testing.T) {
	sp, err := spec.TCP()
	require.NoError(t, err)
	var b strings.Builder
	require.NoError(t, madeUpReport().WriteText(&b, sp))
	golden(t, "report.txt", b.String())

	mini, err := spec.Parse("mini.fsm", specgen.Mini)
	require.NoError(t, err)
	skipped := &Report{Spec: mini.File, Skipped: "the model runs the TCP vocabulary", Results: []ProfileResult{
		{Profile: "home", MSL: "none", Properties: []PropertyResult{{ID: "P9", Name: "DeterministicAndTotal", Holds: true}}},
		{Profile: "office", MSL: "none", Properties: []PropertyResult{{ID: "P9", Name: "DeterministicAndTotal", Problem: "(OPEN, rcv BUMP): two rules"}}},
	}}
	b.Reset()
	require.NoError(t, skipped.WriteText(&b, mini))
	golden(t, "skipped.txt", b.String())
	assert.NotContains(t, b.String(), "generated/tcp", "P9 was checked on the spec alone")
}

// TestWriteTextUnknownProfile: a report on a profile the spec does not
// have (a report read against another spec) is written without the notes
// on declared findings, not a panic.
func TestWriteTextUnknownProfile(t *testing.T) {
	sp, err := spec.TCP()
	require.NoError(t, err)
	rep := madeUpReport()
	rep.Results[1].Profile = "plan9"
	var b strings.Builder
	require.NoError(t, rep.WriteText(&b, sp))
	assert.Contains(t, b.String(), "P8 VIOLATED under plan9: B entered TIME_WAIT")
	assert.NotContains(t, b.String(), "The profile declares a finding on P8")
}

// TestWriteJSON: the JSON report keeps its field names, leaves out empty
// ones and the checker's own trace, and says where a lasso's cycle starts.
func TestWriteJSON(t *testing.T) {
	loop := 2
	rep := &Report{Spec: "x.fsm", Bounds: "b", Results: []ProfileResult{{
		Profile: "linux", MSL: "1m0s", Timing: "tick 30s", States: 3, Transitions: 4, Seconds: 0.5, Bytes: 64,
		Properties: []PropertyResult{
			{ID: "P1", Name: "NoHalfOpen", Holds: true},
			{ID: "P2", Name: "FinAcked", Problem: "never ACKed", Finding: "RFC 1",
				Counterexample: []Step{{Step: "start", State: "A CLOSED"}, {Step: "tick", State: "A CLOSED"}},
				RepeatsFrom:    &loop, Trace: lasso()},
		},
	}}}
	var b strings.Builder
	require.NoError(t, rep.WriteJSON(&b))
	golden(t, "report.json", b.String())
}

// TestReportOfRFC9293 verifies the embedded spec under RFC 9293 on the
// quick bounds, where its findings show (P7: no FIN_WAIT_2 timer; P12: an
// R2 shorter than two MSL),
// and writes the report all three ways.
func TestReportOfRFC9293(t *testing.T) {
	sp, err := spec.TCP()
	require.NoError(t, err)
	rep, failures, err := Run(sp, []*spec.Profile{sp.Profile("rfc9293")}, Options{Bounds: model.QuickBounds(), Table: bind.Generated})
	require.NoError(t, err)
	require.Zero(t, failures, rep.Failures())

	var b strings.Builder
	require.NoError(t, rep.WriteDiagrams(&b))
	golden(t, "rfc9293.mmd", b.String())

	b.Reset()
	require.NoError(t, rep.WriteText(&b, sp))
	brief := b.String()
	assert.Regexp(t, `\nFinding P7 under rfc9293, as the profile declares: RFC9293 3\.6 no FIN-WAIT-2 timer[^\n]*\n  nothing can happen any more, and A \(client\) is left in FIN_WAIT_2 \(-v prints the counterexample\)\n`, brief)
	assert.NotContains(t, brief, "\nP7 under rfc9293: ", "a finding's counterexample only with Detail")
	b.Reset()
	rep.Detail = true
	require.NoError(t, rep.WriteText(&b, sp))
	text := b.String()
	assert.Regexp(t, `(?m)^rfc9293 +holds +holds +holds +holds +holds +holds +finding +holds +holds +holds +holds +finding +finding +holds +holds +holds +holds +holds +holds +holds +\d+ +\d+ `, text)
	assert.Contains(t, text, "Model: client A and server B over a network of capacity 1 per direction")
	assert.Regexp(t, `\n   1\. A: app OPEN_ACTIVE: CLOSED -> SYN_SENT: [^\n]*  \[spec/tcp\.fsm:\d+\]\n`, text, "each step names its rule's line")
	for _, tr := range rep.Traces() {
		for _, st := range tr.Steps {
			if st.Rule != "" {
				line, err := strconv.Atoi(strings.TrimPrefix(st.Rule, "spec/tcp.fsm:"))
				require.NoError(t, err, st.Rule)
				rule := strings.Split(string(sp.Source), "\n")[line-1]
				_, after, ok := strings.Cut(st.Label, " -> ")
				require.True(t, ok, st.Label)
				to, _, _ := strings.Cut(after, ":")
				assert.True(t, strings.Contains(rule, "-> "+to+" ") || strings.Contains(rule, "ignore") || strings.Contains(rule, "reject"),
					"%s names the rule of %s: %s", st.Rule, st.Label, rule)
			}
		}
	}
	assert.Contains(t, text, "P9 is checked on the spec and on generated/tcp")
	assert.Contains(t, text, "Finding P7 under rfc9293, as the profile declares: RFC9293 3.6 no FIN-WAIT-2 timer")
	assert.Contains(t, text, "\nP7 under rfc9293: nothing can happen any more, and A (client) is left in FIN_WAIT_2")
	assert.Contains(t, text, "\nDeclared findings that do not show at these bounds (they hold here): P3 under rfc9293, P8 under rfc9293.\n")

	b.Reset()
	require.NoError(t, rep.WriteJSON(&b))
	var got struct {
		Results []struct {
			Profile    string  `json:"profile"`
			MSL        string  `json:"msl"`
			States     int     `json:"states"`
			Seconds    float64 `json:"seconds"`
			Properties []struct {
				ID             string `json:"id"`
				Name           string `json:"name"`
				Holds          bool   `json:"holds"`
				Finding        string `json:"finding"`
				Counterexample []struct {
					Step, State string
				} `json:"counterexample"`
			} `json:"properties"`
		} `json:"results"`
	}
	require.NoError(t, json.Unmarshal([]byte(b.String()), &got))
	require.Len(t, got.Results, 1)
	r := got.Results[0]
	assert.Equal(t, "rfc9293", r.Profile)
	assert.Equal(t, "2m0s", r.MSL, "RFC 9293's MSL")
	assert.Positive(t, r.States)
	var ids []string
	for _, p := range props.All {
		if p.ID != "P13" && p.ID != "P15" && p.ID != "P16" && p.ID != "P23" && p.ID != "P25" && p.ID != "P26" { // the attacker's, data's, the zero window's and keep-alive's: not without them
			ids = append(ids, p.ID)
		}
	}
	require.Len(t, r.Properties, len(ids))
	for i, p := range r.Properties {
		assert.Equal(t, ids[i], p.ID)
		assert.NotEmpty(t, p.Name)
		assert.Equal(t, p.ID != "P7" && p.ID != "P12" && p.ID != "P14", p.Holds, p.ID)
		assert.Equal(t, !p.Holds, len(p.Counterexample) > 0, p.ID)
		assert.Equal(t, !p.Holds, p.Finding != "", p.ID)
	}
}

// tiny are the smallest bounds the TCP spec's model runs on: one segment
// in flight each way and one incarnation. RFC 9293's finding shows.
func tiny() model.Bounds {
	b := model.QuickBounds()
	b.Incarnations = 1
	return b
}

// TestReportOfEveryProfile: the text report on the embedded spec has a
// row per profile, in spec order, and points out the findings that do not
// show at these bounds.
func TestReportOfEveryProfile(t *testing.T) {
	sp, err := spec.TCP()
	require.NoError(t, err)
	rep, failures, err := Run(sp, sp.Profiles, Options{Bounds: tiny(), Table: bind.Generated})
	require.NoError(t, err)
	require.Zero(t, failures, rep.Failures())
	var b strings.Builder
	require.NoError(t, rep.WriteText(&b, sp))
	text := b.String()
	for p, row := range map[string]string{
		"rfc9293": "holds +holds +holds +holds +holds +holds +finding +holds +holds +holds +holds +finding +finding +holds +holds +holds +holds +holds +holds +holds",
		"linux":   "holds +holds +holds +holds +holds +holds +holds +holds +holds +holds +holds +holds +finding +holds +holds +holds +holds +holds +holds +holds",
		"bsd":     "holds +holds +holds +holds +holds +holds +holds +holds +holds +holds +holds +holds +holds +holds +holds +holds +holds +holds +holds +holds",
		"solaris": "holds +holds +holds +holds +holds +holds +holds +holds +holds +holds +holds +holds +finding +holds +holds +holds +holds +holds +holds +holds",
		"windows": "holds +holds +holds +holds +holds +holds +holds +holds +holds +holds +holds +holds +finding +holds +holds +holds +holds +holds +holds +holds",
	} {
		assert.Regexp(t, `(?m)^`+p+` +`+row+` +\d+ +\d+ `, text, "properties under %s", p)
	}
	assert.Regexp(t, `(?s)\nrfc9293 .*\nlinux .*\nbsd .*\nsolaris .*\nwindows `, text, "rows in spec order")
	assert.Contains(t, text, "1 incarnation;")
	assert.Regexp(t, `\nDeclared findings that do not show at these bounds \(they hold here\): .*P3 under linux, P8 under linux`, text)
}

// TestProgressLine: what fsmgen check shows while it runs.
func TestProgressLine(t *testing.T) {
	p := Progress{Phase: "explore", States: 1500, Done: 700, Depth: 12, Bytes: 3 << 20, Elapsed: 2500 * time.Millisecond}
	assert.Equal(t, "linux: explore: 1500 states, 600 states/s, frontier 800, depth 12, 3 MiB, 2 s", ProgressLine("linux", p))
	p = Progress{Phase: "liveness", States: 1500, Done: 700, Bytes: 3 << 20, Elapsed: 4 * time.Second}
	assert.Equal(t, "linux: liveness: 1500 states, 700 visited, 3 MiB, 4 s", ProgressLine("linux", p))
}

// TestVerdictLine: the text report ends with one verdict line: holds,
// holds but for the declared findings, or VIOLATED with what failed.
func TestVerdictLine(t *testing.T) {
	sp, err := spec.TCP()
	require.NoError(t, err)
	for profiles, want := range map[string]string{
		"bsd":     `\nVerdict: holds: every property under 1 profile at these bounds\.\n$`,
		"rfc9293": `\nVerdict: holds under 1 profile at these bounds, but for the findings the spec declares: P7 under rfc9293(, P12 under rfc9293)?, P14 under rfc9293\.\n$`,
	} {
		rep, _, err := Run(sp, []*spec.Profile{sp.Profile(profiles)}, Options{Bounds: tiny()})
		require.NoError(t, err)
		var b strings.Builder
		require.NoError(t, rep.WriteText(&b, sp))
		assert.Regexp(t, want, b.String(), profiles)
		assert.Contains(t, b.String(), "Properties: P1 NoNewIncarnationDuring2MSL, P2 EveryFINAcked,", profiles)
	}
	var b strings.Builder
	require.NoError(t, madeUpReport().WriteText(&b, sp))
	assert.True(t, strings.HasSuffix(b.String(), "\nVerdict: VIOLATED: P2 under linux, P8 under linux, P9 under linux.\n"), b.String())
}

// TestSearchInReport: the text report says when only the safety
// properties were checked, and under hash compaction prints each
// profile's probability of a missed state and the largest in the verdict.
func TestSearchInReport(t *testing.T) {
	sp, err := spec.TCP()
	require.NoError(t, err)
	rep, _, err := Run(sp, []*spec.Profile{sp.Profile("bsd")}, Options{Bounds: tiny(), Safety: true, HashBits: 32})
	require.NoError(t, err)
	var b strings.Builder
	require.NoError(t, rep.WriteText(&b, sp))
	text := b.String()
	assert.Contains(t, text, "\nSafety properties only: P2's liveness half is not checked (as SPIN's pan with -DSAFETY).\n")
	assert.Contains(t, text, "\nHash compaction: 32 bits of each state's hash are kept")
	assert.Contains(t, text, "P2 is checked on every step only")
	p := formatOmission(rep.Results[0].Omission)
	assert.Regexp(t, `(?m)^profile .* timing +p\(missed\)$`, text)
	assert.Regexp(t, `(?m)^bsd .* `+regexp.QuoteMeta(p)+`$`, text)
	assert.True(t, strings.HasSuffix(text, "\nVerdict: holds (hash compaction: p(missed state) ≤ "+p+"): every safety property under 1 profile at these bounds.\n"), text)

	rep, _, err = Run(sp, []*spec.Profile{sp.Profile("rfc9293")}, Options{Bounds: tiny(), HashBits: 40})
	require.NoError(t, err)
	b.Reset()
	require.NoError(t, rep.WriteText(&b, sp))
	assert.Regexp(t, `\nVerdict: holds \(hash compaction: p\(missed state\) ≤ [0-9.e-]+\) under 1 profile at these bounds, but for the findings the spec declares: P7 under rfc9293`, b.String())
	assert.NotContains(t, b.String(), "Safety properties only")
}
