package gen

import (
	"fmt"
	"strings"
	"time"

	"github.com/dave/jennifer/jen"
	"github.com/tcpfsm/tcpfsm/spec"
)

// durationCode renders d as a time constant expression: 60 * time.Second.
func durationCode(d time.Duration) *jen.Statement {
	units := []struct {
		d    time.Duration
		name string
	}{{time.Hour, "Hour"}, {time.Minute, "Minute"}, {time.Second, "Second"}, {time.Millisecond, "Millisecond"}, {time.Microsecond, "Microsecond"}}
	for _, u := range units {
		if d%u.d == 0 {
			if d == u.d {
				return jen.Qual("time", u.name)
			}
			return jen.Lit(int(d/u.d)).Op("*").Qual("time", u.name)
		}
	}
	return jen.Qual("time", "Duration").Call(jen.Lit(int(d)))
}

func (g *generator) profiles() (*jen.File, error) {
	return g.file(g.profileType, g.profileVars, g.profileLookups, g.profileMethods), nil
}

// profileType emits the Profile struct: one field per timer and duration.
func (g *generator) profileType(f *jen.File) {
	sp := g.sp
	f.Add(comment("Profile is one operating system's (or the RFC's) choice of timer durations and behaviour switches. A zero duration means the profile has no such timer or value."))
	f.Type().Id("Profile").StructFunc(func(s *jen.Group) {
		s.Comment("Name is the profile's name in the spec, such as \"linux\".")
		s.Id("Name").String()
		s.Comment("Doc describes the profile.")
		s.Id("Doc").String()
		s.Comment("Switches are the behaviour switches the profile turns on.")
		s.Id("Switches").Id("Switches")
		for _, t := range sp.Timers {
			s.Add(comment(fmt.Sprintf("%s is the duration of timer %s: %s", g.field[t.Name], t.Name, sentence(t.Doc))))
			s.Id(g.field[t.Name]).Qual("time", "Duration")
		}
		for _, d := range sp.Durations {
			s.Add(comment(fmt.Sprintf("%s is %s: %s", g.field[d.Name], d.Name, sentence(d.Doc))))
			s.Id(g.field[d.Name]).Qual("time", "Duration")
		}
		for _, c := range sp.Counts {
			s.Add(comment(fmt.Sprintf("%s is %s: %s Zero means none: no such limit.", g.field[c.Name], c.Name, sentence(c.Doc))))
			s.Id(g.field[c.Name]).Int()
		}
	})
}

// profileVars emits one variable per profile, each value with its
// citation.
func (g *generator) profileVars(f *jen.File) {
	for _, p := range g.sp.Profiles {
		f.Add(comment(fmt.Sprintf("%s is profile %s: %s", g.profile[p], p.Name, sentence(p.Doc))))
		f.Var().Id(g.profile[p]).Op("=").Id("Profile").ValuesFunc(func(v *jen.Group) {
			v.Line().Id("Name").Op(":").Lit(p.Name)
			v.Line().Id("Doc").Op(":").Lit(p.Doc)
			v.Line().Id("Switches").Op(":").Add(g.switchesCode(p.Switches()))
			for _, val := range p.Values {
				if val.Switch != nil || val.None {
					continue
				}
				value := durationCode(val.Length)
				if val.Count != nil {
					value = jen.Lit(val.N)
				}
				v.Line().Comment(val.Cite.String()).Line().Id(g.field[val.Name]).Op(":").Add(value)
			}
			v.Line()
		})
	}
}

// profileLookups emits Profiles, ProfileByName and Profile.Timer.
func (g *generator) profileLookups(f *jen.File) {
	sp := g.sp
	f.Comment("Profiles returns every profile, in spec order.")
	f.Func().Id("Profiles").Params().Index().Id("Profile").Block(
		jen.Return(jen.Index().Id("Profile").ValuesFunc(func(v *jen.Group) {
			for _, p := range sp.Profiles {
				v.Id(g.profile[p])
			}
		})),
	)
	f.Comment("ProfileByName returns the profile the spec names name, or ok=false.")
	f.Func().Id("ProfileByName").Params(jen.Id("name").String()).Params(jen.Id("Profile"), jen.Bool()).Block(
		jen.Switch(jen.Id("name")).BlockFunc(func(b *jen.Group) {
			for _, p := range sp.Profiles {
				b.Case(jen.Lit(p.Name)).Block(jen.Return(jen.Id(g.profile[p]), jen.True()))
			}
		}),
		jen.Return(jen.Id("Profile").Values(), jen.False()),
	)
	f.Add(comment("Timer returns the profile's own duration for timer t: 0 when the profile has no such timer or t is invalid. What a timer takes when armed in a state, or after expiries, is Duration and Interval (runtime.go)."))
	f.Func().Params(jen.Id("p").Op("*").Id("Profile")).Id("Timer").Params(jen.Id("t").Id("Timer")).Qual("time", "Duration").Block(
		jen.Switch(jen.Id("t")).BlockFunc(func(b *jen.Group) {
			for _, t := range sp.Timers {
				b.Case(jen.Id(g.timer[t])).Block(jen.Return(jen.Id("p").Dot(g.field[t.Name])))
			}
		}),
		jen.Return(jen.Lit(0)),
	)
}

// profileMethods emits SetDuration, SetCount and Step, and the check that
// this file and types.go come from one spec.
func (g *generator) profileMethods(f *jen.File) {
	sp := g.sp
	f.Add(comment("SetDuration sets the timer or duration the spec names name to d. It reports false for a name the spec does not declare, " +
		"so that a profile built from another spec of this vocabulary cannot leave a timer silently zero."))
	f.Func().Params(jen.Id("p").Op("*").Id("Profile")).Id("SetDuration").Params(jen.Id("name").String(), jen.Id("d").Qual("time", "Duration")).Bool().Block(
		jen.Switch(jen.Id("name")).BlockFunc(func(b *jen.Group) {
			for _, t := range sp.Timers {
				b.Case(jen.Lit(t.Name)).Block(jen.Id("p").Dot(g.field[t.Name]).Op("=").Id("d"))
			}
			for _, d := range sp.Durations {
				b.Case(jen.Lit(d.Name)).Block(jen.Id("p").Dot(g.field[d.Name]).Op("=").Id("d"))
			}
			b.Default().Block(jen.Return(jen.False()))
		}),
		jen.Return(jen.True()),
	)
	if len(sp.Counts) > 0 {
		g.setCount(f)
	}
	f.Comment("Step decides event e in state s under the profile's switches; see StepWith.")
	f.Func().Params(jen.Id("p").Op("*").Id("Profile")).Id("Step").Params(jen.Id("s").Id("State"), jen.Id("e").Id("Event")).Params(jen.Id("Transition"), jen.Bool()).Block(
		jen.Return(jen.Id("StepWith").Call(jen.Id("p").Dot("Switches"), jen.Id("s"), jen.Id("e"))),
	)
	f.Comment("The build breaks here when types.go comes from another spec.")
	f.Func().Id("_").Params().Block(
		jen.Id("_").Op("=").Map(jen.Bool()).Int().Values(jen.Lit(false).Op(":").Lit(0), jen.Id("SpecHash").Op("==").Lit(g.hash).Op(":").Lit(1)),
	)
}

// setCount emits SetCount, for a spec that declares counts.
func (g *generator) setCount(f *jen.File) {
	sp := g.sp
	f.Add(comment("SetCount sets the count the spec names name to n (0 for none). It reports false for a name the spec does not declare as a count."))
	f.Func().Params(jen.Id("p").Op("*").Id("Profile")).Id("SetCount").Params(jen.Id("name").String(), jen.Id("n").Int()).Bool().Block(
		jen.Switch(jen.Id("name")).BlockFunc(func(b *jen.Group) {
			for _, c := range sp.Counts {
				b.Case(jen.Lit(c.Name)).Block(jen.Id("p").Dot(g.field[c.Name]).Op("=").Id("n"))
			}
			b.Default().Block(jen.Return(jen.False()))
		}),
		jen.Return(jen.True()),
	)
}

// exampleWalk returns the events of the package example: the spec's own
// example, or else a walk that takes the first move out of each state,
// never revisiting one.
func (g *generator) exampleWalk() []*spec.Event {
	sp := g.sp
	if len(sp.Example) > 0 {
		return sp.Example
	}
	ref := g.reference.Switches()
	var walk []*spec.Event
	seen := map[*spec.State]bool{}
	s := sp.Initial
	for !seen[s] {
		seen[s] = true
		var next *spec.Rule
		for _, e := range sp.Events {
			if r := sp.Decide(s, e, ref); r.Verdict == spec.Move && r.Next != s {
				next = r
				break
			}
		}
		if next == nil {
			break
		}
		walk = append(walk, next.Event)
		s = next.Next
	}
	return walk
}

func (g *generator) example() (*jen.File, error) {
	sp := g.sp
	f := jen.NewFilePathName(g.opt.ImportPath+"_test", g.opt.Package+"_test")
	f.HeaderComment(g.header())
	f.ImportName(g.opt.ImportPath, g.opt.Package)
	q := func(name string) *jen.Statement { return jen.Qual(g.opt.ImportPath, name) }
	walk := g.exampleWalk()
	ref := g.reference.Switches()
	var out []jen.Code
	s := sp.Initial
	for _, e := range walk {
		r := sp.Decide(s, e, ref)
		acts := g.actionSetString(r.ActionBits())
		out = append(out, jen.Comment(fmt.Sprintf("%s + %s -> %s: %s [%s]", s.Name, e, r.Next.Name, acts, r.Cite)))
		s = r.Next
	}
	f.Add(comment(fmt.Sprintf("Example walks machine %s from %s through the table, printing each step with its actions and the rule's citation.", sp.Machine, sp.Initial.Name)))
	f.Func().Id("Example").Params().BlockFunc(func(b *jen.Group) {
		b.Id("s").Op(":=").Add(q(g.state[sp.Initial]))
		b.For(jen.List(jen.Id("_"), jen.Id("e")).Op(":=").Range().Index().Add(q("Event")).ValuesFunc(func(v *jen.Group) {
			for _, e := range walk {
				v.Add(q(g.event[e]))
			}
		})).Block(
			jen.List(jen.Id("t"), jen.Id("ok")).Op(":=").Add(q("Step")).Call(jen.Id("s"), jen.Id("e")),
			jen.If(jen.Op("!").Id("ok")).Block(
				jen.Qual("fmt", "Println").Call(jen.Lit("invalid state or event")),
				jen.Return(),
			),
			jen.Qual("fmt", "Printf").Call(jen.Lit("%s + %s -> %s: %s [%s]\n"), jen.Id("s"), jen.Id("e"), jen.Id("t").Dot("Next"), jen.Id("t").Dot("Actions"), jen.Id("t").Dot("Rule").Dot("Cite").Call()),
			jen.Id("s").Op("=").Id("t").Dot("Next"),
		)
		b.Comment("Output:")
		for _, c := range out {
			b.Add(c)
		}
	})
	return f, nil
}

// actionSetString is what the generated Action.String prints for bits:
// the actions in bit order, not in the order the rule lists them.
func (g *generator) actionSetString(bits uint64) string {
	if bits == 0 {
		return "none"
	}
	var parts []string
	for _, a := range g.sp.Actions {
		if bits>>uint(a.Bit)&1 == 1 {
			parts = append(parts, a.String())
		}
	}
	return strings.Join(parts, "; ")
}
