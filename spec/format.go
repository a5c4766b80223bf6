package spec

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Format returns the text of the spec file src, named file in positions,
// formatted: every line's tokens separated by one space (";" follows its
// action), declarations unindented, rules and profile values indented by
// two spaces, the columns of each "in" block (event and guard, outcome,
// citation), of each profile (name, value, citation) and of each run of
// declarations with the same keyword (name, doc) aligned. Citations are
// written "[SOURCE words]" with single spaces; strings are kept as written.
// Full-line comments are kept, indented with the block they belong to;
// a comment after code stays after it, one space away. Blank lines are kept,
// a run of them collapsed to one, none at the start or end of the file.
//
// A spec with errors is not formatted: Format returns its ErrorList.
// Format parses its own output and returns an error (not an ErrorList)
// unless it is the same spec (Print of both is identical), so a bug in the
// formatter cannot change what a spec says. Formatting formatted text
// changes nothing.
func Format(file string, src []byte) ([]byte, error) {
	sp, err := Parse(file, src)
	if err != nil {
		return nil, err
	}
	out, err := formatSource(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	if err := checkFormatted(file, sp, out); err != nil {
		return nil, err
	}
	return out, nil
}

// checkFormatted returns an error unless out, the formatted text of sp,
// parses to the same spec: one that Print writes as it writes sp. The
// error is not an ErrorList: the input was a valid spec.
func checkFormatted(file string, sp *Spec, out []byte) error {
	again, err := Parse(file, out)
	if err != nil {
		return fmt.Errorf("%s: the formatted text does not parse (a bug in the formatter):\n%v", file, err)
	}
	if !bytes.Equal(Print(sp), Print(again)) {
		return fmt.Errorf("%s: the formatted text parses to a different spec (a bug in the formatter)", file)
	}
	return nil
}

// lineKind is what a line of formatted text holds.
type lineKind int

const (
	lBlank   lineKind = iota // nothing
	lComment                 // a comment alone
	lDecl                    // a declaration, unindented
	lMember                  // a rule or profile value, indented
)

// fline is one line of formatted text, before alignment.
type fline struct {
	kind    lineKind
	keyword string   // lDecl: the keyword; lMember: its block, "in" or "profile"
	cols    []string // the code, split into the columns that align
	comment string   // lComment: the comment; otherwise one after the code, if any
	indent  bool     // lComment: indented with its block
}

// aligned are the declarations whose runs align their names and docs (an
// outside line's event and states, and its reason).
var aligned = map[string]int{ // keyword: the tokens before the doc; 0: all but a final string
	"source": 2, "state": 2, "event": 3, "timer": 2, "giveup": 2, "duration": 2, "count": 2,
	"switch": 2, "segment": 2, "signal": 2, "outside": 0, "advice": 2,
	"class": 0, "arm": 0,
}

// render lays lines out: it aligns the columns of each "in" block, each
// profile and each run of declarations with the same keyword (comments and
// blank lines do not end a run), collapses blank lines and drops them at
// the start and end.
func render(lines []fline) []byte {
	// Group the lines that align together; 0 is no group.
	group := make([]int, len(lines))
	n, run, block := 0, "", 0
	for i, l := range lines {
		switch l.kind {
		case lDecl:
			block = 0
			if _, ok := aligned[l.keyword]; !ok {
				run = ""
				if l.keyword == "in" || l.keyword == "profile" {
					n++
					block = n
				}
				continue
			}
			if l.keyword != run {
				n++
				run = l.keyword
			}
			group[i] = n
		case lMember:
			run = ""
			group[i] = block
		}
	}
	widths := make([][]int, n+1)
	for i, l := range lines {
		g := group[i]
		if g == 0 {
			continue
		}
		for c := 0; c < len(l.cols)-1; c++ {
			if len(widths[g]) <= c {
				widths[g] = append(widths[g], 0)
			}
			widths[g][c] = max(widths[g][c], utf8.RuneCountInString(l.cols[c]))
		}
	}

	var b bytes.Buffer
	blank := false // a blank line is due before the next line
	for i, l := range lines {
		if l.kind == lBlank {
			blank = b.Len() > 0
			continue
		}
		if blank {
			b.WriteByte('\n')
			blank = false
		}
		if l.kind == lMember || l.kind == lComment && l.indent {
			b.WriteString("  ")
		}
		for c, col := range l.cols {
			b.WriteString(col)
			if c < len(l.cols)-1 {
				pad := gap(l, c)
				if g := group[i]; g != 0 {
					pad += widths[g][c] - utf8.RuneCountInString(col)
				}
				b.WriteString(strings.Repeat(" ", pad))
			}
		}
		if l.comment != "" {
			if len(l.cols) > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(l.comment)
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// gap is the number of spaces after column c of l, beyond its width: two
// between the columns of a rule and before a value's citation, one
// elsewhere (the style of spec/tcp.fsm).
func gap(l fline, c int) int {
	if l.kind == lMember && (l.keyword == "in" || c > 0) {
		return 2
	}
	return 1
}

// formatSource splits each line of src, a spec that parses, into its
// columns and comment, and renders them.
func formatSource(src []byte) ([]byte, error) {
	text := strings.TrimSuffix(string(src), "\n")
	var lines []fline
	var indented []bool // the comment was indented in src
	var inBlock []bool  // the line is below an "in" or "profile" line
	block := ""
	for n, raw := range strings.Split(text, "\n") {
		toks, _, msg := lexLine(raw)
		if msg != "" {
			return nil, fmt.Errorf("line %d: %s", n+1, msg) // Parse accepted it: cannot happen
		}
		eol := toks[len(toks)-1].col
		toks = toks[:len(toks)-1]
		l := fline{}
		if eol-1 < len(raw) {
			l.comment = strings.TrimRight(raw[eol-1:], " \t\r")
		}
		switch {
		case len(toks) == 0 && l.comment == "":
			l.kind = lBlank
		case len(toks) == 0:
			l.kind = lComment
		case toks[0].kind == tName && isKeyword(toks[0].text):
			l.kind, l.keyword = lDecl, toks[0].text
			block = ""
			if l.keyword == "in" || l.keyword == "profile" {
				block = l.keyword
			}
			l.cols = declCols(raw, toks)
		case block == "in":
			l.kind, l.keyword = lMember, block
			l.cols = ruleCols(raw, toks)
		case block == "profile":
			l.kind, l.keyword = lMember, block
			l.cols = valueCols(raw, toks)
		default:
			return nil, fmt.Errorf("line %d: a rule or value outside a block", n+1) // cannot happen either
		}
		lines = append(lines, l)
		indented = append(indented, raw != "" && (raw[0] == ' ' || raw[0] == '\t'))
		inBlock = append(inBlock, block != "" && l.kind != lDecl)
	}

	// A comment inside a block is indented when the next code line is a
	// rule or value of the block. One that ends a block (the next code line
	// is a declaration) stays indented if it was, unless a blank line
	// separates it from the block's code above.
	next := make([]lineKind, len(lines)) // the kind of the next code line, lDecl at the end
	k := lDecl
	for i := len(lines) - 1; i >= 0; i-- {
		next[i] = k
		if lines[i].kind == lDecl || lines[i].kind == lMember {
			k = lines[i].kind
		}
	}
	attached := false // no blank line since the last code line
	for i := range lines {
		switch lines[i].kind {
		case lDecl, lMember:
			attached = true
		case lBlank:
			attached = false
		case lComment:
			lines[i].indent = inBlock[i] && (next[i] == lMember || indented[i] && attached)
		}
	}
	return render(lines), nil
}

// declCols splits a declaration into its name and its doc (for outside,
// what it covers and its reason), for the declarations that align, or keeps
// it as one column.
func declCols(raw string, toks []token) []string {
	n, ok := aligned[toks[0].text]
	if ok && n == 0 && toks[len(toks)-1].kind == tString {
		n = len(toks) - 1
	}
	if ok && n > 0 && len(toks) > n {
		return []string{joinTokens(raw, toks[:n]), joinTokens(raw, toks[n:])}
	}
	return []string{joinTokens(raw, toks)}
}

// ruleCols splits a rule into event and guard, outcome and citation.
func ruleCols(raw string, toks []token) []string {
	k := 2
	if len(toks) > 3 && toks[2].kind == tName && (toks[2].text == "if" || toks[2].text == "unless") {
		k = 4
	}
	return splitCols(raw, toks, k)
}

// valueCols splits a profile value into name, value and citation.
func valueCols(raw string, toks []token) []string {
	if len(toks) < 2 {
		return []string{joinTokens(raw, toks)}
	}
	return append([]string{toks[0].text}, splitCols(raw, toks[1:], 1)...)
}

// splitCols makes toks[:k] a column, then what follows up to a final
// citation, then the citation.
func splitCols(raw string, toks []token, k int) []string {
	k = min(k, len(toks))
	cols := []string{joinTokens(raw, toks[:k])}
	rest := toks[k:]
	var cite []token
	if n := len(rest); n > 0 && rest[n-1].kind == tCite {
		rest, cite = rest[:n-1], rest[n-1:]
	}
	if len(rest) > 0 {
		cols = append(cols, joinTokens(raw, rest))
	}
	if cite != nil {
		cols = append(cols, joinTokens(raw, cite))
	}
	return cols
}

// joinTokens writes toks of the line raw separated by one space, ";"
// directly after the token before it.
func joinTokens(raw string, toks []token) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 && t.kind != tSemi {
			b.WriteByte(' ')
		}
		b.WriteString(tokenText(raw, t))
	}
	return b.String()
}

// tokenText is how a token of the line raw is written: a string as it was
// written (its escapes kept), a citation with its words separated by one
// space, anything else as it is.
func tokenText(raw string, t token) string {
	switch t.kind {
	case tString:
		start := t.col - 1
		j := start + 1
		for j < len(raw) && raw[j] != '"' {
			if raw[j] == '\\' && j+1 < len(raw) && (raw[j+1] == '"' || raw[j+1] == '\\') {
				j++
			}
			j++
		}
		return raw[start:min(j+1, len(raw))]
	case tCite:
		return "[" + strings.Join(strings.Fields(t.text), " ") + "]"
	}
	return t.text
}
