package promela

import "github.com/tcpfsm/tcpfsm/model"

// Parts are what Generate puts together for m: model.pml as it is, and
// the defs.pml and steps.pml it includes.
func Parts(m *model.Model, src Source) (pml, defs, steps string, err error) {
	d, err := newData(m, src, src.Findings())
	if err != nil {
		return "", "", "", err
	}
	return body, d.defs(), d.steps(), nil
}

// Parts are what Generate puts together for the association: assoc.pml
// as it is, and the assoc_defs.pml and assoc_steps.pml it includes.
func (a *Association) Parts() (pml, defs, steps string, err error) {
	defs, steps, err = a.parts()
	return assocBody, defs, steps, err
}
