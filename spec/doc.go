// Package spec parses and validates tcpfsm spec files: a line-oriented,
// declarative description of a connection state machine, its timers and
// the operating-system profiles that tune it.
//
// Parse turns a spec into an IR (*Spec) in which every (state, event) cell
// is decided, every name resolves and every rule cites the document that
// demands it. Problems are reported all at once as an ErrorList whose
// entries read "file:line:col: message", like the Go toolchain's, so that an
// author fixes a spec in one pass. The grammar is in LANGUAGE.md.
//
// The TCP spec itself, spec/tcp.fsm, is embedded: TCP returns it parsed.
package spec
