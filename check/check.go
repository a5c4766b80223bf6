// Package check explores every reachable state of a model breadth first,
// checks the properties on every step and every state, and keeps parent
// links, so that each violation comes with a shortest counterexample.
package check

import (
	"fmt"
	"runtime"
	"time"

	"github.com/tcpfsm/tcpfsm/model"
)

// Property is a guarantee checked on every step and every reachable state.
// Either function may be nil; each returns "" when the property holds, or
// what went wrong.
type Property struct {
	ID   string
	Step func(m *model.Model, from *model.State, su *model.Succ) string
	// State is checked on every reachable state; stuck reports that the
	// state has no successor at all, and not merely for want of room in a
	// channel (a limit of the bounds, not of the protocol).
	State func(m *model.Model, s *model.State, stuck bool) string
}

// Step is one step of a counterexample: what happened, and the state after.
type Step struct {
	Label model.Label
	State model.State
}

// Counterexample is a shortest path from the initial state to a violation.
type Counterexample struct {
	Property string
	Problem  string
	Initial  model.State
	Steps    []Step
}

// Result is what an exploration found.
type Result struct {
	States      int
	Transitions int
	Elapsed     time.Duration
	HeapBytes   uint64                     // the Go heap when the exploration ended, visited set included
	Violations  map[string]*Counterexample // by property ID: the first found, a shortest one
}

// TooLarge reports that the state space outgrew the bound of a run.
type TooLarge struct{ Max int }

func (e TooLarge) Error() string {
	return fmt.Sprintf("more than %d states: lower the bounds or raise -max-states", e.Max)
}

// TooMuchMemory reports that a run's heap outgrew its bound.
type TooMuchMemory struct {
	Max    uint64
	States int
}

func (e TooMuchMemory) Error() string {
	return fmt.Sprintf("the heap passed %d MiB after %d states: lower the bounds or raise -max-memory", e.Max>>20, e.States)
}

// memoryCheckEvery is how many states pass between two readings of the
// heap: a reading stops the world briefly.
const memoryCheckEvery = 1 << 17

// noParent marks the initial state.
const noParent = ^uint32(0)

// Run explores m from its initial state, checking props, and stops with
// TooLarge once more than maxStates states are stored.
func Run(m *model.Model, props []Property, maxStates int) (*Result, error) {
	return RunWithin(m, props, maxStates, 0)
}

// RunWithin is Run that also stops, with TooMuchMemory, once the Go heap
// passes maxBytes (0: no bound), so that a run too large for the machine
// ends with a message rather than the kernel's out-of-memory killer.
func RunWithin(m *model.Model, props []Property, maxStates int, maxBytes uint64) (*Result, error) {
	start := time.Now()
	v := newVisited()
	init := m.Initial()
	var buf []byte
	v.add(init.Encode(buf[:0]), noParent)
	type found struct {
		id, problem string
		state       uint32
		via         *model.Succ // the violating step out of state, if any
	}
	var violations []found
	seen := map[string]bool{}
	res := &Result{Violations: map[string]*Counterexample{}}
	for head := uint32(0); int(head) < v.len(); head++ {
		s := model.Decode(v.key(head))
		n := 0
		blocked := m.Successors(&s, func(su model.Succ) {
			n++
			res.Transitions++
			for _, p := range props {
				if p.Step == nil || seen[p.ID] {
					continue
				}
				if msg := p.Step(m, &s, &su); msg != "" {
					seen[p.ID] = true
					c := su
					violations = append(violations, found{p.ID, msg, head, &c})
				}
			}
			buf = su.Next.Encode(buf[:0])
			v.add(buf, head)
		})
		for _, p := range props {
			if p.State == nil || seen[p.ID] {
				continue
			}
			if msg := p.State(m, &s, n == 0 && blocked == 0); msg != "" {
				seen[p.ID] = true
				violations = append(violations, found{p.ID, msg, head, nil})
			}
		}
		if v.len() > maxStates {
			return nil, TooLarge{maxStates}
		}
		if maxBytes > 0 && head%memoryCheckEvery == 0 {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > maxBytes {
				return nil, TooMuchMemory{maxBytes, v.len()}
			}
		}
	}
	res.States = v.len()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	res.HeapBytes = ms.HeapAlloc
	for _, f := range violations {
		c := &Counterexample{Property: f.id, Problem: f.problem, Initial: init}
		var path []uint32
		for i := f.state; i != noParent; i = v.parent[i] {
			path = append(path, i)
		}
		for k := len(path) - 1; k > 0; k-- {
			from, to := model.Decode(v.key(path[k])), model.Decode(v.key(path[k-1]))
			c.Steps = append(c.Steps, Step{Label: stepBetween(m, &from, &to), State: to})
		}
		if f.via != nil {
			c.Steps = append(c.Steps, Step{Label: f.via.Label, State: f.via.Next})
		}
		res.Violations[f.id] = c
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// stepBetween finds the label of a step from one state to the next by
// running the successor relation again: cheaper than storing every label.
func stepBetween(m *model.Model, from, to *model.State) model.Label {
	want := string(to.Encode(nil))
	var l model.Label
	found := false
	m.Successors(from, func(su model.Succ) {
		if !found && string(su.Next.Encode(nil)) == want {
			l, found = su.Label, true
		}
	})
	return l
}

// visited is the set of states seen, in the order first seen, with the
// parent of each: encodings are kept back to back in one arena.
type visited struct {
	index  map[string]uint32
	arena  []byte
	offs   []uint32
	parent []uint32
}

func newVisited() *visited { return &visited{index: map[string]uint32{}} }

func (v *visited) len() int { return len(v.offs) }

func (v *visited) add(key []byte, parent uint32) {
	if _, ok := v.index[string(key)]; ok {
		return
	}
	v.index[string(key)] = uint32(len(v.offs))
	v.offs = append(v.offs, uint32(len(v.arena)))
	v.arena = append(v.arena, key...)
	v.parent = append(v.parent, parent)
}

func (v *visited) key(i uint32) []byte {
	end := uint32(len(v.arena))
	if int(i+1) < len(v.offs) {
		end = v.offs[i+1]
	}
	return v.arena[v.offs[i]:end]
}
