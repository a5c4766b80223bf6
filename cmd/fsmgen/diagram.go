package main

import (
	"fmt"
	"io"

	"github.com/tcpfsm/tcpfsm/diagram"
)

func runDiagram(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("diagram", stderr)
	sf := newSpecFlag(fs, defaultSpecUsage)
	format := fs.String("format", "mermaid", "output `format`: mermaid or dot")
	sp, _, err := sf.load(args)
	if err != nil {
		return err
	}
	var render func() string
	switch *format {
	case "mermaid":
		render = func() string { return diagram.Mermaid(sp) }
	case "dot":
		render = func() string { return diagram.Dot(sp) }
	default:
		return usageErr("fsmgen diagram: unknown format %q: want mermaid or dot", *format)
	}
	_, err = fmt.Fprint(stdout, render())
	return err
}
