//go:build !linux

package diagnose

import (
	"errors"
	"runtime"
)

// Live reads this host's sockets; only Linux has /proc/net/tcp.
func Live() (*Input, Knobs, error) {
	return nil, Knobs{}, errors.New("reading the host's sockets needs Linux (/proc/net/tcp); on " + runtime.GOOS + " give a file of ss or netstat output")
}
