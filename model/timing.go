package model

import (
	"cmp"
	"fmt"
	"time"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// Bounds limit what is explored.
type Bounds struct {
	NetworkMSL   time.Duration // 0: the profile's MSL, or DefaultMSL where it has none
	MSLTicks     int           // ticks per network MSL
	Capacity     int           // distinct segments in flight per direction
	Incarnations int           // connections the client may open on the 4-tuple
	Losses       int           // segments that may be lost per incarnation
	Loss         bool
	Duplication  bool
	Reordering   bool
	// Data is how many segments of data each application may write per
	// incarnation (0: the applications send no data). A segment written
	// is the data a FIN queues behind, and what makes rcv DATA,
	// DATA_AFTER_CLOSE and close() with unread data (CLOSE_UNREAD) happen.
	// Off by default: one segment multiplies the states of the quick
	// bounds by about four, and at DefaultBounds rfc9293 alone passed 135
	// million states (3.6 GB) in 10 minutes on 2 cores unfinished, against
	// 36 million without data; the quick bounds with data take seconds.
	Data int
	// ZeroWindow lets a receiver that takes in data its application does
	// not read close its window, so that the peer's data and FIN wait
	// behind it and the persist timer probes it (rcv ZERO_WINDOW,
	// WINDOW_OPEN, timeout persist). It needs Data. Off by default: it
	// multiplies the states of the quick bounds by about 18.
	ZeroWindow bool
	// Attacks is how many segments an off-path attacker may forge in the
	// whole run (0: no attacker). It knows the 4-tuple, not the sequence
	// numbers: each forged RST, SYN, ACK or (with Data) data segment may
	// land exactly, in the window, or outside it (Class), at any moment.
	Attacks int
	// KeepAlive, when not 0, turns keep-alive on for every socket (the
	// applications set SO_KEEPALIVE) and is the idle time, in ticks,
	// before the first probe (their TCP_KEEPIDLE): the timer runs where
	// the spec arms it (ESTABLISHED, FIN_WAIT_2, CLOSE_WAIT), sends a
	// PROBE when it expires, and then every keepalive_interval of the
	// profile until a row that restarts it (an ACK, data or a FIN taken
	// in) does. 0, the default, leaves keep-alive
	// off, as RFC 9293 3.8.4 requires by default. The idle time is the
	// application's, not the profile's 2 hours, which would outlast every
	// other timer of a close (and not fit the ticks): with a short one the
	// probes and the R2 they start meet the close while it runs.
	KeepAlive int
	// UserTimeout, when not 0, is the user timeout every application
	// sets, in ticks (TCP_USER_TIMEOUT; RFC 9293 3.9.1.1's timeout of
	// OPEN and SEND): the timer runs where the spec's rows start it (a
	// SYN, FIN or data unacknowledged, or waiting on a zero window) under
	// every profile, and aborts the connection when it expires. 0, the
	// default, runs no user timeout: not rfc9293's default of 5 minutes
	// either (no other profile has one by default).
	UserTimeout int
}

// String says what the model explores under b, for reports and headers.
func (b Bounds) String() string {
	onOff := map[bool]string{true: "on", false: "off"}
	loss := "off"
	if b.Loss && b.Losses > 0 {
		loss = fmt.Sprintf("up to %d per incarnation", b.Losses)
	}
	incs := "incarnations"
	if b.Incarnations == 1 {
		incs = "incarnation"
	}
	data := "no data"
	switch {
	case b.Data == 1:
		data = "1 segment of data written per application and incarnation"
	case b.Data > 1:
		data = fmt.Sprintf("%d segments of data written per application and incarnation", b.Data)
	}
	if b.ZeroWindow {
		data += ", zero window on"
	}
	if b.Attacks > 0 {
		data += fmt.Sprintf("; an off-path attacker forging up to %d segments", b.Attacks)
	}
	if b.KeepAlive > 0 {
		data += fmt.Sprintf("; keep-alive on, first probe after %s idle", tickCount(b.KeepAlive))
	}
	if b.UserTimeout > 0 {
		data += fmt.Sprintf("; a user timeout of %s", tickCount(b.UserTimeout))
	}
	return fmt.Sprintf("client A and server B over a network of capacity %d per direction, loss %s, duplication %s, reordering %s; %d %s; %s; MSL = %d ticks",
		b.Capacity, loss, onOff[b.Duplication], onOff[b.Reordering], b.Incarnations, incs, data, b.MSLTicks)
}

// DefaultMSL is the network MSL for a profile without one of its own: the
// 30 s that BSD uses and that Linux's 60 s TIME_WAIT is twice.
const DefaultMSL = 30 * time.Second

// DefaultBounds are the bounds fsmgen check uses unless told otherwise:
// two incarnations (so that TIME_WAIT's guard of the next one is tested),
// two segments in flight per direction (a segment and its retransmission,
// or a FIN behind an ACK), one loss per incarnation (the assumption
// TIME_WAIT's guarantees rest on), duplication and reordering, and an MSL
// of two ticks, and one segment of data each application may write per
// incarnation (the data a FIN queues behind).
func DefaultBounds() Bounds {
	return Bounds{MSLTicks: 2, Capacity: 2, Incarnations: 2, Losses: 1, Loss: true, Duplication: true, Reordering: true}
}

// QuickBounds are DefaultBounds with one segment in flight per direction:
// a few seconds for every profile rather than minutes, for tests and a
// first look (fsmgen gen checks, and records, at DefaultBounds).
func QuickBounds() Bounds {
	b := DefaultBounds()
	b.Capacity = 1
	return b
}

// DataBounds are QuickBounds with one segment of data each application
// may write per incarnation and the zero window on: at DefaultBounds data
// runs past a hundred million states, so fsmgen check and fsmgen gen
// explore data, the zero window and the persist timer at these bounds,
// beside DefaultBounds (package verify, Options.Also).
func DataBounds() Bounds {
	b := QuickBounds()
	b.Data, b.ZeroWindow = 1, true
	return b
}

// AttackBounds are QuickBounds with an off-path attacker that may forge
// two segments: one more than the smallest limit of challenge ACKs a
// profile sets (linux's one), so that the throttled challenge ACK is
// reached. fsmgen check and fsmgen gen explore them beside DefaultBounds
// (package verify, Options.Also), for the properties of the attacker.
func AttackBounds() Bounds {
	b := QuickBounds()
	b.Attacks = 2
	return b
}

// KeepAliveBounds are QuickBounds with a segment of data written by each
// application and keep-alive on for every socket, the first probe after
// one MSL idle: fsmgen check and fsmgen gen explore them beside
// DefaultBounds (package verify, Options.Also), so that the keep-alive
// rules of ESTABLISHED, FIN_WAIT_2 and CLOSE_WAIT fire, and the rows that
// only data reaches (data in FIN_WAIT_1, FIN_WAIT_2 and CLOSE_WAIT, data
// after close(), close() with data unread) meet a keep-alive timer
// running. An application may write nothing, so this run does all the
// same run without data would. Without the zero window: persist with
// keep-alive would take a profile to 3 to 16 million states here, where
// this takes 0.3 to 2.4 million.
func KeepAliveBounds() Bounds {
	b := QuickBounds()
	b.Data = 1
	b.KeepAlive = b.MSLTicks
	return b
}

// UserTimeoutBounds are DataBounds with a user timeout of one MSL set by
// every application, and one incarnation: fsmgen check and fsmgen gen
// explore them beside DefaultBounds (package verify, Options.Also), so
// that the user timeout rules fire where a SYN, a FIN or data waits for
// its ACK or on a zero window. One MSL is shorter than a close may take,
// so the timeout meets a FIN still on its way as well as one held by a
// closed window. One incarnation: the user timeout aborts without a RST,
// and what a later incarnation then meets of the old one is what P3 and
// P8 leave out (an incarnation aborted before its close completed), while
// a second would take the states from 5 to 12 million over the five
// profiles.
func UserTimeoutBounds() Bounds {
	b := DataBounds()
	b.UserTimeout = b.MSLTicks
	b.Incarnations = 1
	return b
}

// Limits on the bounds: beyond them the state space is beyond this machine,
// or the encoding's fields overflow.
const (
	MaxMSLTicks     = 8
	MaxCapacity     = 8
	MaxIncarnations = 5
	MaxLosses       = 4
	MaxAttacks      = 6   // State.Forged; one beyond bsd's challenge_acks of 5, so that every profile's limit can be reached
	MaxData         = 3   // Endpoint.Wrote has two bits in the codec
	MaxKeepAlive    = 16  // ticks of idle time: two MSLs at the finest resolution (MaxMSLTicks)
	MaxUserTimeout  = 32  // ticks: four MSLs at the finest resolution
	maxTicks        = 250 // a timer's ticks fit a byte beside "stopped" and "due"
)

// Timing is a profile's durations in ticks. A zero means the profile has no
// such timer.
type Timing struct {
	Tick       time.Duration
	NetworkMSL time.Duration
	MSL        int // ticks a segment may live
	RTO        int
	MaxBackoff int // restarts after which the RTO stops doubling
	R2, R2Syn  int // R2, and R2 as armed for a SYN (in SYN_SENT)
	R2Orphan   int // R2 as armed for an orphan's FIN (in LAST_ACK)
	TimeWait   int
	FinWait2   int
	FlushHeld  bool // the FIN_WAIT_2 flush runs also for a socket the application holds
	Persist    int  // the zero-window probe interval (without its doubling)
	// KeepIdle is Bounds.KeepAlive, the idle time before the first
	// keep-alive probe (0: keep-alive off); KeepInterval the profile's
	// keepalive_interval between probes after it, or KeepIdle where the
	// profile has none.
	KeepIdle, KeepInterval int
	// UserTimeout is Bounds.UserTimeout (0: not modelled).
	UserTimeout int

	// in holds the ticks each modelled timer takes when armed in each
	// state, for a held socket and for an orphan (tcp.Profile.Duration);
	// runs whether the spec arms it for a held socket and for an orphan
	// (tcp.Profile.Runs).
	in   [NumTimers][tcp.NumStates][2]int
	runs [NumTimers][2]bool
}

// Ticks returns the ticks timer k takes when armed in state s for an
// endpoint whose application holds its socket (held) or has let go of it:
// the spec's duration for it there (Profile.Duration), scaled.
func (t Timing) Ticks(k TimerIndex, s tcp.State, held bool) int {
	if !s.Valid() {
		return 0
	}
	if held {
		return t.in[k][s][0]
	}
	return t.in[k][s][1]
}

// MaxTicks returns the longest timer k may run, in any state.
func (t Timing) MaxTicks(k TimerIndex) int {
	most := 0
	for _, d := range t.in[k] {
		most = max(most, d[0], d[1])
	}
	return most
}

// Runs reports whether the spec arms timer k for an endpoint whose
// application holds its socket (held) or has let go of it
// (Profile.Runs): false too for a timer the profile does not have.
func (t Timing) Runs(k TimerIndex, held bool) bool {
	if held {
		return t.runs[k][0]
	}
	return t.runs[k][1]
}

func ticks(d, tick time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int((d + tick - 1) / tick)
}

// NewTiming scales profile p to ticks under bounds b, refusing a scaling
// that would make the model meaningless.
func NewTiming(p tcp.Profile, b Bounds) (Timing, error) {
	if b.MSLTicks < 1 || b.MSLTicks > MaxMSLTicks {
		return Timing{}, fmt.Errorf("MSL ticks %d out of range 1..%d", b.MSLTicks, MaxMSLTicks)
	}
	msl := b.NetworkMSL
	if msl == 0 {
		msl = p.MSL
	}
	if msl == 0 {
		msl = DefaultMSL
	}
	if msl < time.Second || msl > 24*time.Hour {
		return Timing{}, fmt.Errorf("network MSL %v out of range 1s..24h", msl)
	}
	tick := msl / time.Duration(b.MSLTicks)
	t := Timing{
		Tick: tick, NetworkMSL: msl, MSL: b.MSLTicks,
		RTO: ticks(p.Retransmission, tick), R2: ticks(p.R2, tick),
		TimeWait: ticks(p.TimeWait, tick), FinWait2: ticks(p.FinWait2, tick), Persist: ticks(p.Persist, tick),
	}
	for k := range NumTimers {
		tm := timerOf[k]
		t.runs[k] = [2]bool{p.Runs(tm, 0), p.Runs(tm, tcp.SocketOrphan)}
		for s := tcp.State(1); s < tcp.NumStates; s++ {
			t.in[k][s] = [2]int{ticks(p.Duration(tm, s, 0), tick), ticks(p.Duration(tm, s, tcp.SocketOrphan), tick)}
		}
	}
	t.R2Syn = t.in[TimerR2][tcp.SynSent][0]
	t.R2Orphan = t.in[TimerR2][tcp.LastAck][1]
	if b.KeepAlive < 0 || b.KeepAlive > MaxKeepAlive {
		return Timing{}, fmt.Errorf("keep-alive idle time %d ticks out of range 0..%d", b.KeepAlive, MaxKeepAlive)
	}
	if b.KeepAlive > 0 && p.Runs(tcp.KeepaliveTimer, tcp.SocketAsked) { // every socket asks for it
		t.KeepIdle = b.KeepAlive
		t.KeepInterval = ticks(p.Interval(tcp.KeepaliveTimer, tcp.Established, tcp.SocketAsked, 1), tick)
		if p.KeepaliveInterval == 0 {
			t.KeepInterval = t.KeepIdle // no interval of its own: the idle time again
		}
	}
	if b.UserTimeout < 0 || b.UserTimeout > MaxUserTimeout {
		return Timing{}, fmt.Errorf("user timeout %d ticks out of range 0..%d", b.UserTimeout, MaxUserTimeout)
	}
	t.UserTimeout = b.UserTimeout
	t.FlushHeld = t.runs[TimerFinWait2][0]
	switch {
	case t.TimeWait == 0:
		return Timing{}, fmt.Errorf("profile %s has no TIME_WAIT", p.Name)
	case t.RTO == 0:
		return Timing{}, fmt.Errorf("profile %s has no retransmission timeout", p.Name)
	case t.R2 == 0:
		return Timing{}, fmt.Errorf("profile %s has no R2", p.Name)
	}
	// Rounding up must not change what TIME_WAIT is measured against: a
	// TIME_WAIT shorter than 2 MSL must stay shorter in ticks, or the model
	// would prove what the profile does not give.
	if real, scaled := cmp.Compare(p.TimeWait, 2*msl), cmp.Compare(t.TimeWait, 2*t.MSL); real != scaled {
		return Timing{}, fmt.Errorf("profile %s: TIME_WAIT %v against 2 x MSL %v becomes %s against %d: the scaling changes their order; use more MSL ticks", p.Name, p.TimeWait, 2*msl, tickCount(t.TimeWait), 2*t.MSL)
	}
	// Nor may it make the first retransmission as late as a segment's
	// death: TIME_WAIT's guarantees rest on a retransmitted FIN coming
	// within the MSL, and a timeout rounded up to the MSL doubles past
	// 2 MSL at its first backoff.
	if p.Retransmission < msl && t.RTO >= t.MSL {
		return Timing{}, fmt.Errorf("profile %s: a retransmission timeout of %v against an MSL of %v becomes %s against %d: use more MSL ticks", p.Name, p.Retransmission, msl, tickCount(t.RTO), t.MSL)
	}
	for _, v := range []int{t.RTO, t.R2, t.R2Syn, t.R2Orphan, t.TimeWait, t.FinWait2, t.Persist, t.KeepInterval} {
		if v > maxTicks {
			return Timing{}, fmt.Errorf("a duration of profile %s is %d ticks of %v; at most %d fit: use fewer MSL ticks or a longer network MSL", p.Name, v, tick, maxTicks)
		}
	}
	for t.RTO<<(t.MaxBackoff+1) <= t.R2 && t.RTO<<(t.MaxBackoff+1) <= maxTicks {
		t.MaxBackoff++
	}
	return t, nil
}

func (t Timing) String() string {
	fw2 := "none"
	if t.FinWait2 > 0 {
		fw2 = fmt.Sprint(t.FinWait2)
	}
	r2 := fmt.Sprint(t.R2)
	if t.R2Orphan != t.R2 {
		r2 += fmt.Sprintf(" (%d for an orphan)", t.R2Orphan)
	}
	s := fmt.Sprintf("tick %v (MSL %v = %d ticks): RTO %d, R2 %s, R2 for SYN %d, TIME_WAIT %d, FIN_WAIT_2 flush %s",
		t.Tick, t.NetworkMSL, t.MSL, t.RTO, r2, t.R2Syn, t.TimeWait, fw2)
	if t.KeepIdle > 0 {
		s += fmt.Sprintf(", keep-alive %d then every %d", t.KeepIdle, t.KeepInterval)
	}
	if t.UserTimeout > 0 {
		s += fmt.Sprintf(", user timeout %d", t.UserTimeout)
	}
	return s
}

// tickCount says n ticks, in words.
func tickCount(n int) string {
	if n == 1 {
		return "1 tick"
	}
	return fmt.Sprintf("%d ticks", n)
}

// Covers reports whether b explores at least what d does: as many
// segments in flight, incarnations, losses, segments of data and forged
// segments, every network fault and every window behaviour d allows, the
// same keep-alive (probes add steps and take away idle ones) and user
// timeout (an abort adds steps and takes away others), and the same network
// MSL and time resolution (rounding decides verdicts, so a finer
// resolution is another model, not a larger one). A verdict obtained
// under b then says at least as much as one under d.
func (b Bounds) Covers(d Bounds) bool {
	lossCovers := !d.Loss || d.Losses == 0 || b.Loss && b.Losses >= d.Losses
	return b.NetworkMSL == d.NetworkMSL && b.MSLTicks == d.MSLTicks &&
		b.Capacity >= d.Capacity && b.Incarnations >= d.Incarnations && lossCovers &&
		b.Data >= d.Data && (b.ZeroWindow || !d.ZeroWindow) && b.Attacks >= d.Attacks && b.KeepAlive == d.KeepAlive && b.UserTimeout == d.UserTimeout &&
		(b.Duplication || !d.Duplication) && (b.Reordering || !d.Reordering)
}

// timers carries out the timer actions of t, taken on event e, on the
// modelled timers, as the spec's Action.TimerOp says.
func (m *Model) timers(ep *Endpoint, t tcp.Transition, e tcp.Event) {
	switch t.Actions.TimerOp(tcp.KeepaliveTimer) {
	case tcp.StopTimer:
		ep.KeepAlive = 0
	case tcp.RestartTimer, tcp.StartTimer:
		// Every socket asks for keep-alive when Bounds.KeepAlive is on
		// (arm keepalive if asked), orphans too: the option outlives
		// close(). The restart on its own expiry waits the profile's
		// interval (arm keepalive then keepalive_interval); any other
		// restart, on something received, the idle time again.
		switch {
		case m.Timing.KeepIdle == 0, t.Actions.TimerOp(tcp.KeepaliveTimer) == tcp.StartTimer && ep.KeepAlive != 0:
		case e == tcp.TimeoutKeepalive:
			ep.KeepAlive = uint8(m.Timing.KeepInterval + 1)
		default:
			ep.KeepAlive = uint8(m.Timing.KeepIdle + 1)
		}
	}
	// The user timeout, set by every application under Bounds.UserTimeout,
	// starts where the spec's rows start it and runs on until one stops
	// it; a restart starts it afresh.
	switch op := t.Actions.TimerOp(tcp.UserTimeoutTimer); {
	case op == tcp.StopTimer:
		ep.UserTimeout = 0
	case m.Timing.UserTimeout == 0:
	case op == tcp.RestartTimer, op == tcp.StartTimer && ep.UserTimeout == 0:
		ep.UserTimeout = uint8(m.Timing.UserTimeout + 1)
	}
	switch {
	case t.Actions.Has(tcp.PersistTimer.StopAction()):
		ep.Persist = 0
	case t.Actions.Has(tcp.PersistTimer.RestartAction()), t.Actions.Has(tcp.PersistTimer.StartAction()) && ep.Persist == 0:
		if m.Timing.Persist > 0 {
			ep.Persist = uint8(m.Timing.Persist + 1) // no backoff: probes at a fixed interval
		}
	}
	for k := range NumTimers {
		switch t.Actions.TimerOp(timerOf[k]) {
		case tcp.StopTimer:
			ep.Timers[k] = 0
			if k == TimerRtx {
				ep.Backoff = 0
			}
		case tcp.RestartTimer:
			m.arm(ep, k, true)
		case tcp.StartTimer:
			if ep.Timers[k] == 0 {
				m.arm(ep, k, false)
			}
		}
	}
}

// arm sets timer k of ep running from its full interval: the duration the
// spec gives it in ep's state, if the spec runs it for ep at all.
func (m *Model) arm(ep *Endpoint, k TimerIndex, restart bool) {
	if !m.Timing.Runs(k, ep.Held) {
		return // no such timer, or not for a socket the application still holds
	}
	d := m.Timing.Ticks(k, ep.St, ep.Held)
	if k == TimerRtx { // the one timer whose restarts the model counts (Backoff)
		if restart {
			if int(ep.Backoff) < m.Timing.MaxBackoff {
				ep.Backoff++
			}
		} else {
			ep.Backoff = 0
		}
		if timerOf[k].Doubles() { // in ticks, as Profile.Interval does in time
			d <<= ep.Backoff
		}
	}
	ep.Timers[k] = uint8(d + 1)
}
