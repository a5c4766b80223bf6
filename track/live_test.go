package track

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/conform/lab"
)

// TestLiveCaptures records every close path of testdata/linux afresh on
// this machine's kernel and holds track to it as TestLinuxCaptures does
// to the committed ones: the kernel of the day, not only the one they
// were recorded on. It needs Linux, root, ip, tc, nft and tracefs; without
// them it skips, saying why, except in CI (CI=true), which must run it.
// The recordings take a few seconds.
func TestLiveCaptures(t *testing.T) {
	if err := lab.RecordAvailable(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI must record the live captures, and cannot: %v", err)
		}
		t.Skipf("live captures cannot be recorded here: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, name := range lab.Scenarios() {
		t.Run(name, func(t *testing.T) {
			rd, err := lab.Record(ctx, name, lab.Options{Logf: t.Logf})
			require.NoError(t, err)
			compareWithKernel(t, name, rd.Pcap, rd.Changes)
		})
	}
}
