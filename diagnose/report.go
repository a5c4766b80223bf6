package diagnose

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tcpfsm/tcpfsm/spec"
)

// Thresholds say when a finding is worth an alarm: Report.Alarm is true
// when one reaches its threshold.
type Thresholds struct {
	CloseWait int     // CLOSE_WAIT sockets on one local port, of one process
	TimeWait  float64 // TIME_WAIT sockets toward one destination, as a share of the ephemeral ports
	Orphans   float64 // orphaned sockets, as a share of tcp_max_orphans
	FinWait2  int     // FIN_WAIT_2 sockets without the orphan flush timer, toward one destination
	Retrans   int     // retransmissions of the FIN of a LAST_ACK, FIN_WAIT_1 or CLOSING socket
	SynRecv   int     // SYN_RECV sockets on one listening port
}

// DefaultThresholds are the thresholds fsmgen diagnose uses unless told
// otherwise.
func DefaultThresholds() Thresholds {
	return Thresholds{CloseWait: 10, TimeWait: 0.5, Orphans: 0.5, FinWait2: 10, Retrans: 3, SynRecv: 100}
}

// Report is a diagnosis of one reading of a host's sockets.
type Report struct {
	Source   string     `json:"source"`
	Format   string     `json:"format"`
	Profile  string     `json:"profile"`
	Sockets  int        `json:"sockets"`
	States   []Count    `json:"states"`
	Groups   []*Group   `json:"groups"`
	Knobs    []KnobView `json:"knobs"`
	Findings []*Finding `json:"findings"`
	Notes    []string   `json:"notes,omitempty"` // what the input cannot tell
	Alarm    bool       `json:"alarm"`           // a finding reached its threshold
	Input    *Input     `json:"input"`
}

// Count is the number of sockets in a state.
type Count struct {
	State string `json:"state"`
	Count int    `json:"count"`
}

// Group is the sockets of one state at one place (a local address and
// port that serves, or a destination this host connects to) held by one
// process, with their timers.
type Group struct {
	State   string `json:"state"`
	Where   string `json:"where"`   // "local 127.0.0.1:8080" or "to [::1]:9090"
	Process string `json:"process"` // "nginx/123", "(orphan)", or "" when the input does not say
	Count   int    `json:"count"`
	// The timers of its sockets: the kinds, the least and most time left,
	// and the most retransmissions.
	Timers     []string      `json:"timers,omitempty"`
	MinLeft    time.Duration `json:"min_left_ns,omitempty"`
	MaxLeft    time.Duration `json:"max_left_ns,omitempty"`
	MaxRetrans int           `json:"max_retrans,omitempty"`
	timed      int
}

// Analyze diagnoses in, read from source, under profile p of spec sp,
// against the knobs k and the thresholds th.
func Analyze(source string, in *Input, sp *spec.Spec, p *spec.Profile, k Knobs, th Thresholds) *Report {
	r := &Report{Source: source, Format: in.Format, Profile: p.Name, Sockets: len(in.Sockets), Input: in,
		States: []Count{}, Groups: []*Group{}, Findings: []*Finding{}}
	counts := map[string]int{}
	for _, s := range in.Sockets {
		counts[s.State]++
	}
	for _, st := range sp.States {
		if counts[st.Name] > 0 {
			r.States = append(r.States, Count{st.Name, counts[st.Name]})
		}
	}
	r.Groups = group(in, &k, sp)
	r.Knobs = knobViews(&k, p)
	r.Findings = findings(r, in, newCiter(sp, p), &k, th)
	for _, f := range r.Findings {
		r.Alarm = r.Alarm || f.Reached
	}
	if !in.Timers {
		r.Notes = append(r.Notes, "the input shows no timers: run ss -tanoep (or netstat -tanop) to see them, and held FIN_WAIT_2 sockets")
	}
	if !in.Owners {
		r.Notes = append(r.Notes, "the input names no processes: run ss -tanoep as root (or netstat -tanp) to see who holds each socket, and orphans")
	}
	return r
}

// group gathers the sockets by state, place and process, in the spec's
// order of states, then by count, largest first.
func group(in *Input, k *Knobs, sp *spec.Spec) []*Group {
	listening := map[uint16]bool{}
	for _, s := range in.Sockets {
		if s.State == "LISTEN" {
			listening[s.Local.Port] = true
		}
	}
	lo, hi, known := k.ports()
	byKey := map[[3]string]*Group{}
	var out []*Group
	for _, s := range in.Sockets {
		where := "local " + s.Local.String()
		if ephemeral := known && int(s.Local.Port) >= lo && int(s.Local.Port) <= hi; ephemeral && !listening[s.Local.Port] && s.State != "LISTEN" {
			where = "to " + s.Peer.String()
		}
		key := [3]string{s.State, where, processOf(s)}
		g := byKey[key]
		if g == nil {
			g = &Group{State: key[0], Where: key[1], Process: key[2]}
			byKey[key] = g
			out = append(out, g)
		}
		g.add(s)
	}
	order := map[string]int{}
	for i, st := range sp.States {
		order[st.Name] = i
	}
	slices.SortStableFunc(out, func(a, b *Group) int {
		return cmp.Or(cmp.Compare(order[a.State], order[b.State]), cmp.Compare(b.Count, a.Count), cmp.Compare(a.Where, b.Where))
	})
	return out
}

// add counts s in g, with its timer.
func (g *Group) add(s Socket) {
	g.Count++
	if s.Timer == nil {
		return
	}
	if !slices.Contains(g.Timers, s.Timer.Kind) {
		g.Timers = append(g.Timers, s.Timer.Kind)
	}
	if g.timed == 0 || s.Timer.Left < g.MinLeft {
		g.MinLeft = s.Timer.Left
	}
	g.MaxLeft = max(g.MaxLeft, s.Timer.Left)
	g.MaxRetrans = max(g.MaxRetrans, s.Timer.Retrans)
	g.timed++
}

// processOf names who holds s: its processes, "(orphan)", or "".
func processOf(s Socket) string {
	if s.Orphan {
		return "(orphan)"
	}
	names := make([]string, len(s.Owners))
	for i, p := range s.Owners {
		names[i] = p.String()
	}
	slices.Sort(names)
	return strings.Join(slices.Compact(names), ",")
}

// percent writes a share as a whole percentage.
func percent(share float64) string { return strconv.Itoa(int(share*100+0.5)) + "%" }
