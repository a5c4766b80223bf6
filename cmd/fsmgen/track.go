package main

import (
	"io"
	"os"
	"strings"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/spec"
	"github.com/tcpfsm/tcpfsm/track"
)

// runTrack follows the TCP connections of a pcap or pcapng capture, FILE
// or standard input for "-", through the generated table: fsmgen track
// [-profile NAME] [-json] FILE|-. Exit status 2 for bad usage and for a
// file it cannot read, naming the packet.
func runTrack(args []string, stdout, _ io.Writer) error {
	fs := newFlags("track")
	profile := fs.String("profile", "linux", "the profile whose table and timers the sides follow")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch fs.NArg() {
	case 0:
		return usageErr("name a capture file, or - for standard input")
	case 1:
	default:
		return usageErr("unexpected arguments %q", fs.Args()[1:])
	}
	p, ok := tcp.ProfileByName(strings.ToLower(*profile))
	if !ok {
		var names []string
		for _, p := range tcp.Profiles() {
			names = append(names, p.Name)
		}
		return usageErr("unknown profile %q%s: the table has %s", *profile, spec.DidYouMean(*profile, names), strings.Join(names, ", "))
	}
	name, in := fs.Arg(0), io.Reader(stdin)
	if name == "-" {
		name = "stdin"
	} else {
		f, err := os.Open(name)
		if err != nil {
			return usageErr("%v", err)
		}
		defer f.Close()
		in = f
	}
	segs, skipped, err := track.Read(in)
	if err != nil {
		return usageErr("%s: %v", name, err)
	}
	rep := track.Follow(segs, p)
	rep.Skipped = skipped
	if *asJSON {
		return rep.WriteJSON(stdout)
	}
	return rep.WriteText(stdout)
}
