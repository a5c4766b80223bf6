package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/verify"
)

// boundsFlags are the bounds of the model: what fsmgen check explores and
// fsmgen promela exports.
type boundsFlags struct {
	msl          *time.Duration
	mslTicks     *int
	capacity     *int
	incarnations *int
	losses       *int
	noLoss       *bool
	noDup        *bool
	noReorder    *bool
	data         *int
	zeroWindow   *bool
	attacker     *bool
	attacks      *int
	keepAlive    *int
	userTimeout  *int
}

// addBoundsFlags defines the model's bounds on fs, defaulting to d.
func addBoundsFlags(fs *flag.FlagSet, d model.Bounds) boundsFlags {
	return boundsFlags{
		msl:          durationFlag(fs, "msl", "leave -msl out for each profile's own MSL", "network `MSL` (default: the profile's own MSL, or 30s where it has none)"),
		mslTicks:     fs.Int("msl-ticks", d.MSLTicks, "ticks per network MSL (`N`)"),
		capacity:     fs.Int("capacity", d.Capacity, "distinct segments in flight per direction (`N`)"),
		incarnations: fs.Int("incarnations", d.Incarnations, "connections the client may open on the 4-tuple (`N`)"),
		losses:       fs.Int("losses", d.Losses, "segments that may be lost per incarnation (`N`)"),
		noLoss:       fs.Bool("no-loss", false, "a network that loses nothing"),
		noDup:        fs.Bool("no-dup", false, "a network that duplicates nothing"),
		noReorder:    fs.Bool("no-reorder", false, "a network that keeps order"),
		data:         fs.Int("data", d.Data, "segments of data each application may write per incarnation (`N`; 0, the default: no data, and no zero window; 1 multiplies the states by about four)"),
		zeroWindow:   fs.Bool("zero-window", d.ZeroWindow, "receivers may close their window: data and the FIN wait for it, and the persist timer probes it (needs -data)"),
		attacker:     fs.Bool("attacker", false, "an off-path attacker forges RST, SYN, ACK (and with -data, data) segments, exact, in the window or outside it, at any moment (RFC 5961; properties P13 to P16)"),
		attacks:      fs.Int("attacks", 1, fmt.Sprintf("with -attacker, how many segments it may forge in the whole run (`N`, 1 to %d)", model.MaxAttacks)),
		keepAlive:    fs.Int("keepalive", d.KeepAlive, fmt.Sprintf("turn keep-alive on for every socket, the first probe after `N` ticks idle (0, the default: off; at most %d)", model.MaxKeepAlive)),
		userTimeout:  fs.Int("user-timeout", d.UserTimeout, fmt.Sprintf("every socket sets a user timeout (TCP_USER_TIMEOUT) of `N` ticks, which aborts a SYN or FIN unacknowledged, or data or a FIN waiting on a zero window, that long (0, the default: not modelled; at most %d)", model.MaxUserTimeout)),
	}
}

func (f boundsFlags) bounds() model.Bounds {
	return model.Bounds{
		NetworkMSL: *f.msl, MSLTicks: *f.mslTicks, Capacity: *f.capacity, Incarnations: *f.incarnations,
		Losses: *f.losses, Loss: !*f.noLoss, Duplication: !*f.noDup, Reordering: !*f.noReorder, Data: *f.data,
		ZeroWindow: *f.zeroWindow, Attacks: f.attackBudget(), KeepAlive: *f.keepAlive, UserTimeout: *f.userTimeout,
	}
}

// attackBudget is Bounds.Attacks: -attacks with -attacker, else none.
func (f boundsFlags) attackBudget() int {
	if !*f.attacker {
		return 0
	}
	return *f.attacks
}

// modelFlags are the bounds of a model exploration and the limits of the
// run.
type modelFlags struct {
	boundsFlags
	maxStates *int
	maxMemory *int
	alsoTicks *string
	plain     *bool
}

// addModelFlags defines the model's bounds on fs, defaulting to
// model.DefaultBounds.
func addModelFlags(fs *flag.FlagSet) *modelFlags { return addModelFlagsWith(fs, model.DefaultBounds()) }

// addModelFlagsWith defines the model's bounds on fs, defaulting to d, and
// the run's limits.
func addModelFlagsWith(fs *flag.FlagSet, d model.Bounds) *modelFlags {
	return &modelFlags{
		boundsFlags: addBoundsFlags(fs, d),
		maxStates:   fs.Int("max-states", 200_000_000, "stop a run past `N` states"),
		maxMemory:   fs.Int("max-memory", defaultMaxMemory(), "stop a run whose search would hold more than `MiB`; by default three fifths of this machine's memory, at most 16 GiB"),
		plain:       fs.Bool("plain", false, "explore without the reductions: every state as the model's steps make it, as SPIN stores them (same verdicts, more states)"),
		alsoTicks:   fs.String("also-msl-ticks", "", "decide every verdict again at these other time resolutions (`N[,N...]` ticks per MSL); a verdict that differs fails the check as depending on the time resolution"),
	}
}

// options are the verification options the flags give.
func (f *modelFlags) options() (verify.Options, error) {
	if *f.maxMemory <= 0 {
		return verify.Options{}, fmt.Errorf("-max-memory %d: give a positive number of MiB", *f.maxMemory)
	}
	if *f.maxStates <= 0 {
		return verify.Options{}, fmt.Errorf("-max-states %d: give a positive number", *f.maxStates)
	}
	also, err := tickList(*f.alsoTicks)
	if err != nil {
		return verify.Options{}, err
	}
	return verify.Options{Bounds: f.bounds(), MaxStates: *f.maxStates, MaxBytes: uint64(*f.maxMemory) << 20, AlsoMSLTicks: also, Plain: *f.plain}, nil
}

// tickList reads -also-msl-ticks: whole numbers of ticks per MSL, comma
// separated, each in the model's range.
func tickList(s string) ([]int, error) {
	if s == "" {
		return nil, nil
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > model.MaxMSLTicks {
			return nil, fmt.Errorf("-also-msl-ticks %s: want whole numbers of ticks per MSL from 1 to %d, comma separated", s, model.MaxMSLTicks)
		}
		out = append(out, n)
	}
	return out, nil
}
