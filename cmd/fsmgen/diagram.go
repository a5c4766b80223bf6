package main

import (
	"fmt"
	"io"

	"github.com/tcpfsm/tcpfsm/diagram"
)

// runDiagram prints the state diagram of the spec: Mermaid, which renders
// where Markdown does, or dot for Graphviz.
func runDiagram(c *specCommand, args []string, stdout, stderr io.Writer) error {
	format := c.String("format", "mermaid", "output `format`: mermaid or dot")
	sp, _, err := c.load(args)
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
		return usageErr("unknown format %q: want mermaid or dot", *format)
	}
	_, err = fmt.Fprint(stdout, render())
	return err
}
