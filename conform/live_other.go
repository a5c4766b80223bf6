//go:build !linux

package conform

import (
	"context"
	"errors"
)

// Live runs need Linux; Available says so before any of these is reached.

var errNotLinux = errors.New("live conformance runs need Linux")

func probeNetns() error { return errNotLinux }

func sweepStaleNetns(Options) {}

func runScenario(context.Context, string, Options) (*Trace, error) { return nil, errNotLinux }
