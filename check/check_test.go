package check_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/tcpfsm/tcpfsm/model"
)

// smallBounds are the default bounds: one segment in flight each way.
func smallBounds() model.Bounds { return model.DefaultBounds() }

// TestTCPFindings: under every profile the TCP table keeps every
// model-checked property but two, each a known weakness of the profile
// and not of the table: P3 where a RST may cut TIME_WAIT short (the
// TIME-WAIT assassination of RFC 1337; only bsd ignores such RSTs), and P7
// under RFC 9293 alone, which has no timer to end an orphaned FIN_WAIT_2
// whose peer's RST was lost. Each counterexample shows that cause.
func TestTCPFindings(t *testing.T) {
	want := map[string][]string{
		"rfc9293": {"P3", "P7"},
		"linux":   {"P3"},
		"bsd":     nil,
		"solaris": {"P3"},
		"windows": {"P3"},
	}
	for profile, res := range baseline() {
		vs := res.Violations
		var ids []string
		for id, c := range vs {
			ids = append(ids, id)
			var text []string
			for _, s := range c.Steps {
				text = append(text, s.Label.String())
			}
			all := strings.Join(text, "\n")
			switch id {
			case "P3":
				assert.Contains(t, all, "as rcv RST: TIME_WAIT -> CLOSED", "%s: P3 must come from a RST ending TIME_WAIT", profile)
			case "P7":
				assert.Contains(t, c.Problem, "left in FIN_WAIT_2", profile)
			}
		}
		sort.Strings(ids)
		assert.Equal(t, want[profile], ids, profile)
	}
}
