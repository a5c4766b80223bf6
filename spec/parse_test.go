package spec

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/internal/specgen"
)

func TestLexLine(t *testing.T) {
	type tok struct {
		kind tokKind
		text string
		col  int
	}
	for _, c := range []struct {
		name string
		line string
		want []tok // ends with the tEOL token
	}{
		{"empty", "", []tok{{tEOL, "", 1}}},
		{"blank", " \t\r", []tok{{tEOL, "", 4}}},
		{"comment only", "  # a comment", []tok{{tEOL, "", 3}}},
		{"names and numbers", "autolock 30s 1.5m 200ms", []tok{
			{tName, "autolock", 1}, {tNumber, "30s", 10}, {tNumber, "1.5m", 14}, {tNumber, "200ms", 19}, {tEOL, "", 24}}},
		{"name with digits and underscores", "FIN_WAIT_2 _x9", []tok{{tName, "FIN_WAIT_2", 1}, {tName, "_x9", 12}, {tEOL, "", 15}}},
		{"arrow without spaces", "a->b", []tok{{tName, "a", 1}, {tArrow, "->", 2}, {tName, "b", 4}, {tEOL, "", 5}}},
		{"semicolons", "send A;start b", []tok{
			{tName, "send", 1}, {tName, "A", 6}, {tSemi, ";", 7}, {tName, "start", 8}, {tName, "b", 14}, {tEOL, "", 15}}},
		{"escaped quotes", `x "say \"hi\" now"`, []tok{{tName, "x", 1}, {tString, `say "hi" now`, 3}, {tEOL, "", 19}}},
		{"escaped backslash ends the string", `"dir\\" y`, []tok{{tString, `dir\`, 1}, {tName, "y", 9}, {tEOL, "", 10}}},
		{"other escapes are kept", `"a\nb\t"`, []tok{{tString, `a\nb\t`, 1}, {tEOL, "", 9}}},
		{"empty string", `""`, []tok{{tString, "", 1}, {tEOL, "", 3}}},
		{"hash inside a string", `state S "# not a comment" # a comment`, []tok{
			{tName, "state", 1}, {tName, "S", 7}, {tString, "# not a comment", 9}, {tEOL, "", 27}}},
		{"hash and quote inside a citation", `[RFC9293 3.10 "#5"] # c`, []tok{{tCite, `RFC9293 3.10 "#5"`, 1}, {tEOL, "", 21}}},
		{"citation keeps its spaces", "[  MANUAL 1 ]", []tok{{tCite, "  MANUAL 1 ", 1}, {tEOL, "", 14}}},
		{"citation after a string", `reject "a ] b" [M 1]`, []tok{
			{tName, "reject", 1}, {tString, "a ] b", 8}, {tCite, "M 1", 16}, {tEOL, "", 21}}},
		{"UTF-8 and tabs in strings are kept", "\"caf\xc3\xa9 \t\"", []tok{{tString, "caf\xc3\xa9 \t", 1}, {tEOL, "", 10}}},
		{"CRLF", "initial X\r", []tok{{tName, "initial", 1}, {tName, "X", 9}, {tEOL, "", 11}}},
	} {
		toks, col, msg := lexLine(c.line)
		if !assert.Empty(t, msg, "case %q: lexLine(%q) failed at column %d", c.name, c.line, col) {
			continue
		}
		got := make([]tok, len(toks))
		for i, tk := range toks {
			got[i] = tok{tk.kind, tk.text, tk.col}
		}
		assert.Equal(t, c.want, got, "case %q: lexLine(%q)", c.name, c.line)
	}
}

func TestLexLineErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		line string
		col  int
		msg  string
	}{
		{"unterminated string", `state S "open`, 9, "unterminated string"},
		{"escaped closing quote", `state S "open\"`, 9, "unterminated string"},
		{"unterminated citation", `-> S [M 1`, 6, `unterminated citation: missing "]"`},
		{"bracket in a comment is fine, but not before it", `x [M # ]`, 0, ""},
		{"lone minus", "a - b", 3, `unexpected character '-'`},
		{"minus before a number", "t -5s", 3, `unexpected character '-'`},
		{"stops at the first problem", `a = "b`, 3, `unexpected character '='`},
		{"NUL", "a\x00", 2, "unexpected control character 0x00"},
		{"control character in a string", "state S \"a\x01b\"", 11, "control character 0x01 in a string"},
		{"NUL in a citation", "x [RFC\x00]", 7, "control character 0x00 in a citation"},
		{"not UTF-8 in a string", "state S \"caf\xe9\"", 13, "byte 0xe9 that is not UTF-8 in a string"},
		{"byte order mark in a string", "state S \"a\ufeff\"", 11, "byte-order mark in a string"},
		{"DEL", "\x7f", 1, "unexpected control character 0x7f"},
		{"not UTF-8", "ab \xff", 4, "unexpected byte 0xff: the file is not UTF-8 text"},
		{"truncated UTF-8", "\xc3", 1, "unexpected byte 0xc3: the file is not UTF-8 text"},
		{"non-ASCII letter", "état", 1, "unexpected character 'é' (U+00E9): names and keywords are ASCII letters, digits and _"},
		{"byte order mark", "\ufeffmachine", 1, "unexpected byte order mark (U+FEFF): save the file as UTF-8 without a BOM"},
	} {
		toks, col, msg := lexLine(c.line)
		assert.Equal(t, c.msg, msg, "case %q: lexLine(%q) message", c.name, c.line)
		assert.Equal(t, c.col, col, "case %q: lexLine(%q) column", c.name, c.line)
		if msg != "" {
			assert.Nil(t, toks, "case %q: lexLine(%q) returned tokens with an error", c.name, c.line)
		}
	}
}

func TestDidYouMean(t *testing.T) {
	tcp := []string{"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT"}
	for _, c := range []struct {
		name       string
		candidates []string
		want       string
	}{
		{"FIN_WAIT1", tcp, "FIN_WAIT_1"},
		{"FINWAIT2", tcp, "FIN_WAIT_2"},
		{"TIMEWAIT", tcp, "TIME_WAIT"},
		{"time_wait", tcp, "TIME_WAIT"},
		{"ESTABLISH", tcp, "ESTABLISHED"},
		{"SYN_RCVD", tcp, ""},
		{"LASTACK", tcp, "LAST_ACK"},
		{"FIN_WAIT_3", tcp, "FIN_WAIT_1"}, // a tie goes to the first declared
		{"OPEN", tcp, ""},
		{"stat", keywords, "state"},
		{"profil", keywords, "profile"},
		{"inn", keywords, "in"},
		{"ap", []string{"app", "rcv"}, "app"},
		{"x", []string{"y"}, ""},   // one letter: any guess is noise
		{"ab", []string{"ba"}, ""}, // everything changed
		{"", []string{"a"}, ""},
		{"anything", nil, ""},
	} {
		assert.Equal(t, c.want, closest(c.name, c.candidates), "case %q: closest", c.name)
		want := ""
		if c.want != "" {
			want = " (did you mean " + c.want + "?)"
		}
		assert.Equal(t, want, didYouMean(c.name, c.candidates), "case %q: didYouMean", c.name)
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"", "abc", 3}, {"abc", "", 3}, {"abc", "abc", 0},
		{"kitten", "sitting", 3}, {"FIN_WAIT1", "FIN_WAIT_1", 1}, {"OPNE", "OPEN", 2},
	} {
		assert.Equal(t, c.want, editDistance(c.a, c.b), "case %q/%q: editDistance", c.a, c.b)
		assert.Equal(t, c.want, editDistance(c.b, c.a), "case %q/%q: editDistance, swapped", c.a, c.b)
	}
}

func TestErrorListFormat(t *testing.T) {
	l := ErrorList{
		{Pos{File: "a.fsm", Line: 3, Col: 7}, "first"},
		{Pos{File: "a.fsm"}, "no line"},
	}
	assert.Equal(t, "a.fsm:3:7: first\na.fsm: no line", l.Error(), "ErrorList.Error()")
}

func TestErrorListSort(t *testing.T) {
	var l ErrorList
	for _, p := range []Pos{{"b", 1, 1}, {"a", 2, 1}, {"a", 1, 9}, {"a", 1, 2}} {
		l.add(p, "at %v", p)
	}
	l.add(Pos{"a", 1, 2}, "second at a:1:2")
	l.sort()
	var got []string
	for _, e := range l {
		got = append(got, e.Error())
	}
	want := []string{"a:1:2: at a:1:2", "a:1:2: second at a:1:2", "a:1:9: at a:1:9", "a:2:1: at a:2:1", "b:1:1: at b:1:1"}
	assert.Equal(t, want, got, "sorted by file, line and column, ties in the order reported")
}

// TestMini checks the IR of the small valid spec.
func TestMini(t *testing.T) {
	sp, err := Parse("mini.fsm", specgen.Mini)
	require.NoError(t, err, "mini.fsm")
	assert.Empty(t, checkDecided(sp), "mini.fsm")
	check := func(what string, got, want any) {
		t.Helper()
		assert.Equal(t, want, got, "mini.fsm: %s", what)
	}
	check("machine", sp.Machine, "door")
	check("doc", sp.Doc, "a door with an auto-lock")
	check("initial", sp.Initial.Name, "LOCKED")
	check("highlight", len(sp.Highlight), 1)
	check("states", len(sp.States), 3)
	check("events", len(sp.Events), 4)
	check("rules", len(sp.Rules), 13)
	check("profiles", sp.ProfileNames(), []string{"home", "office"})
	for i, s := range sp.States {
		check("state index of "+s.Name, s.Index, i+1)
	}
	check("state OPEN position", sp.State("OPEN").Pos, Pos{"mini.fsm", 7, 7})

	bump := sp.Event(Rcv, "BUMP")
	autolock := sp.Event(Timeout, "autolock")
	require.NotNil(t, bump, "mini.fsm: rcv BUMP")
	require.NotNil(t, autolock, "mini.fsm: timeout autolock")
	require.NotNil(t, autolock.Timer, "mini.fsm: timeout autolock's timer")
	require.Same(t, autolock, autolock.Timer.Event, "mini.fsm: timer autolock's event")
	open, closed := sp.State("OPEN"), sp.State("CLOSED")
	sticky := sp.Switches[0]
	on := sp.Decide(open, bump, 1<<uint(sticky.Bit))
	off := sp.Decide(open, bump, 0)
	check("OPEN/rcv BUMP with sticky on", on.Verdict, Ignore)
	check("OPEN/rcv BUMP reason", on.Reason, "sticky hinge")
	check("OPEN/rcv BUMP with sticky off", off.Verdict, Move)
	check("OPEN/rcv BUMP next", off.Next, closed)
	check("OPEN/rcv BUMP actions", off.ActionString(), "restart autolock")
	check("OPEN/rcv BUMP guard", off.Guard.String(), "unless sticky")
	check("OPEN/rcv BUMP cell rules", len(sp.CellRules(open, bump)), 2)

	unlock := sp.Decide(sp.State("LOCKED"), sp.Event(App, "UNLOCK"), 0)
	check("LOCKED/app UNLOCK text", unlock.Text, "app UNLOCK         -> CLOSED send CLICK; start autolock [MANUAL 1]")
	check("LOCKED/app UNLOCK actions", unlock.ActionString(), "send CLICK; start autolock")
	check("LOCKED/app UNLOCK citation", unlock.Cite.String(), "MANUAL 1")
	check("LOCKED/app UNLOCK citation position", unlock.Cite.Pos, Pos{"mini.fsm", 21, 60}) // the source's name
	check("LOCKED/app UNLOCK position", unlock.Pos, Pos{"mini.fsm", 21, 3})
	push := sp.Decide(sp.State("LOCKED"), sp.Event(App, "PUSH"), 0)
	check("LOCKED/app PUSH verdict", push.Verdict, Reject)
	check("LOCKED/app PUSH next", push.Next.Name, "LOCKED")

	home, office := sp.Profile("home"), sp.Profile("office")
	check("home switches", home.Switches(), uint64(0))
	check("office switches", office.Switches(), uint64(1)<<uint(sticky.Bit))
	check("home autolock", home.TimerValue(autolock.Timer).Length, 30*time.Second)
	check("home grace", home.DurationValue(sp.Durations[0]).None, true)
	check("office grace", office.DurationValue(sp.Durations[0]).Length, 2*time.Minute)
	check("office autolock citation", office.TimerValue(autolock.Timer).Cite.String(), "MANUAL 5")
}

// TestGiveUp: a giveup declaration marks its timer, with why; without one,
// a timer does not give up.
func TestGiveUp(t *testing.T) {
	src := append([]byte(nil), specgen.Mini...)
	src = append(src, "giveup autolock \"the door locks itself \\\"for good\\\"\"\n"...)
	sp, err := Parse("mini.fsm", src)
	require.NoError(t, err)
	require.Len(t, sp.Timers, 1)
	assert.Equal(t, `the door locks itself "for good"`, sp.Timers[0].GiveUp)
	sp, err = Parse("mini.fsm", specgen.Mini)
	require.NoError(t, err)
	assert.Empty(t, sp.Timers[0].GiveUp, "a timer without a giveup declaration")
}

// TestAdvice: an advice declaration gives its state the text, whose
// placeholders AdviceUnder fills with a profile's values; a state without
// one has none.
func TestAdvice(t *testing.T) {
	src := append([]byte(nil), specgen.Mini...)
	src = append(src, "advice OPEN \"doors left open: \\\"autolock\\\" locks after {autolock}, {grace} of grace\"\n"...)
	sp, err := Parse("mini.fsm", src)
	require.NoError(t, err)
	open := sp.State("OPEN")
	assert.Equal(t, `doors left open: "autolock" locks after {autolock}, {grace} of grace`, open.Advice)
	assert.Equal(t, `doors left open: "autolock" locks after 30s, none of grace`, open.AdviceUnder(sp.Profile("home")))
	assert.Equal(t, `doors left open: "autolock" locks after 5s, 2m of grace`, open.AdviceUnder(sp.Profile("office")))
	assert.Empty(t, sp.State("LOCKED").Advice, "a state without advice")
	assert.Empty(t, sp.State("LOCKED").AdviceUnder(sp.Profile("home")))
	// Read by people: a fraction of a second in seconds, not milliseconds.
	tcp, err := TCP()
	require.NoError(t, err)
	assert.Contains(t, tcp.State("LAST_ACK").AdviceUnder(tcp.Profile("linux")), "until R2 gives up, 924.6s under this profile")
}

func TestReadableDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		924600 * time.Millisecond: "924.6s", 102200 * time.Millisecond: "102.2s", time.Minute: "60s",
		2 * time.Hour: "2h", 200 * time.Millisecond: "200ms", 1500 * time.Microsecond: "1500us",
	} {
		assert.Equal(t, want, ReadableDuration(d), "%v", d)
	}
}

// TestOutside: OutsideOf finds the declaration that covers a rule's cell,
// one that lists its states or one for every state, and nil for a rule no
// declaration covers.
func TestOutside(t *testing.T) {
	src := append([]byte(nil), specgen.Mini...)
	src = append(src, "outside rcv BUMP in OPEN CLOSED \"nothing bumps an unlocked door\"\n"...)
	src = append(src, "outside timeout autolock \"the lock never gives out\"\n"...)
	sp, err := Parse("mini.fsm", src)
	require.NoError(t, err)
	require.Len(t, sp.Outside, 2)
	bump, autolock := sp.Event(Rcv, "BUMP"), sp.Event(Timeout, "autolock")
	open, closed, locked := sp.State("OPEN"), sp.State("CLOSED"), sp.State("LOCKED")
	o := sp.Outside[0]
	assert.Same(t, bump, o.Event)
	assert.Equal(t, []*State{open, closed}, o.States)
	assert.Equal(t, "nothing bumps an unlocked door", o.Reason)
	assert.Equal(t, Pos{"mini.fsm", 45, 1}, o.Pos)
	assert.Nil(t, sp.Outside[1].States, "outside without in covers every state")

	for _, r := range sp.CellRules(open, bump) {
		assert.Same(t, o, sp.OutsideOf(r), "%s", r.Text)
	}
	assert.Same(t, o, sp.OutsideOf(sp.Decide(closed, bump, 0)))
	assert.Nil(t, sp.OutsideOf(sp.Decide(locked, bump, 0)), "LOCKED is not listed")
	for _, s := range sp.States {
		assert.Same(t, sp.Outside[1], sp.OutsideOf(sp.Decide(s, autolock, 0)), "timeout autolock in %s", s.Name)
	}
	assert.Nil(t, sp.OutsideOf(sp.Decide(open, sp.Event(App, "PUSH"), 0)))
}

// TestTCP checks that the embedded TCP spec parses, decides every cell and
// lets r2, the user timeout and the FIN_WAIT_2 flush give up.
func TestTCP(t *testing.T) {
	sp, err := TCP()
	require.NoError(t, err, TCPFile)
	assert.Empty(t, checkDecided(sp), TCPFile)
	var giveUp []string
	for _, tm := range sp.Timers {
		if tm.GiveUp != "" {
			giveUp = append(giveUp, tm.Name)
		}
	}
	assert.Equal(t, []string{"r2", "fin_wait_2", "user_timeout"}, giveUp, "the timers that give up")
	src, err := os.ReadFile("tcp.fsm")
	require.NoError(t, err)
	got := TCPSource()
	require.Equal(t, src, got, "TCPSource() is tcp.fsm")
	if len(got) > 0 {
		got[0] ^= 0xff
		assert.Equal(t, src, TCPSource(), "TCPSource() returns a copy")
	}
}
