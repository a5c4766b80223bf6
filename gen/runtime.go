package gen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"
	"github.com/tcpfsm/tcpfsm/spec"
)

// runtime emits runtime.go: the spec's class and arm declarations as
// code, so that a runtime running the table asks the spec which states
// belong together, which duration a timer takes and whether it runs,
// rather than keeping its own copy.
func (g *generator) runtime() (*jen.File, error) {
	return g.file(g.classType, g.timerOps, g.socketType, g.durationMethod, g.intervalMethod), nil
}

// classType emits Class, its names and State.Is.
func (g *generator) classType(f *jen.File) {
	sp := g.sp
	var names, specNames, docs []string
	for _, c := range sp.Classes {
		states := make([]string, len(c.States))
		for i, s := range c.States {
			states[i] = s.Name
		}
		names = append(names, g.class[c])
		specNames = append(specNames, c.Name)
		docs = append(docs, fmt.Sprintf("%s (%s)", c.Doc, strings.Join(states, " ")))
	}
	g.enum(f, "Class", "Class is a named set of states the runtime asks about (a class declaration). The zero value is invalid.",
		"NumClasses counts the Classes plus the invalid zero value.", names, specNames, docs)
	f.Var().Id("classStates").Op("=").Index(jen.Id("NumClasses")).Index(jen.Id("NumStates")).Bool().ValuesFunc(func(v *jen.Group) {
		for _, c := range sp.Classes {
			v.Id(g.class[c]).Op(":").ValuesFunc(func(w *jen.Group) {
				for _, s := range c.States {
					w.Id(g.state[s]).Op(":").True()
				}
			})
		}
	})
	f.Comment("Is reports whether s belongs to class c; false for an invalid s or c.")
	f.Func().Params(jen.Id("s").Id("State")).Id("Is").Params(jen.Id("c").Id("Class")).Bool().Block(
		jen.If(jen.Op("!").Id("s").Dot("Valid").Call().Op("||").Op("!").Id("c").Dot("Valid").Call()).Block(jen.Return(jen.False())),
		jen.Return(jen.Id("classStates").Index(jen.Id("c")).Index(jen.Id("s"))),
	)
}

// timerOps emits TimerOp and Action.TimerOp.
func (g *generator) timerOps(f *jen.File) {
	f.Add(comment("TimerOp is what a transition does to one timer. Stop wins over Restart, and Restart over Start, when an Action holds more than one."))
	f.Type().Id("TimerOp").Uint8()
	f.Const().Defs(
		jen.Comment("NoTimerOp leaves the timer as it is."),
		jen.Id("NoTimerOp").Id("TimerOp").Op("=").Iota(),
		jen.Comment("StopTimer disarms the timer (and resets a retransmission timer's backoff)."),
		jen.Id("StopTimer"),
		jen.Comment("RestartTimer arms the timer from its full interval even when it runs (a retransmission timer backs off)."),
		jen.Id("RestartTimer"),
		jen.Comment("StartTimer arms the timer if it is not running."),
		jen.Id("StartTimer"),
	)
	f.Var().Id("timerOpNames").Op("=").Index(jen.Op("...")).String().Values(jen.Lit("none"), jen.Lit("stop"), jen.Lit("restart"), jen.Lit("start"))
	f.Comment("String returns none, stop, restart or start.")
	f.Func().Params(jen.Id("o").Id("TimerOp")).Id("String").Params().String().Block(
		jen.If(jen.Int().Call(jen.Id("o")).Op("<").Len(jen.Id("timerOpNames"))).Block(jen.Return(jen.Id("timerOpNames").Index(jen.Id("o")))),
		jen.Return(jen.Lit("TimerOp(").Op("+").Qual("strconv", "Itoa").Call(jen.Int().Call(jen.Id("o"))).Op("+").Lit(")")),
	)
	f.Comment("TimerOp returns what a carries out on timer t.")
	f.Func().Params(jen.Id("a").Id("Action")).Id("TimerOp").Params(jen.Id("t").Id("Timer")).Id("TimerOp").Block(
		jen.Switch().Block(
			jen.Case(jen.Op("!").Id("t").Dot("Valid").Call()).Block(jen.Return(jen.Id("NoTimerOp"))),
			jen.Case(jen.Id("a").Op("&").Id("timerStop").Index(jen.Id("t")).Op("!=").Lit(0)).Block(jen.Return(jen.Id("StopTimer"))),
			jen.Case(jen.Id("a").Op("&").Id("timerRestart").Index(jen.Id("t")).Op("!=").Lit(0)).Block(jen.Return(jen.Id("RestartTimer"))),
			jen.Case(jen.Id("a").Op("&").Id("timerStart").Index(jen.Id("t")).Op("!=").Lit(0)).Block(jen.Return(jen.Id("StartTimer"))),
		),
		jen.Return(jen.Id("NoTimerOp")),
	)
}

// socketType emits Socket and Profile.Runs from the arm ... if
// declarations.
func (g *generator) socketType(f *jen.File) {
	sp := g.sp
	f.Add(comment("Socket says how the application holds a connection, for the timers an arm declaration runs only for some sockets."))
	f.Type().Id("Socket").Uint8()
	f.Const().Defs(
		jen.Comment("SocketOrphan: the application has let go of the socket (close(), abort)."),
		jen.Id("SocketOrphan").Id("Socket").Op("=").Lit(1).Op("<<").Iota(),
		jen.Comment("SocketAsked: the application asked for the timer (a socket option such as SO_KEEPALIVE)."),
		jen.Id("SocketAsked"),
	)
	f.Add(comment("Runs reports whether the runtime arms timer t for a socket held as h under the profile: the profile has the timer, and the spec's arm condition on it holds."))
	f.Func().Params(jen.Id("p").Op("*").Id("Profile")).Id("Runs").Params(jen.Id("t").Id("Timer"), jen.Id("h").Id("Socket")).Bool().BlockFunc(func(b *jen.Group) {
		b.If(jen.Id("p").Dot("Timer").Call(jen.Id("t")).Op("==").Lit(0)).Block(jen.Return(jen.False()))
		b.Switch(jen.Id("t")).BlockFunc(func(sw *jen.Group) {
			for _, t := range sp.Timers {
				a := sp.ArmCondition(t)
				if a == nil {
					continue
				}
				bit := "SocketOrphan"
				if a.If == spec.IfAsked {
					bit = "SocketAsked"
				}
				cond := jen.Id("h").Op("&").Id(bit).Op("!=").Lit(0)
				if a.Unless != nil {
					cond = cond.Op("||").Id("p").Dot("Switches").Op("&").Id(g.swName[a.Unless]).Op("!=").Lit(0)
				}
				sw.Add(comment(fmt.Sprintf("arm %s if %s: %s", t.Name, a.If, sentence(a.Reason))))
				sw.Case(jen.Id(g.timer[t])).Block(jen.Return(cond))
			}
		})
		b.Return(jen.True())
	})
}

// durationMethod emits Profile.Duration from the arm ... with
// declarations, which cover each timer, state and kind of socket at most
// once (spec.DurationIn).
func (g *generator) durationMethod(f *jen.File) {
	sp := g.sp
	f.Add(comment("Duration returns the duration timer t takes when it is armed in state s for a socket held as h: the duration an arm declaration names for t in s, for every socket or for an orphan, when the profile has it; or else the timer's own (Timer). It is 0 for a timer the profile does not have. A runtime takes the duration when it arms the timer: a socket orphaned while the timer runs keeps it until the timer is armed again."))
	f.Func().Params(jen.Id("p").Op("*").Id("Profile")).Id("Duration").Params(jen.Id("t").Id("Timer"), jen.Id("s").Id("State"), jen.Id("h").Id("Socket")).Qual("time", "Duration").BlockFunc(func(b *jen.Group) {
		for _, a := range sp.Arms {
			if a.With == nil {
				continue
			}
			var in []jen.Code
			for _, s := range a.States {
				in = append(in, jen.Id("s").Op("==").Id(g.state[s]))
			}
			cond := jen.Id("t").Op("==").Id(g.timer[a.Timer])
			if a.Orphan {
				cond = cond.Op("&&").Id("h").Op("&").Id("SocketOrphan").Op("!=").Lit(0)
			}
			cond = cond.Op("&&").Parens(jen.Null().Add(joinOr(in)...))
			b.Add(comment(fmt.Sprintf("arm %s: %s", armText(a), sentence(a.Reason))))
			b.If(cond.Op("&&").Id("p").Dot(g.field[a.With.Name]).Op("!=").Lit(0)).Block(jen.Return(jen.Id("p").Dot(g.field[a.With.Name])))
		}
		b.Return(jen.Id("p").Dot("Timer").Call(jen.Id("t")))
	})
}

// joinOr joins conditions with ||.
func joinOr(cs []jen.Code) []jen.Code {
	var out []jen.Code
	for i, c := range cs {
		if i > 0 {
			out = append(out, jen.Op("||"))
		}
		out = append(out, c)
	}
	return out
}

func armText(a *spec.Arm) string {
	states := make([]string, len(a.States))
	for i, s := range a.States {
		states[i] = s.Name
	}
	text := fmt.Sprintf("%s with %s in %s", a.Timer.Name, a.With.Name, strings.Join(states, " "))
	if a.Orphan {
		text += " if orphan"
	}
	return text
}

// intervalMethod emits Timer.Doubles and Profile.Interval from the arm ...
// doubling and arm ... then declarations.
func (g *generator) intervalMethod(f *jen.File) {
	sp := g.sp
	f.Var().Id("timerDoubles").Op("=").Index(jen.Id("NumTimers")).Bool().ValuesFunc(func(v *jen.Group) {
		for _, t := range sp.Timers {
			if sp.Doubles(t) {
				v.Id(g.timer[t]).Op(":").True()
			}
		}
	})
	f.Add(comment("Doubles reports whether timer t backs off: each expiry doubles the interval it is armed with next (an arm ... doubling declaration)."))
	f.Func().Params(jen.Id("t").Id("Timer")).Id("Doubles").Params().Bool().Block(
		jen.Return(valueAt("timerDoubles", "t")),
	)
	f.Add(comment("Interval returns the duration timer t is armed with in state s for a socket held as h after n expiries since it was started: Duration, doubled at each expiry for a timer that Doubles (without overflowing), or after an expiry the duration an arm ... then declaration names, where the profile has it. A cap on the backed-off value (RFC 6298 2.5 allows one of at least 60 s) is the runtime's."))
	f.Func().Params(jen.Id("p").Op("*").Id("Profile")).Id("Interval").Params(jen.Id("t").Id("Timer"), jen.Id("s").Id("State"), jen.Id("h").Id("Socket"), jen.Id("n").Int()).Qual("time", "Duration").BlockFunc(func(b *jen.Group) {
		b.Id("d").Op(":=").Id("p").Dot("Duration").Call(jen.Id("t"), jen.Id("s"), jen.Id("h"))
		b.If(jen.Id("n").Op("<=").Lit(0)).Block(jen.Return(jen.Id("d")))
		for _, t := range sp.Timers {
			if d := sp.ThenDuration(t); d != nil {
				b.Add(comment(fmt.Sprintf("arm %s then %s", t.Name, d.Name)))
				b.If(jen.Id("t").Op("==").Id(g.timer[t]).Op("&&").Id("p").Dot(g.field[d.Name]).Op("!=").Lit(0)).Block(
					jen.Id("d").Op("=").Id("p").Dot(g.field[d.Name]),
				)
			}
		}
		b.If(jen.Id("t").Dot("Doubles").Call()).Block(
			jen.For(jen.Id("i").Op(":=").Lit(0), jen.Id("i").Op("<").Id("n").Op("&&").Id("d").Op(">").Lit(0).Op("&&").Id("d").Op("<=").Qual("math", "MaxInt64").Op("/").Lit(2), jen.Id("i").Op("++")).Block(
				jen.Id("d").Op("*=").Lit(2),
			),
		)
		b.Return(jen.Id("d"))
	})
}
