package promela_test

import (
	"context"
	"errors"
	"math/bits"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/internal/mutants"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/promela"
	"github.com/tcpfsm/tcpfsm/props"
	"github.com/tcpfsm/tcpfsm/spec"
)

// requireSPIN skips a test that needs spin and gcc where they are missing,
// saying why, except in CI (CI=true), which must run it.
func requireSPIN(t *testing.T) {
	t.Helper()
	if err := promela.Tools(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI must run the SPIN cross-check, and cannot: %v", err)
		}
		t.Skipf("the SPIN cross-check cannot run here: %v", err)
	}
}

// crossBounds are the bounds of the cross-check: the quick bounds (one
// segment in flight per direction, two incarnations, one loss per
// incarnation, duplication and reordering, MSL of two ticks).
func crossBounds() model.Bounds { return model.QuickBounds() }

// A crossCase is one model both checkers explore.
type crossCase struct {
	name  string
	sp    *spec.Spec
	prof  *spec.Profile
	b     model.Bounds
	table bind.Table
	// safetyOnly leaves out SPIN's liveness run (the p2 claim): for a
	// mutant that does not break P2, whose graph differs from the spec's
	// by one rule, it is most of SPIN's time (-O0) and would only find
	// again that no fair cycle is there.
	safetyOnly bool
}

// mutantProfile is the profile a mutant is cross-checked under: the one
// its archive names, else linux.
func mutantProfile(mu mutants.Mutant) *spec.Profile {
	if len(mu.Profiles) > 0 {
		return mu.Spec.Profile(mu.Profiles[0])
	}
	return mu.Spec.Profile("linux")
}

// boundsCases vary the bounds on the TCP spec: more room in flight, no
// loss (where moves are refused for want of room), no duplication, no
// reordering, more losses, a finer clock; and three incarnations, where
// the reopen rule's mark (model.State.Reopened) is set. One incarnation
// keeps the others small. (Two segments in flight with two incarnations
// take minutes.)
func boundsCases(t *testing.T) []crossCase {
	sp, err := spec.TCP()
	require.NoError(t, err)
	one := crossBounds()
	one.Incarnations = 1
	vary := func(name, profile string, f func(*model.Bounds)) crossCase {
		b := one
		f(&b)
		return crossCase{name: "bounds/" + name + "/" + profile, sp: sp, prof: sp.Profile(profile), b: b, table: bind.Generated}
	}
	// Three incarnations at capacity 1 set the mark (windows keeps
	// TIME_WAIT longest); the counts would differ without it. The
	// liveness search is left to the other variations: seconds more,
	// for nothing the reopen touches.
	reopens := vary("three-incarnations", "windows", func(b *model.Bounds) { b.Incarnations = 3 })
	reopens.safetyOnly = true
	return []crossCase{
		vary("no-loss-two-incarnations", "bsd", func(b *model.Bounds) { b.Loss, b.Incarnations = false, 2 }),
		vary("capacity-3-no-dup-no-reorder-no-loss", "linux", func(b *model.Bounds) {
			b.Capacity, b.Duplication, b.Reordering, b.Loss = 3, false, false, false
		}),
		vary("losses-2-msl-ticks-3", "solaris", func(b *model.Bounds) { b.Losses, b.MSLTicks = 2, 3 }),
		vary("capacity-2-no-loss-no-dup", "rfc9293", func(b *model.Bounds) { b.Capacity, b.Loss, b.Duplication = 2, false, false }),
		vary("capacity-2-no-dup", "bsd", func(b *model.Bounds) { b.Capacity, b.Duplication = 2, false }),
		reopens,
	}
}

func crossCases(t *testing.T) []crossCase {
	sp, err := spec.TCP()
	require.NoError(t, err)
	var out []crossCase
	for _, p := range sp.Profiles {
		out = append(out, crossCase{name: "tcp/" + p.Name, sp: sp, prof: p, b: crossBounds(), table: bind.Generated})
	}
	ms, err := mutants.All()
	require.NoError(t, err)
	for _, mu := range ms {
		// The same bounds for every mutant: three (p3-*) ask for two
		// segments in flight, and one of them for the attacker, which the
		// export leaves out; on these bounds both checkers agree that
		// they break nothing. A mutant of a run with data, keep-alive or
		// the user timeout, which the export leaves out too, changes
		// rules that never fire here: it would be the spec again.
		if !mu.Main() {
			continue
		}
		p := mutantProfile(mu)
		if _, _, err := promela.Build(mu.Spec, p, crossBounds(), bind.Interpreted); errors.Is(err, promela.ErrReusesTimeWait) {
			continue // a client that reopens its own TIME_WAIT, which the export leaves out
		}
		out = append(out, crossCase{name: strings.TrimSuffix(mu.Name, ".txtar") + "/" + p.Name, sp: mu.Spec, prof: p, b: crossBounds(), table: bind.Interpreted,
			safetyOnly: !slices.Contains(mu.Expect, "P2")})
	}
	return append(out, boundsCases(t)...)
}

// status is a verdict on a property: holds, or violated, or a finding (a
// violation from the weakness a finding of the profile names), or both
// violated and a finding (violations of either kind).
func status(violated, finding bool) string {
	switch {
	case violated && finding:
		return "violated+finding"
	case violated:
		return "violated"
	case finding:
		return "finding"
	}
	return "holds"
}

// hashBits sizes pan's hash table for n states.
func hashBits(n int) int { return max(bits.Len(uint(n)), 10) }

// TestCrossCheck: for the TCP spec under every profile, and for every
// mutant, SPIN and fsmgen check explore the same number of states and give
// the same verdict on every property (holds, finding or violated), P2's
// liveness half included (but for the mutants that do not break P2:
// crossCase.safetyOnly). The counts are a plain run's (check.Options.Plain):
// SPIN keeps the dead fields that check's reductions forget, so it stores
// more states than a reduced run, whose verdicts must be the same.
func TestCrossCheck(t *testing.T) {
	requireSPIN(t)
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("-short: the cross-check compiles and runs SPIN's verifiers for a minute or two")
	}
	began := time.Now()
	t.Cleanup(func() { t.Logf("cross-check took %.1fs", time.Since(began).Seconds()) })
	for _, c := range crossCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel() // as many at once as go test -parallel allows: one per core by default
			crossCheck(t, c, testCFlags)
		})
	}
}

// TestCrossCheckLong, run by hand (PROMELA_LONG=1, a few minutes), holds
// the checkers to each other on bounds too large for CI: where the
// findings the profiles declare show (P3 and P8 under linux), and each
// mutant on the bounds its archive asks for.
func TestCrossCheckLong(t *testing.T) {
	if os.Getenv("PROMELA_LONG") != "1" {
		t.Skip("set PROMELA_LONG=1 to run the cross-check on larger bounds (minutes)")
	}
	requireSPIN(t)
	sp, err := spec.TCP()
	require.NoError(t, err)
	b := model.DefaultBounds()
	b.Duplication = false
	cases := []crossCase{{name: "tcp/linux/capacity-2-no-dup", sp: sp, prof: sp.Profile("linux"), b: b, table: bind.Generated}}
	ms, err := mutants.All()
	require.NoError(t, err)
	for _, mu := range ms {
		if mu.Bounds == crossBounds() || mu.Bounds.Attacks > 0 || !mu.Main() {
			continue // TestCrossCheck's, or of what the export leaves out (the attacker, data, keep-alive, the user timeout)
		}
		for _, p := range mu.Check() {
			if _, _, err := promela.Build(mu.Spec, p, mu.Bounds, bind.Interpreted); errors.Is(err, promela.ErrReusesTimeWait) {
				continue // nor a client that reopens its own TIME_WAIT
			}
			cases = append(cases, crossCase{name: strings.TrimSuffix(mu.Name, ".txtar") + "/" + p.Name + "/own-bounds", sp: mu.Spec, prof: p, b: mu.Bounds})
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { crossCheck(t, c, []string{"-O2"}) })
	}
}

// crossCheck explores case c with fsmgen check and with SPIN, its
// verifiers compiled with cflags, and compares.
func crossCheck(t *testing.T, c crossCase, cflags []string) {
	m, src, err := promela.Build(c.sp, c.prof, c.b, c.table)
	require.NoError(t, err)
	text, err := promela.Generate(m, src)
	require.NoError(t, err)
	// SPIN stores every state as the steps make it: the counts compare
	// with a plain run's. The reduced run (check's default, which forgets
	// dead fields) must reach the same verdicts in no more states.
	res, err := check.Run(m, props.ModelChecked, check.Options{Findings: src.Findings(), Workers: 1, Plain: true})
	require.NoError(t, err)
	reduced, err := check.Run(m, props.ModelChecked, check.Options{Findings: src.Findings(), Workers: 1})
	require.NoError(t, err)
	assert.LessOrEqual(t, reduced.States, res.States, "states: reduced against plain")
	assert.Equal(t, verdicts(res), verdicts(reduced), "verdicts: plain, then reduced")
	if c.safetyOnly {
		require.Nil(t, res.Violations["P2"], "a mutant that breaks P2 needs SPIN's liveness run: its archive must expect P2")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	v, err := promela.Verify(ctx, t.TempDir(), text, promela.RunOptions{Liveness: !c.safetyOnly, HashBits: hashBits(res.States) + 1, CFlags: cflags})
	require.NoError(t, err)
	assert.Equal(t, res.States, v.States, "states: fsmgen check against SPIN's states, stored")
	want := verdicts(res)
	var got []string
	for _, id := range promela.Properties {
		got = append(got, id+" "+status(v.Violations[id], v.Findings[id]))
	}
	assert.Equal(t, want, got, "verdicts: fsmgen check, then SPIN")
	// P2's liveness half: a lasso from check is an acceptance cycle in
	// SPIN, and SPIN finds none where check finds no violation.
	if c := res.Violations["P2"]; c != nil && c.Loop >= 0 {
		assert.True(t, len(v.Cycles) > 0, "check found a fair cycle, SPIN no acceptance cycle")
	}
	if res.Violations["P2"] == nil {
		assert.Empty(t, v.Cycles, "SPIN found an acceptance cycle, check no fair cycle")
	}
	var cycles []string
	for c := range v.Cycles {
		cycles = append(cycles, c)
	}
	sort.Strings(cycles)
	t.Logf("%s: %d states (%d reduced); %s; acceptance cycles: %v; check %.1fs; SPIN CPU: compile %.1fs, safety %.1fs, liveness %.1fs",
		c.name, res.States, reduced.States, strings.Join(got, ", "), cycles, res.Elapsed.Seconds(),
		v.CPU["compile"].Seconds(), v.CPU["safety"].Seconds(), v.CPU["liveness"].Seconds())
}

// verdicts lists, per property of the export, whether res found it
// violated or a finding.
func verdicts(res *check.Result) []string {
	var out []string
	for _, id := range promela.Properties {
		out = append(out, id+" "+status(res.Violations[id] != nil, res.Findings[id] != nil))
	}
	return out
}

// testCFlags compile the verifiers of the tests: unoptimised, since
// compiling pan.c with -O2 takes four seconds, longer than the safety run
// takes at these bounds (-Og or -O1 cost as much in all: what they save
// in the liveness runs, they spend compiling).
var testCFlags = []string{"-O0"}
