package lab

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// netnsDir is where `ip netns` keeps its named namespaces.
const netnsDir = "/var/run/netns"

// commandTimeout bounds every ip, tc and nft command.
const commandTimeout = 10 * time.Second

// netns is a network namespace made for one scenario. It is named, made
// and deleted with `ip netns`, so that a stuck run can be looked into with
// `ip netns exec NAME ss -tanoi`; Go code enters it with setns(2) on a
// locked thread (do).
//
// Each scenario's namespace is made from a parent namespace of its own,
// whose net.ipv4.tcp_child_ehash_entries gives the child a private
// established-socket hash of childEhash buckets. Otherwise the child shares
// the host's table (262144 buckets on a 24 GiB machine), and one reading
// of /proc/net/tcp walks all of it: over 3 ms, during which the two sides'
// sockets are read milliseconds apart. With the private table a reading
// takes a fraction of a millisecond.
type netns struct {
	name   string
	fd     int    // the namespace file, for setns; -1 once closed
	parent *netns // the namespace this one was made from, deleted with it
}

// childEhash is the size of the scenario namespace's own socket hash.
const childEhash = "256"

// newNetns makes the namespace for scenario, from a parent namespace made
// for the purpose, and brings its loopback up.
func newNetns(ctx context.Context, scenario string) (*netns, error) {
	name := fmt.Sprintf("%s%d-%s", netnsPrefix, os.Getpid(), scenario)
	parent, err := addNetns(ctx, name+"-parent", nil)
	if err != nil {
		return nil, err
	}
	if err := parent.sysctl("net.ipv4.tcp_child_ehash_entries", childEhash); errors.Is(err, fs.ErrNotExist) {
		// A kernel before 6.1: the scenario's namespace shares the host's
		// table, and readings of /proc/net/tcp are slower.
	} else if err != nil {
		return nil, errors.Join(err, parent.delete())
	}
	n, err := addNetns(ctx, name, parent)
	if err != nil {
		return nil, errors.Join(err, parent.delete())
	}
	if err := command(ctx, nil, "ip", "-n", name, "link", "set", "lo", "up"); err != nil {
		return nil, errors.Join(err, n.delete())
	}
	return n, nil
}

// addNetns runs `ip netns add name`, from inside parent when not nil (the
// command inherits the namespace of the thread that starts it), and opens
// the new namespace.
func addNetns(ctx context.Context, name string, parent *netns) (*netns, error) {
	add := func() error { return command(ctx, nil, "ip", "netns", "add", name) }
	var err error
	if parent == nil {
		err = add()
	} else {
		err = parent.do(add)
	}
	if err != nil {
		return nil, err
	}
	n := &netns{name: name, fd: -1, parent: parent}
	fd, err := unix.Open(filepath.Join(netnsDir, name), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		n.parent = nil // the caller deletes it
		return nil, errors.Join(fmt.Errorf("open network namespace %s: %w", name, err), n.delete())
	}
	n.fd = fd
	return n, nil
}

// delete removes the namespace and its parent. It runs even when the
// scenario's context has ended: cleanup must not be cut short by the
// interrupt that caused it. The kernel frees a namespace, and every
// socket, qdisc and rule in it, once the last file and thread referring to
// it are gone.
func (n *netns) delete() error {
	if n.fd >= 0 {
		unix.Close(n.fd)
		n.fd = -1
	}
	err := command(context.Background(), nil, "ip", "netns", "delete", n.name)
	if n.parent != nil {
		err = errors.Join(err, n.parent.delete())
	}
	return err
}

// do runs fn on a fresh OS thread that has entered the namespace, so that
// the sockets fn creates and the /proc/thread-self and /proc/sys/net files
// it opens are the namespace's. A socket keeps its namespace, so fn's
// sockets can then be used from any goroutine.
func (n *netns) do(fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		// No UnlockOSThread: the thread has joined the scenario's namespace,
		// so it must end with this goroutine instead of going back to the
		// runtime's pool.
		if err := unix.Setns(n.fd, unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("enter network namespace %s: %w", n.name, err)
			return
		}
		errc <- fn()
	}()
	return <-errc
}

// sysctl sets a per-namespace sysctl such as net.ipv4.tcp_fin_timeout
// through /proc/sys, from inside the namespace, and reads it back.
func (n *netns) sysctl(name, value string) error {
	path := "/proc/sys/" + strings.ReplaceAll(name, ".", "/")
	return n.do(func() error {
		if err := os.WriteFile(path, []byte(value+"\n"), 0o644); err != nil {
			return fmt.Errorf("set sysctl %s=%s: %w", name, value, err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("read back sysctl %s: %w", name, err)
		}
		if strings.TrimSpace(string(got)) != value {
			return fmt.Errorf("sysctl %s reads %q after writing %q", name, strings.TrimSpace(string(got)), value)
		}
		return nil
	})
}

// command runs an ip, tc or nft command, bounded by commandTimeout and by
// ctx, feeding it stdin when not nil. Its error carries the command line
// and what the command printed.
func command(ctx context.Context, stdin []byte, name string, args ...string) error {
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.WaitDelay = time.Second
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		line := strings.Join(append([]string{name}, args...), " ")
		if msg := strings.TrimSpace(string(out)); msg != "" {
			return fmt.Errorf("%s: %v: %s", line, err, msg)
		}
		return fmt.Errorf("%s: %v", line, err)
	}
	return nil
}

// probeNetns checks that this process can make and delete a network
// namespace, which root in a container without CAP_SYS_ADMIN cannot.
func probeNetns() error {
	ctx := context.Background()
	name := fmt.Sprintf("%s%d-probe", netnsPrefix, os.Getpid())
	if err := command(ctx, nil, "ip", "netns", "add", name); err != nil {
		return fmt.Errorf("live conformance runs need to create network namespaces, and `ip netns add` failed: %v", err)
	}
	if err := command(ctx, nil, "ip", "netns", "delete", name); err != nil {
		return fmt.Errorf("live conformance runs need to delete the network namespaces they create, and `ip netns delete %s` failed: %v", name, err)
	}
	return nil
}

// sweepStaleNetns deletes the namespaces that runs of processes no longer
// alive left behind (a run killed with SIGKILL cannot clean up).
func sweepStaleNetns(opts Options) {
	entries, err := os.ReadDir(netnsDir)
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
		if err := command(context.Background(), nil, "ip", "netns", "delete", e.Name()); err != nil {
			opts.logf("removing a stale namespace: %v", err)
		} else {
			opts.logf("removed the stale network namespace %s of process %d", e.Name(), pid)
		}
	}
}
