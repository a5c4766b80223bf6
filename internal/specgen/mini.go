package specgen

import _ "embed"

// Mini is a small valid spec in every part of the language (a door with a
// lock, a timer and a profile), for the tests of the packages that read
// specs: one copy, parsed as "mini.fsm".
//
//go:embed mini.fsm
var Mini []byte
