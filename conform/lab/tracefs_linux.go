package lab

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// tracefsRoots are where tracefs is mounted: its own mount point, or
// under debugfs on older systems.
var tracefsRoots = []string{"/sys/kernel/tracing", "/sys/kernel/debug/tracing"}

const setStateEvent = "events/sock/inet_sock_set_state"

// tracefsRoot returns the mounted tracefs that has the tracepoint
// sock:inet_sock_set_state, or says why there is none.
func tracefsRoot() (string, error) {
	for _, root := range tracefsRoots {
		if _, err := os.Stat(filepath.Join(root, setStateEvent)); err == nil {
			if _, err := os.Stat(filepath.Join(root, "instances")); err == nil {
				return root, nil
			}
		}
	}
	return "", fmt.Errorf("no tracefs with the tracepoint sock:inet_sock_set_state and trace instances at %s (mount tracefs, or a kernel with tracepoints, 4.16 or later)", tracefsRoots)
}

// stateTrace records sock:inet_sock_set_state for one port in a trace
// instance of its own, so that it neither disturbs nor is disturbed by
// other users of tracefs.
type stateTrace struct {
	dir string
}

// startStateTrace makes the trace instance and enables the tracepoint,
// filtered to sockets with port at either end.
func startStateTrace(name string, port uint16) (*stateTrace, error) {
	root, err := tracefsRoot()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(root, "instances", fmt.Sprintf("%s%d-%s", netnsPrefix, os.Getpid(), name))
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, fmt.Errorf("make trace instance: %w", err)
	}
	t := &stateTrace{dir: dir}
	filter := fmt.Sprintf("sport == %d || dport == %d", port, port)
	if err := t.write(setStateEvent+"/filter", filter); err != nil {
		return nil, errors.Join(err, t.remove())
	}
	if err := t.write(setStateEvent+"/enable", "1"); err != nil {
		return nil, errors.Join(err, t.remove())
	}
	return t, nil
}

func (t *stateTrace) write(file, value string) error {
	if err := os.WriteFile(filepath.Join(t.dir, file), []byte(value), 0); err != nil {
		return fmt.Errorf("tracefs %s: %w", file, err)
	}
	return nil
}

// remove deletes the trace instance; the kernel stops its events with it.
func (t *stateTrace) remove() error {
	var err error
	// The kernel refuses while an event is still being read; a few tries
	// are enough.
	for range 10 {
		if err = os.Remove(t.dir); err == nil {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("remove trace instance: %w", err)
}

// finish stops the tracepoint, reads what it recorded and removes the
// instance. Times count from the first change.
func (t *stateTrace) finish() ([]StateChange, error) {
	stopErr := t.write(setStateEvent+"/enable", "0")
	data, readErr := os.ReadFile(filepath.Join(t.dir, "trace"))
	rmErr := t.remove()
	if err := errors.Join(stopErr, readErr, rmErr); err != nil {
		return nil, err
	}
	var out []StateChange
	var first float64
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if bytes.Contains([]byte(line), []byte("LOST")) && bytes.HasPrefix(bytes.TrimSpace([]byte(line)), []byte("CPU:")) {
			return nil, fmt.Errorf("the trace lost events: %s", line)
		}
		c, stamp, ok, err := parseSetState(line)
		if err != nil {
			return nil, fmt.Errorf("trace: %w", err)
		}
		if !ok {
			continue
		}
		if len(out) == 0 {
			first = stamp
		}
		c.At = time.Duration((stamp - first) * float64(time.Second))
		out = append(out, c)
	}
	if err := chained(out); err != nil {
		return nil, err
	}
	return out, nil
}

// sweepStaleTraces removes the trace instances that a recording killed
// before its cleanup left behind, as sweepStaleNetns does for namespaces.
func sweepStaleTraces(opts Options) {
	root, err := tracefsRoot()
	if err != nil {
		return
	}
	entries, err := os.ReadDir(filepath.Join(root, "instances"))
	if err != nil {
		return
	}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), netnsPrefix)
		if !ok {
			continue
		}
		pidText, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if err != nil || pid == os.Getpid() || unix.Kill(pid, 0) != unix.ESRCH {
			continue
		}
		if err := (&stateTrace{dir: filepath.Join(root, "instances", e.Name())}).remove(); err != nil {
			opts.logf("removing a stale trace instance: %v", err)
		} else {
			opts.logf("removed the stale trace instance %s of process %d", e.Name(), pid)
		}
	}
}

// labLockFile serialises live runs between processes on one machine: the
// tracepoint is not per network namespace, so a recording would also see
// the sockets of a scenario running at the same time in another.
var labLockFile = filepath.Join(os.TempDir(), "tcpfsm-lab.lock")

// lockLab waits, as long as ctx allows, until no other process runs a
// scenario, and returns the function that lets the next one run.
func lockLab(ctx context.Context) (unlock func(), err error) {
	f, err := os.OpenFile(labLockFile, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lab lock: %w", err)
	}
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil
		}
		if err != unix.EWOULDBLOCK && err != unix.EINTR {
			f.Close()
			return nil, fmt.Errorf("lab lock %s: %w", labLockFile, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("waiting for another live run to finish (lock %s): %w", labLockFile, context.Cause(ctx))
		case <-time.After(20 * time.Millisecond):
		}
	}
}
