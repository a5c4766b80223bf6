package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tcpfsm/tcpfsm/spec"
)

// newFlags makes the flag set of the command name. It prints nothing:
// parseFlags turns its errors into one line for run to print, and -h into
// a helpRequest.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("fsmgen "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// helpRequest is the error of a command given -h: run prints the
// command's help, exit status 0.
type helpRequest struct{ fs *flag.FlagSet }

func (h *helpRequest) Error() string { return flag.ErrHelp.Error() }

// parseFlags parses args: -h or -help is a helpRequest, a bad flag a usage
// error that says what is wrong in a line.
func parseFlags(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		return &helpRequest{fs}
	}
	return usageErr("%s", flagProblem(fs, err))
}

var (
	badValue   = regexp.MustCompile(`^invalid value ("(?:[^"\\]|\\.)*") for flag -(\S+): (.*)$`)
	badBool    = regexp.MustCompile(`^invalid boolean value ("(?:[^"\\]|\\.)*") for -(\S+): (.*)$`)
	undefined  = regexp.MustCompile(`^flag provided but not defined: -(\S+)$`)
	needsValue = regexp.MustCompile(`^flag needs an argument: -(\S+)$`)
)

// flagProblem says what the flag package's err means, in the words of the
// command line: "-msl 30: missing unit, e.g. 30s", "unknown flag -capcity
// (did you mean -capacity?); fsmgen help check lists the flags".
func flagProblem(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	if m := badValue.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("-%s %s: %s", m[2], shownValue(m[1]), valueProblem(fs.Lookup(m[2]), m[3]))
	}
	if m := badBool.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("-%s=%s: want true or false", m[2], shownValue(m[1]))
	}
	if m := needsValue.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("-%s needs a value", m[1])
	}
	if m := undefined.FindStringSubmatch(msg); m != nil {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, "-"+f.Name) })
		msg = fmt.Sprintf("unknown flag -%s%s", m[1], spec.DidYouMean("-"+m[1], names))
	}
	return fmt.Sprintf("%s; fsmgen help %s lists the flags", msg, strings.TrimPrefix(fs.Name(), "fsmgen "))
}

// shownValue is a flag's value, quoted as the flag package quotes it, as
// the user typed it unless it has spaces or what does not print.
func shownValue(quoted string) string {
	v, err := strconv.Unquote(quoted)
	if err != nil || v == "" || strings.ContainsFunc(v, func(r rune) bool { return !strconv.IsGraphic(r) || r == ' ' }) {
		return quoted
	}
	return v
}

// valueProblem words the flag package's reason why a value of f does not
// parse.
func valueProblem(f *flag.Flag, reason string) string {
	if reason != "parse error" || f == nil {
		return reason
	}
	if g, ok := f.Value.(flag.Getter); ok {
		switch g.Get().(type) {
		case int, int64, uint, uint64:
			return "want a whole number"
		case float64:
			return "want a number"
		}
	}
	return "not a valid value"
}

// durationValue is a flag.Value for a positive duration, 0 while the flag
// is not given. A value it refuses says why: a number without a unit, a
// zero or a negative duration.
type durationValue struct {
	d     *time.Duration
	unset string // what leaving the flag out means, for a zero value
}

// durationFlag defines the duration flag name on fs; its value is 0 unless
// given. unset says what leaving it out means.
func durationFlag(fs *flag.FlagSet, name, unset, usage string) *time.Duration {
	d := new(time.Duration)
	fs.Var(durationValue{d: d, unset: unset}, name, usage)
	return d
}

func (v durationValue) String() string {
	if v.d == nil || *v.d == 0 {
		return ""
	}
	return v.d.String()
}

func (v durationValue) Get() any { return *v.d }

func (v durationValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		if _, ferr := strconv.ParseFloat(s, 64); ferr == nil {
			return fmt.Errorf("missing unit, e.g. %ss", s)
		}
		return errors.New("not a duration, e.g. 30s, 2m or 1h30m")
	case d == 0:
		return fmt.Errorf("give a positive duration, or %s", v.unset)
	case d < 0:
		return errors.New("negative; give a positive duration")
	}
	*v.d = d
	return nil
}
