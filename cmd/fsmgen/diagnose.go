package main

import (
	"errors"
	"flag"
	"io"
	"os"

	"github.com/tcpfsm/tcpfsm/diagnose"
)

// runDiagnose reads a host's sockets (ss, netstat or /proc/net/tcp output
// from FILE or standard input, or this host's own, live) and reports what
// piles of them mean: fsmgen diagnose [FILE|-]. Exit status 1 when a
// finding reaches its threshold, 2 for input it cannot read.
func runDiagnose(c *specCommand, args []string, stdout, _ io.Writer) error {
	th := diagnose.DefaultThresholds()
	c.IntVar(&th.CloseWait, "close-wait", th.CloseWait, "alarm at this many CLOSE_WAIT sockets on one local port")
	c.Float64Var(&th.TimeWait, "time-wait", th.TimeWait, "alarm when TIME_WAIT toward one destination holds this share of the ephemeral ports")
	c.Float64Var(&th.Orphans, "orphans", th.Orphans, "alarm when orphans reach this share of tcp_max_orphans")
	c.IntVar(&th.FinWait2, "fin-wait-2", th.FinWait2, "alarm at this many held FIN_WAIT_2 sockets toward one destination")
	c.IntVar(&th.Retrans, "retransmits", th.Retrans, "alarm when a closing socket's FIN was resent this many times")
	c.IntVar(&th.SynRecv, "syn-recv", th.SynRecv, "alarm at this many SYN_RECV sockets on one port")
	profile := c.String("profile", "", "the profile to compare the host with (default linux, or the spec's first)")
	asJSON := c.Bool("json", false, "print JSON")
	sockets := c.Bool("sockets", false, "also list every socket with its timer")
	knobs := map[string]*string{}
	for _, k := range []struct{ flag, knob, usage string }{
		{"port-range", "ip_local_port_range", "net.ipv4.ip_local_port_range of the host the input comes from, \"LOW HIGH\""},
		{"fin-timeout", "tcp_fin_timeout", "net.ipv4.tcp_fin_timeout of that host, in seconds"},
		{"max-orphans", "tcp_max_orphans", "net.ipv4.tcp_max_orphans of that host"},
		{"tw-reuse", "tcp_tw_reuse", "net.ipv4.tcp_tw_reuse of that host"},
	} {
		knobs[k.knob] = c.String(k.flag, "", k.usage+" (default: read live, or Linux's default)")
	}
	sp, p, err := c.parseOne(args, "file (or - for standard input)", profile)
	if err != nil {
		return err
	}
	if sp.Machine != "tcp" {
		// The socket tables name TCP states; another machine's states
		// would match none of them and the report would say nothing.
		return usageErr("fsmgen diagnose: it reads TCP sockets, and %s is machine %s, not tcp", sp.File, sp.Machine)
	}
	source, in, k, err := readSockets(c.FlagSet)
	if err != nil {
		return err
	}
	for name, v := range knobs {
		if *v != "" {
			if err := k.Set(name, *v, diagnose.FromUser); err != nil {
				return usageErr("fsmgen diagnose: %v", err)
			}
		}
	}
	r := diagnose.Analyze(source, in, sp, p, k, th)
	if *asJSON {
		err = writeJSON(stdout, r)
	} else {
		err = r.Write(stdout, *sockets)
	}
	if err == nil && r.Alarm {
		return &exitError{code: 1}
	}
	return err
}

// readSockets reads the file the command names, standard input for "-",
// or this host's sockets live without one; the knobs are the host's when
// live, Linux's defaults otherwise.
func readSockets(fs *flag.FlagSet) (string, *diagnose.Input, diagnose.Knobs, error) {
	if fs.NArg() == 0 {
		in, k, err := diagnose.Live()
		if err != nil {
			return "", nil, k, usageErr("fsmgen diagnose: %v", err)
		}
		return "/proc/net/tcp", in, k, nil
	}
	name, r := fs.Arg(0), io.Reader(os.Stdin)
	if name == "-" {
		name = "stdin"
	} else {
		f, err := os.Open(name)
		if err != nil {
			return "", nil, diagnose.Knobs{}, usageErr("fsmgen diagnose: %v", err)
		}
		defer f.Close()
		r = f
	}
	in, err := diagnose.Read(r)
	var pe *diagnose.ParseError
	if errors.As(err, &pe) {
		return "", nil, diagnose.Knobs{}, usageErr("fsmgen diagnose: %s:%d: %s", name, pe.Line, pe.Msg)
	}
	if err != nil {
		return "", nil, diagnose.Knobs{}, usageErr("fsmgen diagnose: %s: %v", name, err)
	}
	return name, in, diagnose.DefaultKnobs(), nil
}
