// Package tcpfsm is a declarative, verified TCP connection state table.
//
// The TCP state machine of RFC 9293, above all its close path (FIN_WAIT_1,
// FIN_WAIT_2, CLOSING, TIME_WAIT, CLOSE_WAIT, LAST_ACK) and its timers, is
// written as a spec (spec/tcp.fsm), validated by package spec, and generated
// into the Go package generated/tcp that programs import. Command fsmgen
// (cmd/fsmgen) validates specs, generates tables and draws diagrams.
//
// The go:generate line below regenerates generated/tcp from the embedded
// spec; CI fails if the committed files differ from what it produces.
package tcpfsm

//go:generate go run ./cmd/fsmgen gen
