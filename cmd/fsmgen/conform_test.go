package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/conform"
	"github.com/tcpfsm/tcpfsm/conform/lab"
)

// fakeConform replaces the live side of fsmgen conform for one test: live
// runs need root and are tested in package lab.
func fakeConform(t *testing.T, available error, traces []*conform.Trace, runErr error) {
	t.Helper()
	oldA, oldR, oldAll := conformAvailable, conformRun, conformRunAll
	t.Cleanup(func() { conformAvailable, conformRun, conformRunAll = oldA, oldR, oldAll })
	conformAvailable = func() error { return available }
	conformRun = func(_ context.Context, name string, _ lab.Options) (*conform.Trace, error) {
		for _, tr := range traces {
			if tr.Scenario == name {
				return tr, runErr
			}
		}
		return nil, runErr
	}
	conformRunAll = func(context.Context, lab.Options) ([]*conform.Trace, error) { return traces, runErr }
}

// fakeTrace is a trace recorded from a kernel, as a live run returns it.
func fakeTrace(name string) *conform.Trace {
	traces, err := conform.Recorded()
	if err != nil || traces[name] == nil {
		panic(fmt.Sprintf("no recorded trace %s: %v", name, err))
	}
	return traces[name]
}

func TestConformUnavailable(t *testing.T) {
	fakeConform(t, errors.New("live conformance runs need root to create network namespaces; running as uid 1000"), nil, nil)
	code, stdout, stderr := fsmgen("conform")
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "need root")
}

func TestConformUsage(t *testing.T) {
	fakeConform(t, nil, nil, nil)
	code, _, stderr := fsmgen("conform", "-scenario", "no-such")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `unknown scenario "no-such"`)
	assert.Contains(t, stderr, "active-close")
	code, _, stderr = fsmgen("conform", "extra")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "unexpected arguments")
	code, _, stderr = fsmgen("conform", "-scenario", "actve-close")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `fsmgen conform: unknown scenario "actve-close" (did you mean active-close?)`)
	code, _, _ = fsmgen("conform", "-nosuchflag")
	assert.Equal(t, 2, code)
	code, stdout, _ := fsmgen("help", "conform")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "fsmgen conform [-scenario NAME] [-record DIR] [-v]")
}

func TestConformPrintsAndRecords(t *testing.T) {
	fakeConform(t, nil, []*conform.Trace{fakeTrace("active-close"), fakeTrace("never-close")}, nil)
	dir := filepath.Join(t.TempDir(), "traces")
	code, stdout, stderr := fsmgen("conform", "-record", dir)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "scenario active-close\n  wire: ")
	assert.Contains(t, stdout, "    path: CLOSED --app OPEN_ACTIVE--> SYN_SENT")
	assert.Regexp(t, `(?m)^never-close +accepted +accepted$`, stdout)
	assert.NotContains(t, stdout, "# scenario", "traces in full only with -v")
	for _, name := range []string{"active-close", "never-close"} {
		f, err := os.Open(filepath.Join(dir, name+".trace"))
		require.NoError(t, err)
		tr, err := conform.Read(name, f)
		f.Close()
		require.NoError(t, err)
		assert.Equal(t, name, tr.Scenario)
		assert.Equal(t, fakeTrace(name).Events, tr.Events)
	}
}

func TestConformOneScenario(t *testing.T) {
	fakeConform(t, nil, []*conform.Trace{fakeTrace("abort-linger")}, nil)
	code, stdout, stderr := fsmgen("conform", "-scenario", "abort-linger", "-v")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "scenario abort-linger\n")
	assert.Contains(t, stdout, "# scenario abort-linger\n", "-v prints the trace in full")
}

// A failed scenario makes the command fail (exit 1), after printing and
// recording the traces of those that worked.
func TestConformFailure(t *testing.T) {
	fakeConform(t, nil, []*conform.Trace{fakeTrace("active-close")}, errors.New("lost-final-ack: server LAST_ACK not seen within 3s"))
	dir := t.TempDir()
	code, stdout, stderr := fsmgen("conform", "-record", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "scenario active-close")
	assert.Contains(t, stderr, "lost-final-ack: server LAST_ACK not seen")
	assert.FileExists(t, filepath.Join(dir, "active-close.trace"))
}

// A kernel that does what the table forbids makes the command fail.
func TestConformRejects(t *testing.T) {
	tr := fakeTrace("rst-in-time-wait-rfc1337-0")
	tr.Sysctls["net.ipv4.tcp_rfc1337"] = "1" // as if the kernel had killed TIME_WAIT under tcp_rfc1337=1
	fakeConform(t, nil, []*conform.Trace{tr}, nil)
	code, stdout, stderr := fsmgen("conform")
	assert.Equal(t, 1, code)
	assert.Regexp(t, `(?m)^rst-in-time-wait-rfc1337-0 +REJECTED +accepted$`, stdout)
	assert.Contains(t, stderr, "the table rejects 1 side")
}
