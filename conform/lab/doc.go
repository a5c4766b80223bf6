// Package lab records conform traces from this machine's Linux kernel, and
// is a package of its own because it alone needs Linux and root: it makes
// network namespaces, firewall rules and queues, and watches raw packets.
//
// A scenario provokes one close path with real sockets on loopback inside a
// network namespace of its own, which it always removes: it sets its
// sysctls, opens the connection, makes the calls of the path, drops or
// delays segments with nftables and tc where the path needs it, and
// records what happened as a conform.Trace: the calls it made, the states
// and timers of both sockets read from /proc/net/tcp every few
// milliseconds, and the segments captured on lo. Run runs one scenario,
// RunAll every one; Available says why they cannot run here. Checking a
// trace against the table is package conform's job.
package lab
