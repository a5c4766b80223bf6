package diagnose

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// ParseError is input that cannot be read, at a line counted from 1.
type ParseError struct {
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("%d: %s", e.Line, e.Msg) }

func errorf(line int, format string, args ...any) *ParseError {
	return &ParseError{Line: line, Msg: fmt.Sprintf(format, args...)}
}

// MaxInput bounds what Read reads: a listing of millions of sockets.
const MaxInput = 256 << 20

// format reads the lines of one tool's output.
type format interface {
	name() string
	// header reports whether line is one of the format's header lines,
	// and may learn from it which columns follow.
	header(fields []string, line string) bool
	// parse reads a socket line into s; skip says the line is none of
	// the input's sockets (a continuation or another protocol's line).
	parse(fields []string, line string, s *Socket) (skip bool, err error)
	finish(in *Input)
}

// formats are the formats Read knows, each made fresh for one input.
func formats() []format { return []format{&ssFormat{}, &netstatFormat{}, &procFormat{}} }

// Read reads the output of ss, netstat or /proc/net/tcp (and tcp6, one
// after the other), telling which from its content. A line it cannot
// read, or one from another format, is a *ParseError.
func Read(r io.Reader) (*Input, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxInput+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxInput {
		return nil, errorf(1, "more than %d MiB of input", MaxInput>>20)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errorf(1, "no input: expected the output of ss -tan, netstat -tan or /proc/net/tcp")
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	var f format
	in := &Input{}
	for i, line := range lines {
		n := i + 1
		line = strings.TrimSuffix(line, "\r")
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if f == nil {
			if f = detect(fields, line); f == nil {
				return nil, errorf(n, "not the output of ss -tan, netstat -tan or /proc/net/tcp: %q", clip(line))
			}
			in.Format = f.name()
		}
		if err := readLine(f, fields, line, n, in); err != nil {
			return nil, err
		}
	}
	f.finish(in)
	return in, nil
}

// readLine reads line n into in, as format f: a header, a socket, or a
// line to skip. A line f cannot read is reported as the other format it
// belongs to, if it does.
func readLine(f format, fields []string, line string, n int, in *Input) error {
	if f.header(fields, line) {
		return nil
	}
	s := Socket{Line: n}
	skip, err := f.parse(fields, line, &s)
	if err == nil {
		if !skip {
			in.Sockets = append(in.Sockets, s)
		}
		return nil
	}
	if other := detect(fields, line); other != nil && other.name() != f.name() {
		return errorf(n, "%s output in the middle of %s output", other.name(), f.name())
	}
	return errorf(n, "%s: %v: %q", f.name(), err, clip(line))
}

// detect tells the format from a line: a header, or a socket line of one
// format that parses.
func detect(fields []string, line string) format {
	for _, f := range formats() {
		if f.header(fields, line) {
			return f
		}
	}
	for _, f := range formats() {
		var s Socket
		if _, err := f.parse(fields, line, &s); err == nil {
			return f
		}
	}
	return nil
}

// clip shortens a line quoted in a message.
func clip(line string) string {
	if len(line) > 80 {
		return line[:77] + "..."
	}
	return line
}
