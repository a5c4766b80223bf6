package props_test

import (
	"flag"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/internal/mutants"
	"github.com/tcpfsm/tcpfsm/props"
	"pgregory.net/rapid"
)

// mutantBudget is how many walks rapid may take to find a violation of a
// mutant's primary property. The walks it took over six random seeds: 1 to
// 152 for p1, p2, p4, p5, p6 and p8 (budget 1,000, twenty times the worst
// mean, p5's 48); 11 to 273 for p7 (5,000, over sixty times its mean of
// 75); 138 to 21,789 for p3, whose old FIN must outlive a one-MSL
// TIME_WAIT by the one tick in which the next handshake completes (50,000,
// ten times its mean of 4,800). With mutantSeed they take 5, 5, 6, 5, 44,
// 7, 6 and 7 walks, p3-time-wait-one-msl 405, p3-old-syn-ack-refuses
// 4,373, and p3-blind-rst-ends-time-wait
// (the attacker's RST, then an old FIN beside the next handshake) 14,873.
// p16-blind-ack-ends-fin-wait-2 (the attacker's ACK above SND.NXT, which
// must not end a FIN_WAIT_2) took 31 to 1,808 walks over seeds 1 to 7
// (10,000, sixteen times its mean of 624; 1,808 with mutantSeed).
// p17-abort-leaves-r2-running (R2 left running by an abort, which only
// shows if that abort comes while R2 runs) took 27 to 391 walks over seeds
// 1 to 7 (1,000, ten times its mean of 101; 391 with mutantSeed).
// p18-reset-not-told (a RST that ends an established connection without
// telling its application) took 6 to 31 walks over seeds 1 to 7 (18 with
// mutantSeed).
func mutantBudget(mu mutants.Mutant) int {
	switch primary(mu) {
	case "P3":
		return 50_000
	case "P7":
		return 5_000
	case "P16":
		return 10_000
	}
	return 1_000
}

// mutantShrinkTime is how long rapid may shrink a mutant's failure, unless
// -rapid.shrinktime or RAPID_SHRINKTIME gives a time: rapid's default of
// 30 s was most of these tests' time, and any longer shrink most of their
// share of CI. The test asserts which property the failure breaks, not how
// short its trace is; the shortest traces are the
// checker's (check.TestMutants), and the committed ones TestTraces
// replays were shrunk for longer.
const mutantShrinkTime = "1s"

// mutantSeed is rapid's seed for the mutant tests, unless -rapid.seed or
// RAPID_SEED gives one: the same walks on every run, so the test finds
// the same failures after the same number of walks (how far rapid shrinks
// them in mutantShrinkTime depends on the machine).
const mutantSeed = 1

// primary is the property a mutant is made to break: the one its file
// name starts with (p3-time-wait-one-msl.txtar: P3).
func primary(mu mutants.Mutant) string {
	id, _, _ := strings.Cut(mu.Name, "-")
	return strings.ToUpper(id)
}

// mutantWalks walks mutant mu with the invariant list: through the
// interpreter of its spec, under its profiles (with the findings they
// declare). Only the primary property is reported: the others a mutant breaks too (its
// archive's expect line) are the model checker's concern
// (check.TestMutants), and reporting one would hide whether the primary
// is found.
func mutantWalks(t testing.TB, mu mutants.Mutant, list []check.Property) walkSpec {
	id := primary(mu)
	require.Contains(t, mu.Expect, id, "%s: its primary property is not among those it expects", mu.Name)
	return walkSpec{spec: mu.Spec, table: bind.Interpreted, profiles: mu.Check(), list: list, only: id, attacks: mu.Bounds.Attacks}
}

// caught is what rapid reported about a mutant.
type caught struct {
	Property string // the ID the shrunk failure starts with; "" if rapid found nothing
	Report   string // the shrunk failure: the property, the model, the trace
	After    int    // walks that passed before the failing one
}

// catch runs the walk state machine on ws under rapid.Check, as the
// property tests do, but through a recorder rather than t: the failure
// rapid finds and shrinks is the expected outcome, not a test failure.
// rapid's flags are global, so for the duration it sets -rapid.checks to
// checks, -rapid.nofailfile (no fail file for an expected failure), the
// seed (mutantSeed) and the shrink time (mutantShrinkTime) unless given,
// and then restores them.
func catch(t *testing.T, ws walkSpec, checks int) caught {
	fl := map[string]string{"rapid.checks": strconv.Itoa(shortChecks(checks)), "rapid.nofailfile": "true"}
	if flag.Lookup("rapid.seed").Value.String() == "0" {
		fl["rapid.seed"] = strconv.Itoa(mutantSeed)
	}
	if !shrinkTimeGiven {
		fl["rapid.shrinktime"] = mutantShrinkTime
	}
	defer setFlags(t, fl)()
	r := &recorder{name: t.Name()}
	rapid.Check(r, ws.run)
	if !r.failed {
		return caught{}
	}
	c := caught{Report: r.failure()}
	if c.Report == "" && len(r.errors) > 0 {
		c.Report = r.errors[0] // not a walk's failure: a panic, say
	}
	if m := regexp.MustCompile(`^\[rapid\] failed after (\d+) tests: `).FindStringSubmatch(r.errors[0]); m != nil {
		c.After, _ = strconv.Atoi(m[1])
	}
	c.Property, _, _ = strings.Cut(c.Report, " ")
	return c
}

// shortChecks undoes the cut rapid makes under -short (a fifth of the
// checks), so that a budget stated here holds in either mode.
func shortChecks(n int) int {
	if testing.Short() {
		return 5 * n
	}
	return n
}

var flagsMu sync.Mutex

// setFlags sets rapid's command-line flags and returns what restores them.
func setFlags(t *testing.T, values map[string]string) func() {
	flagsMu.Lock()
	old := map[string]string{}
	restore := func() {
		for name, v := range old {
			_ = flag.Set(name, v)
		}
		flagsMu.Unlock()
	}
	for name, v := range values {
		f := flag.Lookup(name)
		if f == nil {
			restore()
			t.Fatalf("no flag -%s", name)
		}
		old[name] = f.Value.String()
		if err := f.Value.Set(v); err != nil {
			restore()
			t.Fatalf("-%s=%s: %v", name, v, err)
		}
	}
	return restore
}

// recorder is a rapid.TB that records what rapid reports instead of
// failing a test.
type recorder struct {
	name   string
	mu     sync.Mutex
	failed bool
	errors []string // rapid's own report: "[rapid] failed after N tests: MESSAGE ..."
	logs   []string // the failing walk replayed: its draws, then its failure
}

func (r *recorder) Helper()      {}
func (r *recorder) Name() string { return r.name }
func (r *recorder) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}
func (r *recorder) Log(args ...any) { r.Logf("%s", fmt.Sprint(args...)) }
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Error(args ...any)                 { r.Errorf("%s", fmt.Sprint(args...)) }
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...) }
func (r *recorder) Fatal(args ...any)                 { r.Error(args...) }
func (r *recorder) Fail()                             { r.mu.Lock(); r.failed = true; r.mu.Unlock() }

// FailNow is what rapid calls last, once it has reported a failure;
// nothing follows it to stop.
func (r *recorder) FailNow() { r.Fail() }
func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

// rapid never skips through its TB outside fuzzing.
func (r *recorder) Skipf(string, ...any) { panic("recorder: Skipf") }
func (r *recorder) Skip(...any)          { panic("recorder: Skip") }
func (r *recorder) SkipNow()             { panic("recorder: SkipNow") }

// failure is the shrunk walk's own failure, as rapid logs it when it
// replays the walk: the violation (logged last), then its trace (logged
// before it).
func (r *recorder) failure() string {
	var out []string
	for i := len(r.logs) - 1; i >= 0 && len(out) < 2; i-- {
		if l := r.logs[i]; len(out) == 0 && !strings.HasPrefix(l, "[rapid] ") || len(out) == 1 && strings.HasPrefix(l, "trace:") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// steps counts the numbered steps of a report's trace.
func steps(report string) int {
	return len(regexp.MustCompile(`(?m)^ *\d+\. `).FindAllString(report, -1))
}

// TestRapidCatchesMutants: for every mutant of the TCP spec
// (internal/mutants/corpus), the walk state machine of TestRandomWalks,
// run through the mutant's interpreter with every property of
// props.ModelChecked, finds a violation of the mutant's primary property
// within mutantBudget walks, and rapid shrinks it (for mutantShrinkTime). Only
// the primary property counts: a mutant that breaks P8 on the way does
// not pass for one made to break P3. The walks draw the main model (and
// the attacker): a mutant of the default check's run with data,
// keep-alive or the user timeout (mutants.Mutant.Main) is the model
// checker's alone (check.TestMutants).
func TestRapidCatchesMutants(t *testing.T) {
	ms, err := mutants.All()
	require.NoError(t, err)
	for _, mu := range ms {
		if !mu.Main() {
			continue
		}
		t.Run(mu.Name, func(t *testing.T) {
			c := catch(t, mutantWalks(t, mu, props.ModelChecked), mutantBudget(mu))
			require.NotEmpty(t, c.Property, "no violation of %s in %d walks", primary(mu), mutantBudget(mu))
			assert.Equal(t, primary(mu), c.Property)
			t.Logf("found after %d walks, shrunk to %d steps:\n%s", c.After+1, steps(c.Report), c.Report)
		})
	}
}
