// Package bench compares the generated table, the Endpoint that runs it
// and a general-purpose state machine library (github.com/looplab/fsm) on
// the same close path. It is a module of its own so that the main module
// does not depend on the library it is measured against.
package bench
