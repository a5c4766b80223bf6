package check

import "github.com/tcpfsm/tcpfsm/model"

// reduced is m as the exploration runs it: forgetting dead fields
// (model.Forget) unless plain.
func reduced(m *model.Model, plain bool) *model.Model {
	if m.Forgets == !plain {
		return m
	}
	c := *m
	c.Forgets = !plain
	return &c
}
