package gen

import (
	"strings"
	"unicode"
)

// initialisms keep their Go capitals when a name part starts with them:
// "rfc9293" becomes RFC9293, "msl" MSL. Segment names such as SYN and FIN
// read as words (SynSent, RcvFinAck), as in the TCP literature's code.
var initialisms = map[string]bool{"rfc": true, "msl": true, "bsd": true, "rto": true, "isn": true, "id": true}

// goName turns a spec name (FIN_WAIT_1, time_wait, rfc9293) into an
// exported Go identifier (FinWait1, TimeWait, RFC9293).
func goName(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		for _, w := range strings.Split(p, "_") {
			if w == "" {
				continue
			}
			lw := strings.ToLower(w)
			letters := strings.TrimRightFunc(lw, unicode.IsDigit)
			if initialisms[letters] {
				b.WriteString(strings.ToUpper(letters) + lw[len(letters):])
				continue
			}
			b.WriteString(strings.ToUpper(lw[:1]) + lw[1:])
		}
	}
	return b.String()
}
