package gen

import (
	"fmt"

	"github.com/dave/jennifer/jen"
	"github.com/tcpfsm/tcpfsm/spec"
)

// actionsCode renders an action set as SendAck | RestartTimeWait.
func (g *generator) actionsCode(r *spec.Rule) *jen.Statement {
	s := jen.Null()
	for i, a := range r.Actions {
		if i > 0 {
			s.Op("|")
		}
		s.Id(g.action[a])
	}
	return s
}

// transition renders the Transition a rule decides.
func (g *generator) transition(r *spec.Rule) *jen.Statement {
	return jen.ValuesFunc(func(v *jen.Group) {
		v.Id("Next").Op(":").Id(g.state[r.Next])
		v.Id("Verdict").Op(":").Id(goName(r.Verdict.String()))
		v.Id("Rule").Op(":").Lit(r.Index)
		if len(r.Actions) > 0 {
			v.Id("Actions").Op(":").Add(g.actionsCode(r))
		}
	})
}

func (g *generator) table() (*jen.File, error) {
	return g.file(g.tableTypes, g.referenceTable, g.switchedCells, g.stepFuncs, g.ruleInfo, g.guards), nil
}

// tableTypes emits RuleID, Transition and Table.
func (g *generator) tableTypes(f *jen.File) {
	f.Comment("RuleID identifies a rule of the spec, counting from 1 in spec order; 0 is no rule.")
	f.Type().Id("RuleID").Uint16()
	f.Comment("NumRules counts the rules plus the zero RuleID.")
	f.Const().Id("NumRules").Op("=").Lit(len(g.sp.Rules) + 1)

	f.Add(comment("Transition is what a state does with an event: the verdict, the next state (the same state for Ignore and Reject), the actions to take, and the rule of the spec that decided it."))
	f.Type().Id("Transition").Struct(
		jen.Id("Next").Id("State"),
		jen.Id("Verdict").Id("Verdict"),
		jen.Id("Rule").Id("RuleID"),
		jen.Id("Actions").Id("Action"),
	)
	f.Add(comment("Table holds the Transition of every (State, Event) cell under one switch set. Row 0 and column 0 belong to the invalid zero values and stay zero."))
	f.Type().Id("Table").Index(jen.Id("NumStates")).Index(jen.Id("NumEvents")).Id("Transition")
}

// referenceTable emits the table under the reference profile's switches,
// every cell as the spec decides it.
func (g *generator) referenceTable(f *jen.File) {
	sp := g.sp
	ref := g.reference.Switches()
	f.Add(comment(fmt.Sprintf("reference is the table under the switches of profile %s (%s), cell by cell as the spec decides it.", g.reference.Name, switchList(sp, ref))))
	f.Var().Id("reference").Op("=").Id("Table").ValuesFunc(func(rows *jen.Group) {
		for _, s := range sp.States {
			rows.Line().Id(g.state[s]).Op(":").ValuesFunc(func(cells *jen.Group) {
				for _, e := range sp.Events {
					r := sp.Decide(s, e, ref)
					cells.Line().Id(g.event[e]).Op(":").Add(g.transition(r))
				}
				cells.Line()
			})
		}
		rows.Line()
	})
}

// switchedCells emits the cells that depend on a switch, and the init
// that fills one table per switch set from them and the reference table.
func (g *generator) switchedCells(f *jen.File) {
	sp := g.sp
	f.Add(comment("switched lists the cells that depend on a switch, with the transition for each side."))
	f.Var().Id("switched").Op("=").Index(jen.Op("...")).Struct(
		jen.Id("state").Id("State"),
		jen.Id("event").Id("Event"),
		jen.Id("sw").Id("Switches"),
		jen.List(jen.Id("on"), jen.Id("off")).Id("Transition"),
	).ValuesFunc(func(v *jen.Group) {
		for _, s := range sp.States {
			for _, e := range sp.Events {
				rules := sp.CellRules(s, e)
				if len(rules) != 2 {
					continue
				}
				on, off := rules[0], rules[1]
				if !on.Guard.On {
					on, off = off, on
				}
				v.Line().Values(jen.Id(g.state[s]), jen.Id(g.event[e]), jen.Id(g.swName[on.Guard.Switch]),
					jen.Id("Transition").Add(g.transition(on)), jen.Id("Transition").Add(g.transition(off)))
			}
		}
		v.Line()
	})
	f.Comment("tables holds one Table per switch set, filled from reference and switched.")
	f.Var().Id("tables").Index(jen.Id("NumSwitchSets")).Id("Table")
	f.Func().Id("init").Params().Block(
		jen.For(jen.Id("sw").Op(":=").Range().Id("tables")).Block(
			jen.Id("tables").Index(jen.Id("sw")).Op("=").Id("reference"),
			jen.For(jen.List(jen.Id("_"), jen.Id("c")).Op(":=").Range().Id("switched")).Block(
				jen.Id("t").Op(":=").Id("c").Dot("off"),
				jen.If(jen.Id("Switches").Call(jen.Id("sw")).Op("&").Id("c").Dot("sw").Op("!=").Lit(0)).Block(
					jen.Id("t").Op("=").Id("c").Dot("on"),
				),
				jen.Id("tables").Index(jen.Id("sw")).Index(jen.Id("c").Dot("state")).Index(jen.Id("c").Dot("event")).Op("=").Id("t"),
			),
		),
	)
}

// stepFuncs emits Step, StepWith, StepFunc and TableOf.
func (g *generator) stepFuncs(f *jen.File) {
	f.Comment(fmt.Sprintf("referenceSwitches are the switches of profile %s, which Step follows.", g.reference.Name))
	f.Const().Id("referenceSwitches").Op("=").Add(g.switchesCode(g.reference.Switches()))

	f.Add(comment(fmt.Sprintf("Step decides event e in state s under the switches of profile %s. "+
		"For an invalid state or event it returns the zero Transition and ok=false. It never allocates and never panics.", g.reference.Name)))
	f.Func().Id("Step").Params(jen.Id("s").Id("State"), jen.Id("e").Id("Event")).Params(jen.Id("Transition"), jen.Bool()).Block(
		jen.Return(jen.Id("StepWith").Call(jen.Id("referenceSwitches"), jen.Id("s"), jen.Id("e"))),
	)
	f.Add(comment("StepWith decides event e in state s under the switch set sw. " +
		"For an invalid state, event or switch set it returns the zero Transition and ok=false. It never allocates and never panics."))
	f.Func().Id("StepWith").Params(jen.Id("sw").Id("Switches"), jen.Id("s").Id("State"), jen.Id("e").Id("Event")).Params(jen.Id("Transition"), jen.Bool()).Block(
		jen.If(jen.Id("sw").Op(">=").Id("NumSwitchSets").Op("||").Id("s").Op("==").Lit(0).Op("||").Id("s").Op(">=").Id("NumStates").
			Op("||").Id("e").Op("==").Lit(0).Op("||").Id("e").Op(">=").Id("NumEvents")).Block(
			jen.Return(jen.Id("Transition").Values(), jen.False()),
		),
		jen.Return(jen.Id("tables").Index(jen.Id("sw")).Index(jen.Id("s")).Index(jen.Id("e")), jen.True()),
	)
	f.Add(comment("StepFunc is the shape of StepWith: a table that decides event e in state s under switch set sw. " +
		"A checker or simulator that takes a StepFunc runs this table or any other of the same vocabulary, such as a spec's interpreter."))
	f.Type().Id("StepFunc").Func().Params(jen.Id("sw").Id("Switches"), jen.Id("s").Id("State"), jen.Id("e").Id("Event")).Params(jen.Id("Transition"), jen.Bool())
	f.Comment("TableOf returns a copy of the table under switch set sw, or ok=false for an invalid set.")
	f.Func().Id("TableOf").Params(jen.Id("sw").Id("Switches")).Params(jen.Id("Table"), jen.Bool()).Block(
		jen.If(jen.Id("sw").Op(">=").Id("NumSwitchSets")).Block(jen.Return(jen.Id("Table").Values(), jen.False())),
		jen.Return(jen.Id("tables").Index(jen.Id("sw")), jen.True()),
	)
}

// ruleInfo emits what the package knows of each rule, and RuleID's
// accessors for it.
func (g *generator) ruleInfo(f *jen.File) {
	sp := g.sp
	f.Type().Id("ruleInfo").Struct(
		jen.Id("state").Id("State"),
		jen.Id("event").Id("Event"),
		jen.List(jen.Id("spec"), jen.Id("cite"), jen.Id("reason"), jen.Id("guard"), jen.Id("text")).String(),
	)
	f.Var().Id("rules").Op("=").Index(jen.Id("NumRules")).Id("ruleInfo").ValuesFunc(func(v *jen.Group) {
		for _, r := range sp.Rules {
			guard := ""
			if r.Guard != nil {
				guard = r.Guard.String()
			}
			v.Line().Lit(r.Index).Op(":").Values(
				jen.Id(g.state[r.State]), jen.Id(g.event[r.Event]),
				jen.Lit(fmt.Sprintf("%s:%d", sp.File, r.Pos.Line)), jen.Lit(r.Cite.String()),
				jen.Lit(r.Reason), jen.Lit(guard), jen.Lit(r.Text),
			)
		}
		v.Line()
	})
	f.Comment("Valid reports whether r names a rule of the spec.")
	f.Func().Params(jen.Id("r").Id("RuleID")).Id("Valid").Params().Bool().Block(
		jen.Return(jen.Id("r").Op("!=").Lit(0).Op("&&").Id("r").Op("<").Id("NumRules")),
	)
	f.Add(comment("info returns what the package knows of rule r. An invalid r gets rules[0], the zero RuleID's, which is empty."))
	f.Func().Params(jen.Id("r").Id("RuleID")).Id("info").Params().Op("*").Id("ruleInfo").Block(
		jen.If(jen.Op("!").Id("r").Dot("Valid").Call()).Block(jen.Return(jen.Op("&").Id("rules").Index(jen.Lit(0)))),
		jen.Return(jen.Op("&").Id("rules").Index(jen.Id("r"))),
	)
	accessor := func(name, field, typ, doc string) {
		f.Comment(doc)
		f.Func().Params(jen.Id("r").Id("RuleID")).Id(name).Params().Id(typ).Block(
			jen.Return(jen.Id("r").Dot("info").Call().Dot(field)),
		)
	}
	accessor("Spec", "spec", "string", `Spec returns where the rule stands in the spec, "file:line".`)
	accessor("Cite", "cite", "string", `Cite returns the document and section that demand the rule, such as "RFC9293 3.10.7.4 ...".`)
	accessor("Reason", "reason", "string", "Reason returns why an ignore or reject decides its cell, or the note of a move.")
	accessor("Guard", "guard", "string", `Guard returns the switch condition the rule holds under, "if rfc1337" or "unless rfc1337", or "" for every profile.`)
	accessor("Text", "text", "string", "Text returns the rule's line in the spec.")
	accessor("State", "state", "State", "State returns the state whose cell the rule decides.")
	accessor("Event", "event", "Event", "Event returns the event whose cell the rule decides.")
}

// switchesCode renders a switch set as RFC1337 | SynReopensTimeWait, or 0.
func (g *generator) switchesCode(sw uint64) *jen.Statement {
	s := jen.Null()
	n := 0
	for _, x := range g.sp.Switches {
		if sw>>uint(x.Bit)&1 == 1 {
			if n > 0 {
				s.Op("|")
			}
			s.Id(g.swName[x])
			n++
		}
	}
	if n == 0 {
		return jen.Id("Switches").Call(jen.Lit(0))
	}
	return s
}

func switchList(sp *spec.Spec, sw uint64) string {
	out := ""
	for _, x := range sp.Switches {
		if sw>>uint(x.Bit)&1 == 1 {
			if out != "" {
				out += ", "
			}
			out += x.Name + " on"
		}
	}
	if out == "" {
		return "every switch off"
	}
	return out
}

// guards emits compile-time checks that break the build when this file
// and types.go were generated from different specs, or when a constant
// moved: the stringer idiom, plus a map literal whose keys collide unless
// the two spec hashes are equal.
func (g *generator) guards(f *jen.File) {
	sp := g.sp
	f.Comment("The build breaks here when this file is stale: when types.go comes from another spec, or a constant moved.")
	f.Func().Id("_").Params().BlockFunc(func(b *jen.Group) {
		b.Id("_").Op("=").Map(jen.Bool()).Int().Values(jen.Lit(false).Op(":").Lit(0), jen.Id("SpecHash").Op("==").Lit(g.hash).Op(":").Lit(1))
		b.Var().Id("x").Index(jen.Lit(1)).Struct()
		for _, s := range sp.States {
			b.Id("_").Op("=").Id("x").Index(jen.Id(g.state[s]).Op("-").Lit(s.Index))
		}
		for _, e := range sp.Events {
			b.Id("_").Op("=").Id("x").Index(jen.Id(g.event[e]).Op("-").Lit(e.Index))
		}
		for _, t := range sp.Timers {
			b.Id("_").Op("=").Id("x").Index(jen.Id(g.timer[t]).Op("-").Lit(t.Index))
		}
		for _, a := range sp.Actions {
			b.Id("_").Op("=").Id("x").Index(jen.Id(g.action[a]).Op("-").Lit(1).Op("<<").Lit(a.Bit))
		}
		for _, s := range sp.Switches {
			b.Id("_").Op("=").Id("x").Index(jen.Id(g.swName[s]).Op("-").Lit(1).Op("<<").Lit(s.Bit))
		}
		b.Id("_").Op("=").Id("x").Index(jen.Id("NumStates").Op("-").Lit(len(sp.States) + 1))
		b.Id("_").Op("=").Id("x").Index(jen.Id("NumEvents").Op("-").Lit(len(sp.Events) + 1))
		b.Id("_").Op("=").Id("x").Index(jen.Id("NumTimers").Op("-").Lit(len(sp.Timers) + 1))
		b.Id("_").Op("=").Id("x").Index(jen.Id("NumActions").Op("-").Lit(len(sp.Actions)))
	})
}
