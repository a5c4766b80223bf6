package mutants

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/model"
)

// An archive's header lines set the bounds it is checked on, and a header
// line with a bad value is an error that names it.
func TestParseBounds(t *testing.T) {
	const edit = "-- TIME_WAIT --\nrcv RST if rfc1337 -> CLOSED stop time_wait [RFC1337 mutant: test]\n"
	m, err := parse("p14-test.txtar", []byte("expect: P14\nprofiles: bsd\n"+edit))
	require.NoError(t, err)
	assert.Equal(t, model.QuickBounds(), m.Bounds, "no header line: the quick bounds")
	assert.Equal(t, []string{"P14"}, m.Expect)

	m, err = parse("p14-test.txtar", []byte("expect: P14 P8\ncapacity: 2\nduplication: off\nloss: off\nreordering: off\nattacks: 1\n"+edit))
	require.NoError(t, err)
	want := model.QuickBounds()
	want.Capacity, want.Duplication, want.Loss, want.Reordering, want.Attacks = 2, false, false, false, 1
	assert.Equal(t, want, m.Bounds)
	assert.True(t, m.Main())

	// A run's bounds, whatever line comes first, changed by the others.
	m, err = parse("p14-test.txtar", []byte("expect: P14\nloss: off\nrun: user-timeout\n"+edit))
	require.NoError(t, err)
	want = model.UserTimeoutBounds()
	want.Loss = false
	assert.Equal(t, want, m.Bounds)
	assert.False(t, m.Main(), "the user timeout is not the main model")
	for name, b := range map[string]model.Bounds{"default": model.DefaultBounds(), "data": model.DataBounds(), "attacker": model.AttackBounds(), "keep-alive": model.KeepAliveBounds()} {
		m, err = parse("p14-test.txtar", []byte("expect: P14\nrun: "+name+"\n"+edit))
		require.NoError(t, err)
		assert.Equal(t, b, m.Bounds, name)
		assert.Equal(t, name == "default" || name == "attacker", m.Main(), name)
	}

	for header, msg := range map[string]string{
		"run: fast\n":          `run: want default, data, attacker, keep-alive or user-timeout, not "fast"`,
		"loss: maybe\n":        `loss: want on or off, not "maybe"`,
		"duplication: never\n": `duplication: want on or off, not "never"`,
		"reordering: some\n":   `reordering: want on or off, not "some"`,
		"capacity: two\n":      "capacity:",
		"attacks: x\n":         "attacks:",
		"profiles: nosuch\n":   "no profile nosuch",
		"":                     "", // no expect line below
	} {
		data := "expect: P14\n" + header + edit
		if header == "" {
			data, msg = edit, "no expect: line"
		}
		_, err := parse("p14-test.txtar", []byte(data))
		require.Error(t, err, "%q", header)
		assert.Contains(t, err.Error(), msg)
	}
}

// Every archive of the corpus parses and applies to the TCP spec, is named
// after a property it expects to break (p3-...: P3, which the mutant tests
// take as its primary property), and binds to a model under each of its
// profiles on its bounds.
func TestCorpus(t *testing.T) {
	ms, err := All()
	require.NoError(t, err)
	for _, m := range ms {
		id, _, ok := strings.Cut(m.Name, "-")
		require.True(t, ok, "%s: no property in the name", m.Name)
		assert.Contains(t, m.Expect, strings.ToUpper(id), "%s: its name's property is not among those it expects", m.Name)
		for _, p := range m.Check() {
			_, err := m.Model(p)
			assert.NoError(t, err, "%s under %s", m.Name, p.Name)
		}
	}
}

// TestNamed: Named reads the one archive it names, as All reads it, and
// says so when there is none.
func TestNamed(t *testing.T) {
	m, err := Named("p8-no-time-wait.txtar")
	require.NoError(t, err)
	assert.Equal(t, "p8-no-time-wait.txtar", m.Name)
	assert.Equal(t, []string{"P8"}, m.Expect)
	_, err = Named("nosuch.txtar")
	assert.EqualError(t, err, "internal/mutants: no mutant nosuch.txtar")
}
