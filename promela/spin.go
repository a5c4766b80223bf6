package promela

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/model"
)

// Tools reports why SPIN cannot run here: spin or gcc missing. nil when
// both are installed.
func Tools() error {
	var missing []string
	for _, t := range []string{"spin", "gcc"} {
		if _, err := exec.LookPath(t); err != nil {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s not installed (Debian: apt-get install spin gcc)", strings.Join(missing, " and "))
	}
	return nil
}

// RunOptions tune a SPIN run.
type RunOptions struct {
	// CFlags are gcc's flags for pan.c; default -O2.
	CFlags []string
	// HashBits is pan's -w: a hash table of 2^HashBits slots; 0 leaves
	// pan's default (-w24).
	HashBits int
	// Depth is pan's -m, the depth of its search stack; 0: 100,000. A run
	// that needs more is repeated with ten times as much.
	Depth int
	// Liveness also runs the LTL claim of P2's liveness half (p2), unless
	// the safety run found P2's safety half violated: for the TCP model,
	// since the association model has no claim.
	Liveness bool
	// Shortest has pan look for the shortest trail to a safety violation
	// (pan -i, compiled with -DREACH); otherwise the trail is the one its
	// depth-first search met first. (pan -DBFS would give a shortest one
	// at once, but refuses a model with hidden variables.)
	Shortest bool
}

func (o RunOptions) cflags() []string {
	if len(o.CFlags) == 0 {
		return []string{"-O2"}
	}
	return o.CFlags
}

// Verdicts is what SPIN found.
type Verdicts struct {
	States     int             // the safety run's "states, stored"
	Violations map[string]bool // by property ID: an assertion Pn_violated (the association's Sn_violated) failed, or (P2) a claim found an acceptance cycle
	Findings   map[string]bool // by property ID: an assertion Pn_finding failed
	Cycles     map[string]bool // by claim (p2): an acceptance cycle
	Safety     string          // pan's output, safety run
	Liveness   map[string]string
	// CPU is the processor time (user and system) each phase took:
	// compile (spin -a and gcc, both verifiers), safety and liveness (pan).
	CPU map[string]time.Duration
}

var (
	reStored    = regexp.MustCompile(`(?m)^\s*(\d+) states, stored`)
	reErrors    = regexp.MustCompile(`errors: (\d+)`)
	reAssertion = regexp.MustCompile(`assertion violated\s+!\(([PS]\d)_(violated|finding)\)`)
)

// Verify runs SPIN on the model text in directory dir: the safety run,
// every assertion violation reported (pan -c0), and with opt.Liveness the
// LTL claim p2 (pan -a).
func Verify(ctx context.Context, dir string, text []byte, opt RunOptions) (*Verdicts, error) {
	v := &Verdicts{Violations: map[string]bool{}, Findings: map[string]bool{}, Cycles: map[string]bool{}, Liveness: map[string]string{}, CPU: map[string]time.Duration{}}
	phase := func(name string) context.Context {
		return context.WithValue(ctx, cpuKey{}, cpuAccount(func(t time.Duration) { v.CPU[name] += t }))
	}
	pan, err := Compile(phase("compile"), filepath.Join(dir, "safety"), text, nil, append([]string{"-DSAFETY", "-DNOREDUCE"}, opt.cflags()...))
	if err != nil {
		return nil, err
	}
	out, err := runPan(phase("safety"), pan, opt, 0, "-c0", "-E")
	if err != nil {
		return nil, err
	}
	v.Safety = out
	m := reStored.FindStringSubmatch(out)
	if m == nil {
		return nil, fmt.Errorf("pan reported no state count:\n%s", out)
	}
	v.States, _ = strconv.Atoi(m[1])
	for _, a := range reAssertion.FindAllStringSubmatch(out, -1) {
		if a[2] == "violated" {
			v.Violations[a[1]] = true
		} else {
			v.Findings[a[1]] = true
		}
	}
	if e := reErrors.FindStringSubmatch(out); e == nil || (e[1] != "0") != (len(v.Violations)+len(v.Findings) > 0) {
		return nil, fmt.Errorf("pan's errors do not match the assertions it reported:\n%s", out)
	}
	// As check.Run, no liveness search for a property already violated:
	// it could not change the verdict.
	if !opt.Liveness || v.Violations["P2"] {
		return v, nil
	}
	pan, err = Compile(phase("compile"), filepath.Join(dir, "liveness"), text, []string{"-DLIVENESS"}, append([]string{"-DNOREDUCE"}, opt.cflags()...))
	if err != nil {
		return nil, err
	}
	for _, claim := range []string{"p2"} {
		// The product with the claim holds a few times as many states.
		out, err := runPan(phase("liveness"), pan, opt, 2, "-a", "-E", "-N", claim)
		if err != nil {
			return nil, err
		}
		v.Liveness[claim] = out
		e := reErrors.FindStringSubmatch(out)
		if e == nil {
			return nil, fmt.Errorf("pan -a -N %s reported no error count:\n%s", claim, out)
		}
		if e[1] != "0" {
			if !strings.Contains(out, "acceptance cycle") {
				return nil, fmt.Errorf("pan -a -N %s found an error that is no acceptance cycle:\n%s", claim, out)
			}
			v.Cycles[claim] = true
			v.Violations["P2"] = true
		}
	}
	return v, nil
}

// Compile writes the model to dir/model.pml and builds its verifier:
// spin with the preprocessor definitions defs, then gcc with cflags. It
// returns the verifier's path.
func Compile(ctx context.Context, dir string, text []byte, defs, cflags []string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "model.pml"), text, 0o644); err != nil {
		return "", err
	}
	if _, err := command(ctx, dir, "spin", append(slices.Clone(defs), "-a", "model.pml")...); err != nil {
		return "", err
	}
	if _, err := command(ctx, dir, "gcc", append(slices.Clone(cflags), "-o", "pan", "pan.c")...); err != nil {
		return "", err
	}
	return filepath.Join(dir, "pan"), nil
}

// runPan runs the verifier with args and the options' -m and -w (plus
// moreHash), raising -m while the search is too deep for it.
func runPan(ctx context.Context, pan string, opt RunOptions, moreHash int, args ...string) (string, error) {
	depth := opt.Depth
	if depth <= 0 {
		depth = 100_000
	}
	for {
		a := append(slices.Clone(args), fmt.Sprintf("-m%d", depth))
		if opt.HashBits > 0 {
			a = append(a, fmt.Sprintf("-w%d", opt.HashBits+moreHash))
		}
		out, err := command(ctx, filepath.Dir(pan), "./"+filepath.Base(pan), a...)
		if err != nil {
			return out, err
		}
		if strings.Contains(out, "max search depth too small") && depth < 1<<30 {
			depth *= 10
			continue
		}
		if strings.Contains(out, "out of memory") {
			return out, fmt.Errorf("pan ran out of memory:\n%s", out)
		}
		return out, nil
	}
}

// cpuKey keys a cpuAccount in a context: command adds to it the
// processor time of each command it runs.
type cpuKey struct{}

type cpuAccount func(time.Duration)

// command runs name with args in dir and returns its output; an exit
// status other than 0 is an error that carries the output.
func command(ctx context.Context, dir, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var b bytes.Buffer
	cmd.Stdout, cmd.Stderr = &b, &b
	err := cmd.Run()
	if acct, ok := ctx.Value(cpuKey{}).(cpuAccount); ok && cmd.ProcessState != nil {
		acct(cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime())
	}
	out := b.String()
	if err != nil {
		return out, fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, out)
	}
	// spin reports errors in the model on its output with status 0 at
	// times (replaying a trail, it reports the violation so).
	if name == "spin" && slices.Contains(args, "-a") && strings.Contains(out, "Error:") {
		return out, fmt.Errorf("spin %s:\n%s", strings.Join(args, " "), out)
	}
	return out, nil
}

// Trail is a counterexample SPIN found, replayed: the states it went
// through after the initial one, each as the model's State.
type Trail struct {
	States []model.State
	Ticks  []bool // per state: the step to it was time passing
	// Loop, for an acceptance cycle, is the index in States of the first
	// state of the cycle; -1 for a safety violation.
	Loop   int
	Output string // spin -t's output
}

// Counterexample has SPIN look for a violation of the properties in mask
// (bit 0 is P1, as the model's CHECK), or with claim set of that LTL
// claim, and replays the trail it writes (spin -t) into the states it went
// through. It returns nil when SPIN finds no violation.
func Counterexample(ctx context.Context, dir string, m *model.Model, text []byte, mask int, claim string, opt RunOptions) (*Trail, error) {
	defs := []string{"-DTRACE", fmt.Sprintf("-DCHECK=%d", mask)}
	flags := []string{"-DNOREDUCE"}
	args := []string{"-E"}
	if claim == "" {
		flags = append(flags, "-DSAFETY")
		if opt.Shortest {
			flags = append(flags, "-DREACH")
			args = append(args, "-i")
		}
	} else {
		defs = append(defs, "-DLIVENESS")
		args = append(args, "-a", "-N", claim)
	}
	pan, err := Compile(ctx, dir, text, defs, append(flags, opt.cflags()...))
	if err != nil {
		return nil, err
	}
	more := 0
	if claim != "" {
		more = 2
	}
	out, err := runPan(ctx, pan, opt, more, args...)
	if err != nil {
		return nil, err
	}
	if e := reErrors.FindStringSubmatch(out); e == nil || e[1] == "0" {
		return nil, nil
	}
	if _, err := os.Stat(filepath.Join(dir, "model.pml.trail")); err != nil {
		return nil, fmt.Errorf("pan found an error and wrote no trail:\n%s", out)
	}
	replay, err := command(ctx, dir, "spin", append(defs, "-t", "model.pml")...)
	if err != nil {
		return nil, err
	}
	tr := &Trail{Loop: -1, Output: replay}
	tick := false
	for _, line := range strings.Split(replay, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.Contains(line, "START OF CYCLE"):
			tr.Loop = len(tr.States)
		case line == "TICK":
			tick = true
		case strings.HasPrefix(line, "STATE "):
			s, err := ParseState(m, line)
			if err != nil {
				return nil, err
			}
			tr.States = append(tr.States, s)
			tr.Ticks = append(tr.Ticks, tick)
			tick = false
		}
	}
	if claim != "" && tr.Loop < 0 {
		return nil, fmt.Errorf("the trail of claim %s has no cycle:\n%s", claim, replay)
	}
	return tr, nil
}

// ParseState reads a line the model prints with -DTRACE.
func ParseState(m *model.Model, line string) (model.State, error) {
	var s model.State
	f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "STATE"))
	want := 2*11 + 2*(1+5*m.Bounds.Capacity) + 9
	if len(f) != want {
		return s, fmt.Errorf("a state line with %d fields, not %d: %q", len(f), want, line)
	}
	v := make([]uint8, len(f))
	for i, x := range f {
		n, err := strconv.ParseUint(x, 10, 8)
		if err != nil {
			return s, fmt.Errorf("%q: %v", line, err)
		}
		v[i] = uint8(n)
	}
	for x := range s.E {
		e := &s.E[x]
		e.St = tcp.State(v[0])
		e.Inc, e.Done = v[1], v[2]
		e.Held, e.Shut, e.Closer = v[3] != 0, v[4] != 0, v[5] != 0
		e.Backoff = v[6]
		copy(e.Timers[:], v[7:11])
		v = v[11:]
	}
	for d := 0; d < 2; d++ {
		s.N[d] = v[0]
		v = v[1:]
		for i := 0; i < m.Bounds.Capacity; i++ {
			s.Net[d][i] = model.Segment{Kind: model.SegKind(v[0]), AckFin: v[1] != 0, Stray: v[2] != 0, Inc: v[3], Age: v[4]}
			v = v[5:]
		}
	}
	s.NextInc, s.Losses, s.Above, s.Spoiled, s.Reset, s.Tainted, s.Cut, s.Derailed, s.Reopened = v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]
	return s, nil
}

// Replay finds, for the states of a trail, the model's steps between
// them: a path of the model from its initial state. A state equal to the
// one before it (a refused move, a duplicate that changes nothing, or in
// a liveness trail time passing where nothing changes: Trail.Ticks says
// which) is no step of the model and is left out.
func Replay(m *model.Model, states []model.State) ([]model.Succ, error) {
	cur := m.Initial()
	var out []model.Succ
	for i, want := range states {
		if want == cur {
			continue
		}
		var found *model.Succ
		m.Successors(&cur, func(su model.Succ) {
			if found == nil && su.Next == want {
				c := su
				found = &c
			}
		})
		if found == nil {
			return out, fmt.Errorf("step %d of the trail is no step of the model: from %v to %v", i+1, cur, want)
		}
		out = append(out, *found)
		cur = want
	}
	return out, nil
}
