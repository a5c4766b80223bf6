package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/tcpfsm/tcpfsm"
)

// version is the version of the module fsmgen was built from, as the Go
// build recorded it: "v0.3.0" when installed with go install ...@v0.3.0,
// a pseudo-version past the last tag when built in a clone, or, when the
// build recorded none, the release the tree follows marked "+devel"
// (tcpfsm.Version+"+devel"); followed by the commit where the build
// recorded one ("+dirty" for uncommitted changes).
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	return moduleVersion(info)
}

// moduleVersion is version for the build info.
func moduleVersion(info *debug.BuildInfo) string {
	v := info.Main.Version
	if v == "" || v == "(devel)" {
		v = tcpfsm.Version + "+devel"
	}
	var rev string
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	// A version the go command derived from the commit (a
	// pseudo-version) names the commit, and is "+dirty" already.
	if short := rev[:min(12, len(rev))]; short != "" && !strings.Contains(v, short) {
		v += " " + short
	}
	if modified && !strings.HasSuffix(v, "+dirty") {
		v += "+dirty"
	}
	return v
}

// embeddedSpec is the name of the embedded spec in reports: the fsmgen it
// is built into says which text it is, "embedded spec (fsmgen v0.3.0)" or
// "embedded spec (fsmgen v0.1.0+devel 2f50b38c1a2b)".
func embeddedSpec() string {
	return "embedded spec (fsmgen " + version() + ")"
}

// runVersion prints fsmgen's version and the Go version it was built with.
func runVersion(args []string, stdout, _ io.Writer) error {
	fs := newFlags("version")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected arguments %q", fs.Args())
	}
	goVersion := "unknown Go version"
	if info, ok := debug.ReadBuildInfo(); ok {
		goVersion = info.GoVersion
	}
	_, err := fmt.Fprintf(stdout, "fsmgen %s (%s)\n", version(), goVersion)
	return err
}
