package verify

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/spec"
)

// TestCoverage: with Options.Coverage each result lists every rule of the
// spec in order; a rule the run must take fires, a rule whose guard the
// profile does not meet never does, and no more transitions are counted
// than were explored.
func TestCoverage(t *testing.T) {
	sp, err := spec.TCP()
	require.NoError(t, err)
	b := model.QuickBounds()
	b.Incarnations = 1
	rep, _, err := Run(sp, []*spec.Profile{sp.Profile("bsd"), sp.Profile("linux")}, Options{Bounds: b, Coverage: true})
	require.NoError(t, err)
	byProfile := map[string]ProfileResult{}
	for _, r := range rep.Results {
		require.Len(t, r.Coverage, len(sp.Rules), r.Profile)
		var sum uint64
		for i, c := range r.Coverage {
			assert.Equal(t, sp.Rules[i].Pos.Line, c.Line, r.Profile)
			sum += c.Fired
		}
		assert.NotZero(t, sum, r.Profile)
		assert.LessOrEqual(t, sum, uint64(r.Transitions), "%s: more rule firings than transitions", r.Profile)
		byProfile[r.Profile] = r
	}
	fired := func(profile, state, event, guard string) uint64 {
		for _, c := range byProfile[profile].Coverage {
			if c.State == state && c.Event == event && c.Guard == guard {
				return c.Fired
			}
		}
		t.Fatalf("no rule %s %s %s", state, event, guard)
		return 0
	}
	for _, p := range []string{"bsd", "linux"} {
		assert.NotZero(t, fired(p, "ESTABLISHED", "app CLOSE", ""), "%s: every close starts here", p)
		assert.NotZero(t, fired(p, "LAST_ACK", "rcv ACK_OF_FIN", ""), "%s: the passive close ends here", p)
	}
	// bsd turns rfc1337 on, linux leaves it off: each fires only its side.
	assert.Zero(t, fired("bsd", "TIME_WAIT", "rcv RST", "unless rfc1337"))
	assert.Zero(t, fired("linux", "TIME_WAIT", "rcv RST", "if rfc1337"))

	var text strings.Builder
	require.NoError(t, rep.WriteCoverage(&text, sp))
	assert.Contains(t, text.String(), "line  state")
	assert.Contains(t, text.String(), "never fired")
	assert.Regexp(t, `Coverage: of the \d+ rules that move, send or touch a timer, \d+ fired under at least one profile, \d+ are declared outside the model, \d+ are in no checked profile's table \(their guard met under none of them\), and \d+ none of these \(never fired\)\.`, text.String())

	rep, _, err = Run(sp, []*spec.Profile{sp.Profile("bsd")}, Options{Bounds: b})
	require.NoError(t, err)
	assert.Empty(t, rep.Results[0].Coverage, "coverage only when asked")
}

// quickSuite is the check at the quick bounds with the default check's
// runs with data and the zero window, with the attacker, with data and keep-alive
// and with the user timeout (DefaultAlso, beside the quick bounds), under every profile,
// with coverage: the tests below share it, as it takes most of a minute.
var quickSuite = sync.OnceValues(func() (*Report, error) {
	sp, err := spec.TCP()
	if err != nil {
		return nil, err
	}
	rep, _, err := Run(sp, sp.Profiles, Options{Bounds: model.QuickBounds(), Also: DefaultAlso(sp, model.DefaultBounds()), Coverage: true})
	return rep, err
})

// TestOutsideNeverFires: no rule the TCP spec declares outside the model
// fires at the quick bounds with the default check's runs with data,
// with the attacker, with data and keep-alive and with the user timeout, under any profile (the model at the default bounds
// does everything it does here, so a rule that fires here is a stale
// declaration), and every rule that moves, sends or touches a timer and
// fires under no profile here is named, with its line, so that a rule the
// model stops reaching shows up in the test log.
func TestOutsideNeverFires(t *testing.T) {
	sp, err := spec.TCP()
	require.NoError(t, err)
	rep, err := quickSuite()
	require.NoError(t, err)
	declared := 0
	for i, rule := range sp.Rules {
		var fired uint64
		for _, r := range rep.Results {
			fired += r.Coverage[i].Fired
		}
		why := rep.Results[0].Coverage[i].Outside
		if why != "" {
			declared++
			assert.Zero(t, fired, "line %d (%s, %s) fires, though declared outside the model: %s", rule.Pos.Line, rule.State.Name, rule.Event, why)
		} else if fired == 0 && Consequential(rule) {
			t.Logf("line %d (%s, %s) fires under no profile on the quick bounds", rule.Pos.Line, rule.State.Name, rule.Event)
		}
	}
	assert.NotZero(t, declared, "the TCP spec declares rules outside the model")
}

// TestDataExercised: with data written and the zero window on (-data 1
// -zero-window) on the quick bounds, with the attacker's two forged
// segments, with data and keep-alive (-data 1 -keepalive 2), and with data, the zero window and a
// user timeout (-user-timeout 2), every property holds
// under every profile but for the findings the spec declares, and the
// rules the default bounds leave outside the model fire: rcv DATA,
// DATA_AFTER_CLOSE, close() with data unread, the window closing and
// reopening, the persist timer, a RST in the window, the throttled
// challenge ACK, ACKs beyond SND.NXT, the keep-alive timer, R2 where
// only unanswered probes start it, and the user timeout. In
// the six close-path states each of their rules that moves, sends or
// touches a timer fires under some profile (of ACK_OF_FIN and FIN_ACK,
// those of ESTABLISHED and CLOSE_WAIT, the states with no FIN of their
// own, where an ACK beyond SND.NXT is one); those that fire under none
// otherwise are named in the log.
func TestDataExercised(t *testing.T) {
	sp, err := spec.TCP()
	require.NoError(t, err)
	rep, err := quickSuite()
	require.NoError(t, err)
	assert.Empty(t, rep.Failures())
	for _, r := range rep.Results {
		require.Len(t, r.Also, 4, r.Profile)
		for _, id := range []string{"P13", "P15", "P16"} {
			assert.GreaterOrEqual(t, propertyIndex(r.Properties, id), 0, "%s: the attacker's %s", r.Profile, id)
		}
	}
	events := []string{"rcv DATA", "rcv DATA_AFTER_CLOSE", "app CLOSE_UNREAD", "rcv ZERO_WINDOW", "rcv WINDOW_OPEN", "timeout persist",
		"rcv RST_IN_WINDOW", "rcv CHALLENGE_LIMITED", "rcv ACK_OF_FIN", "rcv FIN_ACK", "timeout keepalive", "timeout r2", "timeout user_timeout"}
	byEvent := map[string]uint64{}
	for i, rule := range sp.Rules {
		ev := rep.Results[0].Coverage[i].Event
		if !slices.Contains(events, ev) {
			continue
		}
		var fired uint64
		for _, r := range rep.Results {
			fired += r.Coverage[i].Fired
		}
		byEvent[ev] += fired
		// In the close-path states every such rule must fire; of ACK_OF_FIN
		// and FIN_ACK, those the attacker's ACKs beyond SND.NXT reach.
		must := slices.Contains(sp.Highlight, rule.State)
		if ev == "rcv ACK_OF_FIN" || ev == "rcv FIN_ACK" {
			must = rule.State.Name == "CLOSE_WAIT" || rule.State.Name == "ESTABLISHED"
		}
		if fired == 0 && Consequential(rule) {
			if must {
				t.Errorf("line %d (%s, %s) fires under no profile with data, the zero window, the attacker, keep-alive or the user timeout", rule.Pos.Line, rule.State.Name, ev)
			} else {
				t.Logf("line %d (%s, %s) fires under no profile with data, the zero window, the attacker, keep-alive or the user timeout", rule.Pos.Line, rule.State.Name, ev)
			}
		}
	}
	for _, ev := range events {
		assert.NotZero(t, byEvent[ev], "%s never fires", ev)
	}
}

// TestAttackerTable: the off-path attacker (-attacker, one forged
// segment) on the quick bounds, under every profile as the spec declares
// it and with a switch turned over, gives the README's table of attacks:
// P13 (a blind in-window RST or SYN ends no connection) holds where the
// profile follows RFC 5961 and is the declared finding under solaris;
// P14 (no RST ends TIME_WAIT) holds only where rfc1337 is on. Turning
// rfc5961 off under rfc9293 (RFC 793's rule) makes P13 a violation with
// its counterexample; turning rfc1337 on under linux makes P14 hold. The
// rules of rcv RST_IN_WINDOW fire. With one forged segment more than a
// profile's challenge_acks, P15 (challenge ACKs throttled) holds and rcv
// CHALLENGE_LIMITED fires; without a limit, P15 is the declared finding.
func TestAttackerTable(t *testing.T) {
	b := model.QuickBounds()
	b.Attacks = 1
	run := func(profile string, set map[string]bool) ProfileResult {
		sp, err := spec.Parse(spec.TCPFile, spec.TCPSource())
		require.NoError(t, err)
		p := sp.Profile(profile)
		for name, on := range set {
			require.True(t, p.SetSwitch(name, on), name)
		}
		rep, _, err := Run(sp, []*spec.Profile{p}, Options{Bounds: b, Coverage: true, Table: bind.Generated})
		require.NoError(t, err)
		return rep.Results[0]
	}
	status := func(r ProfileResult, id string) string {
		for _, p := range r.Properties {
			if p.ID == id {
				return p.Status()
			}
		}
		return "absent"
	}
	for profile, want := range map[string][2]string{
		"rfc9293": {"holds", "finding"},
		"linux":   {"holds", "finding"},
		"bsd":     {"holds", "holds"},
		"solaris": {"finding", "finding"},
		"windows": {"holds", "finding"},
	} {
		r := run(profile, nil)
		assert.Equal(t, want[0], status(r, "P13"), "P13 under %s", profile)
		assert.Equal(t, want[1], status(r, "P14"), "P14 under %s", profile)
		var fired uint64
		for _, c := range r.Coverage {
			if c.Event == "rcv RST_IN_WINDOW" {
				fired += c.Fired
			}
		}
		assert.NotZero(t, fired, "rcv RST_IN_WINDOW never fires under %s", profile)
	}
	r := run("rfc9293", map[string]bool{"rfc5961": false})
	assert.Equal(t, "VIOLATED", status(r, "P13"))
	for _, p := range r.Properties {
		if p.ID == "P13" {
			assert.Contains(t, p.Problem, "forged RST in the window, inexact, taken as rcv RST_IN_WINDOW")
		}
	}
	r = run("linux", map[string]bool{"rfc1337": true})
	assert.Equal(t, "holds", status(r, "P14"))

	// P15 needs one forged segment past the limit at one instant: a
	// profile whose challenge_acks is n answers n and drops the next as
	// rcv CHALLENGE_LIMITED (n+1 forged segments); one without a limit
	// answers two, its declared finding. One incarnation: the limit is
	// reached within one, and bsd's six forged segments over two take
	// 8.5 million states.
	b.Incarnations = 1
	for _, p := range tcp.Profiles() {
		n := p.ChallengeAcks
		b.Attacks = max(n+1, 2)
		require.LessOrEqual(t, b.Attacks, model.MaxAttacks, "%s's limit of challenge ACKs is beyond the attacker's reach", p.Name)
		r = run(p.Name, nil)
		if n == 0 {
			assert.Equal(t, "finding", status(r, "P15"), "P15 under %s, without a limit", p.Name)
			continue
		}
		assert.Equal(t, "holds", status(r, "P15"), "P15 under %s, limit %d", p.Name, n)
		var limited uint64
		for _, c := range r.Coverage {
			if c.Event == "rcv CHALLENGE_LIMITED" {
				limited += c.Fired
			}
		}
		assert.NotZero(t, limited, "%s never reaches its limit of %d challenge ACKs", p.Name, n)
	}
}

// TestReuseOwnTimeWait: connect() from the client's own TIME_WAIT is
// modelled. Under the profiles as declared the table refuses it (no
// profile turns reuse_own_time_wait on), and the rule that reopens is in
// no profile's table: the coverage says so rather than "never fired".
// With the switch on (linux with tcp_tw_reuse) the rule fires, and P8 is
// VIOLATED: a TIME_WAIT reused before the peer's LAST_ACK or CLOSING has
// its ACK leaves that peer to be reset, the hazard TIME_WAIT is for; so is
// P1 where the new incarnation's sequence numbers do not lie above the
// old ones (the timestamps RFC 6191 asks for are not modelled).
func TestReuseOwnTimeWait(t *testing.T) {
	b := model.QuickBounds()
	sp, err := spec.Parse(spec.TCPFile, spec.TCPSource())
	require.NoError(t, err)
	reopen := slices.IndexFunc(sp.Rules, func(r *spec.Rule) bool {
		return r.State.Name == "TIME_WAIT" && r.Event.String() == "app OPEN_ACTIVE" && r.Verdict == spec.Move
	})
	require.GreaterOrEqual(t, reopen, 0)
	p := sp.Profile("linux")
	rep, _, err := Run(sp, []*spec.Profile{p}, Options{Bounds: b, Coverage: true})
	require.NoError(t, err)
	c := rep.Results[0].Coverage[reopen]
	assert.True(t, c.NotInTable, "linux does not reuse its TIME_WAIT")
	assert.Zero(t, c.Fired)
	assert.Empty(t, c.Outside, "the rule is not declared outside the model")
	var text strings.Builder
	require.NoError(t, rep.WriteCoverage(&text, sp))
	assert.Regexp(t, fmt.Sprintf(`(?m)^%d +TIME_WAIT +app OPEN_ACTIVE +if reuse_own_time_wait +0 +in no checked profile's table: if reuse_own_time_wait under none`, sp.Rules[reopen].Pos.Line), text.String())

	require.True(t, p.SetSwitch("reuse_own_time_wait", true))
	rep, failures, err := Run(sp, []*spec.Profile{p}, Options{Bounds: b, Coverage: true})
	require.NoError(t, err)
	assert.NotZero(t, failures)
	c = rep.Results[0].Coverage[reopen]
	assert.False(t, c.NotInTable)
	assert.NotZero(t, c.Fired, "connect() reuses the TIME_WAIT")
	for _, id := range []string{"P1", "P8"} {
		i := propertyIndex(rep.Results[0].Properties, id)
		require.GreaterOrEqual(t, i, 0)
		assert.True(t, rep.Results[0].Properties[i].Fails(), "%s is VIOLATED with the TIME_WAIT reused", id)
	}
}
