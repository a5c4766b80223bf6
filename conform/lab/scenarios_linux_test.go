package lab

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The portable list of names and the Linux table of scenarios must agree,
// in order.
func TestScenarioTableMatchesNames(t *testing.T) {
	var names []string
	for _, s := range scenarios {
		names = append(names, s.name)
	}
	assert.Equal(t, Scenarios(), names)
}
