package props_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/internal/mutants"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/props"
	"github.com/tcpfsm/tcpfsm/spec"
)

// A trace file (testdata/traces/*.txt) keeps a failure a walk found, as
// rapid reported it once shrunk, so that it replays in every go test
// whatever the random search does:
//
//	# what it shows (comment lines)
//	spec: tcp, or the file name of a mutant under internal/mutants/corpus
//	finding: yes, if the failure is a weakness its profile declares (a finding)
//	P3 under bsd (capacity 2, 2 incarnations, 0 losses, MSL 2 ticks; no duplication) after 24 steps: what failed
//	trace:
//	  1. the label of step 1
//	     the state after it
//	     ...
//	     from here on the network is fair:
//	 19. ...
//
// The replay takes, at each step, the successor with that label and that
// state, checks the properties as a walk does, and must fail at the last
// step with the same property and the same words; from the fair-end line
// on, the steps must be those of the fair end. Steps are matched by their
// printed form, so a trace outlives any change to how walks draw.
type traceFile struct {
	name     string
	spec     string
	finding  bool
	property string
	profile  string
	bounds   model.Bounds
	features features
	steps    int
	problem  string
	trace    []traceStep
	fairFrom int // the index of the first step of the fair end; -1 if none
}

type traceStep struct{ label, state string }

var headline = regexp.MustCompile(`^(P\d) under (\S+) \(capacity (\d+), (\d+) incarnations, (\d+) losses, MSL (\d+) ticks(?:; ([^)]*))?\) after (\d+) steps: (.*)$`)

var stepLine = regexp.MustCompile(`^\s*(\d+)\. (.*)$`)

func readTrace(path string) (*traceFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	tf := &traceFile{name: filepath.Base(path), fairFrom: -1}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	var pending *traceStep
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		bad := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: %s", path, n, fmt.Sprintf(format, args...))
		}
		switch {
		case trimmed == "" || strings.HasPrefix(trimmed, "#") || trimmed == "trace:":
		case strings.HasPrefix(line, "spec: "):
			tf.spec = strings.TrimPrefix(line, "spec: ")
		case line == "finding: yes":
			tf.finding = true
		case headline.MatchString(line):
			m := headline.FindStringSubmatch(line)
			tf.property, tf.profile, tf.problem = m[1], m[2], m[9]
			tf.bounds = model.DefaultBounds()
			tf.bounds.Capacity, _ = strconv.Atoi(m[3])
			tf.bounds.Incarnations, _ = strconv.Atoi(m[4])
			tf.bounds.Losses, _ = strconv.Atoi(m[5])
			tf.bounds.MSLTicks, _ = strconv.Atoi(m[6])
			tf.steps, _ = strconv.Atoi(m[8])
			if m[7] != "" {
			names:
				for _, name := range strings.Split(m[7], ", ") {
					for _, x := range tf.features.named() {
						if x.name == name {
							*x.on = true
							continue names
						}
					}
					return nil, bad("unknown feature %q", name)
				}
			}
			tf.bounds.Duplication = !tf.features.noDup
		case trimmed == "from here on the network is fair:":
			tf.fairFrom = len(tf.trace)
		case stepLine.MatchString(line) && pending == nil:
			m := stepLine.FindStringSubmatch(line)
			if i, _ := strconv.Atoi(m[1]); i != len(tf.trace)+1 {
				return nil, bad("step %d where %d was due", i, len(tf.trace)+1)
			}
			pending = &traceStep{label: m[2]}
		case pending != nil:
			pending.state = trimmed
			tf.trace = append(tf.trace, *pending)
			pending = nil
		default:
			return nil, bad("cannot read %q", line)
		}
	}
	switch {
	case tf.spec == "":
		return nil, fmt.Errorf("%s: no spec: line", path)
	case tf.property == "":
		return nil, fmt.Errorf("%s: no headline", path)
	case pending != nil:
		return nil, fmt.Errorf("%s: the last step has no state", path)
	}
	return tf, sc.Err()
}

// replay runs tf's trace through the model and returns the walk and the
// first violation of tf's property it reports.
func (tf *traceFile) replay(t *testing.T) (w *walk, id, problem string) {
	s, err := spec.TCP()
	require.NoError(t, err)
	table := bind.Generated
	if tf.spec != "tcp" {
		mu, err := mutants.Named(tf.spec)
		require.NoError(t, err)
		s, table = mu.Spec, bind.Interpreted
	}
	profile := s.Profile(tf.profile)
	require.NotNil(t, profile, "no profile %s", tf.profile)
	m, err := bind.Model(s, profile, tf.bounds, table)
	require.NoError(t, err)
	w = &walk{m: m, profile: profile, bounds: tf.bounds, features: tf.features,
		ws: walkSpec{spec: s, table: table, list: props.ModelChecked, only: tf.property, findings: tf.finding}}
	w.moveTo(m.Initial())
	if id, problem = w.stateViolation(); id != "" {
		return w, id, problem
	}
	walked := tf.trace
	if tf.fairFrom >= 0 {
		walked = tf.trace[:tf.fairFrom]
	}
	for i, st := range walked {
		var next []model.Succ
		m.Successors(&w.s, func(su model.Succ) {
			if su.Label.String() == st.label && su.Next.String() == st.state {
				next = append(next, su)
			}
		})
		require.Len(t, next, 1, "%s: step %d: %s\n     %s\nfrom %s", tf.name, i+1, st.label, st.state, w.s)
		w.note(next[0])
		if id, problem = w.checkStep(next[0]); id != "" {
			return w, id, problem
		}
		w.moveTo(next[0].Next)
		if id, problem = w.stateViolation(); id != "" {
			return w, id, problem
		}
	}
	if tf.fairFrom < 0 {
		return w, "", ""
	}
	id, problem, err = w.fairViolation()
	require.NoError(t, err)
	for i, su := range w.taken[tf.fairFrom:] {
		if want := tf.trace[tf.fairFrom+i]; i >= len(tf.trace)-tf.fairFrom || su.Label.String() != want.label || su.Next.String() != want.state {
			t.Errorf("%s: the fair end took step %d: %s\n     %s", tf.name, tf.fairFrom+i+1, su.Label, su.Next)
			break
		}
	}
	return w, id, problem
}

// TestTraces replays every trace under testdata/traces: the failures
// rapid found and shrank (the mutants' with the seed of
// TestRapidCatchesMutants), and counterexamples the checker gave for a
// finding of the TCP table. Each must fail again at its last step, with
// its property and its words; a trace marked as a finding must be the
// weakness its profile declares (check.Property.ExcusedStep, as the
// checker and the walks decide it), which the walks do not fail on.
func TestTraces(t *testing.T) {
	paths, err := filepath.Glob("testdata/traces/*.txt")
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			tf, err := readTrace(path)
			require.NoError(t, err)
			w, id, problem := tf.replay(t)
			assert.Equal(t, tf.property, id, "the property the trace breaks")
			assert.Equal(t, tf.problem, problem)
			assert.Equal(t, tf.steps, len(w.taken), "steps to the violation")
			assert.Equal(t, len(tf.trace), len(w.taken), "steps in the trace")
			if tf.finding {
				require.NotEmpty(t, w.taken, "a finding needs a step")
				assert.NotNil(t, w.profile.Finding(id), "%s declares %s", tf.profile, id)
				assert.True(t, excusedStep(w, id, w.taken[len(w.taken)-1]), "the violation is the weakness %s declares", tf.profile)
			}
		})
	}
}

// excusedStep says whether step su, from the walk's state, violates
// property id by the weakness a profile may declare (a finding kept as a
// trace is a step property's: P3 or P8).
func excusedStep(w *walk, id string, su model.Succ) bool {
	for _, p := range props.ModelChecked {
		if p.ID == id {
			return p.Step != nil && p.Step(w.m, &w.s, &su) != "" && p.ExcusedStep != nil && p.ExcusedStep(w.m, &w.s, &su)
		}
	}
	return false
}
