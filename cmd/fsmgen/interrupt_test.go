package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/verify"
)

// TestHelperCommand is not a test: run by command below in a process of
// its own, it is fsmgen, with the arguments after "--" and progress
// reported every tenth of a second.
func TestHelperCommand(t *testing.T) {
	if os.Getenv("FSMGEN_HELPER_COMMAND") != "1" {
		t.Skip("runs only as the command of another test")
	}
	i := slices.Index(os.Args, "--")
	progressEvery = 100 * time.Millisecond
	os.Exit(run(os.Args[i+1:], os.Stdout, os.Stderr))
}

// fsmgenCommand is fsmgen with args in a process of its own: this test binary,
// running TestHelperCommand.
func fsmgenCommand(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestHelperCommand$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), "FSMGEN_HELPER_COMMAND=1")
	return cmd
}

// interrupted runs fsmgen check with args on the default bounds, which
// take minutes a profile, sends it SIGINT once it reports progress on
// stderr (a pipe, not a terminal), and returns its exit status, stdout
// and stderr.
func interrupted(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	cmd := fsmgenCommand(append([]string{"check"}, args...)...)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	pipe, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	var stderr strings.Builder
	lines := bufio.NewScanner(pipe)
	for lines.Scan() {
		stderr.WriteString(lines.Text() + "\n")
		if strings.HasPrefix(lines.Text(), "fsmgen check: linux: explore: ") {
			break
		}
	}
	require.NoError(t, cmd.Process.Signal(os.Interrupt), stderr.String())
	sent := time.Now()
	for lines.Scan() {
		stderr.WriteString(lines.Text() + "\n")
	}
	err = cmd.Wait()
	assert.Less(t, time.Since(sent), 3*time.Second, "the run stops promptly")
	var exit *exec.ExitError
	if err != nil {
		require.True(t, errors.As(err, &exit), "%v", err)
		return exit.ExitCode(), stdout.String(), stderr.String()
	}
	return 0, stdout.String(), stderr.String()
}

// TestCheckInterrupted: SIGINT stops fsmgen check during a long run; it
// prints the report of what it did, with the profile under way marked
// incomplete and none of its model-checked properties as holding, and
// exits 130. Until then it reports progress on stderr, not a terminal,
// and nothing on stdout.
func TestCheckInterrupted(t *testing.T) {
	code, stdout, stderr := interrupted(t, "-profile", "linux")
	assert.Equal(t, 130, code, stderr)
	assert.Regexp(t, `(?m)^fsmgen check: linux: explore: \d+ states, \d+ states/s, frontier \d+, depth \d+, \d+ MiB, \d+ s$`, stderr)
	assert.Regexp(t, `(?m)^fsmgen check: interrupted: profile linux incomplete after \d+ states$`, stderr)
	assert.Regexp(t, `(?m)^linux( +unchecked){8} +holds( +unchecked){11} +\d+ +\d+ `, stdout)
	assert.Regexp(t, `\ninterrupted: profile linux incomplete after \d+ states; no profile was finished \(of linux, only P9, checked on the table; the other properties are unchecked\)\n\nVerdict: incomplete: interrupted before every profile was checked\.\n$`, stdout)
	assert.NotContains(t, stdout, "explore:", "progress goes to stderr only")

	traces := filepath.Join(t.TempDir(), "cx.json")
	code, stdout, stderr = interrupted(t, "-profile", "linux", "-json", "-trace-out", traces)
	assert.Equal(t, 130, code, stderr)
	var rep verify.Report
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep), "the whole of stdout is the JSON report")
	assert.True(t, rep.Incomplete)
	require.Len(t, rep.Results, 1)
	assert.True(t, rep.Results[0].Incomplete)
	assert.Positive(t, rep.Results[0].States)
	for _, p := range rep.Results[0].Properties {
		assert.Equal(t, p.ID == "P9", p.Holds, p.ID)
		assert.Equal(t, p.ID != "P9", p.Unchecked, p.ID)
	}
	data, err := os.ReadFile(traces)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"incomplete": true`)
}
