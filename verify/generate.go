package verify

import (
	"fmt"
	"strings"

	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/gen"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/spec"
)

// Refused is a check that fails, so that no table is generated: the
// violations no finding of the spec declares, one per line.
type Refused struct {
	Spec     string
	Failures []string
}

func (e Refused) Error() string {
	return fmt.Sprintf("the check of %s fails, so no table is written:\n  %s", e.Spec, strings.Join(e.Failures, "\n  "))
}

// Stale reports a verification record that no longer fits the spec or
// the checker, where Regeneration.NoCheck forbids checking again.
type Stale struct {
	Record string // the record's file
	Why    string
}

func (e Stale) Error() string {
	return fmt.Sprintf("stale: %s %s; run go generate ./... (fsmgen gen checks again)", e.Record, e.Why)
}

// Unchecked is what a package generated without the check records.
const Unchecked = "Not verified: generated with fsmgen gen -unchecked. Run fsmgen check on the spec."

// Regeneration says how Generate may reuse an earlier check.
type Regeneration struct {
	// Unchecked skips every check and records that it did.
	Unchecked bool
	// Prior is the record found beside the table, if any.
	Prior *Record
	// Recheck checks at the full bounds even where Prior could be reused.
	Recheck bool
	// NoCheck reuses Prior without any check at all, and fails with a
	// Stale where it does not fit the spec and bounds: for the test that
	// keeps the committed table fresh, which must not take minutes.
	NoCheck bool
}

// Generate is regeneration, said once for fsmgen gen and the test that
// keeps the committed table fresh. It checks sp with the spec's
// interpreter (the table about to be written) on the quick bounds, then on
// the bounds of opt unless reg.Prior already records that check for this
// spec and a checker that gives the same quick verdict, and names every
// property the check reports (unrecorded); it refuses a spec
// whose check fails with a Refused, and generates the package with out's
// options, what the check found recorded in its documentation, and the
// record as RecordFile. A check at bounds weaker than the defaults is
// recorded as such, never as "holds". reused says that the full check was
// taken from reg.Prior.
func Generate(sp *spec.Spec, out gen.Options, opt Options, reg Regeneration) (files []gen.Output, reused bool, err error) {
	if reg.Unchecked {
		out.Verification = []string{Unchecked}
		files, err := gen.Generate(sp, out)
		return files, false, err
	}
	rec := Record{Spec: SpecHash(sp.Source), Bounds: BoundsKey(opt)}
	opt.Table = bind.Interpreted
	var quick *Report
	if reg.NoCheck {
		if reg.Prior == nil {
			return nil, false, Stale{Record: RecordFile, Why: "is missing"}
		}
		rec.Quick = reg.Prior.Quick
	} else {
		q := opt
		q.Bounds, q.Also = model.QuickBounds(), nil
		if quick, err = checked(sp, q); err != nil {
			return nil, false, err
		}
		rec.Quick = quick.Verification()
	}
	switch p := reg.Prior; {
	case opt.Bounds == model.QuickBounds() && len(opt.Also) == 0 && quick != nil:
		rec.Lines = rec.Quick
	case p != nil && !reg.Recheck && p.Spec == rec.Spec && p.Bounds == rec.Bounds && equalLines(p.Quick, rec.Quick) && unrecorded(sp, p.Lines, opt) == "":
		rec.Lines, reused = p.Lines, true
	case reg.NoCheck:
		why := "was made from another spec"
		switch {
		case p.Spec == rec.Spec && p.Bounds != rec.Bounds:
			why = "records other bounds (" + p.Bounds + ")"
		case p.Spec == rec.Spec:
			why = "does not record " + unrecorded(sp, p.Lines, opt) + ", which the check now reports"
		}
		return nil, false, Stale{Record: RecordFile, Why: why}
	default:
		full, err := checked(sp, opt)
		if err != nil {
			return nil, false, err
		}
		rec.Lines = full.Verification()
	}
	out.Verification = rec.Lines
	if files, err = gen.Generate(sp, out); err != nil {
		return nil, false, err
	}
	return append(files, gen.Output{Name: RecordFile, Data: rec.Format()}), reused, nil
}

// checked runs every check of sp under its profiles on opt, and refuses a
// spec that fails one.
func checked(sp *spec.Spec, opt Options) (*Report, error) {
	rep, failures, err := Run(sp, sp.Profiles, opt)
	if err != nil {
		return nil, err
	}
	if failures > 0 {
		return nil, Refused{Spec: sp.File, Failures: rep.Failures()}
	}
	return rep, nil
}
