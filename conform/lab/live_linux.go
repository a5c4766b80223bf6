package lab

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"golang.org/x/sys/unix"

	"github.com/tcpfsm/tcpfsm/conform"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// The scenario's 4-tuple: client and server are both on 127.0.0.1 in the
// scenario's own namespace, so fixed ports cannot clash with anything.
const (
	clientPort = 40000
	serverPort = 12345
)

// Bounds of a scenario's waits. Loopback answers in microseconds, so a
// transition that takes longer than waitStep is not coming.
const (
	waitStep = 3 * time.Second
	waitLong = 6 * time.Second // for the kernel's own timers: fin_timeout, FIN retransmissions
)

// runScenario runs the scenario name in a namespace of its own: it makes
// the namespace, starts the capture and the /proc poller, runs the
// scenario, stops the observers, and tears everything down (sockets,
// qdiscs and rules, the namespace) whatever happened. Every error names
// the scenario.
//
// With rd, the run is also recorded for fsmgen track: the packets of the
// connection into rd.Pcap, and the state changes the tracepoint
// sock:inet_sock_set_state reports for its sockets into rd.Changes,
// both stopped where the scenario ends, before cleanup closes the sockets.
func runScenario(ctx context.Context, name string, opts Options, rd *Recording) (_ *conform.Trace, err error) {
	i := slices.IndexFunc(scenarios, func(s scenario) bool { return s.name == name })
	if i < 0 {
		return nil, fmt.Errorf("%s: no such scenario", name)
	}
	sc := scenarios[i]
	defer func() {
		if err != nil {
			err = fmt.Errorf("%s: %w", name, err)
		}
	}()
	unlock, err := lockLab(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	ctx, cancel := context.WithTimeout(ctx, opts.timeout())
	defer cancel()

	ns, err := newNetns(ctx, name)
	if err != nil {
		return nil, err
	}
	defer func() {
		if derr := ns.delete(); derr != nil {
			err = errors.Join(err, fmt.Errorf("cleanup: %w", derr))
		}
	}()

	rec := newRecorder(time.Now(), clientPort, serverPort)
	var sink *pcapSink
	var states *stateTrace
	if rd != nil {
		if sink, err = newPcapSink(); err != nil {
			return nil, err
		}
		if states, err = startStateTrace(name, clientPort); err != nil {
			return nil, err
		}
		defer func() {
			if states != nil {
				states.remove()
			}
		}()
	}
	capt, err := startCapture(ns, rec, sink)
	if err != nil {
		return nil, err
	}
	poll := startPoller(ns, rec, opts.poll())
	e := &env{ctx: ctx, name: name, ns: ns, rec: rec, opts: opts, sysctls: map[string]string{},
		listener: -1, fd: [2]int{-1, -1}}
	defer func() {
		if cerr := e.cleanup(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("cleanup: %w", cerr))
		}
	}()

	runErr := sc.play(e)
	if runErr == nil && ctx.Err() != nil {
		// An interrupt or the scenario's time limit: what was recorded is
		// not the whole scenario.
		runErr = fmt.Errorf("stopped: %w", context.Cause(ctx))
	}
	// Stop observing before cleanup closes the sockets, so the trace ends
	// where the scenario did.
	pollErr := poll()
	captErr := capt.finish()
	var stateErr error
	if states != nil {
		rd.Changes, stateErr = states.finish()
		states = nil
	}
	if err := errors.Join(runErr, pollErr, captErr, stateErr); err != nil {
		return nil, err
	}
	if rd != nil {
		rd.Scenario, rd.Kernel, rd.Pcap = name, kernelRelease(), sink.buf.Bytes()
	}
	events, err := rec.trace()
	if err != nil {
		return nil, err
	}
	return &conform.Trace{Scenario: name, Kernel: kernelRelease(), Sysctls: e.sysctls, Events: events}, nil
}

// kernelRelease is uname -r, for the trace header.
func kernelRelease() string {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return ""
	}
	return unix.ByteSliceToString(u.Release[:])
}

// env is what a scenario drives: the two sides' sockets and the listener,
// inside the scenario's namespace, with every call recorded.
type env struct {
	ctx       context.Context
	name      string
	ns        *netns
	rec       *recorder
	opts      Options
	sysctls   map[string]string
	listener  int
	fd        [2]int         // the client's socket and the accepted one; -1 when closed
	others    []int          // helper sockets, closed at cleanup
	undo      []func() error // qdiscs and rules to remove, last first
	nftLoaded bool           // the table nftTable is in place
}

// cleanup removes what the scenario installed and closes its sockets.
// Deleting the namespace would do both; doing it here as well means
// nothing is left even if that deletion fails.
func (e *env) cleanup() error {
	var errs []error
	for i := len(e.undo) - 1; i >= 0; i-- {
		errs = append(errs, e.undo[i]())
	}
	e.undo = nil
	for _, fd := range append(append(e.fd[:], e.listener), e.others...) {
		if fd >= 0 {
			unix.Close(fd)
		}
	}
	e.fd, e.listener, e.others = [2]int{-1, -1}, -1, nil
	return errors.Join(errs...)
}

// sysctl sets a per-namespace sysctl and notes it in the trace.
func (e *env) sysctl(name, value string) error {
	if err := e.ns.sysctl(name, value); err != nil {
		return err
	}
	e.sysctls[name] = value
	return nil
}

// tc runs tc inside the namespace; undo, when not nil, is the tc command
// that reverses it, run at cleanup.
func (e *env) tc(args, undo []string) error {
	if err := command(e.ctx, nil, "tc", append([]string{"-n", e.ns.name}, args...)...); err != nil {
		return err
	}
	if undo != nil {
		e.undo = append(e.undo, func() error {
			return command(context.Background(), nil, "tc", append([]string{"-n", e.ns.name}, undo...)...)
		})
	}
	return nil
}

// nftTable is the nftables table the scenarios put their rules in.
const nftTable = "tcpfsm_conform"

// nftAdd loads an nftables ruleset, whose rules must all be in the table
// nftTable, inside the namespace; cleanup deletes the table unless
// nftDelete did before.
func (e *env) nftAdd(ruleset string) error {
	if err := command(e.ctx, []byte(ruleset), "ip", "netns", "exec", e.ns.name, "nft", "-f", "-"); err != nil {
		return err
	}
	e.nftLoaded = true
	e.undo = append(e.undo, func() error {
		if !e.nftLoaded {
			return nil
		}
		return e.nftDelete()
	})
	return nil
}

// nftDelete deletes the scenario's nftables table.
func (e *env) nftDelete() error {
	if err := command(context.Background(), nil, "ip", "netns", "exec", e.ns.name, "nft", "delete", "table", "inet", nftTable); err != nil {
		return err
	}
	e.nftLoaded = false
	return nil
}

// await waits until cond (called with the recorder locked) holds.
func (e *env) await(what string, timeout time.Duration, cond func() bool) error {
	return e.rec.waitFor(e.ctx, timeout, what, cond)
}

// awaitState waits until side has been seen in st since mark.
func (e *env) awaitState(side conform.Side, st tcp.State, mark int, timeout time.Duration) error {
	return e.await(fmt.Sprintf("%s %s", side, st), timeout, func() bool { return e.rec.saw(side, st, mark) })
}

// awaitTimeWait waits until side is in TIME_WAIT with its timer showing.
func (e *env) awaitTimeWait(side conform.Side, timeout time.Duration) error {
	return e.await(fmt.Sprintf("%s TIME_WAIT with its timer", side), timeout, func() bool {
		tr, _ := e.rec.timer(side)
		return e.rec.state(side) == tcp.TimeWait && tr == 3
	})
}

// hold lets time pass, as the scenario's application idling would.
func (e *env) hold(d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-e.ctx.Done():
		return fmt.Errorf("holding for %v: %w", d, context.Cause(e.ctx))
	case <-t.C:
		return nil
	}
}

// isSeg is a segment condition for countSegs.
func isSeg(side conform.Side, flag func(segment) bool) func(segment) bool {
	return func(g segment) bool { return g.side == side && flag(g) }
}

func isRST(g segment) bool { return g.rst }
func isFIN(g segment) bool { return g.fin }
func isSYN(g segment) bool { return g.syn }

// awaitSent runs act, which makes side send a segment matching flag, and
// waits until the capture has one more such segment than before act. It
// returns the mark of the recorded events from before act.
func (e *env) awaitSent(what string, side conform.Side, flag func(segment) bool, act func() error) (mark int, err error) {
	before := e.countSegs(side, flag)
	mark = e.rec.mark()
	if err := act(); err != nil {
		return mark, err
	}
	return mark, e.await(fmt.Sprintf("%s from the %s", what, side), waitStep, func() bool {
		return e.rec.countSegs(isSeg(side, flag)) > before
	})
}

// countSegs counts the captured segments of side matching flag.
func (e *env) countSegs(side conform.Side, flag func(segment) bool) int {
	var n int
	e.rec.with(func() { n = e.rec.countSegs(isSeg(side, flag)) })
	return n
}
