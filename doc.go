// Package tcpfsm is a declarative, verified TCP connection state table.
//
// The TCP state machine of RFC 9293, above all its close path (FIN_WAIT_1,
// FIN_WAIT_2, CLOSING, TIME_WAIT, CLOSE_WAIT, LAST_ACK) and its timers, is
// written as a spec (spec/tcp.fsm), validated by package spec, and generated
// into the Go package generated/tcp that programs import. Command fsmgen
// (cmd/fsmgen) validates specs, generates tables and draws diagrams.
//
// The same language, generator and checks serve a second protocol: the
// SCTP association of RFC 9260 (spec/sctp.fsm, generated into
// generated/sctp), which needs no TIME_WAIT because every packet carries
// the receiver's verification tag.
//
// The go:generate lines below regenerate generated/tcp and generated/sctp
// from the specs; CI fails if the committed files differ from what they
// produce.
package tcpfsm

//go:generate go run ./cmd/fsmgen gen
//go:generate go run ./cmd/fsmgen gen -spec spec/sctp.fsm -out generated/sctp -pkg sctp
