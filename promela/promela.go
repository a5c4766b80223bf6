// Package promela exports the composed model that fsmgen check explores
// (package model: two endpoints running the table, the lossy network,
// discrete time, incarnations and the ghosts, with the properties of
// package props) as a Promela model for SPIN, so that an independent
// checker can verify the very same system and hold fsmgen check to its
// verdicts and its speed.
//
// # The Promela source
//
// The semantics are written by hand in Promela: model.pml (embedded) holds
// the state, the steps and the properties, a second implementation of
// package model's steps and package props' properties that shares no code
// with them. Only the guards of the global steps, whose number and shape
// follow the bounds, are Promela text written in Go (steps.go), by hand as
// well. What depends on the spec, the profile and the bounds is generated,
// and model.pml includes it from two files: defs.pml (the bounds and
// durations; the values of the names model.pml uses for states, events,
// verdicts, segment kinds, timers and step kinds; the findings the profile
// declares; the table under the profile's switches) and steps.pml (the
// global steps the loop offers, each with its guard). Go renders the two
// (defs.go, steps.go), with the names and values taken from their owners
// (generated/tcp, model, props), and Generate puts them in place of
// model.pml's two #include lines, under a comment that names the spec,
// profile, bounds and timing: the export is one file. model.pml holds no
// Go template action, so Promela tools read it as it is, and SPIN runs it
// as it is with the two files beside it. A change to model.pml changes
// every export; the cross-check with fsmgen check (TestCrossCheck) holds
// it to the model.
//
// # Correspondence
//
// The Promela model has one process whose loop offers every global step of
// model.Successors as one option. Each is one atomic step: a d_step that
// picks it when it is enabled (its guard) and a d_step, shared by all, that
// takes it. SPIN stores no state inside an atomic sequence or a d_step, so
// it stores exactly one state per global state of the model: its state
// vector is the model's canonical state (model.State after canon) and the
// process's one control location. The scratch variables a step needs are
// declared hidden, which keeps them out of the state vector; each step
// writes every one before it reads it. So for the safety run "states,
// stored" equals check.Result.States.
//
// A move the model refuses (a segment that finds its channel full with no
// loss left, model.Successors' blocked moves) is an option that changes
// nothing, so that SPIN, like check, does not take a state stuck only for
// want of room for a deadlock; a duplicate delivered that changes nothing
// is one too. Neither adds a state.
//
// # Properties
//
// P1 to P8 are assertions named P1_violated .. P8_violated (a failing one
// prints "assertion violated !(P3_violated)"). P3, P7 and P8 have a known
// weakness a profile may declare as a finding (check.Property.ExcusedStep
// and ExcusedState); where the profile declares it, a violation from the
// weakness fails P3_finding (P7_finding, P8_finding) instead. P6 and P7 are
// state properties: P6 is asserted on every state a step reaches, P7 on a
// state where no option is executable (the loop's else). P2's safety half
// is an assertion; its liveness half is an LTL formula per endpoint,
// compiled with -DLIVENESS, which adds one bit (ticked: the last step was
// time passing) and states the fairness of check/liveness.go in the
// formula: if time passes infinitely often, the endpoint does not owe the
// ACK of its FIN for ever.
//
// # The SCTP association
//
// For a spec of the SCTP vocabulary (spec/sctp.fsm) fsmgen check explores
// the association model of package assoc instead, and the export follows
// it the same way (assoc.go, BuildAssociation and Association.Generate):
// assoc.pml (embedded) is a hand-written second implementation of
// assoc.Model.Each and of S1 to S6 (assoc/props.go), sharing no code with
// them, and Go renders only what depends on the spec and the bounds:
// assoc_defs.pml (the bounds; the names and values of states, events,
// verdicts, chunk types, the chunks the table sends, timers and step
// kinds; the timers the spec declares giveup; the table, from the spec's
// interpreter, as fsmgen check steps it) and assoc_steps.pml (the global
// steps, each with its guard), put in place of assoc.pml's two #include
// lines under the comment that names spec, profile and bounds. The model
// is untimed and the SCTP spec has no switches: every profile exports the
// same model, named after it.
//
// One process loops over the global steps, each atomic as for TCP, so
// that SPIN stores one state per state of the model: the state vector is
// assoc.State in canonical form (each direction's chunks sorted by
// assoc's packing order, a multiset, empty slots zero) and the one control
// location, and "states, stored" equals the explorer's count. A call or a
// timer the table does not move on is not offered; a move refused for a
// full direction without loss, and a copy delivered that changes nothing,
// change nothing, as assoc leaves them out. S1 to S6 are assertions named
// S1_violated .. S6_violated ("assertion violated !(S1_violated)"): S1 to
// S4 on every step, S5 and S6 on every state a step reaches (the model is
// untimed, so they are the invariants behind "every SHUTDOWN is answered
// or T2 gives up" and "T5 bounds the shutdown", RFC 9260 9.2). S7, that
// liveness itself (an endpoint in SHUTDOWN_SENT or SHUTDOWN_ACK_SENT
// eventually leaves it), is checked with -DLIVENESS by the never claims
// s7_A and s7_B (VerifyAssociationLiveness), written by hand because the
// fairness is the explorer's for the untimed model, justice on timer
// expiries (check.Just), fifteen conditions SPIN's LTL translation does
// not get through; -DLIVENESS adds one byte to the state, the last step's
// kind. The cross-check TestAssociationCrossCheck holds assoc.pml to the
// model.
package promela

import (
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/props"
	"github.com/tcpfsm/tcpfsm/spec"
)

// Properties are the IDs of the properties the model asserts, in the
// order of their bits in the CHECK mask (P1 is bit 0). The later ones
// (P10 to P26) are fsmgen check's alone: the cross-check with SPIN
// compares these.
var Properties = []string{"P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8"}

// Source says where a model comes from, for the header and the findings.
type Source struct {
	Spec    *spec.Spec
	Profile *spec.Profile
	// Table names the table the endpoints run: "generated/tcp" or "the
	// spec's interpreter".
	Table string
}

// Findings are the IDs of the properties whose known weakness the profile
// declares as a finding (check.Options.Findings).
func (s Source) Findings() map[string]bool {
	out := map[string]bool{}
	if s.Profile == nil {
		return out
	}
	for id := range props.Declared(s.Profile) {
		if slices.Contains(Properties, id) {
			out[id] = true
		}
	}
	return out
}

// excused are the properties the model asserts whose known weakness a
// profile may declare as a finding: model.pml tells each one's finding
// apart (FINDING_Pn, Pn_finding).
func excused() []string {
	var out []string
	for _, id := range props.Excusable() {
		if slices.Contains(Properties, id) {
			out = append(out, id)
		}
	}
	return out
}

// Build makes the model fsmgen check explores for profile prof of sp on
// bounds b, stepping table t: the binding of package bind, with the
// source the export's header names. The export leaves data, the zero
// window, the off-path attacker, keep-alive and the user timeout out: the
// model it returns has Bounds.Data 0, no zero window, Bounds.Attacks 0,
// Bounds.KeepAlive 0 and Bounds.UserTimeout 0 whatever b says, so that
// the counts SPIN reports are those of this model, and the header's
// bounds say so.
func Build(sp *spec.Spec, prof *spec.Profile, b model.Bounds, t bind.Table) (*model.Model, Source, error) {
	b.Data, b.ZeroWindow = 0, false // model.pml has no writes, no data segments and no window
	b.Attacks = 0                   // nor forged segments
	b.KeepAlive = 0                 // nor keep-alive
	b.UserTimeout = 0               // nor the user timeout
	src := Source{Spec: sp, Profile: prof, Table: t.String()}
	m, err := bind.Model(sp, prof, b, t)
	if err != nil {
		return nil, src, err
	}
	// model.pml's client opens only from CLOSED; the Go model's opens
	// from its own TIME_WAIT too where the table lets connect() reuse it.
	if tr, ok := m.Step(m.Profile.Switches, tcp.TimeWait, tcp.AppOpenActive); ok && tr.Verdict == tcp.Move {
		return nil, src, fmt.Errorf("profile %s lets connect() reuse its own TIME_WAIT (reuse_own_time_wait): %w", prof.Name, ErrReusesTimeWait)
	}
	return m, src, nil
}

// ErrReusesTimeWait is Build's refusal of a table that lets connect()
// reuse its own TIME_WAIT: model.pml's client opens only from CLOSED.
var ErrReusesTimeWait = errors.New("the export's client opens only from CLOSED; fsmgen check checks it")

// body is the hand-written Promela model; the lines includeDefs and
// includeSteps, once each, are where the generated parts go.
//
//go:embed model.pml
var body string

const (
	includeDefs  = `#include "defs.pml"`
	includeSteps = `#include "steps.pml"`
)

// ident turns a name of the spec or the model into a Promela identifier:
// "rcv FIN" is RCV_FIN, "timeout time_wait" TIMEOUT_TIME_WAIT, "SYN,ACK"
// SYN_ACK.
func ident(s string) string {
	return strings.ToUpper(strings.NewReplacer(" ", "_", ",", "_", "-", "_").Replace(s))
}

// Generate writes the Promela model of m: model.pml with the definitions
// and the steps of m in place of its #include lines, under a comment that
// names where m comes from. src names the spec and profile it was built
// from.
func Generate(m *model.Model, src Source) ([]byte, error) {
	if m.Step == nil {
		return nil, fmt.Errorf("promela: the model has no table")
	}
	findings := src.Findings()
	for id := range findings {
		// Every property with a known weakness has its FINDING_ name
		// (defs.go); model.pml must tell its finding apart.
		if !strings.Contains(body, "FINDING_"+id) {
			return nil, fmt.Errorf("promela: profile %s declares a finding for %s, whose weakness model.pml does not tell apart", m.Profile.Name, id)
		}
	}
	d, err := newData(m, src, findings)
	if err != nil {
		return nil, err
	}
	defs, steps := d.defs(), d.steps()
	text := d.provenance() + body
	text = strings.Replace(text, includeDefs+"\n", defs, 1)
	text = strings.Replace(text, includeSteps+"\n", steps, 1)
	return []byte(text), nil
}

// provenance is the comment above the export: where the model comes from.
func (d *data) provenance() string {
	specName, hash := "(unknown spec)", ""
	if d.Src.Spec != nil {
		specName, hash = d.Src.Spec.File, d.Src.Spec.Hash()
	}
	switches := "none"
	if d.M.Profile.Switches != 0 {
		switches = d.M.Profile.Switches.String()
	}
	var ids []string
	for id := range d.Findings {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	declared := strings.Join(ids, " ")
	if declared == "" {
		declared = "none"
	}
	return fmt.Sprintf(`/*
 * Generated by "fsmgen promela"; do not edit. The model of promela/model.pml
 * with its definitions (defs.pml) and steps (steps.pml) for
 *
 *   spec:     %s (%s)
 *   table:    %s, under the switches of the profile
 *   profile:  %s (switches: %s; findings it declares: %s)
 *   bounds:   %s
 *   timing:   %s
 */

`, specName, hash, d.tableName(), d.M.Profile.Name, switches, declared, d.M.Bounds, d.M.Timing)
}
