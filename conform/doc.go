// Package conform checks a trace of what the Linux kernel did on a TCP
// connection against the generated table under the linux profile.
//
// A Trace records, for the client and the server of one connection, the
// application's calls, the states and timers the kernel showed for each
// socket, and the segments on the wire. Verify then asks, for each side,
// whether the observed states are a path of the table under the linux
// profile (with the trace's sysctls applied, see Profile), every step
// labelled by an event consistent with what was on the wire and what the
// application did, and whether the timers the kernel showed agree with the
// profile's durations; Report prints the outcome.
//
// The package is pure: it reads and writes traces as text and needs no
// root, no network and no Linux, so the traces recorded from a kernel
// (conform/traces, embedded: Recorded) are replayed by a plain go test on
// any machine.
// Recording them is the job of package conform/lab.
package conform
