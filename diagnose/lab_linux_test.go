package diagnose

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The lab: a network namespace of the test's own, loopback only, where a
// helper process called leaky-server leaks CLOSE_WAIT and a helper called
// churn-client makes the sockets the fixtures show. Both helpers are this
// test binary, copied under those names (so that ss, netstat and /proc
// name them so) and run with DIAGNOSE_HELPER set.

// labAvailable says why the lab cannot run here, or returns nil.
func labAvailable() error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("the lab needs root to make a network namespace; running as uid %d", os.Geteuid())
	}
	for _, tool := range []string{"ip", "ss"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("the lab needs the %s command (Debian package iproute2)", tool)
		}
	}
	if err := exec.Command("ip", "netns", "add", "tcpfsm-diag-probe").Run(); err != nil {
		return fmt.Errorf("the lab needs to make a network namespace, and ip netns add failed: %v", err)
	}
	return exec.Command("ip", "netns", "delete", "tcpfsm-diag-probe").Run()
}

// requireLab skips the test where the lab cannot run, except in CI
// (CI=true), which must run it.
func requireLab(t *testing.T) {
	if err := labAvailable(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI must run the lab, and cannot: %v", err)
		}
		t.Skipf("the lab cannot run here: %v", err)
	}
}

// lab is a network namespace and the helpers running in it.
type lab struct {
	t       *testing.T
	name    string
	dir     string
	helpers []*helper
}

func newLab(t *testing.T) *lab {
	l := &lab{t: t, name: fmt.Sprintf("tcpfsm-diag-%d", os.Getpid()), dir: t.TempDir()}
	exec.Command("ip", "netns", "delete", l.name).Run() // a run killed before its cleanup
	l.must("ip", "netns", "add", l.name)
	t.Cleanup(l.close)
	l.must("ip", "-n", l.name, "link", "set", "lo", "up")
	l.sysctl("net.ipv4.ip_local_port_range", labPortRange)
	l.sysctl("net.ipv4.tcp_tw_reuse", labTwReuse)
	return l
}

func (l *lab) close() {
	for _, h := range l.helpers {
		h.cmd.Process.Kill()
		h.cmd.Wait()
	}
	if out, err := exec.Command("ip", "netns", "delete", l.name).CombinedOutput(); err != nil {
		l.t.Errorf("ip netns delete %s: %v: %s", l.name, err, out)
	}
}

// must runs a command on the host, failing the test if it fails.
func (l *lab) must(name string, args ...string) string {
	out, err := exec.Command(name, args...).CombinedOutput()
	require.NoError(l.t, err, "%s %s: %s", name, strings.Join(args, " "), out)
	return string(out)
}

// in runs a command in the namespace and returns its standard output.
func (l *lab) in(name string, args ...string) string {
	cmd := exec.Command("ip", append([]string{"netns", "exec", l.name, name}, args...)...)
	var stderr strings.Builder // ss -e says "Failed to find cgroup2 mount" where there is none
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(l.t, err, "%s %s: %s", name, strings.Join(args, " "), stderr.String())
	return string(out)
}

func (l *lab) sysctl(name, value string) {
	l.in("sysctl", "-q", "-w", name+"="+value)
}

// helper is a helper process in the lab, told what to do line by line on
// its standard input; it answers each line with "done LINE".
type helper struct {
	cmd *exec.Cmd
	in  io.Writer
	out *bufio.Scanner
}

// start runs this test binary as the helper called prog, in role.
func (l *lab) start(prog, role string) *helper {
	self, err := os.Executable()
	require.NoError(l.t, err)
	bin := filepath.Join(l.dir, prog)
	data, err := os.ReadFile(self)
	require.NoError(l.t, err)
	require.NoError(l.t, os.WriteFile(bin, data, 0o755))
	cmd := exec.Command("ip", "netns", "exec", l.name, bin, "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), "DIAGNOSE_HELPER="+role)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	require.NoError(l.t, err)
	out, err := cmd.StdoutPipe()
	require.NoError(l.t, err)
	require.NoError(l.t, cmd.Start())
	h := &helper{cmd: cmd, in: in, out: bufio.NewScanner(out)}
	l.helpers = append(l.helpers, h)
	h.do(l.t, "ready")
	return h
}

// do tells the helper to do line and waits until it has.
func (h *helper) do(t *testing.T, line string) {
	_, err := fmt.Fprintln(h.in, line)
	require.NoError(t, err)
	for h.out.Scan() {
		if h.out.Text() == "done "+line {
			return
		}
	}
	t.Fatalf("helper %s ended before doing %q: %v", h.cmd.Args[3], line, h.out.Err())
}

// TestHelperProcess is the helpers' body, not a test: it does nothing
// unless DIAGNOSE_HELPER names a role.
func TestHelperProcess(t *testing.T) {
	role := os.Getenv("DIAGNOSE_HELPER")
	if role == "" {
		return
	}
	var held []net.Conn // never closed, never collected
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		cmd, arg, _ := strings.Cut(in.Text(), " ")
		n, _ := strconv.Atoi(arg)
		var err error
		switch {
		case cmd == "ready" && role == "server":
			err = serve()
		case cmd == "leak":
			held, err = connectAll(held, "127.0.0.1", leakPort, n, func(c *net.TCPConn) error { return c.Close() })
		case cmd == "halfclose":
			held, err = connectAll(held, "127.0.0.1", halfClosePort, n, (*net.TCPConn).CloseWrite)
		case cmd == "churn":
			_, err = connectAll(nil, "::1", churnPort, n, func(c *net.TCPConn) error { return c.Close() })
		case cmd == "vanish":
			held, err = connectAll(held, "127.0.0.1", vanishPort, n, nil)
		case cmd == "close":
			for _, c := range held {
				if c.RemoteAddr().(*net.TCPAddr).Port == vanishPort {
					c.Close()
				}
			}
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "helper %s: %s: %v\n", role, in.Text(), err)
			os.Exit(1)
		}
		fmt.Println("done " + in.Text())
	}
	os.Exit(0)
}

// serve starts the lab's servers.
func serve() error {
	leak := func(c net.Conn) { select {} }
	drain := func(c net.Conn) { io.Copy(io.Discard, c); c.Close() }
	for _, s := range []struct {
		network, addr string
		handle        func(net.Conn)
	}{
		{"tcp4", fmt.Sprintf("127.0.0.1:%d", leakPort), leak},
		{"tcp4", fmt.Sprintf("127.0.0.1:%d", halfClosePort), leak},
		{"tcp6", fmt.Sprintf("[::1]:%d", churnPort), drain},
		{"tcp4", fmt.Sprintf("127.0.0.1:%d", vanishPort), drain},
	} {
		ln, err := net.Listen(s.network, s.addr)
		if err != nil {
			return err
		}
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				go s.handle(c)
			}
		}()
	}
	return nil
}

// connectAll makes n connections to host:port, doing then to each (nil:
// nothing), and returns held with those it keeps.
func connectAll(held []net.Conn, host string, port, n int, then func(*net.TCPConn) error) ([]net.Conn, error) {
	for range n {
		c, err := net.DialTimeout("tcp", net.JoinHostPort(host, strconv.Itoa(port)), 5*time.Second)
		if err != nil {
			return held, err
		}
		held = append(held, c)
		if then != nil {
			if err := then(c.(*net.TCPConn)); err != nil {
				return held, err
			}
		}
	}
	return held, nil
}
