package spec

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSCTPSpec: the embedded SCTP spec parses, decides every cell, names
// the eight states of RFC 9260 section 4, and is formatted as fsmgen fmt
// writes it.
func TestSCTPSpec(t *testing.T) {
	sp, err := SCTP()
	require.NoError(t, err, SCTPFile)
	assert.Empty(t, checkDecided(sp), SCTPFile)
	var states []string
	for _, s := range sp.States {
		states = append(states, s.Name)
	}
	assert.Equal(t, []string{"CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED", "SHUTDOWN_PENDING",
		"SHUTDOWN_SENT", "SHUTDOWN_RECEIVED", "SHUTDOWN_ACK_SENT"}, states)
	var giveUp []string
	for _, tm := range sp.Timers {
		if tm.GiveUp != "" {
			giveUp = append(giveUp, tm.Name)
		}
	}
	assert.Equal(t, []string{"t5_shutdown_guard", "max_init", "max_retrans"}, giveUp, "the timers that give up")
	var profiles []string
	for _, p := range sp.Profiles {
		profiles = append(profiles, p.Name)
	}
	assert.Equal(t, []string{"rfc9260", "linux"}, profiles)

	src, err := os.ReadFile("sctp.fsm")
	require.NoError(t, err)
	got := SCTPSource()
	require.Equal(t, src, got, "SCTPSource() is sctp.fsm")
	got[0] ^= 0xff
	assert.Equal(t, src, SCTPSource(), "SCTPSource() returns a copy")
	out, err := Format(SCTPFile, src)
	require.NoError(t, err)
	assert.Equal(t, string(src), string(out), "sctp.fsm is formatted: run fsmgen fmt -w spec/sctp.fsm")
}

// TestSCTPTagRules: the verification-tag rules of RFC 9260 8.5 and 8.5.1
// as the table decides them. A chunk that fails the tag check is dropped
// wherever an association exists; SHUTDOWN COMPLETE ends an association
// only in SHUTDOWN_ACK_SENT; a COOKIE ECHO there draws SHUTDOWN ACK and
// ERROR, not a new association.
func TestSCTPTagRules(t *testing.T) {
	sp, err := SCTP()
	require.NoError(t, err)
	state := func(name string) *State {
		for _, s := range sp.States {
			if s.Name == name {
				return s
			}
		}
		require.FailNow(t, "no state "+name)
		return nil
	}
	event := func(name string) *Event {
		for _, e := range sp.Events {
			if e.Kind == Rcv && e.Name == name {
				return e
			}
		}
		require.FailNow(t, "no rcv event "+name)
		return nil
	}
	for _, s := range sp.States[1:] {
		r := sp.Decide(s, event("WRONG_TAG"), 0)
		assert.Equal(t, Ignore, r.Verdict, "WRONG_TAG in %s", s.Name)
		assert.Equal(t, s, r.Next, "WRONG_TAG in %s", s.Name)
		r = sp.Decide(s, event("SHUTDOWN_COMPLETE"), 0)
		if s.Name == "SHUTDOWN_ACK_SENT" {
			assert.Equal(t, "CLOSED", r.Next.Name)
			continue
		}
		assert.Equal(t, Ignore, r.Verdict, "SHUTDOWN_COMPLETE in %s", s.Name)
	}
	r := sp.Decide(state("SHUTDOWN_ACK_SENT"), event("COOKIE_ECHO"), 0)
	assert.Equal(t, "SHUTDOWN_ACK_SENT", r.Next.Name)
	var sent []string
	for _, a := range r.Actions {
		sent = append(sent, a.String())
	}
	assert.Equal(t, []string{"send SHUTDOWN_ACK", "send ERROR"}, sent)
}
