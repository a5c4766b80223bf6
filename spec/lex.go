package spec

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// tokKind is the kind of a token on a spec line.
type tokKind int

const (
	tName   tokKind = iota + 1 // an identifier or keyword
	tNumber                    // starts with a digit: a duration such as 60s
	tString                    // "...", unquoted in text
	tArrow                     // ->
	tSemi                      // ;
	tCite                      // [...], the brackets removed in text
	tEOL                       // end of the line
)

type token struct {
	kind tokKind
	text string
	col  int // 1-based byte column
}

// describe names a token in an error message.
func (t token) describe() string {
	switch t.kind {
	case tName, tNumber:
		return fmt.Sprintf("%q", t.text)
	case tString:
		return "a string"
	case tArrow:
		return `"->"`
	case tSemi:
		return `";"`
	case tCite:
		return "a citation"
	case tEOL:
		return "end of line"
	}
	return "?"
}

// lexLine splits one line into tokens. It reports a problem by its column
// and stops at the first one, since what follows is unreliable.
func lexLine(line string) ([]token, int, string) {
	var toks []token
	i, eol := 0, len(line)+1 // eol: where the line's content ends, before any comment
	for i < len(line) {
		c := line[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '#':
			eol = i + 1
			i = len(line)
		case isLetter(c):
			j := i
			for j < len(line) && (isLetter(line[j]) || isDigit(line[j])) {
				j++
			}
			toks = append(toks, token{tName, line[i:j], i + 1})
			i = j
		case isDigit(c):
			j := i
			for j < len(line) && (isLetter(line[j]) || isDigit(line[j]) || line[j] == '.') {
				j++
			}
			toks = append(toks, token{tNumber, line[i:j], i + 1})
			i = j
		case c == '"':
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(line) {
					return nil, i + 1, "unterminated string"
				}
				if line[j] == '"' {
					break
				}
				if line[j] == '\\' && j+1 < len(line) && (line[j+1] == '"' || line[j+1] == '\\') {
					j++
				}
				b.WriteByte(line[j])
				j++
			}
			if col, msg := badText(line[i+1 : j]); msg != "" {
				return nil, i + 1 + col, msg + " in a string"
			}
			toks = append(toks, token{tString, b.String(), i + 1})
			i = j + 1
		case c == '[':
			j := strings.IndexByte(line[i:], ']')
			if j < 0 {
				return nil, i + 1, `unterminated citation: missing "]"`
			}
			if col, msg := badText(line[i+1 : i+j]); msg != "" {
				return nil, i + 1 + col, msg + " in a citation"
			}
			toks = append(toks, token{tCite, line[i+1 : i+j], i + 1}) // untrimmed: optCite finds the source's column in it
			i += j + 1
		case c == '-' && i+1 < len(line) && line[i+1] == '>':
			toks = append(toks, token{tArrow, "->", i + 1})
			i += 2
		case c == ';':
			toks = append(toks, token{tSemi, ";", i + 1})
			i++
		default:
			return nil, i + 1, unexpected(line[i:])
		}
	}
	return append(toks, token{tEOL, "", eol}), 0, ""
}

// unexpected describes the character that starts s, which no token can
// start: control bytes and bytes that are not UTF-8 by their value,
// anything else as the character it is.
func unexpected(s string) string {
	c := s[0]
	switch r, size := utf8.DecodeRuneInString(s); {
	case c < 0x20 || c == 0x7f:
		return fmt.Sprintf("unexpected control character %#02x", c)
	case c < utf8.RuneSelf:
		return fmt.Sprintf("unexpected character %q", c)
	case r == utf8.RuneError && size <= 1:
		return fmt.Sprintf("unexpected byte %#02x: the file is not UTF-8 text", c)
	case r == '\ufeff':
		return "unexpected byte order mark (U+FEFF): save the file as UTF-8 without a BOM"
	default:
		return fmt.Sprintf("unexpected character %q (%U): names and keywords are ASCII letters, digits and _", r, r)
	}
}

func isLetter(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

// badText finds what text in a string or citation may not hold, since it
// ends up in generated Go source: control characters other than tab,
// bytes that are not UTF-8, and a byte-order mark. It returns the 1-based
// column within text and the problem, or "" when the text is clean.
func badText(text string) (int, string) {
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return i + 1, fmt.Sprintf("byte %#02x that is not UTF-8", text[i])
		case r == '\uFEFF':
			return i + 1, "byte-order mark"
		case r < 0x20 && r != '\t' || r == 0x7f:
			return i + 1, fmt.Sprintf("control character %#02x", r)
		}
		i += size
	}
	return 0, ""
}
