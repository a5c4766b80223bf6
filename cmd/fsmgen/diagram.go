package main

import (
	"fmt"
	"io"

	"github.com/tcpfsm/tcpfsm/diagram"
)

func runDiagram(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("diagram", stderr)
	specPath := fs.String("spec", "", "spec `file` (default: the embedded TCP spec)")
	format := fs.String("format", "mermaid", "output `format`: mermaid or dot")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	path, err := specArg(fs, *specPath)
	if err != nil {
		return err
	}
	var render func() string
	sp, err := loadSpec(path)
	if err != nil {
		return err
	}
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
