package spec

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/internal/specgen"
	"pgregory.net/rapid"
)

// TestPrintRoundTrip: for every valid spec, Print's text parses to a spec
// that decides every cell as the original does and has the same names,
// docs and profile values, and Print of that spec is the same text.
func TestPrintRoundTrip(t *testing.T) {
	for name, src := range validSpecs(t) {
		t.Run(name, func(t *testing.T) {
			sp, err := Parse(name, src)
			require.NoError(t, err)
			text := Print(sp)
			again, err := Parse("printed.fsm", text)
			require.NoError(t, err, "Print's text does not parse:\n%s", text)
			assertSameSpec(t, name, sp, again)
			assert.Equal(t, string(text), string(Print(again)), "Print(Parse(Print(sp))) != Print(sp)")
		})
	}
}

// TestPrintFormatCases: the specs of the format cases, with their odd
// strings, citations and declarations, print and parse back the same.
func TestPrintFormatCases(t *testing.T) {
	for name, src := range formatCases(t) {
		sp, err := Parse(name, src)
		require.NoError(t, err, name)
		text := Print(sp)
		again, err := Parse("printed.fsm", text)
		require.NoError(t, err, "%s: Print's text does not parse:\n%s", name, text)
		assertSameSpec(t, name, sp, again)
		assert.Equal(t, string(text), string(Print(again)), name)
	}
}

// TestPrintRandomSpecs: random valid specs (internal/specgen: odd docs,
// citations and notes, guards, profiles before or after the rules, trailing
// comments) print to text that parses back to the same spec, and that
// Print and Format leave as it is.
func TestPrintRandomSpecs(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		text := specgen.Spec().Draw(t, "spec")
		sp, err := Parse("random.fsm", []byte(text))
		require.NoError(t, err, "specgen drew a spec that does not parse:\n%s", text)
		printed := Print(sp)
		again, err := Parse("printed.fsm", printed)
		require.NoError(t, err, "Print's text does not parse:\n%s", printed)
		assertSameSpec(t, "random.fsm", sp, again)
		require.Equal(t, string(printed), string(Print(again)), "Print(Parse(Print(sp))) != Print(sp)")
		formatted, err := Format("printed.fsm", printed)
		require.NoError(t, err)
		require.Equal(t, string(printed), string(formatted), "Format(Print(sp)) != Print(sp)")
	})
}

// TestPrintMini pins the canonical text of a small spec: the order of the
// sections whatever the order of the file, the blank lines between them,
// the aligned columns, one "in" block per run of rules of one state, the
// escapes, the durations, and no comments.
func TestPrintMini(t *testing.T) {
	sp, err := Parse("mini.fsm", []byte(strings.Join([]string{
		`# a comment is not part of the IR`,
		`machine door "a door with \"quotes\" and a \\ and a \ too"`,
		`source MANUAL "the door's manual"`,
		`outside rcv BUMP in OPEN LOCKED "nothing bumps \"the\" door"`,
		`state LOCKED "locked"`,
		`state OPEN`,
		`initial LOCKED`,
		`example app UNLOCK; timeout autolock`,
		`signal opened "tell the owner"`,
		`event rcv BUMP "something hits the door"`,
		`event app UNLOCK "turn the key"`,
		`timer autolock "locks the door again"`,
		`switch sticky "a bump does not close an open door"`,
		`giveup autolock "the door locks itself for good"`,
		`outside timeout autolock "never fires"`,
		`advice OPEN "shut it within {autolock}"`,
		`advice LOCKED "find the key"`,
		`in LOCKED`,
		`  app UNLOCK -> OPEN start autolock; tell opened [MANUAL 1]`,
		`  rcv BUMP ignore "locked doors do not move" [MANUAL 1]`,
		`in OPEN`,
		`  rcv BUMP unless sticky -> LOCKED stop autolock [MANUAL  3]`,
		`  rcv BUMP if sticky ignore "sticky hinge" [MANUAL 3]`,
		`  app UNLOCK reject "open" tell opened [MANUAL 1]`,
		`  timeout autolock -> LOCKED "locks" [MANUAL 2]`,
		`in LOCKED`,
		`  timeout autolock ignore "impossible" [MANUAL]`,
		`profile home`,
		`  sticky off [MANUAL 4]`,
		`  autolock 3600s [MANUAL 4]`,
	}, "\n")))
	require.NoError(t, err)
	want := strings.Join([]string{
		`machine door "a door with \"quotes\" and a \\ and a \\ too"`,
		``,
		`source MANUAL "the door's manual"`,
		``,
		`state LOCKED "locked"`,
		`state OPEN`,
		`initial LOCKED`,
		``,
		`event rcv BUMP   "something hits the door"`,
		`event app UNLOCK "turn the key"`,
		``,
		`timer autolock "locks the door again"`,
		``,
		`giveup autolock "the door locks itself for good"`,
		``,
		`switch sticky "a bump does not close an open door"`,
		``,
		`signal opened "tell the owner"`,
		``,
		`example app UNLOCK; timeout autolock`,
		``,
		`outside rcv BUMP in OPEN LOCKED "nothing bumps \"the\" door"`,
		`outside timeout autolock        "never fires"`,
		``,
		`advice LOCKED "find the key"`,
		`advice OPEN   "shut it within {autolock}"`,
		``,
		`in LOCKED`,
		`  app UNLOCK  -> OPEN start autolock; tell opened  [MANUAL 1]`,
		`  rcv BUMP    ignore "locked doors do not move"    [MANUAL 1]`,
		``,
		`in OPEN`,
		`  rcv BUMP unless sticky  -> LOCKED stop autolock    [MANUAL 3]`,
		`  rcv BUMP if sticky      ignore "sticky hinge"      [MANUAL 3]`,
		`  app UNLOCK              reject "open" tell opened  [MANUAL 1]`,
		`  timeout autolock        -> LOCKED "locks"          [MANUAL 2]`,
		``,
		`in LOCKED`,
		`  timeout autolock  ignore "impossible"  [MANUAL]`,
		``,
		`profile home`,
		`  sticky   off  [MANUAL 4]`,
		`  autolock 60m  [MANUAL 4]`,
		``,
	}, "\n")
	assert.Equal(t, want, string(Print(sp)))
}

// tester is what assertSameSpec needs of a *testing.T or a *rapid.T.
type tester interface {
	require.TestingT
	Helper()
}

// assertSameSpec checks that a and b are the same spec: the same names and
// docs of machine, sources, states, events, timers, durations, switches,
// segments, signals, profiles; the same initial state, highlight and
// example; the same advice for the same states; the same timers giving
// up, for the same reasons; the same
// outside declarations, classes and arm declarations in the same order; the same rules in the same order; the same profile values
// (length, none, on, citation); and, under every switch set, every cell
// decided the same way (next state, verdict, actions, reason, citation).
func assertSameSpec(t tester, name string, a, b *Spec) {
	t.Helper()
	type named struct{ Kind, Name, Doc string }
	decls := func(sp *Spec) []named {
		out := []named{{"machine", sp.Machine, sp.Doc}, {"initial", sp.Initial.Name, ""}}
		for _, x := range sp.Sources {
			out = append(out, named{"source", x.Name, x.Doc})
		}
		for i, x := range sp.States {
			out = append(out, named{fmt.Sprint("state ", x.Index, i+1), x.Name, x.Doc})
			if x.Advice != "" {
				out = append(out, named{"advice", x.Name, x.Advice})
			}
		}
		for _, x := range sp.Highlight {
			out = append(out, named{"highlight", x.Name, ""})
		}
		for _, x := range sp.Events {
			timer := ""
			if x.Timer != nil {
				timer = x.Timer.Name
			}
			out = append(out, named{fmt.Sprint("event ", x.Kind, " ", x.Index, " ", timer), x.Name, x.Doc})
		}
		for _, x := range sp.Timers {
			out = append(out, named{fmt.Sprint("timer ", x.Index, " ", x.Event.String()), x.Name, x.Doc})
			if x.GiveUp != "" {
				out = append(out, named{"giveup", x.Name, x.GiveUp})
			}
		}
		for _, x := range sp.Durations {
			out = append(out, named{fmt.Sprint("duration ", x.Index), x.Name, x.Doc})
		}
		for _, x := range sp.Switches {
			out = append(out, named{fmt.Sprint("switch ", x.Bit), x.Name, x.Doc})
		}
		for _, x := range sp.Segments {
			out = append(out, named{"segment", x.Name, x.Doc})
		}
		for _, x := range sp.Signals {
			out = append(out, named{"signal", x.Name, x.Doc})
		}
		for _, x := range sp.Actions {
			out = append(out, named{fmt.Sprint("action ", x.Bit), x.String(), ""})
		}
		for _, x := range sp.Example {
			out = append(out, named{"example", x.String(), ""})
		}
		for _, x := range sp.Outside {
			out = append(out, named{"outside", outsideHead(x), x.Reason})
		}
		for _, x := range sp.Classes {
			head := x.Name
			for _, st := range x.States {
				head += " " + st.Name
			}
			out = append(out, named{"class", head, x.Doc})
		}
		for _, x := range sp.Arms {
			out = append(out, named{"arm", armHead(x), x.Reason})
		}
		for _, r := range sp.Rules {
			guard := ""
			if r.Guard != nil {
				guard = r.Guard.String()
			}
			out = append(out, named{fmt.Sprint("rule ", r.Index, " ", r.State.Name, " ", r.Event, " ", guard),
				fmt.Sprint(r.Verdict, " ", r.Next.Name, " ", r.ActionString(), " ", r.ActionBits()), r.Reason + " [" + r.Cite.String() + "]"})
		}
		for _, p := range sp.Profiles {
			out = append(out, named{"profile", p.Name, p.Doc})
			for _, v := range p.Values {
				kind := "switch"
				switch {
				case v.Timer != nil:
					kind = "timer " + v.Timer.Name
				case v.Duration != nil:
					kind = "duration " + v.Duration.Name
				}
				out = append(out, named{"value " + kind, v.Name,
					fmt.Sprintf("length=%d none=%t on=%t [%s]", int64(v.Length), v.None, v.On, v.Cite.String())})
			}
		}
		return out
	}
	assert.Equal(t, decls(a), decls(b), "%s: declarations, rules or profiles differ", name)

	require.Equal(t, len(a.States), len(b.States), name)
	require.Equal(t, len(a.Events), len(b.Events), name)
	require.Equal(t, len(a.Switches), len(b.Switches), name)
	for sw := uint64(0); sw < 1<<len(a.Switches); sw++ {
		for i, s := range a.States {
			for j, e := range a.Events {
				ra, rb := a.Decide(s, e, sw), b.Decide(b.States[i], b.Events[j], sw)
				require.NotNil(t, ra, "%s: (%s, %s) under %#b", name, s.Name, e, sw)
				require.NotNil(t, rb, "%s: (%s, %s) under %#b in the copy", name, s.Name, e, sw)
				cell := fmt.Sprintf("%s: (%s, %s) under switch set %#b", name, s.Name, e, sw)
				assert.Equal(t, ra.Next.Name, rb.Next.Name, cell)
				assert.Equal(t, ra.Verdict, rb.Verdict, cell)
				assert.Equal(t, ra.ActionBits(), rb.ActionBits(), cell)
				assert.Equal(t, ra.Reason, rb.Reason, cell)
				assert.Equal(t, ra.Cite.String(), rb.Cite.String(), cell)
				assert.Equal(t, ra.Index, rb.Index, cell)
			}
		}
	}
}

// TestFormatDuration: durations are written as a whole number of one
// unit, which time.ParseDuration and the spec's lexer read back.
func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		60 * time.Second:          "60s",
		4 * time.Minute:           "4m",
		2 * time.Hour:             "2h",
		200 * time.Millisecond:    "200ms",
		924600 * time.Millisecond: "924600ms",
		time.Second:               "1s",
		90 * time.Second:          "90s",
		600 * time.Second:         "10m",
		time.Hour:                 "60m",
		150 * time.Minute:         "150m",
		1500 * time.Microsecond:   "1500us",
		time.Nanosecond:           "1ns",
		math.MaxInt64:             "9223372036854775807ns",
	} {
		got := formatDuration(d)
		assert.Equal(t, want, got, "%v", d)
		assertDurationReads(t, got, d)
	}
}

// assertDurationReads checks that s lexes as one number that parses to d.
func assertDurationReads(t *testing.T, s string, d time.Duration) {
	t.Helper()
	toks, _, msg := lexLine(s)
	require.Empty(t, msg, "%q", s)
	require.Len(t, toks, 2, "%q is one token", s)
	assert.Equal(t, tNumber, toks[0].kind, "%q", s)
	back, msg := parseDuration(s)
	require.Empty(t, msg, "%q", s)
	assert.Equal(t, d, back, "%q", s)
}

// TestDurationString records why Print does not use time.Duration.String:
// its output parses back with time.ParseDuration, but below a millisecond
// it writes "µs", which the spec's lexer refuses.
func TestDurationString(t *testing.T) {
	for _, d := range []time.Duration{time.Minute, 90 * time.Second, 924600 * time.Millisecond, 2 * time.Hour, time.Millisecond} {
		back, err := time.ParseDuration(d.String())
		require.NoError(t, err, d.String())
		assert.Equal(t, d, back, d.String())
	}
	assert.Equal(t, "1m0s", time.Minute.String())
	_, _, msg := lexLine((1500 * time.Nanosecond).String())
	assert.Contains(t, msg, "unexpected character", "the lexer reads µs")
}

// TestPrintDurationsAndStrings: any positive duration, and any string
// without a newline, print as text that the lexer reads back exactly.
func TestPrintDurationsAndStrings(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := time.Duration(rapid.Int64Range(1, math.MaxInt64).Draw(t, "d"))
		s := formatDuration(d)
		back, msg := parseDuration(s)
		if msg != "" || back != d {
			t.Fatalf("formatDuration(%d) = %q, which parses to %v (%s)", int64(d), s, back, msg)
		}
		toks, _, msg := lexLine(s)
		if msg != "" || len(toks) != 2 || toks[0].kind != tNumber {
			t.Fatalf("formatDuration(%d) = %q does not lex as one number", int64(d), s)
		}

		text := rapid.StringOf(rapid.RuneFrom([]rune{'a', ' ', '"', '\\', '#', '[', ']', '\t', 'é', ';'})).Draw(t, "text")
		q := quote(text)
		toks, _, msg = lexLine(q)
		if msg != "" || len(toks) != 2 || toks[0].kind != tString || toks[0].text != text {
			t.Fatalf("quote(%q) = %s lexes as %+v (%s)", text, q, toks, msg)
		}
	})
}
