package gen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"
	"github.com/tcpfsm/tcpfsm/spec"
)

func (g *generator) doc() (*jen.File, error) {
	sp := g.sp
	f := g.newFile(g.opt.Package)
	var b strings.Builder
	fmt.Fprintf(&b, "Package %s is the state table of machine %s", g.opt.Package, sp.Machine)
	if sp.Doc != "" {
		fmt.Fprintf(&b, ": %s", strings.TrimSuffix(sp.Doc, "."))
	}
	b.WriteString(".\n\n")
	fmt.Fprintf(&b, "It is generated from %s, in which every transition cites the document that demands it. "+
		"Step decides an event in a state and returns the Transition: the next State, the Actions to take, "+
		"and the RuleID of the spec line that decided it, whose Cite, Spec and Reason say why. "+
		"Every (State, Event) cell is decided: a move, or an explicit ignore or reject with its reason.\n\n", sp.File)
	fmt.Fprintf(&b, "Step follows the behaviour switches of profile %s, the spec's first; "+
		"Profile.Step and StepWith follow another profile's. The profiles (%s) also carry the timer durations.\n\n",
		g.reference.Name, strings.Join(sp.ProfileNames(), ", "))
	b.WriteString("The zero State, Event and Timer are invalid, so a value that was never set is caught; Step returns ok=false for them and never allocates or panics. " +
		"The zero Action is the empty set.\n\n")
	b.WriteString("README.md in this directory shows the state diagram and every transition with its citation.")
	if len(g.opt.Verification) > 0 {
		b.WriteString("\n\nVerification:\n")
		for _, v := range g.opt.Verification {
			b.WriteString("  - " + v + "\n")
		}
	}
	lines := wrapKeepIndent(b.String(), 76)
	for i, l := range lines {
		lines[i] = strings.TrimRight("// "+l, " ")
	}
	f.PackageComment(strings.Join(lines, "\n"))
	return f, nil
}

// wrapKeepIndent wraps paragraphs, leaving indented lines (lists) alone.
func wrapKeepIndent(text string, width int) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		if strings.HasPrefix(para, "  ") {
			out = append(out, para)
			continue
		}
		out = append(out, wrap(para, width)...)
	}
	return out
}

// enum emits a uint8 enumeration whose zero value is invalid, with names,
// docs, Valid, String and Doc.
func (g *generator) enum(f *jen.File, typ, typDoc, numDoc string, names, specNames, docs []string) {
	f.Add(comment(typDoc)).Line().Type().Id(typ).Uint8()
	f.Const().DefsFunc(func(d *jen.Group) {
		for i, n := range names {
			doc := fmt.Sprintf("%s is %s", n, specNames[i])
			if docs[i] != "" {
				doc += ": " + sentence(docs[i])
			} else {
				doc += "."
			}
			d.Add(comment(doc)).Line().Id(n).Id(typ).Op("=").Lit(i + 1)
		}
	})
	num := "Num" + plural(typ)
	f.Add(comment(numDoc)).Line().Const().Id(num).Op("=").Lit(len(names) + 1)
	f.Var().Id(lower(typ) + "Names").Op("=").Index(jen.Id(num)).String().ValuesFunc(func(v *jen.Group) {
		v.Lit("")
		for _, s := range specNames {
			v.Lit(s)
		}
	})
	f.Var().Id(lower(typ) + "Docs").Op("=").Index(jen.Id(num)).String().ValuesFunc(func(v *jen.Group) {
		v.Lit("")
		for _, s := range docs {
			v.Lit(s)
		}
	})
	recv := strings.ToLower(typ[:1])
	f.Comment(fmt.Sprintf("Valid reports whether %s is one of the declared %s, not the zero value or out of range.", recv, plural(typ)))
	f.Func().Params(jen.Id(recv).Id(typ)).Id("Valid").Params().Bool().Block(
		jen.Return(jen.Id(recv).Op("!=").Lit(0).Op("&&").Id(recv).Op("<").Id(num)),
	)
	f.Comment(fmt.Sprintf("String returns the name the spec gives %s.", recv))
	f.Func().Params(jen.Id(recv).Id(typ)).Id("String").Params().String().Block(
		jen.Return(jen.Id("enumString").Call(jen.Id(lower(typ)+"Names").Index(jen.Empty(), jen.Empty()), jen.Lit(typ), jen.Int().Call(jen.Id(recv)))),
	)
	f.Comment(fmt.Sprintf("Doc returns the spec's description of %s, or \"\" for an invalid %s.", recv, typ))
	f.Func().Params(jen.Id(recv).Id(typ)).Id("Doc").Params().String().Block(
		jen.Return(valueAt(lower(typ)+"Docs", recv)),
	)
}

// enumHelpers emits what the methods of every enumeration share: State,
// Event, Timer and Verdict index their arrays from 1, leaving 0 to the
// invalid zero value.
func (g *generator) enumHelpers(f *jen.File) {
	f.Add(comment("enumString is the String of an enumeration: names[i], or TYPE(i) for an i that is not declared, such as the zero value."))
	f.Func().Id("enumString").Params(jen.Id("names").Index().String(), jen.Id("typ").String(), jen.Id("i").Int()).String().Block(
		jen.If(jen.Id("i").Op("<=").Lit(0).Op("||").Id("i").Op(">=").Len(jen.Id("names"))).Block(
			jen.Return(jen.Id("typ").Op("+").Lit("(").Op("+").Qual("strconv", "Itoa").Call(jen.Id("i")).Op("+").Lit(")")),
		),
		jen.Return(jen.Id("names").Index(jen.Id("i"))),
	)
	f.Add(comment("valueAt returns list[i], or the zero T for an i that is not declared, such as the zero value: what Doc, Expiry, Timer and the timer actions return."))
	f.Func().Id("valueAt").Types(jen.Id("T").Any()).Params(jen.Id("list").Index().Id("T"), jen.Id("i").Int()).Id("T").Block(
		jen.If(jen.Id("i").Op("<=").Lit(0).Op("||").Id("i").Op(">=").Len(jen.Id("list"))).Block(
			jen.Var().Id("zero").Id("T"),
			jen.Return(jen.Id("zero")),
		),
		jen.Return(jen.Id("list").Index(jen.Id("i"))),
	)
}

// valueAt renders valueAt(array[:], int(i)): the element of a generated
// array that an enumeration value i indexes, or the zero value.
func valueAt(array, i string) *jen.Statement {
	return jen.Id("valueAt").Call(jen.Id(array).Index(jen.Empty(), jen.Empty()), jen.Int().Call(jen.Id(i)))
}

// plural is the English plural of a type name: States, Classes.
func plural(s string) string {
	if strings.HasSuffix(s, "s") {
		return s + "es"
	}
	return s + "s"
}

func lower(s string) string { return strings.ToLower(s[:1]) + s[1:] }

func (g *generator) types() (*jen.File, error) {
	return g.file(g.specConsts, g.enums, g.enumHelpers, g.timerEvents,
		g.actionType, g.actionString, g.timerActions, g.verdictType, g.switchesType), nil
}

// specConsts emits what names the spec: its hash, its file and its machine.
func (g *generator) specConsts(f *jen.File) {
	f.Comment("SpecHash identifies the spec this package was generated from; the other files check it at compile time.")
	f.Const().Id("SpecHash").Op("=").Lit(g.hash)
	f.Comment("SpecFile is the spec this package was generated from.")
	f.Const().Id("SpecFile").Op("=").Lit(g.sp.File)
	f.Comment("Machine is the name of the spec's machine.")
	f.Const().Id("Machine").Op("=").Lit(g.sp.Machine)
}

// enums emits the State, Event and Timer enumerations.
func (g *generator) enums(f *jen.File) {
	sp := g.sp
	var names, specNames, docs []string
	for _, s := range sp.States {
		names, specNames, docs = append(names, g.state[s]), append(specNames, s.Name), append(docs, s.Doc)
	}
	g.enum(f, "State", "State is a state of machine "+sp.Machine+". The zero value is invalid, so a State that was never set is not taken for the initial state.",
		"NumStates counts the States plus the invalid zero value, so that a State indexes a Table directly.", names, specNames, docs)

	names, specNames, docs = nil, nil, nil
	for _, e := range sp.Events {
		names, specNames, docs = append(names, g.event[e]), append(specNames, e.String()), append(docs, e.Doc)
	}
	g.enum(f, "Event", "Event is what a state decides about: an application call (App...), a received segment as the stack classifies it (Rcv...), or a timer's expiry (Timeout...). The zero value is invalid.",
		"NumEvents counts the Events plus the invalid zero value, so that an Event indexes a Table row directly.", names, specNames, docs)

	names, specNames, docs = nil, nil, nil
	for _, t := range sp.Timers {
		names, specNames, docs = append(names, g.timer[t]), append(specNames, t.Name), append(docs, t.Doc)
	}
	g.enum(f, "Timer", "Timer is one of the connection's timers. Its expiry is an Event; Start, Restart and Stop actions arm and disarm it. The zero value is invalid.",
		"NumTimers counts the Timers plus the invalid zero value.", names, specNames, docs)
}

// timerEvents emits the maps between a timer and its expiry event, both
// ways.
func (g *generator) timerEvents(f *jen.File) {
	sp := g.sp
	f.Var().Id("timerEvents").Op("=").Index(jen.Id("NumTimers")).Id("Event").ValuesFunc(func(v *jen.Group) {
		v.Lit(0)
		for _, t := range sp.Timers {
			v.Id(g.event[t.Event])
		}
	})
	f.Var().Id("eventTimers").Op("=").Index(jen.Id("NumEvents")).Id("Timer").ValuesFunc(func(v *jen.Group) {
		for _, e := range sp.Events {
			if e.Timer != nil {
				v.Id(g.event[e]).Op(":").Id(g.timer[e.Timer])
			}
		}
	})
	f.Comment("Expiry returns the event of t's expiry, or the zero Event for an invalid t.")
	f.Func().Params(jen.Id("t").Id("Timer")).Id("Expiry").Params().Id("Event").Block(
		jen.Return(valueAt("timerEvents", "t")),
	)
	f.Comment("Timer returns the timer whose expiry e is, or the zero Timer when e is not a timeout.")
	f.Func().Params(jen.Id("e").Id("Event")).Id("Timer").Params().Id("Timer").Block(
		jen.Return(valueAt("eventTimers", "e")),
	)
	f.Var().Id("timerGivesUp").Op("=").Index(jen.Id("NumTimers")).Bool().ValuesFunc(func(v *jen.Group) {
		for _, t := range sp.Timers {
			if t.GiveUp != "" {
				v.Id(g.timer[t]).Op(":").True()
			}
		}
	})
	f.Add(comment("GivesUp reports whether the spec declares t as a timer that may end a connection by giving up (giveup): " +
		"with the FIN exchange and a RST sent or received, the only ways a connection may end."))
	f.Func().Params(jen.Id("t").Id("Timer")).Id("GivesUp").Params().Bool().Block(
		jen.Return(valueAt("timerGivesUp", "t")),
	)
}

// actionType emits the Action bit set and one constant per possible
// action, documented with its segment's or signal's description.
func (g *generator) actionType(f *jen.File) {
	sp := g.sp
	f.Add(comment("Action is a set of things to do when a transition is taken, one bit each: send a segment, start, restart or stop a timer, tell the application. The zero Action is the empty set. A Start arms a stopped timer; a Restart arms it again from its full interval even when it runs (a retransmission timer backs off); a Stop disarms it. A send FIN queues the FIN behind any unsent data.")).Line().Type().Id("Action").Uint64()
	f.Const().DefsFunc(func(d *jen.Group) {
		for _, a := range sp.Actions {
			doc := fmt.Sprintf("%s: %s", g.action[a], a.String())
			switch a.Op {
			case spec.Send:
				if a.Segment.Doc != "" {
					doc += " (" + strings.TrimSuffix(a.Segment.Doc, ".") + ")"
				}
			case spec.Tell:
				if a.Signal.Doc != "" {
					doc += " (" + strings.TrimSuffix(a.Signal.Doc, ".") + ")"
				}
			}
			d.Add(comment(doc + ".")).Line().Id(g.action[a]).Id("Action").Op("=").Lit(1).Op("<<").Lit(a.Bit)
		}
	})
	f.Comment("NumActions is the number of distinct actions: the bits an Action may have.")
	f.Const().Id("NumActions").Op("=").Lit(len(sp.Actions))
}

// actionString emits Action's names, Has and String.
func (g *generator) actionString(f *jen.File) {
	f.Var().Id("actionNames").Op("=").Index(jen.Id("NumActions")).String().ValuesFunc(func(v *jen.Group) {
		for _, a := range g.sp.Actions {
			v.Lit(a.String())
		}
	})
	f.Comment("Has reports whether a includes every action of b.")
	f.Func().Params(jen.Id("a").Id("Action")).Id("Has").Params(jen.Id("b").Id("Action")).Bool().Block(
		jen.Return(jen.Id("a").Op("&").Id("b").Op("==").Id("b")),
	)
	f.Comment(`String lists the actions as the spec writes them, "send ACK; restart time_wait", or "none".`)
	f.Func().Params(jen.Id("a").Id("Action")).Id("String").Params().String().Block(
		jen.If(jen.Id("a").Op("==").Lit(0)).Block(jen.Return(jen.Lit("none"))),
		jen.Var().Id("b").Qual("strings", "Builder"),
		jen.For(jen.Id("i").Op(":=").Range().Id("actionNames")).Block(
			jen.If(jen.Id("a").Op("&").Parens(jen.Lit(1).Op("<<").Id("i")).Op("!=").Lit(0)).Block(
				jen.If(jen.Id("b").Dot("Len").Call().Op(">").Lit(0)).Block(jen.Id("b").Dot("WriteString").Call(jen.Lit("; "))),
				jen.Id("b").Dot("WriteString").Call(jen.Id("actionNames").Index(jen.Id("i"))),
			),
		),
		jen.If(jen.Id("rest").Op(":=").Id("a").Op(">>").Id("NumActions"), jen.Id("rest").Op("!=").Lit(0)).Block(
			jen.If(jen.Id("b").Dot("Len").Call().Op(">").Lit(0)).Block(jen.Id("b").Dot("WriteString").Call(jen.Lit("; "))),
			jen.Qual("fmt", "Fprintf").Call(jen.Op("&").Id("b"), jen.Lit("Action(%#x)"), jen.Uint64().Call(jen.Id("rest").Op("<<").Id("NumActions"))),
		),
		jen.Return(jen.Id("b").Dot("String").Call()),
	)
}

// timerActions emits StartAction, RestartAction and StopAction: the
// action of each timer operation.
func (g *generator) timerActions(f *jen.File) {
	for _, op := range []spec.Op{spec.Start, spec.Restart, spec.Stop} {
		name := goName(op.String())
		f.Var().Id("timer" + name).Op("=").Index(jen.Id("NumTimers")).Id("Action").ValuesFunc(func(v *jen.Group) {
			v.Lit(0)
			for _, a := range g.sp.Actions {
				if a.Op == op {
					v.Id(g.action[a])
				}
			}
		})
		f.Comment(fmt.Sprintf("%sAction returns the action that %ss t, or the empty Action for an invalid t.", name, op))
		f.Func().Params(jen.Id("t").Id("Timer")).Id(name + "Action").Params().Id("Action").Block(
			jen.Return(valueAt("timer"+name, "t")),
		)
	}
}

// verdicts are the spec's verdicts, with what each does. The generated
// constants and their String take the spec's names for them.
var verdicts = []struct {
	v   spec.Verdict
	doc string
}{
	{spec.Move, "takes a transition, possibly back to the same state."},
	{spec.Ignore, "drops the event: nothing happens."},
	{spec.Reject, "refuses the event: an application call fails; the state stays."},
}

// verdictType emits Verdict, its constants and String.
func (g *generator) verdictType(f *jen.File) {
	f.Comment("Verdict is how a cell decides its event. The zero value is invalid.")
	f.Type().Id("Verdict").Uint8()
	var names []string
	f.Const().DefsFunc(func(d *jen.Group) {
		for _, v := range verdicts {
			name := goName(v.v.String())
			d.Comment(name + " " + v.doc).Line().Id(name).Id("Verdict").Op("=").Lit(int(v.v))
			names = append(names, v.v.String())
		}
	})
	f.Var().Id("verdictNames").Op("=").Index(jen.Op("...")).String().ValuesFunc(func(d *jen.Group) {
		for _, v := range verdicts {
			d.Id(goName(v.v.String())).Op(":").Lit(v.v.String())
		}
	})
	last := len(names) - 1
	f.Comment(fmt.Sprintf("String returns %s or %s.", strings.Join(names[:last], ", "), names[last]))
	f.Func().Params(jen.Id("v").Id("Verdict")).Id("String").Params().String().Block(
		jen.Return(jen.Id("enumString").Call(jen.Id("verdictNames").Index(jen.Empty(), jen.Empty()), jen.Lit("Verdict"), jen.Int().Call(jen.Id("v")))),
	)
}

// switchesType emits the Switches set, one constant per switch, and
// String.
func (g *generator) switchesType(f *jen.File) {
	sp := g.sp
	f.Comment("Switches is a set of behaviour switches, as a profile sets them. A cell that depends on a switch decides differently when it is on.")
	f.Type().Id("Switches").Uint8()
	if len(sp.Switches) > 0 {
		f.Const().DefsFunc(func(d *jen.Group) {
			for _, s := range sp.Switches {
				d.Add(comment(fmt.Sprintf("%s is switch %s: %s", g.swName[s], s.Name, sentence(s.Doc)))).Line().
					Id(g.swName[s]).Id("Switches").Op("=").Lit(1).Op("<<").Lit(s.Bit)
			}
		})
	}
	f.Comment("NumSwitchSets is the number of distinct switch sets.")
	f.Const().Id("NumSwitchSets").Op("=").Lit(1 << len(sp.Switches))
	f.Var().Id("switchNames").Op("=").Index(jen.Lit(len(sp.Switches))).String().ValuesFunc(func(v *jen.Group) {
		for _, s := range sp.Switches {
			v.Lit(s.Name)
		}
	})
	f.Comment(`String lists the switches that are on, as the spec names them, or "none".`)
	f.Func().Params(jen.Id("s").Id("Switches")).Id("String").Params().String().Block(
		jen.If(jen.Id("s").Op("==").Lit(0)).Block(jen.Return(jen.Lit("none"))),
		jen.Var().Id("parts").Index().String(),
		jen.For(jen.Id("i").Op(":=").Range().Id("switchNames")).Block(
			jen.If(jen.Id("s").Op("&").Parens(jen.Lit(1).Op("<<").Id("i")).Op("!=").Lit(0)).Block(
				jen.Id("parts").Op("=").Append(jen.Id("parts"), jen.Id("switchNames").Index(jen.Id("i"))),
			),
		),
		jen.If(jen.Id("s").Op(">=").Id("NumSwitchSets")).Block(
			jen.Id("parts").Op("=").Append(jen.Id("parts"), jen.Qual("fmt", "Sprintf").Call(jen.Lit("Switches(%#x)"), jen.Uint8().Call(jen.Id("s").Op("&^").Parens(jen.Id("NumSwitchSets").Op("-").Lit(1))))),
		),
		jen.Return(jen.Qual("strings", "Join").Call(jen.Id("parts"), jen.Lit(" "))),
	)
}
