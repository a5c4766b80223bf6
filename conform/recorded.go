package conform

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"
)

// The traces recorded from real Linux kernels by the lab's scenarios
// (fsmgen conform -record conform/traces), one file per scenario, named
// after it. They ship with the package: what Linux does on each close
// path, replayed against the table on any machine.
//
//go:embed traces/*.trace
var recordedTraces embed.FS

// Recorded returns the recorded kernel traces, by scenario name.
func Recorded() (map[string]*Trace, error) {
	paths, err := fs.Glob(recordedTraces, "traces/*.trace")
	if err != nil {
		return nil, err
	}
	out := map[string]*Trace{}
	for _, p := range paths {
		f, err := recordedTraces.Open(p)
		if err != nil {
			return nil, err
		}
		tr, err := Read("conform/"+p, f)
		f.Close()
		if err != nil {
			return nil, err
		}
		if want := strings.TrimSuffix(strings.TrimPrefix(p, "traces/"), ".trace"); tr.Scenario != want {
			return nil, fmt.Errorf("conform/%s: the trace is of scenario %s, not %s", p, tr.Scenario, want)
		}
		out[tr.Scenario] = tr
	}
	return out, nil
}
