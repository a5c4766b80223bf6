package tcp_test

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/spec"
	"github.com/tcpfsm/tcpfsm/verify"
)

// TestRecordedCheckHolds repeats, for the profiles TCPFSM_RECHECK names
// (comma-separated, "all", or "rotate": one a day in turn), the check at
// the default bounds (with its runs with data and with the attacker,
// verify.DefaultAlso) that verification.txt records, and requires the same verdict and state
// count: a record that only the full check could find stale is found so.
// It takes minutes a profile, so it runs only when asked; CI asks for one
// profile each run.
func TestRecordedCheckHolds(t *testing.T) {
	names := os.Getenv("TCPFSM_RECHECK")
	if names == "" {
		t.Skip("set TCPFSM_RECHECK=PROFILE[,PROFILE], rotate or all to repeat the recorded check at the default bounds (minutes a profile)")
	}
	sp, err := spec.TCP()
	require.NoError(t, err)
	data, err := os.ReadFile(verify.RecordFile)
	require.NoError(t, err)
	rec, err := verify.ParseRecord(verify.RecordFile, data)
	require.NoError(t, err)
	require.Equal(t, verify.SpecHash(sp.Source), rec.Spec, "the record is of another spec: run go generate ./...")
	opt := verify.Options{Bounds: model.DefaultBounds(), Also: verify.DefaultAlso(sp, model.DefaultBounds())}
	require.Equal(t, verify.BoundsKey(opt), rec.Bounds)
	profiles := sp.Profiles
	if names == "rotate" {
		names = sp.Profiles[time.Now().UTC().YearDay()%len(sp.Profiles)].Name
	}
	if names != "all" {
		profiles = nil
		for _, n := range strings.Split(names, ",") {
			p := sp.Profile(strings.TrimSpace(n))
			require.NotNil(t, p, "TCPFSM_RECHECK: no profile %q", n)
			profiles = append(profiles, p)
		}
	}
	for _, p := range profiles {
		rep, failures, err := verify.Run(sp, []*spec.Profile{p}, opt)
		require.NoError(t, err)
		assert.Zero(t, failures, rep.Failures())
		got := rep.Verification()[1]
		i := slices.IndexFunc(rec.Lines, func(l string) bool { return strings.HasPrefix(l, p.Name+": ") })
		require.GreaterOrEqual(t, i, 0, "the record has no line for %s", p.Name)
		assert.Equal(t, rec.Lines[i], got, "%s at the default bounds differs from the record: run fsmgen gen -recheck", p.Name)
		t.Logf("%s: %s", p.Name, got)
	}
}
