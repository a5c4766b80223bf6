package verify

import (
	"fmt"
	"strings"

	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/gen"
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

// Unchecked is what a package generated without the check records.
const Unchecked = "Not verified: generated with fsmgen gen -unchecked. Run fsmgen check on the spec."

// Generate is regeneration, said once for fsmgen gen and the test that
// keeps the committed table fresh: it checks sp on the bounds of opt with
// the spec's interpreter (the table about to be written), refuses a spec
// whose check fails with a Refused, and generates the package with out's
// options and what the check found recorded in its documentation. With
// unchecked it skips the check and records that it did.
func Generate(sp *spec.Spec, out gen.Options, opt Options, unchecked bool) ([]gen.Output, error) {
	if unchecked {
		out.Verification = []string{Unchecked}
		return gen.Generate(sp, out)
	}
	opt.Table = bind.Interpreted
	rep, failures, err := Run(sp, sp.Profiles, opt)
	if err != nil {
		return nil, err
	}
	if failures > 0 {
		return nil, Refused{Spec: sp.File, Failures: rep.Failures()}
	}
	out.Verification = rep.Verification()
	return gen.Generate(sp, out)
}
