// Package specgen draws random valid spec texts for property and
// differential tests of the spec parser and the code generator.
//
// Every drawn text is meant to parse without error: every state is
// reachable from the initial state, every timer is started and handled,
// every cell is decided once, every profile sets every value, and no two
// names meet in the generated Go package. Names come from fixed pools whose
// Go names cannot collide (the package test checks the pools), so the
// generator never has to reject a draw.
package specgen

import (
	"fmt"
	"strings"

	"pgregory.net/rapid"
)

// Name pools. Every name of every pool is safe in every role it is drawn
// for: not a keyword of the spec language, not a name of the generated API
// after Go CamelCase conversion, and distinct from every other pool name
// after conversion, with the prefixes and suffixes the generator adds
// (AppX, RcvX, TimeoutT, TTimer, StartT, RestartT, StopT, SendX, TellX).
var (
	machinePool = []string{"door", "tcp_lite", "widget", "m1", "link_2", "turnstile"}
	sourcePool  = []string{"RFC9293", "RFC1337", "MANUAL", "POSIX_2017", "linux", "BSD44", "notes"}
	statePool   = []string{
		"CLOSED_A", "OPENED_B", "LISTEN", "SYN_SENT", "SYN_RCVD", "ESTAB", "FIN_WAIT_1",
		"FIN_WAIT_2", "CLOSING", "TIME_WAIT", "CLOSE_WAIT", "LAST_ACK", "IDLE", "BUSY_2",
		"HALF_OPEN", "DRAINING", "PAUSED", "READY3", "LOCKED_9", "ARMED", "COOLDOWN",
		"PROBING", "X", "Q_7",
	}
	// eventPool names app events, rcv events (the same name may be both)
	// and segments.
	eventPool = []string{
		"OPEN", "CLOSE", "ABORT", "SEND_DATA", "SYN", "SYN_ACK", "ACK", "FIN", "RST",
		"DATA", "PROBE_X", "PING2", "WINDOW_0", "URG", "KICK",
	}
	// valuePool names timers, durations and switches, which share one
	// namespace in the language.
	valuePool = []string{
		"retx", "keepalive", "linger", "probe_t", "idle_2", "grace", "msl", "rto",
		"rfc1337", "quick_ack", "nagle", "tw_reuse", "sack", "delay_ack", "zero_win2", "isn_gap",
	}
	signalPool  = []string{"connected", "reset", "closing_err", "eof", "refused2", "timed_out", "wake"}
	profilePool = []string{"linux", "bsd", "rfc", "windows_11", "solaris", "home", "office", "strict", "lax"}
)

// docWords are the pieces of doc strings, reasons and notes, as the text
// reads after unquoting: spaces, quotes, backslashes, punctuation that
// means something elsewhere in a spec or in Go, and UTF-8.
var docWords = []string{
	"the", "door", "opens", "a", "timer", "fires", "peer", "sent", "FIN,", "RST.",
	`"quoted"`, `say "hi"`, `C:\path`, `back\slash`, `\`, `\\n`, `"`, `""`,
	"#hash", "[bracket]", "x]y", "a;b", "->", "é", "naïve", "—", "50%", "%d", "%s%%",
	"{}", "*/", "/*", "//", "`tick`", "$x", "<b>", "|pipe|", "Output:", "",
	"supercalifragilisticexpialidocious-and-then-some-more-to-pass-seventy-six-columns-wide",
}

// citeWords are the pieces of citation texts: anything but "]".
var citeWords = []string{
	"3.10.7.4", "eighth", "p.12;", `"quoted"`, `C:\x`, `\`, "#7", "[note", "é", "->", "%v", "Figure", "5",
}

// Spec draws the text of a random valid spec.
func Spec() *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string { return draw(t).text() })
}

// model is a drawn spec before rendering.
type model struct {
	machine, machineDoc string
	sources             []named
	states              []named
	initial             int
	highlight           []int
	events              []event // app and rcv events, then one timeout event per timer
	timers              []named
	durations           []named
	switches            []named
	segments            []named
	signals             []named
	cells               [][][]*rule // [state][event]: one rule, or two split by a switch
	stateOrder          []int       // the order of the "in" blocks
	cellOrder           [][]int     // per state, the order of its events' rules
	profiles            []profile
	profilesFirst       bool // profiles written before the rules
	example             []int
	indent              string
}

type named struct{ name, doc string }

type event struct {
	kind, name, doc string // kind is app, rcv or timeout
}

func (e event) String() string { return e.kind + " " + e.name }

type rule struct {
	guard   string // "", "if S" or "unless S"
	verdict string // "move", "ignore" or "reject"
	next    int
	actions []string
	reason  string // a reason for ignore and reject, an optional note for move
	cite    string // "SOURCE text"
	comment string // a trailing "# ..." comment, or ""
}

type profile struct {
	name, doc string
	values    []string // "NAME VALUE [CITE]" lines
}

// drawNames draws minN to maxN distinct names from pool, the count drawn
// first so that it spreads evenly rather than favouring the smallest.
func drawNames(t *rapid.T, pool []string, minN, maxN int, label string) []string {
	n := rapid.IntRange(minN, min(maxN, len(pool))).Draw(t, label+" count")
	return rapid.SliceOfNDistinct(rapid.SampledFrom(pool), n, n, rapid.ID[string]).Draw(t, label)
}

func drawDoc(t *rapid.T, label string) string {
	n := rapid.IntRange(0, 12).Draw(t, label+" words")
	words := make([]string, n)
	for i := range words {
		words[i] = rapid.SampledFrom(docWords).Draw(t, label+" word")
	}
	sep := rapid.SampledFrom([]string{" ", " ", " ", "  "}).Draw(t, label+" sep")
	return strings.Join(words, sep)
}

// drawReason draws a text that is not blank, as ignore and reject need.
func drawReason(t *rapid.T, label string) string {
	r := drawDoc(t, label)
	if strings.TrimSpace(r) == "" {
		r = rapid.SampledFrom([]string{"not now", "closed", `refused: "busy"`, `see C:\log`}).Draw(t, label+" fallback")
	}
	return r
}

func drawCite(t *rapid.T, sources []named, label string) string {
	src := rapid.SampledFrom(sources).Draw(t, label+" source").name
	n := rapid.IntRange(0, 4).Draw(t, label+" words")
	words := []string{src}
	for range n {
		words = append(words, rapid.SampledFrom(citeWords).Draw(t, label+" word"))
	}
	return strings.Join(words, " ")
}

// drawDuration draws a positive duration as a spec writes it.
func drawDuration(t *rapid.T, label string) string {
	switch rapid.IntRange(0, 9).Draw(t, label+" form") {
	case 0:
		return "none"
	case 1:
		return fmt.Sprintf("%d.%ds", rapid.IntRange(0, 9).Draw(t, label+" s"), rapid.IntRange(1, 9).Draw(t, label+" tenths"))
	case 2:
		return fmt.Sprintf("%dm%ds", rapid.IntRange(1, 5).Draw(t, label+" m"), rapid.IntRange(1, 59).Draw(t, label+" s"))
	case 3:
		return fmt.Sprintf("%d%s", rapid.IntRange(1, 999).Draw(t, label+" n"), rapid.SampledFrom([]string{"us", "ns"}).Draw(t, label+" unit"))
	default:
		return fmt.Sprintf("%d%s", rapid.IntRange(1, 1500).Draw(t, label+" n"), rapid.SampledFrom([]string{"ms", "s", "m", "h"}).Draw(t, label+" unit"))
	}
}

func toNamed(t *rapid.T, names []string, label string, docs bool) []named {
	out := make([]named, len(names))
	for i, n := range names {
		out[i].name = n
		if docs && rapid.IntRange(0, 4).Draw(t, label+" has doc") > 0 {
			out[i].doc = drawDoc(t, label+" doc")
		}
	}
	return out
}

// draw draws a model. The order of the draws is part of what a seed means:
// the differential tests replay seeds, so a change of order changes the
// specs they test.
func draw(t *rapid.T) *model {
	m := &model{}
	m.drawHeader(t)
	m.drawEvents(t)
	m.drawValues(t)
	m.drawCells(t)
	m.makeReachable(t)
	m.handleTimers(t)
	m.armTimers(t)
	m.drawOrder(t)
	m.drawProfiles(t)
	m.profilesFirst = rapid.IntRange(0, 4).Draw(t, "profiles first") == 0
	if rapid.Bool().Draw(t, "has example") {
		m.example = rapid.SliceOfN(rapid.IntRange(0, len(m.events)-1), 1, 5).Draw(t, "example")
	}
	return m
}

// drawHeader draws the machine, the indent, the sources, the states, the
// initial state and the highlighted ones.
func (m *model) drawHeader(t *rapid.T) {
	m.machine = rapid.SampledFrom(machinePool).Draw(t, "machine")
	if rapid.Bool().Draw(t, "machine has doc") {
		m.machineDoc = drawDoc(t, "machine doc")
	}
	m.indent = rapid.SampledFrom([]string{"  ", "\t", "    ", ""}).Draw(t, "indent")
	m.sources = toNamed(t, drawNames(t, sourcePool, 1, 3, "sources"), "source", true)
	m.states = toNamed(t, drawNames(t, statePool, 2, 8, "states"), "state", true)
	nStates := len(m.states)
	m.initial = rapid.IntRange(0, nStates-1).Draw(t, "initial")
	if rapid.Bool().Draw(t, "has highlight") {
		m.highlight = rapid.SliceOfNDistinct(rapid.IntRange(0, nStates-1), 1, nStates, rapid.ID[int]).Draw(t, "highlight")
	}
}

// drawEvents draws the app and rcv events, at least one.
func (m *model) drawEvents(t *rapid.T) {
	for _, kind := range []string{"app", "rcv"} {
		for _, n := range drawNames(t, eventPool, 0, 3, kind+" events") {
			m.events = append(m.events, event{kind: kind, name: n})
		}
	}
	if len(m.events) == 0 {
		m.events = append(m.events, event{kind: rapid.SampledFrom([]string{"app", "rcv"}).Draw(t, "event kind"),
			name: rapid.SampledFrom(eventPool).Draw(t, "event")})
	}
	for i := range m.events {
		if rapid.IntRange(0, 4).Draw(t, "event has doc") > 0 {
			m.events[i].doc = drawDoc(t, "event doc")
		}
	}
}

// drawValues draws the timers, with their timeout events, the durations
// and switches, which share the value pool, then the segments and signals.
func (m *model) drawValues(t *rapid.T) {
	nTimers := rapid.IntRange(0, 4).Draw(t, "timers")
	nDurations := rapid.IntRange(0, 2).Draw(t, "durations")
	nSwitches := rapid.IntRange(0, 3).Draw(t, "switches")
	values := toNamed(t, drawNames(t, valuePool, nTimers+nDurations+nSwitches, nTimers+nDurations+nSwitches, "values"), "value", true)
	m.timers, m.durations, m.switches = values[:nTimers], values[nTimers:nTimers+nDurations], values[nTimers+nDurations:]
	for _, tm := range m.timers {
		m.events = append(m.events, event{kind: "timeout", name: tm.name})
	}
	m.segments = toNamed(t, drawNames(t, eventPool, 1, 3, "segments"), "segment", true)
	m.signals = toNamed(t, drawNames(t, signalPool, 0, 3, "signals"), "signal", true)
}

// actions lists every possible action as rules write it.
func (m *model) actions() []string {
	var actions []string
	for _, s := range m.segments {
		actions = append(actions, "send "+s.name)
	}
	for _, tm := range m.timers {
		actions = append(actions, "start "+tm.name, "restart "+tm.name, "stop "+tm.name)
	}
	for _, s := range m.signals {
		actions = append(actions, "tell "+s.name)
	}
	return actions
}

// drawCells decides every cell: one rule, or one rule for each side of a
// switch, in either order.
func (m *model) drawCells(t *rapid.T) {
	actions := m.actions()
	m.cells = make([][][]*rule, len(m.states))
	for s := range m.cells {
		m.cells[s] = make([][]*rule, len(m.events))
		for e := range m.cells[s] {
			if len(m.switches) > 0 && rapid.IntRange(0, 3).Draw(t, "split") == 0 {
				sw := rapid.SampledFrom(m.switches).Draw(t, "split switch").name
				on, off := &rule{guard: "if " + sw}, &rule{guard: "unless " + sw}
				m.drawOutcome(t, on, actions, "if")
				m.drawOutcome(t, off, actions, "unless")
				m.cells[s][e] = []*rule{on, off}
				if rapid.Bool().Draw(t, "unless first") {
					m.cells[s][e] = []*rule{off, on}
				}
				continue
			}
			r := &rule{}
			m.drawOutcome(t, r, actions, "rule")
			m.cells[s][e] = []*rule{r}
		}
	}
}

// drawOutcome draws what rule r does, with its citation and comment.
func (m *model) drawOutcome(t *rapid.T, r *rule, actions []string, label string) {
	switch rapid.IntRange(0, 3).Draw(t, label+" verdict") {
	case 0, 1:
		r.verdict = "move"
		r.next = rapid.IntRange(0, len(m.states)-1).Draw(t, label+" next")
		r.actions = drawNames(t, actions, 0, 3, label+" actions")
		if rapid.IntRange(0, 3).Draw(t, label+" has note") == 0 {
			r.reason = drawReason(t, label+" note")
		}
	case 2:
		r.verdict = "ignore"
		r.reason = drawReason(t, label+" reason")
	case 3:
		r.verdict = "reject"
		r.reason = drawReason(t, label+" reason")
		r.actions = drawNames(t, actions, 0, 2, label+" actions")
	}
	r.cite = drawCite(t, m.sources, label+" cite")
	if rapid.IntRange(0, 7).Draw(t, label+" has comment") == 0 {
		r.comment = "# " + drawDoc(t, label+" comment")
	}
}

// makeReachable makes every state reachable: a chain of moves from the
// initial state through all the others, each on a drawn event.
func (m *model) makeReachable(t *rapid.T) {
	var others []int
	for s := range len(m.states) {
		if s != m.initial {
			others = append(others, s)
		}
	}
	chain := append([]int{m.initial}, rapid.Permutation(others).Draw(t, "chain")...)
	for i := 0; i+1 < len(chain); i++ {
		e := rapid.IntRange(0, len(m.events)-1).Draw(t, "chain event")
		forceMove(m.cells[chain[i]][e][0], chain[i+1])
	}
}

// handleTimers makes every timer handled: some state moves on its
// timeout.
func (m *model) handleTimers(t *rapid.T) {
	nStates := len(m.states)
	nPlain := len(m.events) - len(m.timers)
	for i := range m.timers {
		e := nPlain + i
		handled := false
		for s := range nStates {
			for _, r := range m.cells[s][e] {
				handled = handled || r.verdict == "move"
			}
		}
		if !handled {
			s := rapid.IntRange(0, nStates-1).Draw(t, "handler state")
			forceMove(m.cells[s][e][0], rapid.IntRange(0, nStates-1).Draw(t, "handler next"))
		}
	}
}

// armTimers makes every timer started or restarted by some move or
// reject.
func (m *model) armTimers(t *rapid.T) {
	for _, tm := range m.timers {
		var acting []*rule
		armed := false
		for s := range m.cells {
			for e := range m.cells[s] {
				for _, r := range m.cells[s][e] {
					for _, a := range r.actions {
						armed = armed || a == "start "+tm.name || a == "restart "+tm.name
					}
					if r.verdict != "ignore" {
						acting = append(acting, r)
					}
				}
			}
		}
		if !armed {
			r := rapid.SampledFrom(acting).Draw(t, "arming rule")
			r.actions = append(r.actions, rapid.SampledFrom([]string{"start ", "restart "}).Draw(t, "arm op")+tm.name)
		}
	}
}

// drawOrder draws the order of the "in" blocks, and of the rules in each.
func (m *model) drawOrder(t *rapid.T) {
	allStates := make([]int, len(m.states))
	for i := range allStates {
		allStates[i] = i
	}
	m.stateOrder = rapid.Permutation(allStates).Draw(t, "state order")
	m.cellOrder = make([][]int, len(m.states))
	allEvents := make([]int, len(m.events))
	for i := range allEvents {
		allEvents[i] = i
	}
	for s := range m.cellOrder {
		m.cellOrder[s] = rapid.Permutation(allEvents).Draw(t, "cell order")
	}
}

// drawProfiles draws the profiles: each sets every timer, duration and
// switch, may declare findings, and lists its lines in a drawn order.
func (m *model) drawProfiles(t *rapid.T) {
	for _, pn := range drawNames(t, profilePool, 1, 3, "profiles") {
		p := profile{name: pn}
		if rapid.IntRange(0, 3).Draw(t, "profile has doc") > 0 {
			p.doc = drawDoc(t, "profile doc")
		}
		for _, v := range append(append([]named{}, m.timers...), m.durations...) {
			p.values = append(p.values, fmt.Sprintf("%s %s [%s]", v.name, drawDuration(t, "value"), drawCite(t, m.sources, "value cite")))
		}
		for _, v := range m.switches {
			p.values = append(p.values, fmt.Sprintf("%s %s [%s]", v.name, rapid.SampledFrom([]string{"on", "off"}).Draw(t, "switch value"), drawCite(t, m.sources, "value cite")))
		}
		for _, id := range drawNames(t, []string{"P1", "P2", "P3", "P7", "P12"}, 0, 2, "findings") {
			p.values = append(p.values, fmt.Sprintf("finding %s [%s]", id, drawCite(t, m.sources, "finding cite")))
		}
		p.values = rapid.Permutation(p.values).Draw(t, "value order")
		m.profiles = append(m.profiles, p)
	}
}

// forceMove makes r a move to next, keeping its actions when it had any.
func forceMove(r *rule, next int) {
	r.verdict, r.next = "move", next
}

// quote writes s as a spec string.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// withDoc is "NAME" or `NAME "doc"`.
func withDoc(n named) string {
	if n.doc == "" {
		return n.name
	}
	return n.name + " " + quote(n.doc)
}

func (m *model) text() string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("# A random spec drawn by internal/specgen.")
	if m.machineDoc != "" {
		line("machine %s %s", m.machine, quote(m.machineDoc))
	} else {
		line("machine %s", m.machine)
	}
	line("")
	for _, s := range m.sources {
		line("source %s", withDoc(s))
	}
	for _, s := range m.states {
		line("state %s", withDoc(s))
	}
	line("initial %s", m.states[m.initial].name)
	if len(m.highlight) > 0 {
		names := make([]string, len(m.highlight))
		for i, s := range m.highlight {
			names[i] = m.states[s].name
		}
		line("highlight %s", strings.Join(names, " "))
	}
	for _, e := range m.events {
		if e.kind != "timeout" {
			line("event %s %s", e.kind, withDoc(named{e.name, e.doc}))
		}
	}
	for _, v := range m.timers {
		line("timer %s", withDoc(v))
	}
	for _, v := range m.durations {
		line("duration %s", withDoc(v))
	}
	for _, v := range m.switches {
		line("switch %s", withDoc(v))
	}
	for _, v := range m.segments {
		line("segment %s", withDoc(v))
	}
	for _, v := range m.signals {
		line("signal %s", withDoc(v))
	}
	if len(m.example) > 0 {
		steps := make([]string, len(m.example))
		for i, e := range m.example {
			steps[i] = m.events[e].String()
		}
		line("example %s", strings.Join(steps, "; "))
	}
	profiles := func() {
		for _, p := range m.profiles {
			line("")
			if p.doc != "" {
				line("profile %s %s", p.name, quote(p.doc))
			} else {
				line("profile %s", p.name)
			}
			for _, v := range p.values {
				line("%s%s", m.indent, v)
			}
		}
	}
	if m.profilesFirst {
		profiles()
	}
	for _, s := range m.stateOrder {
		line("")
		line("in %s", m.states[s].name)
		for _, e := range m.cellOrder[s] {
			for _, r := range m.cells[s][e] {
				line("%s%s", m.indent, m.ruleText(m.events[e], r))
			}
		}
	}
	if !m.profilesFirst {
		profiles()
	}
	return b.String()
}

func (m *model) ruleText(e event, r *rule) string {
	parts := []string{e.String()}
	if r.guard != "" {
		parts = append(parts, r.guard)
	}
	switch r.verdict {
	case "move":
		parts = append(parts, "-> "+m.states[r.next].name)
		if len(r.actions) > 0 {
			parts = append(parts, strings.Join(r.actions, "; "))
		}
		if r.reason != "" {
			parts = append(parts, quote(r.reason))
		}
	default:
		parts = append(parts, r.verdict, quote(r.reason))
		if len(r.actions) > 0 {
			parts = append(parts, strings.Join(r.actions, "; "))
		}
	}
	parts = append(parts, "["+r.cite+"]")
	if r.comment != "" {
		parts = append(parts, r.comment)
	}
	return strings.Join(parts, " ")
}
