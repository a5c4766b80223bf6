package specgen

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/tcpfsm/tcpfsm/gen"
	"github.com/tcpfsm/tcpfsm/spec"
	"pgregory.net/rapid"
)

// TestSpecParses checks that every drawn spec is valid, within the drawn
// bounds, and accepted by the generator.
func TestSpecParses(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		text := Spec().Draw(t, "spec")
		sp, err := spec.Parse("random.fsm", []byte(text))
		if err != nil {
			t.Fatalf("spec.Parse rejected a drawn spec:\n%v\n--- random.fsm ---\n%s", err, text)
		}
		for _, c := range []struct {
			what      string
			n, lo, hi int
		}{
			{"sources", len(sp.Sources), 1, 3},
			{"states", len(sp.States), 2, 8},
			{"events", len(sp.Events) - len(sp.Timers), 1, 6},
			{"timers", len(sp.Timers), 0, 4},
			{"durations", len(sp.Durations), 0, 2},
			{"switches", len(sp.Switches), 0, 3},
			{"segments", len(sp.Segments), 1, 3},
			{"signals", len(sp.Signals), 0, 3},
			{"profiles", len(sp.Profiles), 1, 3},
		} {
			if c.n < c.lo || c.n > c.hi {
				t.Fatalf("%d %s, want %d to %d\n--- random.fsm ---\n%s", c.n, c.what, c.lo, c.hi, text)
			}
		}
		if _, err := gen.Generate(sp, gen.Options{Package: "random", ImportPath: "example.com/random", Command: "specgen"}); err != nil {
			t.Fatalf("gen.Generate refused a drawn spec:\n%v\n--- random.fsm ---\n%s", err, text)
		}
	})
}

// TestDeterministicExample checks that a seeded draw is reproducible, which
// the differential test of package gen relies on.
func TestDeterministicExample(t *testing.T) {
	for seed := range 5 {
		assert.Equal(t, Spec().Example(seed), Spec().Example(seed), "seed %d", seed)
	}
}

var keywords = strings.Fields(`machine source state initial highlight event timer duration switch segment
	signal in profile example giveup outside advice app rcv timeout if unless ignore reject send start restart stop tell none on off`)

// apiNames are the generated package's own exported identifiers.
var apiNames = strings.Fields(`State Event Timer Action Verdict Switches Transition Table Step StepWith
	RuleID Profile Profiles ProfileByName SpecHash SpecFile Move Ignore Reject TableOf Machine`)

// key is a name as its Go name reads with case and underscores dropped:
// two names with different keys can never get the same Go name, whatever
// the CamelCase conversion does with initialisms and digits.
func key(parts ...string) string {
	return strings.ToLower(strings.ReplaceAll(strings.Join(parts, ""), "_", ""))
}

// TestPoolsAreSafe checks the claim the generator rests on: that no two
// pool names, in any roles they are drawn for, meet in the generated
// package, and that none is a keyword or a name of the generated API.
func TestPoolsAreSafe(t *testing.T) {
	nameRE := regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	reserved := map[string]bool{}
	for _, n := range apiNames {
		reserved[key(n)] = true
	}
	owner := map[string]string{} // Go name key -> the pool entry that may produce it
	claim := func(entry string, keys ...string) {
		for _, k := range keys {
			if reserved[k] || strings.HasPrefix(k, "num") {
				t.Errorf("%s may become Go name %q of the generated API", entry, k)
			}
			if prev, ok := owner[k]; ok && prev != entry {
				t.Errorf("%s and %s may both become Go name %q", prev, entry, k)
			}
			owner[k] = entry
		}
	}
	pools := []struct {
		what  string
		pool  []string
		keys  func(k string) []string
		field bool // a Profile field: timers and durations
	}{
		{"machine", machinePool, nil, false},
		{"source", sourcePool, nil, false},
		{"state", statePool, func(k string) []string { return []string{k} }, false},
		{"event/segment", eventPool, func(k string) []string { return []string{"app" + k, "rcv" + k, "send" + k} }, false},
		{"timer/duration/switch", valuePool, func(k string) []string {
			return []string{k, k + "timer", "timeout" + k, "start" + k, "restart" + k, "stop" + k}
		}, true},
		{"signal", signalPool, func(k string) []string { return []string{"tell" + k} }, false},
		{"profile", profilePool, func(k string) []string { return []string{k} }, false},
	}
	for _, p := range pools {
		seen := map[string]bool{}
		for _, n := range p.pool {
			entry := p.what + " " + n
			assert.Regexp(t, nameRE, n, entry)
			assert.NotContains(t, keywords, n, "%s is a keyword", entry)
			assert.False(t, seen[key(n)], "%s repeats a name of its pool", entry)
			seen[key(n)] = true
			if p.keys != nil {
				claim(entry, p.keys(key(n))...)
			}
			if p.field {
				// Profile has fields Name, Doc, Switches and methods Step, Timer.
				assert.NotContains(t, []string{"name", "doc", "switches", "step", "timer"}, key(n), "%s as a Profile field", entry)
			}
		}
	}
}
