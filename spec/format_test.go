package spec

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/internal/specgen"
	"golang.org/x/tools/txtar"
	"pgregory.net/rapid"
)

// validSpecs returns the text of every valid spec the tests know, by name:
// tcp.fsm, sctp.fsm, mini.fsm, and each golden error case whose spec parses (there
// are none today: a golden error case must be malformed).
func validSpecs(t *testing.T) map[string][]byte {
	t.Helper()
	specs := map[string][]byte{}
	specs["tcp.fsm"] = TCPSource()
	specs["sctp.fsm"] = SCTPSource()
	specs["mini.fsm"] = specgen.Mini
	files, err := filepath.Glob("testdata/errors/*.txtar")
	require.NoError(t, err)
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		require.NoError(t, err)
		if src := archiveFile(ar, goldenFile); src != nil {
			if _, err := Parse(goldenFile, src); err == nil {
				specs[file] = src
			}
		}
	}
	return specs
}

// formatCases returns the spec of each testdata/format case, by name.
func formatCases(t *testing.T) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob("testdata/format/*.txtar")
	require.NoError(t, err)
	require.NotEmpty(t, files, "no cases in testdata/format")
	cases := map[string][]byte{}
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		require.NoError(t, err)
		in := archiveFile(ar, "in.fsm")
		require.NotNil(t, in, "%s: no -- in.fsm -- section", file)
		cases[file] = in
	}
	return cases
}

// comments returns the text of every comment of src, in order, trailing
// spaces dropped.
func comments(t tester, src []byte) []string {
	t.Helper()
	var out []string
	for n, line := range strings.Split(string(src), "\n") {
		toks, _, msg := lexLine(line)
		require.Empty(t, msg, "line %d", n+1)
		if eol := toks[len(toks)-1].col; eol <= len(line) {
			out = append(out, strings.TrimRight(line[eol-1:], " \t\r"))
		}
	}
	return out
}

// TestFormatGolden formats the in.fsm of each testdata/format case and
// compares it with its want.fsm. Run "go test ./spec -run TestFormatGolden
// -update" to rewrite the want sections, then read the diff.
func TestFormatGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/format/*.txtar")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			require.NoError(t, err)
			in := archiveFile(ar, "in.fsm")
			require.NotNil(t, in, "no -- in.fsm -- section")
			got, err := Format("in.fsm", in)
			require.NoError(t, err)
			if *update {
				setArchiveFile(ar, "want.fsm", got)
				require.NoError(t, os.WriteFile(file, txtar.Format(ar), 0o666))
				return
			}
			want := archiveFile(ar, "want.fsm")
			require.NotNil(t, want, "no -- want.fsm -- section (run with -update to create it)")
			assert.Equal(t, string(want), string(got), "Format(in.fsm) differs from want.fsm (run with -update to accept)")
			again, err := Format("want.fsm", want)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(again), "formatting want.fsm changes it")
		})
	}
}

// TestFormatIdempotent: formatting formatted text changes nothing, and
// the formatted text is the same spec.
func TestFormatIdempotent(t *testing.T) {
	all := validSpecs(t)
	for name, src := range formatCases(t) {
		all[name] = src
	}
	for name, src := range all {
		once, err := Format(name, src)
		require.NoError(t, err, name)
		twice, err := Format(name, once)
		require.NoError(t, err, name)
		assert.Equal(t, string(once), string(twice), "%s: Format(Format(x)) != Format(x)", name)
		a, err := Parse(name, src)
		require.NoError(t, err, name)
		b, err := Parse(name, once)
		require.NoError(t, err, name)
		assertSameSpec(t, name, a, b)
	}
}

// TestFormatKeepsComments: every comment of the input is in the output,
// in order, and there is no other.
func TestFormatKeepsComments(t *testing.T) {
	all := validSpecs(t)
	for name, src := range formatCases(t) {
		all[name] = src
	}
	for name, src := range all {
		out, err := Format(name, src)
		require.NoError(t, err, name)
		want := comments(t, src)
		if strings.Contains(name, "tcp.fsm") || strings.Contains(name, "comments") {
			require.NotEmpty(t, want, name)
		}
		assert.Equal(t, want, comments(t, out), name)
	}
}

// TestFormatTCP: the TCP spec is nearly formatted already; formatting it
// keeps every line that is not blank, in order, as the same tokens.
func TestFormatTCP(t *testing.T) {
	out, err := Format(TCPFile, TCPSource())
	require.NoError(t, err)
	nonBlank := func(b []byte) []string {
		var lines []string
		for _, l := range strings.Split(string(b), "\n") {
			if f := strings.Fields(l); len(f) > 0 {
				lines = append(lines, strings.Join(f, " "))
			}
		}
		return lines
	}
	assert.Equal(t, nonBlank(TCPSource()), nonBlank(out))
	for _, want := range []string{
		"\n  # incarnation's segments from the old: net.ipv4.tcp_tw_reuse, on by default for loopback only.\n  app OPEN_ACTIVE if reuse_own_time_wait           -> SYN_SENT ",
		"\n  rcv RST if rfc1337                               ignore \"TIME-WAIT",
		"\n  r2                    924.6s  [linux ",
	} {
		assert.True(t, strings.Contains(string(out), want), "the formatted TCP spec has no %q", want)
	}
}

// TestFormatLineEnds: CRLF line ends and a missing final newline become
// one "\n" per line.
func TestFormatLineEnds(t *testing.T) {
	src := specgen.Mini
	want, err := Format("mini.fsm", src)
	require.NoError(t, err)
	crlf := strings.ReplaceAll(string(src), "\n", "\r\n")
	got, err := Format("mini.fsm", []byte(crlf))
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "CRLF")
	got, err = Format("mini.fsm", []byte(strings.TrimRight(string(src), "\n")))
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "no final newline")
	got, err = Format("mini.fsm", append(src, "\n\n\n"...))
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "blank lines at the end")
}

// TestFormatRandomSpecs: random valid specs (internal/specgen) format to
// the same spec, keep their comments, and format to themselves again.
func TestFormatRandomSpecs(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		text := []byte(specgen.Spec().Draw(t, "spec"))
		sp, err := Parse("random.fsm", text)
		require.NoError(t, err, "specgen drew a spec that does not parse:\n%s", text)
		out, err := Format("random.fsm", text)
		require.NoError(t, err)
		again, err := Parse("random.fsm", out)
		require.NoError(t, err)
		assertSameSpec(t, "random.fsm", sp, again)
		twice, err := Format("random.fsm", out)
		require.NoError(t, err)
		require.Equal(t, string(out), string(twice), "Format(Format(x)) != Format(x)")
		require.Equal(t, comments(t, text), comments(t, out), "a comment was lost")
	})
}

// TestFormatIgnoresSpacing: respacing a spec (any spaces and tabs
// between tokens, none where the tokens stay apart without, any
// indentation of code, trailing spaces, CRLF line ends, a blank line
// doubled) formats to the same text as the spec itself.
func TestFormatIgnoresSpacing(t *testing.T) {
	all := validSpecs(t)
	for name, src := range formatCases(t) {
		all[name] = src
	}
	names := make([]string, 0, len(all))
	for name := range all {
		names = append(names, name)
	}
	want := map[string][]byte{}
	for _, name := range names {
		out, err := Format(name, all[name])
		require.NoError(t, err, name)
		want[name] = out
	}
	rapid.Check(t, func(t *rapid.T) {
		name := rapid.SampledFrom(names).Draw(t, "spec")
		space := rapid.StringOfN(rapid.SampledFrom([]rune{' ', '\t'}), 0, 3, -1)
		var b strings.Builder
		for _, line := range strings.Split(strings.TrimSuffix(string(all[name]), "\n"), "\n") {
			toks, _, msg := lexLine(line)
			if msg != "" {
				t.Fatalf("%s: %s", name, msg)
			}
			eol := toks[len(toks)-1].col
			toks = toks[:len(toks)-1]
			// A comment alone keeps whether it is indented: that says
			// whether it ends a block or starts what follows.
			switch indent := space.Draw(t, "indent"); {
			case len(toks) > 0:
				b.WriteString(indent)
			case line != "" && (line[0] == ' ' || line[0] == '\t'):
				b.WriteString("\t" + indent)
			}
			for i, tok := range toks {
				if i > 0 {
					sep := space.Draw(t, "sep")
					if sep == "" && (tok.kind == tName || tok.kind == tNumber) && (toks[i-1].kind == tName || toks[i-1].kind == tNumber) {
						sep = " "
					}
					b.WriteString(sep)
				}
				text := tokenText(line, tok)
				if tok.kind == tCite {
					text = "[" + tok.text + "]"
				}
				b.WriteString(text)
			}
			if eol <= len(line) {
				if len(toks) > 0 {
					b.WriteString(space.Draw(t, "before comment"))
				}
				b.WriteString(line[eol-1:])
			}
			b.WriteString(space.Draw(t, "trailing"))
			if rapid.Bool().Draw(t, "crlf") {
				b.WriteString("\r")
			}
			b.WriteString("\n")
			if len(toks) == 0 && eol > len(line) && rapid.Bool().Draw(t, "double blank") {
				b.WriteString("\n")
			}
		}
		got, err := Format(name, []byte(b.String()))
		if err != nil {
			t.Fatalf("%s respaced:\n%s\n%v", name, b.String(), err)
		}
		if string(got) != string(want[name]) {
			t.Fatalf("%s respaced formats differently:\n%s\n--- got:\n%s\n--- want:\n%s", name, b.String(), got, want[name])
		}
	})
}

// TestFormatPrint: Print's output is formatted text.
func TestFormatPrint(t *testing.T) {
	for name, src := range validSpecs(t) {
		sp, err := Parse(name, src)
		require.NoError(t, err, name)
		p := Print(sp)
		f, err := Format(name, p)
		require.NoError(t, err, name)
		assert.Equal(t, string(p), string(f), "%s: Format(Print(sp)) != Print(sp)", name)
	}
}

// TestFormatRefusesBadSpec: a spec with errors is not formatted; Format
// returns its ErrorList, every problem of it.
func TestFormatRefusesBadSpec(t *testing.T) {
	src := []byte("machine m\nstate A\ninitial B\n  rcv   X -> A [S]\n")
	out, err := Format("bad.fsm", src)
	assert.Nil(t, out)
	var list ErrorList
	require.True(t, errors.As(err, &list), "error is a %T, not an ErrorList", err)
	_, want := Parse("bad.fsm", src)
	assert.Equal(t, want.Error(), err.Error())
	assert.Contains(t, err.Error(), "bad.fsm:4:3: rule outside any \"in STATE\" block")
}

// TestFormatCheckRefusesChange: the check Format makes of its own output
// refuses text that is a different spec, or no spec, with an error that is
// not an ErrorList (the input was fine; the formatter was not).
func TestFormatCheckRefusesChange(t *testing.T) {
	src := specgen.Mini
	sp, err := Parse("mini.fsm", src)
	require.NoError(t, err)
	out, err := formatSource(src)
	require.NoError(t, err)
	assert.NoError(t, checkFormatted("mini.fsm", sp, out))

	for name, bad := range map[string]string{
		"a changed value": strings.Replace(string(out), "autolock 30s", "autolock 31s", 1),
		"a changed note":  strings.Replace(string(out), `"locked"`, `"locked!"`, 1),
		"a dropped rule":  strings.Replace(string(out), "  app PUSH          reject \"locked\"                       [MANUAL 1]\n", "", 1),
	} {
		require.NotEqual(t, string(out), bad, name)
		err := checkFormatted("mini.fsm", sp, []byte(bad))
		require.Error(t, err, name)
		var list ErrorList
		assert.False(t, errors.As(err, &list), "%s: the error is an ErrorList", name)
		assert.Contains(t, err.Error(), "mini.fsm: the formatted text", name)
	}
}

// FuzzFormat checks that Format never panics, and that what it formats
// formats to itself and parses to the same spec.
//
//	go test ./spec -run '^$' -fuzz FuzzFormat -fuzztime 60s
//
// The seeds are the small specs: tcp.fsm takes milliseconds to format (it
// is parsed twice and printed twice), which makes minimizing its mutants
// stall the fuzzer.
func FuzzFormat(f *testing.F) {
	f.Add(specgen.Mini)
	files, err := filepath.Glob("testdata/format/*.txtar")
	require.NoError(f, err)
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		require.NoError(f, err)
		f.Add(archiveFile(ar, "in.fsm"))
	}
	const file = "fuzz.fsm"
	f.Fuzz(func(t *testing.T, src []byte) {
		out, err := Format(file, src)
		if err != nil {
			var list ErrorList
			require.True(t, errors.As(err, &list), "Format(%q): %v", src, err)
			return
		}
		again, err := Format(file, out)
		require.NoError(t, err, "Format(%q)", src)
		require.Equal(t, string(out), string(again), "Format(%q) is not idempotent", src)
		require.Equal(t, comments(t, src), comments(t, out), "Format(%q) lost a comment", src)
	})
}

// TestTCPSpecIsFormatted keeps the embedded spec in the form fsmgen fmt
// gives it, so that formatting it is never a diff of its own.
func TestTCPSpecIsFormatted(t *testing.T) {
	src := TCPSource()
	out, err := Format(TCPFile, src)
	require.NoError(t, err)
	assert.Equal(t, string(src), string(out), "spec/tcp.fsm is not formatted: run go run ./cmd/fsmgen fmt -w spec/tcp.fsm")
}
