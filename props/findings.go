package props

import "github.com/tcpfsm/tcpfsm/spec"

// Excusable lists, in order, the model-checked properties with a known
// weakness that a profile's finding may name (check.Property.Excusable).
func Excusable() []string {
	var out []string
	for _, p := range ModelChecked {
		if p.Excusable() {
			out = append(out, p.ID)
		}
	}
	return out
}

// Declared is the set of properties whose known weakness profile p
// declares as a finding: the check.Options.Findings of a run under p. A
// finding on a property with no known weakness is not in it (package
// verify refuses such a spec).
func Declared(p *spec.Profile) map[string]bool {
	excusable := map[string]bool{}
	for _, id := range Excusable() {
		excusable[id] = true
	}
	out := map[string]bool{}
	for _, f := range p.Findings {
		if excusable[f.Property] {
			out[f.Property] = true
		}
	}
	return out
}
