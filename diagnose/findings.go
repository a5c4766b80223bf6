package diagnose

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/tcpfsm/tcpfsm/explain"
	"github.com/tcpfsm/tcpfsm/spec"
)

// Finding is what a pile of sockets means: how many, against which
// threshold, who must act, and the spec's rules and profile settings
// behind it.
type Finding struct {
	Kind      string         `json:"kind"` // close-wait, time-wait-ports, orphans, fin-wait-2-held, retransmitting, syn-recv
	State     string         `json:"state"`
	Where     string         `json:"where,omitempty"`
	Process   string         `json:"process,omitempty"`
	Count     int            `json:"count"`
	Threshold string         `json:"threshold"`
	Reached   bool           `json:"reached"`
	Says      string         `json:"says"`
	Acts      string         `json:"acts"` // who must act
	Rules     []explain.Rule `json:"rules"`
	Settings  []*Setting     `json:"settings,omitempty"`
}

// findings lists what the report's groups and sockets mean, in the
// order of the kinds above, the reached ones first within a kind.
func findings(r *Report, in *Input, c *citer, k *Knobs, th Thresholds) []*Finding {
	var out []*Finding
	out = append(out, closeWait(r.Groups, c, th)...)
	out = append(out, timeWait(in, c, k, th)...)
	out = append(out, orphans(in, c, k, th)...)
	if in.Timers {
		out = append(out, heldFinWait2(r.Groups, c, th)...)
		out = append(out, retransmitting(r.Groups, c, th)...)
	}
	out = append(out, synRecv(r.Groups, in, c, th)...)
	for _, f := range out {
		f.Settings = slices.DeleteFunc(f.Settings, func(s *Setting) bool { return s == nil })
	}
	return out
}

// closeWait: CLOSE_WAIT sockets of one place and process. No timer ends
// them; the application must close them.
func closeWait(groups []*Group, c *citer, th Thresholds) []*Finding {
	var out []*Finding
	for _, g := range groupsIn(groups, "CLOSE_WAIT") {
		who := "the local application"
		if g.Process != "" {
			who += " (" + g.Process + ")"
		}
		out = append(out, &Finding{
			Kind: "close-wait", State: g.State, Where: g.Where, Process: g.Process, Count: g.Count,
			Threshold: strconv.Itoa(th.CloseWait) + " sockets", Reached: g.Count >= th.CloseWait,
			Says:  fmt.Sprintf("%d sockets in CLOSE_WAIT on %s%s: their peers closed, and the application has not", g.Count, g.Where, held(g.Process)),
			Acts:  who + " must close() them: no timer ends CLOSE_WAIT, and nothing the peer or the kernel does will",
			Rules: c.rules(c.rule("ESTABLISHED", spec.Rcv, "FIN"), c.rule("CLOSE_WAIT", spec.App, "CLOSE")),
		})
	}
	return out
}

// backlog describes the accept queue of the listener at where ("local
// ADDR:PORT") as ss shows it (Recv-Q the queue, Send-Q the backlog), or
// is "" when the input is not ss's or lists no such listener.
func backlog(in *Input, where string) string {
	for _, s := range in.Sockets {
		if s.State == "LISTEN" && "local "+s.Local.String() == where && in.Format == "ss" {
			return fmt.Sprintf("; its listener's accept queue holds %d of a backlog of %d", s.RecvQ, s.SendQ)
		}
	}
	return ""
}

// groupsIn are the groups of the states given, in order.
func groupsIn(groups []*Group, states ...string) []*Group {
	var out []*Group
	for _, g := range groups {
		if slices.Contains(states, g.State) {
			out = append(out, g)
		}
	}
	return out
}

func held(process string) string {
	switch process {
	case "":
		return ""
	case "(orphan)":
		return " held by no process"
	}
	return " held by " + process
}

// timeWait: TIME_WAIT sockets on ephemeral ports toward one destination,
// against the ports there are: each holds its port for the profile's
// time_wait.
func timeWait(in *Input, c *citer, k *Knobs, th Thresholds) []*Finding {
	lo, hi, ok := k.ports()
	if !ok {
		return nil
	}
	ports := hi - lo + 1
	count := map[string]int{}
	var dests []string
	for _, s := range in.Sockets {
		if s.State != "TIME_WAIT" || int(s.Local.Port) < lo || int(s.Local.Port) > hi {
			continue
		}
		d := s.Peer.String()
		if count[d] == 0 {
			dests = append(dests, d)
		}
		count[d]++
	}
	tw := c.setting("time_wait")
	var out []*Finding
	for _, d := range dests {
		share := float64(count[d]) / float64(ports)
		if share < th.TimeWait/4 {
			continue // a few: TIME_WAIT is normal on the side that closes first
		}
		f := &Finding{
			Kind: "time-wait-ports", State: "TIME_WAIT", Where: "to " + d, Count: count[d],
			Threshold: percent(th.TimeWait) + " of " + strconv.Itoa(ports) + " ephemeral ports", Reached: share >= th.TimeWait,
			Says: fmt.Sprintf("%d of the %d ephemeral ports (%s %s) are in TIME_WAIT toward %s, %s", count[d], ports,
				k.PortRange.Name, k.PortRange.Value, d, percent(share)),
			Acts:     "this host, the client that closes first: reuse connections to " + d + " (a pool, keep-alive), widen the port range, or let net.ipv4.tcp_tw_reuse=1 reuse them for outgoing connections (now " + k.TwReuse.Value + "); fsmgen explain TIME_WAIT",
			Rules:    c.rules(c.rule("FIN_WAIT_2", spec.Rcv, "FIN_ACK"), c.rule("TIME_WAIT", spec.Timeout, "time_wait")),
			Settings: []*Setting{tw},
		}
		if v := value(c.p, "time_wait"); v != nil && !v.None && v.Length > 0 {
			rate := strconv.FormatFloat(float64(ports)/v.Length.Seconds(), 'f', 1, 64)
			f.Says += fmt.Sprintf(": each is held for %s, so at most %d / %s = %s new connections per second reach it", explain.Value(v), ports, explain.Value(v), rate)
		}
		out = append(out, f)
	}
	return out
}

// orphans: sockets no process holds any more, against tcp_max_orphans.
func orphans(in *Input, c *citer, k *Knobs, th Thresholds) []*Finding {
	n := 0
	for _, s := range in.Sockets {
		if s.Orphan {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	f := &Finding{Kind: "orphans", State: "FIN_WAIT_1, FIN_WAIT_2, CLOSING, LAST_ACK", Process: "(orphan)", Count: n,
		Threshold: "tcp_max_orphans unknown (give -max-orphans)",
		Says:      fmt.Sprintf("%d sockets closed by their applications still wait for their peers", n),
		Acts:      "nobody locally: the peers must ACK and send their FINs, or the kernel's timers end these sockets; too many means peers that vanish",
		Rules:     c.rules(c.rule("FIN_WAIT_2", spec.Timeout, "fin_wait_2"), c.rule("LAST_ACK", spec.Timeout, "r2")),
		Settings:  []*Setting{c.setting("fin_wait_2"), c.setting("r2"), c.setting("r2_orphan")},
	}
	if max := k.maxOrphans(); max > 0 {
		f.Threshold = percent(th.Orphans) + " of " + k.MaxOrphans.Name + " " + strconv.Itoa(max)
		f.Reached = float64(n) >= th.Orphans*float64(max)
		f.Says += fmt.Sprintf(", %s of %s %d: past it the kernel resets new orphans", percent(float64(n)/float64(max)), k.MaxOrphans.Name, max)
	}
	return []*Finding{f}
}

// heldFinWait2: FIN_WAIT_2 sockets an application still holds, without
// the flush timer: the peer never sends its FIN.
func heldFinWait2(groups []*Group, c *citer, th Thresholds) []*Finding {
	var out []*Finding
	for _, g := range groupsIn(groups, "FIN_WAIT_2") {
		if g.Process == "(orphan)" || slices.Contains(g.Timers, "timewait") {
			continue
		}
		out = append(out, &Finding{
			Kind: "fin-wait-2-held", State: g.State, Where: g.Where, Process: g.Process, Count: g.Count,
			Threshold: strconv.Itoa(th.FinWait2) + " sockets", Reached: g.Count >= th.FinWait2,
			Says:     fmt.Sprintf("%d sockets in FIN_WAIT_2 %s%s with no flush timer: this side shut down its sending half and the peer never closes", g.Count, g.Where, held(g.Process)),
			Acts:     "the peer application must close its side (its socket sits in CLOSE_WAIT), or the local application" + paren(g.Process) + " must close() its half-closed sockets or bound them with a timeout",
			Rules:    c.rules(c.rule("FIN_WAIT_2", spec.Rcv, "FIN_ACK")),
			Settings: []*Setting{c.setting("flush_held_fin_wait_2"), c.setting("fin_wait_2")},
		})
	}
	return out
}

// placed is where as a sentence says it: "on local 127.0.0.1:80", "to
// 10.0.0.1:443".
func placed(where string) string {
	if strings.HasPrefix(where, "local ") {
		return "on " + where
	}
	return where
}

func paren(process string) string {
	if process == "" {
		return ""
	}
	return " (" + process + ")"
}

// retransmitting: LAST_ACK, FIN_WAIT_1 and CLOSING sockets whose FIN goes
// unacknowledged: resent on each timeout (or probing a closed window)
// until R2 gives up.
func retransmitting(groups []*Group, c *citer, th Thresholds) []*Finding {
	var out []*Finding
	for _, g := range groupsIn(groups, "FIN_WAIT_1", "CLOSING", "LAST_ACK") {
		if g.MaxRetrans == 0 {
			continue
		}
		says := fmt.Sprintf("%d sockets in %s %s%s resend their FIN, up to %d times so far: the peer does not acknowledge it",
			g.Count, g.State, placed(g.Where), held(g.Process), g.MaxRetrans)
		acts := "nobody locally: the peers vanished or the path drops their ACKs; R2 gives up on them"
		timer := "retransmission"
		if slices.Contains(g.Timers, "persist") {
			says = fmt.Sprintf("%d sockets in %s %s%s probe a closed window, %d times so far: the peer stopped reading", g.Count, g.State, placed(g.Where), held(g.Process), g.MaxRetrans)
			acts = "the peer application, which does not read: its receive window stays closed"
			timer = "persist"
		}
		out = append(out, &Finding{
			Kind: "retransmitting", State: g.State, Where: g.Where, Process: g.Process, Count: g.Count,
			Threshold: strconv.Itoa(th.Retrans) + " retransmissions", Reached: g.MaxRetrans >= th.Retrans,
			Says: says, Acts: acts,
			Rules:    c.rules(c.rule(g.State, spec.Timeout, timer), c.rule(g.State, spec.Timeout, "r2")),
			Settings: giveUp(c, g.Process == "(orphan)"),
		})
	}
	return out
}

// giveUp is the setting after which R2 gives up on retransmitting sockets:
// r2, and r2_orphan too for sockets no application holds.
func giveUp(c *citer, orphans bool) []*Setting {
	if orphans {
		return []*Setting{c.setting("r2"), c.setting("r2_orphan")}
	}
	return []*Setting{c.setting("r2")}
}

// synRecv: SYN_RECV sockets of one listening port: handshakes that do
// not complete.
func synRecv(groups []*Group, in *Input, c *citer, th Thresholds) []*Finding {
	var out []*Finding
	for _, g := range groupsIn(groups, "SYN_RECEIVED") {
		out = append(out, &Finding{
			Kind: "syn-recv", State: g.State, Where: g.Where, Count: g.Count,
			Threshold: strconv.Itoa(th.SynRecv) + " sockets", Reached: g.Count >= th.SynRecv,
			Says:     fmt.Sprintf("%d handshakes on %s wait for the client's last ACK%s", g.Count, g.Where, backlog(in, g.Where)),
			Acts:     "the clients, or the path: their ACKs do not arrive (a SYN flood: net.ipv4.tcp_syncookies answers it); if the listener's Recv-Q is near its backlog, the application accepts too slowly",
			Rules:    c.rules(c.rule("SYN_RECEIVED", spec.Rcv, "ACK"), c.rule("SYN_RECEIVED", spec.Timeout, "r2")),
			Settings: []*Setting{c.setting("r2_synack")},
		})
	}
	return out
}
