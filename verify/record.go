package verify

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/tcpfsm/tcpfsm/assoc"
	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/props"
	"github.com/tcpfsm/tcpfsm/spec"
)

// RecordFile is the name of the verification record fsmgen gen keeps
// beside the table it writes.
const RecordFile = "verification.txt"

// A Record is what fsmgen gen keeps of the check behind a table, so that
// regenerating the table (go generate, on every build of the repository)
// need not repeat a check of many minutes: the spec's hash, the bounds
// checked, the verdict at the quick bounds as a fingerprint of the
// checker, and the verification the table's documentation carries.
//
// A record is reused only while the spec's hash, the bounds and the quick
// verdict (run anew on every regeneration, in seconds) are unchanged. A
// spec edit changes the hash; a change of the model or the properties
// almost always changes the state counts of the quick verdict; either
// makes fsmgen gen check again at the full bounds. fsmgen gen -recheck
// checks again regardless, and CI does so for one profile each run.
type Record struct {
	Spec   string   // hex SHA-256 of the spec's source
	Bounds string   // model.Bounds.String of the bounds checked
	Quick  []string // Report.Verification at the quick bounds
	Lines  []string // Report.Verification at Bounds
}

// SpecHash is the hash a Record keys a spec by.
func SpecHash(source []byte) string {
	h := sha256.Sum256(source)
	return hex.EncodeToString(h[:])
}

const recordHeader = "# fsmgen gen's record of the check behind this table; DO NOT EDIT. fsmgen gen reuses it while the spec, the bounds and the quick check are unchanged."

// Format is the record as its file holds it.
func (r Record) Format() []byte {
	var b strings.Builder
	fmt.Fprintln(&b, recordHeader)
	fmt.Fprintf(&b, "spec sha256 %s\n", r.Spec)
	fmt.Fprintf(&b, "bounds %s\n", r.Bounds)
	for _, l := range r.Quick {
		fmt.Fprintf(&b, "quick %s\n", l)
	}
	for _, l := range r.Lines {
		fmt.Fprintf(&b, "verified %s\n", l)
	}
	return []byte(b.String())
}

// Same reports whether r and o record the same check.
func (r Record) Same(o Record) bool {
	return r.Spec == o.Spec && r.Bounds == o.Bounds && equalLines(r.Quick, o.Quick) && equalLines(r.Lines, o.Lines)
}

// unrecorded is the first property the check of sp on opt reports that
// the record's verdicts, lines, do not name, or "" when they name every
// one. The quick verdict in the key does not show a property that only
// the Also bounds exercise (P26 only with keep-alive), so without this a
// record made before such a property was added would be reused as if it
// had checked it.
func unrecorded(sp *spec.Spec, lines []string, opt Options) string {
	named := map[string]bool{}
	for _, l := range lines {
		for _, w := range strings.FieldsFunc(l, func(r rune) bool { return strings.ContainsRune(" ;:,.()", r) }) {
			named[w] = true
		}
	}
	for _, id := range reported(sp, opt) {
		if !named[id] {
			return id
		}
	}
	return ""
}

// reported are the model-checked properties the check of sp on opt
// reports: for the TCP vocabulary props.For of its bounds and of each of
// its Also, for the SCTP one the association model's.
func reported(sp *spec.Spec, opt Options) []string {
	var ids []string
	if _, err := bind.Interpreter(sp); err != nil {
		if _, aerr := assoc.Interpreter(sp); aerr == nil {
			for _, p := range assoc.Properties {
				ids = append(ids, p.ID)
			}
		}
		return ids
	}
	for _, b := range append([]model.Bounds{opt.Bounds}, opt.Also...) {
		for _, p := range props.For(b) {
			ids = append(ids, p.ID)
		}
	}
	return ids
}

func equalLines(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// ParseRecord reads a record; name is the file it came from, for errors,
// which name the line.
func ParseRecord(name string, data []byte) (Record, error) {
	var r Record
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	sc.Buffer(nil, 1<<20)
	n := 0
	seen := map[string]bool{}
	for sc.Scan() {
		n++
		line := sc.Text()
		if n == 1 {
			if line != recordHeader {
				return Record{}, fmt.Errorf("%s:1: not a verification record (want the header %q)", name, recordHeader)
			}
			continue
		}
		key, rest, ok := strings.Cut(line, " ")
		if !ok || rest == "" {
			return Record{}, fmt.Errorf("%s:%d: want a keyword and its value, got %q", name, n, line)
		}
		switch key {
		case "spec":
			hash, ok := strings.CutPrefix(rest, "sha256 ")
			if !ok || len(hash) != 64 || strings.Trim(hash, "0123456789abcdef") != "" {
				return Record{}, fmt.Errorf("%s:%d: want spec sha256 and 64 hex digits", name, n)
			}
			r.Spec = hash
		case "bounds":
			r.Bounds = rest
		case "quick":
			r.Quick = append(r.Quick, rest)
		case "verified":
			r.Lines = append(r.Lines, rest)
		default:
			return Record{}, fmt.Errorf("%s:%d: unknown keyword %q (want spec, bounds, quick or verified)", name, n, key)
		}
		if (key == "spec" || key == "bounds") && seen[key] {
			return Record{}, fmt.Errorf("%s:%d: a second %s line", name, n, key)
		}
		seen[key] = true
	}
	if err := sc.Err(); err != nil {
		return Record{}, fmt.Errorf("%s:%d: %v", name, n+1, err)
	}
	if n == 0 {
		return Record{}, fmt.Errorf("%s:1: not a verification record (the file is empty)", name)
	}
	for _, key := range []string{"spec", "bounds", "quick", "verified"} {
		if !seen[key] {
			return Record{}, fmt.Errorf("%s: no %s line", name, key)
		}
	}
	return r, nil
}
