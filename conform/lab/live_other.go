//go:build !linux

package lab

import (
	"context"
	"errors"

	"github.com/tcpfsm/tcpfsm/conform"
)

// Live runs need Linux; Available says so before any of these is reached.

var errNotLinux = errors.New("live conformance runs need Linux")

func probeNetns() error { return errNotLinux }

func sweepStaleNetns(Options) {}

func runScenario(context.Context, string, Options, *Recording) (*conform.Trace, error) {
	return nil, errNotLinux
}

func tracefsRoot() (string, error) { return "", errNotLinux }

func sweepStaleTraces(Options) {}
