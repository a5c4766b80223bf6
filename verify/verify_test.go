package verify

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/props"
	"github.com/tcpfsm/tcpfsm/spec"
)

// TestRunTCP: the TCP spec on the quick bounds, through its interpreter:
// no failure, one finding (P7 under RFC 9293), and a record that says so.
func TestRunTCP(t *testing.T) {
	sp, err := spec.TCP()
	require.NoError(t, err)
	rep, failures, err := Run(sp, sp.Profiles, Options{Bounds: model.QuickBounds()})
	require.NoError(t, err)
	assert.Zero(t, failures, rep.Failures())
	require.Len(t, rep.Results, len(sp.Profiles))
	for _, r := range rep.Results {
		// Every property but P13, P15 and P16, which need the attacker, P23,
		// which needs data, P25, the zero window, and P26, keep-alive.
		require.Len(t, r.Properties, len(props.All)-6, r.Profile)
		for _, p := range r.Properties {
			want := "holds"
			if r.Profile != "bsd" && p.ID == "P14" {
				want = "finding" // a stray RST ends TIME_WAIT where rfc1337 is off
				assert.Contains(t, p.Finding, "RFC1337 2")
			}
			if r.Profile == "rfc9293" && p.ID == "P12" {
				want = "finding"
				assert.Contains(t, p.Finding, "RFC9293 3.8.3 SHLD-11")
			}
			if r.Profile == "rfc9293" && p.ID == "P7" {
				want = "finding"
				assert.Contains(t, p.Finding, "RFC9293 3.6 no FIN-WAIT-2 timer")
				require.NotNil(t, p.Trace)
				assert.Equal(t, "start", p.Counterexample[0].Step)
				assert.Len(t, p.Counterexample, len(p.Trace.Steps)+1)
			}
			assert.Equal(t, want, p.Status(), "%s under %s", p.ID, r.Profile)
		}
	}
	v := rep.Verification()
	// The quick bounds are weaker than fsmgen check's defaults: what they
	// found is said so, and nothing is said to hold.
	assert.True(t, strings.HasPrefix(v[0], "Not verified at fsmgen check's default bounds"), v[0])
	assert.Contains(t, v[0], "Model-checked when generated only at weaker bounds: client A and server B over a network of capacity 1")
	assert.Regexp(t, `^rfc9293: \d+ states; P1 P2 P3 P4 P5 P6 P8 P9 P10 P11 P17 P18 P19 P20 P21 P22 P24 show no violation; findings the profile declares: P7 P12 P14\.$`, v[1])
	assert.Regexp(t, `^bsd: \d+ states; P1 P2 P3 P4 P5 P6 P7 P8 P9 P10 P11 P12 P14 P17 P18 P19 P20 P21 P22 P24 show no violation\.$`, v[3])
}

// TestRunRefusesBadFindings: a finding on no property, or on one with no
// known weakness, is an error at its place.
func TestRunRefusesBadFindings(t *testing.T) {
	src := string(spec.TCPSource())
	const line = "  finding               P7    [RFC9293 3.6"
	require.Contains(t, src, line)
	for id, want := range map[string]string{
		"P27": "finding P27: there is no such property (P1, P2, P3, P4, P5, P6, P7, P8, P9, P10, P11, P12, P13, P14, P15, P16, P17, P18, P19, P20, P21, P22, P23, P24, P25, P26)",
		"P4":  "finding P4: P4 has no known weakness a finding can name (findings may name P3, P7, P8, P12, P13, P14, P15, P16)",
	} {
		sp, err := spec.Parse("bad.fsm", []byte(strings.Replace(src, line, strings.Replace(line, "P7", id, 1), 1)))
		require.NoError(t, err)
		_, _, err = Run(sp, sp.Profiles, Options{Bounds: model.QuickBounds()})
		var list spec.ErrorList
		require.ErrorAs(t, err, &list, id)
		require.Len(t, list, 1)
		assert.Regexp(t, `^bad.fsm:\d+:25: profile rfc9293: `, list[0].Error(), "the place of the property")
		assert.Contains(t, list[0].Error(), want)
	}
}

// TestRunBadBounds: bounds the model refuses are a BadBounds.
func TestRunBadBounds(t *testing.T) {
	sp, err := spec.TCP()
	require.NoError(t, err)
	b := model.QuickBounds()
	b.Incarnations = 9
	_, _, err = Run(sp, sp.Profiles[:1], Options{Bounds: b})
	assert.ErrorAs(t, err, &BadBounds{})
	assert.ErrorContains(t, err, "incarnations 9 out of range 1..5")
}

// TestRunInterrupted: a run stopped while it explores linux returns the
// report so far, with Interrupted: bsd, finished, with its verdicts;
// linux marked incomplete, with no verdict but P9's; solaris, not begun,
// left out. Nothing in it reads as holding that was not checked.
func TestRunInterrupted(t *testing.T) {
	sp, err := spec.TCP()
	require.NoError(t, err)
	b := model.QuickBounds()
	b.Incarnations = 1
	stop := make(chan struct{})
	opt := Options{Bounds: b, Stop: stop, Progress: func(profile string, _ Progress) {
		if profile == "linux" {
			close(stop)
		}
	}}
	profiles := []*spec.Profile{sp.Profile("bsd"), sp.Profile("linux"), sp.Profile("solaris")}
	rep, failures, err := Run(sp, profiles, opt)
	require.Equal(t, Interrupted{Profile: "linux", States: 1}, err)
	assert.EqualError(t, err, "interrupted: profile linux incomplete after 1 states")
	require.NotNil(t, rep)
	assert.Zero(t, failures)
	assert.True(t, rep.Incomplete)
	require.Len(t, rep.Results, 2, "solaris was not begun")

	bsd, linux := rep.Results[0], rep.Results[1]
	assert.False(t, bsd.Incomplete)
	assert.Greater(t, bsd.States, 1)
	for _, p := range bsd.Properties {
		assert.Equal(t, "holds", p.Status(), p.ID)
	}
	assert.True(t, linux.Incomplete)
	assert.Equal(t, 1, linux.States)
	require.Len(t, linux.Properties, len(props.All)-6, "all but P13, P15 and P16, which need the attacker, P23, data, P25, the zero window, and P26, keep-alive")
	for _, p := range linux.Properties {
		if p.ID == "P9" {
			assert.Equal(t, "holds", p.Status(), "P9 is checked on the table, not by the exploration")
			continue
		}
		assert.Equal(t, "unchecked", p.Status(), p.ID)
		assert.False(t, p.Holds, p.ID)
		assert.False(t, p.Fails(), p.ID)
	}
	assert.Empty(t, rep.Failures())

	var text strings.Builder
	require.NoError(t, rep.WriteText(&text, sp))
	assert.Regexp(t, `(?m)^linux( +unchecked){8} +holds( +unchecked){11} +1 +0 `, text.String())
	assert.True(t, strings.HasSuffix(text.String(), "\ninterrupted: profile linux incomplete after 1 states; the results above are of the finished profiles (of linux, only P9, checked on the table; the other properties are unchecked)\n\nVerdict: incomplete: interrupted before every profile was checked.\n"), text.String())
	var js strings.Builder
	require.NoError(t, rep.WriteJSON(&js))
	var got struct {
		Incomplete bool `json:"incomplete"`
		Results    []struct {
			Incomplete bool `json:"incomplete"`
			Properties []struct {
				ID        string `json:"id"`
				Holds     bool   `json:"holds"`
				Unchecked bool   `json:"unchecked"`
			} `json:"properties"`
		} `json:"results"`
	}
	require.NoError(t, json.Unmarshal([]byte(js.String()), &got))
	assert.True(t, got.Incomplete)
	assert.True(t, got.Results[1].Incomplete)
	for _, p := range got.Results[1].Properties {
		assert.Equal(t, p.ID == "P9", p.Holds, p.ID)
		assert.Equal(t, p.ID != "P9", p.Unchecked, p.ID)
	}
}

// TestRunSearchOptions: -safety, -workers and -hash-bits change how the
// model is searched, not what is found. The safety run has the same
// states and verdicts and skips the liveness search; any number of
// workers finds the same states; hash compaction, at 64 bits on so small
// a model, finds them all and says how likely it was to miss one.
func TestRunSearchOptions(t *testing.T) {
	sp, err := spec.TCP()
	require.NoError(t, err)
	profiles := []*spec.Profile{sp.Profile("rfc9293")}
	run := func(opt Options) (*Report, map[string]bool) {
		phases := map[string]bool{}
		opt.Bounds = tiny()
		opt.Progress = func(_ string, p Progress) { phases[p.Phase] = true }
		rep, failures, err := Run(sp, profiles, opt)
		require.NoError(t, err)
		require.Zero(t, failures, rep.Failures())
		return rep, phases
	}
	statuses := func(r ProfileResult) []string {
		var out []string
		for _, p := range r.Properties {
			out = append(out, p.ID+" "+p.Status())
		}
		return out
	}
	exact, phases := run(Options{Workers: 1})
	require.Len(t, exact.Results, 1)
	assert.True(t, phases["liveness"], "the full check searches for fair cycles")
	assert.Zero(t, exact.Results[0].Omission)
	assert.Contains(t, statuses(exact.Results[0]), "P7 finding")

	safe, phases := run(Options{Safety: true, Workers: 2})
	assert.False(t, phases["liveness"], "-safety runs no liveness search")
	assert.True(t, safe.Safety)
	assert.Equal(t, exact.Results[0].States, safe.Results[0].States)
	assert.Equal(t, exact.Results[0].Transitions, safe.Results[0].Transitions)
	assert.Equal(t, statuses(exact.Results[0]), statuses(safe.Results[0]))

	hc, _ := run(Options{HashBits: 64})
	assert.Equal(t, 64, hc.HashBits)
	n := float64(exact.Results[0].States)
	assert.Equal(t, exact.Results[0].States, hc.Results[0].States)
	assert.InDelta(t, n*n/(1<<62)/8, hc.Results[0].Omission, 1e-30, "n²/2^65")
	assert.Equal(t, statuses(exact.Results[0]), statuses(hc.Results[0]))

	var b strings.Builder
	require.NoError(t, hc.WriteJSON(&b))
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(b.String()), &doc))
	assert.EqualValues(t, 64, doc["hash_bits"])
	assert.Greater(t, doc["results"].([]any)[0].(map[string]any)["p_missed_state"], 0.0)
	b.Reset()
	require.NoError(t, safe.WriteJSON(&b))
	assert.Contains(t, b.String(), `"safety_only": true`)
	assert.NotContains(t, b.String(), "p_missed_state", "exact storage misses nothing")
}
