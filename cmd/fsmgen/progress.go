package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/tcpfsm/tcpfsm/verify"
)

// progressEvery is how often a long run reports on a stderr that is not a
// terminal (a file, a pipe, a CI log); tests shorten it.
var progressEvery = 5 * time.Second

// progress reports how a long run of cmd is getting on, on stderr only: on
// a terminal, a line kept up to date in place, which done clears; on
// anything else, a line of its own every progressEvery, so a run shorter
// than that prints nothing.
func progress(stderr io.Writer, cmd string) (report func(profile string, p verify.Progress), done func()) {
	if tty := terminal(stderr); tty != nil {
		report = func(profile string, p verify.Progress) {
			fmt.Fprint(tty, "\r\x1b[K"+verify.ProgressLine(profile, p))
		}
		return report, func() { fmt.Fprint(tty, "\r\x1b[K") }
	}
	last := time.Now()
	report = func(profile string, p verify.Progress) {
		if time.Since(last) >= progressEvery {
			last = time.Now()
			fmt.Fprintf(stderr, "%s: %s\n", cmd, verify.ProgressLine(profile, p))
		}
	}
	return report, func() {}
}

// terminal returns w if it is a terminal, for progress reports, or nil.
func terminal(w io.Writer) io.Writer {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return w
}
