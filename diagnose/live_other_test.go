//go:build !linux

package diagnose

import (
	"os"
	"runtime"
	"testing"
)

// TestLiveCloseWait needs Linux: network namespaces and /proc/net/tcp.
func TestLiveCloseWait(t *testing.T) {
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI must run the live CLOSE_WAIT leak, which needs Linux; this is %s", runtime.GOOS)
	}
	t.Skipf("the live CLOSE_WAIT leak needs Linux (network namespaces, /proc/net/tcp); this is %s", runtime.GOOS)
}
