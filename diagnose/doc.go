// Package diagnose reads a host's TCP sockets, as `ss -tan` (with or
// without -o, -i, -e, -p), `netstat -tan` (with or without -p, -o) or
// /proc/net/tcp and /proc/net/tcp6 print them, counts them per state,
// local port and process, and reports what a pile of sockets in a close
// state means: who must act, the spec rule and citation behind it, and the
// kernel's knobs against the profile. The thresholds that make a finding
// worth an alarm are the caller's.
package diagnose
