package spec

import "strings"

// lineReader walks the tokens of one line.
type lineReader struct {
	p    *parser
	line int
	toks []token
	i    int
	bad  bool // a problem was reported on this line
}

func (r *lineReader) peek() token { return r.toks[r.i] }
func (r *lineReader) next() token {
	t := r.toks[r.i]
	if t.kind != tEOL {
		r.i++
	}
	return t
}
func (r *lineReader) at(t token) Pos { return r.p.pos(r.line, t.col) }

func (r *lineReader) fail(t token, format string, args ...any) {
	if !r.bad {
		r.p.errs.add(r.at(t), format, args...)
	}
	r.bad = true
}

// name reads a name, or reports what was found instead of what.
func (r *lineReader) name(what string) (decl, bool) {
	t := r.next()
	if t.kind != tName {
		r.fail(t, "expected %s, found %s", what, t.describe())
		return decl{}, false
	}
	return decl{name: t.text, pos: r.at(t)}, true
}

// optString reads an optional string.
func (r *lineReader) optString() string {
	if r.peek().kind == tString {
		return r.next().text
	}
	return ""
}

// reason reads the string that says why, which kw (ignore, reject, giveup
// or outside) requires and which may not be blank.
func (r *lineReader) reason(kw string) (string, bool) { return r.text(kw, "a reason") }

// text reads the string, what kw requires ("a reason"), which may not be
// blank.
func (r *lineReader) text(kw, what string) (string, bool) {
	t := r.next()
	if t.kind != tString {
		r.fail(t, "%s needs %s in quotes, found %s", kw, what, t.describe())
		return "", false
	}
	if strings.TrimSpace(t.text) == "" {
		r.fail(t, "%s needs %s: the quotes are empty", kw, what)
		return "", false
	}
	return t.text, true
}

// end reports anything left on the line.
func (r *lineReader) end(after string) {
	if t := r.peek(); t.kind != tEOL {
		r.fail(t, "unexpected %s after %s", strings.TrimPrefix(t.describe(), "a "), after)
	}
}

// optCite reads an optional citation "[SOURCE text]".
func (r *lineReader) optCite() *rawCite {
	if r.peek().kind != tCite {
		return nil
	}
	t := r.next()
	words := strings.Fields(t.text)
	if len(words) == 0 {
		r.fail(t, "empty citation: name a source, like [RFC9293 3.10.7.4]")
		return nil
	}
	src := decl{name: words[0], pos: Pos{File: r.p.file, Line: r.line, Col: t.col + 1 + strings.Index(t.text, words[0])}}
	return &rawCite{source: src, text: strings.Join(words[1:], " ")}
}

// docName reads the NAME ["doc"] that end a declaration; what is the kind
// of name, and after the declaration, as errors call them.
func (r *lineReader) docName(what, after string) (decl, bool) {
	d, ok := r.name(what)
	if !ok {
		return d, false
	}
	d.doc = r.optString()
	r.end(after)
	return d, true
}
