package verify

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/spec"
)

// madeUpTraceFile is the trace file of madeUpReport, as JSON.
func madeUpTraceFile(t testing.TB) []byte {
	sp, err := spec.TCP()
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, madeUpReport().TraceFile(sp).Write(&b))
	return b.Bytes()
}

// TestTraceFileGolden: the format fsmgen check -trace-out saves.
func TestTraceFileGolden(t *testing.T) {
	data := madeUpTraceFile(t)
	sp, err := spec.TCP()
	require.NoError(t, err)
	assert.Contains(t, string(data), `"spec_hash": "`+sp.Hash()+`"`)
	// The golden file stands for any text of the spec: its hash changes
	// with every edit of tcp.fsm.
	golden(t, "traces.json", strings.Replace(string(data), sp.Hash(), "sha256:HASH", 1))
}

// TestTraceFileReplays: a saved trace file reads back as it was saved,
// and prints and draws its counterexamples as the report they come from.
func TestTraceFileReplays(t *testing.T) {
	sp, err := spec.TCP()
	require.NoError(t, err)
	rep := madeUpReport()
	f, err := ReadTraceFile("cx.json", bytes.NewReader(madeUpTraceFile(t)))
	require.NoError(t, err)
	assert.Equal(t, rep.TraceFile(sp), f)
	require.Len(t, f.Counterexamples, 3)
	assert.Equal(t, 1, *f.Counterexamples[0].Loop)
	assert.Nil(t, f.Counterexamples[2].Loop, "a safety violation has no loop")

	var got, want strings.Builder
	require.NoError(t, f.WriteText(&got))
	rep.Detail = true // findings with their counterexamples, as the trace file keeps them
	require.NoError(t, rep.WriteText(&want, sp))
	assert.True(t, strings.HasPrefix(got.String(), "the embedded spec spec/tcp.fsm ("+sp.Hash()+"); model: client A and server B"), got.String())
	for _, c := range []string{
		"Finding P7 under rfc9293, as the profile declares: RFC9293 3.6 no FIN-WAIT-2 timer\n" + FormatCounterexample("rfc9293", "finding", stutter()),
		FormatCounterexample("linux", "VIOLATED", lasso()),
		FormatCounterexample("linux", "VIOLATED", safety("P8")),
	} {
		assert.Contains(t, got.String(), "\n"+c)
		assert.Contains(t, want.String(), c, "the report prints it alike")
	}

	got.Reset()
	want.Reset()
	require.NoError(t, f.WriteDiagrams(&got))
	require.NoError(t, rep.WriteDiagrams(&want))
	assert.Equal(t, want.String(), got.String())
}

// TestReadTraceFileErrors: a file that is not a whole trace file is an
// error that names it and, where JSON says, the line and column.
func TestReadTraceFileErrors(t *testing.T) {
	good := string(madeUpTraceFile(t))
	for name, c := range map[string]struct{ data, want string }{
		"empty":        {"", "cx.json:1:1: the file ends early (truncated?): unexpected end of JSON input"},
		"truncated":    {good[:200], "the file ends early (truncated?)"},
		"garbage":      {"{\n  \"format\": tcpfsm\n}", "cx.json:2:14: invalid character 'c' in literal true (expecting 'r')"},
		"trailing":     {good + "}", "invalid character '}' after top-level value"},
		"array":        {"[1, 2]", "cx.json: the file is a JSON array, not an object"},
		"null":         {"null", `cx.json: format "": not a trace file of fsmgen check -trace-out (tcpfsm-traces/1)`},
		"report":       {`{"spec": "spec/tcp.fsm", "results": []}`, `format "": not a trace file`},
		"version":      {strings.Replace(good, "tcpfsm-traces/1", "tcpfsm-traces/9", 1), `format "tcpfsm-traces/9"`},
		"type":         {strings.Replace(good, `"loop": 1`, `"loop": "one"`, 1), `counterexamples.loop is string, want int`},
		"loop":         {strings.Replace(good, `"loop": 1`, `"loop": 7`, 1), "cx.json: counterexample 1: P7 under rfc9293: loop 7 is not one of its 2 steps"},
		"status":       {strings.Replace(good, `"status": "finding"`, `"status": "holds"`, 1), `status "holds": want VIOLATED or finding`},
		"no property":  {strings.Replace(good, `"property": "P7"`, `"property": ""`, 1), "counterexample 1: no property or no profile"},
		"stutter":      {strings.Replace(good, `"loop": 1,`, ``, 1), "P7 under rfc9293: stutter without a loop"},
		"lane":         {strings.Replace(good, `"from": "A"`, `"from": "C\n"`, 1), "is drawn between lanes other than A and B"},
		"not an array": {strings.Replace(good, `"counterexamples": [`, `"counterexamples": {"x": [`, 1), "cx.json:"},
	} {
		_, err := ReadTraceFile("cx.json", strings.NewReader(c.data))
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), c.want, name)
		assert.True(t, strings.HasPrefix(err.Error(), "cx.json"), "%s: %v", name, err)
	}
}

// FuzzReadTraceFile: whatever the file holds, reading it is an error that
// names it, or a trace file that prints and draws; never a panic.
func FuzzReadTraceFile(f *testing.F) {
	good := madeUpTraceFile(f)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte(`{"format": "tcpfsm-traces/1", "counterexamples": [{"profile": "p", "property": "P1", "status": "VIOLATED", "steps": [], "loop": 0}]}`))
	f.Add([]byte(`{"format": "tcpfsm-traces/1", "counterexamples": [{"profile": "p", "property": "P1", "status": "finding", "steps": [{"draw": {"message": {"from": "A", "to": "B"}}}], "loop": 0, "stutter": true}]}`))
	f.Add([]byte("null"))
	f.Add([]byte("\x00\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tf, err := ReadTraceFile("fuzz.json", bytes.NewReader(data))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.json") {
				t.Fatalf("the error does not name the file: %v", err)
			}
			return
		}
		if err := tf.WriteText(io.Discard); err != nil {
			t.Fatal(err)
		}
		if err := tf.WriteDiagrams(io.Discard); err != nil {
			t.Fatal(err)
		}
	})
}
