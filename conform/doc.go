// Package conform holds the linux profile of the generated table to what
// the Linux kernel actually does on close.
//
// A scenario provokes one close path with real sockets on loopback inside a
// network namespace of its own, and records a Trace: the application's
// calls, the states and timers the kernel shows for each socket, and the
// segments on the wire. Verify then asks, for each side, whether the
// observed states are a path of the table under the linux profile (with the
// run's sysctls applied), every step labelled by an event consistent with
// what was on the wire and what the application did, and whether the
// timers the kernel showed agree with the profile's durations.
//
// Traces are text, so recorded runs are committed and replayed by a plain
// go test on any machine.
package conform
