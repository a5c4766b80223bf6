package lab

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/tcpfsm/tcpfsm/conform"
)

// Options tune a live run. The zero value is what the tests use.
type Options struct {
	// Poll is how often /proc/net/tcp is read; 0 means 5 ms. States that
	// last less than this (a FIN_WAIT_1 on an idle loopback lasts
	// microseconds) may not show in the trace.
	Poll time.Duration
	// Timeout bounds one scenario, its setup included, its cleanup not;
	// 0 means 15 s, so that RunAll ends within 3 minutes whatever happens.
	// Every wait inside a scenario has its own, shorter bound.
	Timeout time.Duration
	// Logf, when set, is told each scenario's outcome, the outcomes a
	// scenario waited for in vain (the trace shows what happened instead),
	// and stale namespaces removed.
	Logf func(format string, args ...any)
}

func (o Options) poll() time.Duration {
	if o.Poll <= 0 {
		return 5 * time.Millisecond
	}
	return o.Poll
}

func (o Options) timeout() time.Duration {
	if o.Timeout <= 0 {
		return 15 * time.Second
	}
	return o.Timeout
}

func (o Options) logf(format string, args ...any) {
	if o.Logf != nil {
		o.Logf(format, args...)
	}
}

// Scenarios names the live scenarios in the order RunAll runs them.
func Scenarios() []string { return slices.Clone(scenarioNames) }

// scenarioNames lists the scenarios; scenarios_linux.go defines each, and
// a test checks that the two lists agree.
var scenarioNames = []string{
	"active-close",
	"never-close",
	"fin-wait-2-flush",
	"simultaneous-close",
	"abort-linger",
	"close-unread",
	"data-after-close",
	"lost-final-ack",
	"reopen-time-wait",
	"reuse-own-time-wait",
	"rst-in-time-wait-rfc1337-0",
	"rst-in-time-wait-rfc1337-1",
}

// netnsPrefix starts the name of every network namespace a live run makes;
// the process id follows, so that a later run can tell and remove what a
// killed run left behind (sweepStaleNetns).
const netnsPrefix = "tcpfsm-conform-"

// requiredTools are the commands a live run calls: ip for the network
// namespaces, tc for the queue that delays the FINs of a simultaneous
// close, nft for the rule that drops a final ACK.
var requiredTools = []struct{ name, pkg string }{
	{"ip", "iproute2"},
	{"tc", "iproute2"},
	{"nft", "nftables"},
}

// Available says why live runs cannot happen here, or returns nil. They
// need Linux, root (network namespaces, qdiscs and firewall rules), the
// ip, tc and nft commands, and a kernel that lets root make a network
// namespace; the last is tried by making one and deleting it again.
func Available() error {
	if runtime.GOOS != "linux" {
		return fmt.Errorf("live conformance runs need Linux (network namespaces, /proc/net/tcp); this is %s", runtime.GOOS)
	}
	if uid := os.Geteuid(); uid != 0 {
		return fmt.Errorf("live conformance runs need root to create network namespaces; running as uid %d", uid)
	}
	for _, t := range requiredTools {
		if _, err := exec.LookPath(t.name); err != nil {
			return fmt.Errorf("live conformance runs need the %s command (Debian package %s), which is not in PATH", t.name, t.pkg)
		}
	}
	return probeNetns()
}

// RunAll runs every scenario, each in its own network namespace, and
// returns the traces of those that completed. A scenario that fails does
// not stop the others; the error then names each failed scenario. An
// interrupt (SIGINT, SIGTERM) or the end of ctx stops the run after the
// current scenario has cleaned up.
func RunAll(ctx context.Context, opts Options) ([]*conform.Trace, error) {
	if err := Available(); err != nil {
		return nil, err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	sweepStaleNetns(opts)
	var traces []*conform.Trace
	var errs []error
	for _, name := range scenarioNames {
		if ctx.Err() != nil {
			errs = append(errs, fmt.Errorf("%s: not run: %w", name, context.Cause(ctx)))
			continue
		}
		t, err := runOne(ctx, name, opts)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		traces = append(traces, t)
	}
	return traces, errors.Join(errs...)
}

// Run runs the scenario called name in a network namespace of its own
// and returns its trace. The namespace, and every socket, qdisc, rule and
// command it held, is gone when Run returns, also when ctx ends or the
// process is sent SIGINT or SIGTERM meanwhile.
func Run(ctx context.Context, name string, opts Options) (*conform.Trace, error) {
	if !slices.Contains(scenarioNames, name) {
		return nil, fmt.Errorf("unknown scenario %q; the scenarios are %s", name, strings.Join(scenarioNames, ", "))
	}
	if err := Available(); err != nil {
		return nil, err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	sweepStaleNetns(opts)
	return runOne(ctx, name, opts)
}

// runOne runs a known scenario and logs how it went.
func runOne(ctx context.Context, name string, opts Options) (*conform.Trace, error) {
	began := time.Now()
	t, err := runScenario(ctx, name, opts, nil)
	if err != nil {
		opts.logf("FAILED after %.1fs: %v", time.Since(began).Seconds(), err)
		return nil, err
	}
	opts.logf("%s: ok, %d events in %.1fs", name, len(t.Events), time.Since(began).Seconds())
	return t, nil
}

// RecordAvailable says why Record cannot run here, or returns nil: it
// needs what Available asks, and tracefs with the tracepoint
// sock:inet_sock_set_state.
func RecordAvailable() error {
	if err := Available(); err != nil {
		return err
	}
	_, err := tracefsRoot()
	return err
}

// Record runs the scenario called name as Run does, and records its
// connection for fsmgen track: the packets, and the kernel's own state
// changes of its sockets from the same run.
func Record(ctx context.Context, name string, opts Options) (*Recording, error) {
	if !slices.Contains(scenarioNames, name) {
		return nil, fmt.Errorf("unknown scenario %q; the scenarios are %s", name, strings.Join(scenarioNames, ", "))
	}
	if err := RecordAvailable(); err != nil {
		return nil, err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	sweepStaleNetns(opts)
	sweepStaleTraces(opts)
	rd := &Recording{}
	began := time.Now()
	if _, err := runScenario(ctx, name, opts, rd); err != nil {
		opts.logf("FAILED after %.1fs: %v", time.Since(began).Seconds(), err)
		return nil, err
	}
	opts.logf("%s: recorded %d bytes of capture and %d state changes in %.1fs", name, len(rd.Pcap), len(rd.Changes), time.Since(began).Seconds())
	return rd, nil
}
