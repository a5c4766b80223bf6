package verify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/spec"
)

// TraceFormat names the format of a TraceFile, and its version.
const TraceFormat = "tcpfsm-traces/1"

// TraceFile is every counterexample of a run, saved as JSON by fsmgen
// check -trace-out and read back by fsmgen replay: where they come from
// (the spec, its hash, the bounds) and each as text (Trace), enough to
// print and draw them as check does without running the model again.
type TraceFile struct {
	Format   string `json:"format"` // TraceFormat
	Spec     string `json:"spec"`
	SpecHash string `json:"spec_hash"` // spec.Spec.Hash
	// Embedded says that the spec is the one fsmgen carries, whose table
	// is generated/tcp.
	Embedded bool   `json:"embedded,omitempty"`
	Bounds   string `json:"bounds"`
	// Incomplete says that the run was interrupted: the profiles it did
	// not finish have no counterexample here.
	Incomplete      bool    `json:"incomplete,omitempty"`
	Counterexamples []Trace `json:"counterexamples"`
}

// TraceFile is the counterexamples of r, a report on sp, to be saved.
func (r *Report) TraceFile(sp *spec.Spec) *TraceFile {
	return &TraceFile{Format: TraceFormat, Spec: r.Spec, SpecHash: sp.Hash(), Embedded: r.Table == bind.Generated,
		Bounds: r.Bounds, Incomplete: r.Incomplete, Counterexamples: r.Traces()}
}

// Write writes f as JSON, indented, with the arrows of its text as they
// are.
func (f *TraceFile) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(f)
}

// maxTraceFile bounds what ReadTraceFile reads: counterexamples are a few
// kilobytes each.
const maxTraceFile = 64 << 20

// ReadTraceFile reads a TraceFile from r, the file called name. Whatever
// r holds, it returns a TraceFile that prints and draws, or an error that
// names the file and, for bad JSON, the line and column.
func ReadTraceFile(name string, r io.Reader) (*TraceFile, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxTraceFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(data) > maxTraceFile {
		return nil, fmt.Errorf("%s: larger than %d MiB: not a trace file of fsmgen check -trace-out", name, maxTraceFile>>20)
	}
	var f TraceFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, jsonError(name, data, err)
	}
	if f.Format != TraceFormat {
		return nil, fmt.Errorf("%s: format %q: not a trace file of fsmgen check -trace-out (%s)", name, f.Format, TraceFormat)
	}
	for i, t := range f.Counterexamples {
		if err := t.valid(); err != nil {
			return nil, fmt.Errorf("%s: counterexample %d: %v", name, i+1, err)
		}
	}
	return &f, nil
}

// jsonError says where in data, the file called name, JSON found err.
func jsonError(name string, data []byte, err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax) && syntax.Offset >= int64(len(data)):
		line, col := position(data, int64(len(data)))
		return fmt.Errorf("%s:%d:%d: the file ends early (truncated?): %v", name, line, col, err)
	case errors.As(err, &syntax):
		line, col := position(data, syntax.Offset-1) // the offset counts the byte at fault
		return fmt.Errorf("%s:%d:%d: %v", name, line, col, err)
	case errors.As(err, &typ) && typ.Field == "":
		return fmt.Errorf("%s: the file is a JSON %s, not an object", name, typ.Value)
	case errors.As(err, &typ):
		line, col := position(data, typ.Offset)
		return fmt.Errorf("%s:%d:%d: %s is %s, want %s", name, line, col, typ.Field, typ.Value, typ.Type)
	}
	return fmt.Errorf("%s: %v", name, err)
}

// position is the line and column, from 1, of the byte at offset off of
// data (of the end, past its last byte).
func position(data []byte, off int64) (int, int) {
	before := data[:min(max(off, 0), int64(len(data)))]
	return bytes.Count(before, []byte{'\n'}) + 1, len(before) - bytes.LastIndexByte(before, '\n')
}

// valid checks what printing and drawing t rely on.
func (t *Trace) valid() error {
	switch {
	case t.Property == "" || t.Profile == "":
		return errors.New("no property or no profile")
	case t.Status != "VIOLATED" && t.Status != "finding":
		return fmt.Errorf("%s under %s: status %q: want VIOLATED or finding", t.Property, t.Profile, t.Status)
	case t.Loop != nil && (*t.Loop < 0 || *t.Loop >= len(t.Steps)):
		return fmt.Errorf("%s under %s: loop %d is not one of its %d steps", t.Property, t.Profile, *t.Loop, len(t.Steps))
	case t.Stutter && t.Loop == nil:
		return fmt.Errorf("%s under %s: stutter without a loop", t.Property, t.Profile)
	}
	lane := func(id string) bool { return id == endLanes[0].ID || id == endLanes[1].ID }
	for i, s := range t.Steps {
		ok := s.Draw.Message == nil || lane(s.Draw.Message.From) && lane(s.Draw.Message.To)
		for _, n := range s.Draw.Notes {
			for _, id := range n.Over {
				ok = ok && lane(id)
			}
		}
		if !ok {
			return fmt.Errorf("%s under %s: step %d is drawn between lanes other than A and B", t.Property, t.Profile, i+1)
		}
	}
	return nil
}

// WriteText writes the counterexamples of f as fsmgen check prints them,
// after a line that says where they come from.
func (f *TraceFile) WriteText(w io.Writer) error {
	var b strings.Builder
	embedded := ""
	if f.Embedded {
		embedded = "the embedded spec "
	}
	fmt.Fprintf(&b, "%s%s (%s); model: %s.\n", embedded, f.Spec, f.SpecHash, f.Bounds)
	fmt.Fprintf(&b, "Counterexamples saved: %d.\n", len(f.Counterexamples))
	if f.Incomplete {
		b.WriteString("The run was interrupted: the profile it did not finish, and those after it, have no counterexample here.\n")
	}
	for _, t := range f.Counterexamples {
		b.WriteString("\n")
		if t.Finding != "" {
			b.WriteString(findingLine(t.Property, t.Profile, t.Finding))
		}
		b.WriteString(t.Format())
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteDiagrams writes every counterexample of f as a Mermaid sequence
// diagram, each followed by a blank line, as fsmgen check -diagram does.
func (f *TraceFile) WriteDiagrams(w io.Writer) error { return writeDiagrams(w, f.Counterexamples) }
