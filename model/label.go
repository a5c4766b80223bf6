package model

import (
	"fmt"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// Kind is what a global step does.
type Kind uint8

const (
	App         Kind = iota + 1 // an application call
	Fire                        // a due timer fires
	Deliver                     // a segment is delivered (and leaves the network)
	DeliverCopy                 // a segment is delivered and a copy stays in flight
	Lose                        // a segment is lost
	Tick                        // time moves on
	Write                       // an application writes a segment of data (not an event of the table)
	Read                        // an application stops reading (its window closes) or reads again (it reopens)
	Forge                       // the off-path attacker's segment reaches an endpoint (Bounds.Attacks)
)

// Label says what a global step was, for counterexamples and fairness.
type Label struct {
	Kind     Kind
	End      int // the endpoint that acted or received
	Event    tcp.Event
	Seg      Segment // for Deliver, DeliverCopy, Lose
	From, To tcp.State
	Actions  tcp.Action
	Rule     tcp.RuleID // the table's rule that decided the step; 0 for time passing and a loss
	Above    bool       // for an open: the new incarnation's sequence numbers lie above the old ones
	Lost     uint8      // segments the step sent that found their channel full: losses
	Class    Class      // for Forge: where the forged segment falls in the receiver's window
	// Waits is set when what the step queued (a FIN or data) waits behind
	// a window the endpoint knows closed: the endpoint then also took the
	// table's rcv ZERO_WINDOW row in state WaitIn, whose actions are
	// WaitActions, and To is where that row led (model/doc.go, "# Zero
	// window").
	Waits       bool
	WaitIn      tcp.State
	WaitActions tcp.Action
}

func (l Label) String() string {
	switch l.Kind {
	case Tick:
		return "tick"
	case Lose:
		return fmt.Sprintf("lose %s", l.Seg)
	}
	who := endName[l.End]
	var what string
	switch l.Kind {
	case App:
		what = fmt.Sprintf("%s: %s", who, l.Event)
		if l.Event == tcp.AppOpenActive && l.Above {
			what += " (sequence numbers above the old ones)"
		}
	case Fire:
		what = fmt.Sprintf("%s: %s", who, l.Event)
	case Write:
		if l.Seg.Kind == 0 {
			return fmt.Sprintf("%s: write, queued behind the peer's closed window, as %s in %s: %s", who, tcp.RcvZeroWindow, l.WaitIn, l.WaitActions)
		}
		return fmt.Sprintf("%s: write, sends %s", who, l.Seg)
	case Read:
		if l.Seg.Kind == ZWIN {
			return fmt.Sprintf("%s: the application stops reading, its buffer fills: sends %s", who, l.Seg)
		}
		return fmt.Sprintf("%s: the application reads: sends %s", who, l.Seg)
	case Forge:
		what = fmt.Sprintf("attacker forges %s (%s) to %s, taken as %s", l.Seg.Kind, l.Class, who, l.Event)
	case Deliver, DeliverCopy:
		copyNote := ""
		if l.Kind == DeliverCopy {
			copyNote = ", a copy stays in flight"
		}
		what = fmt.Sprintf("%s receives %s as %s%s", who, l.Seg, l.Event, copyNote)
	}
	lost := ""
	if l.Lost > 0 {
		lost = fmt.Sprintf(" (%d sent into a full channel: lost)", l.Lost)
	}
	if l.Waits {
		lost += fmt.Sprintf("; it waits on the closed window, as %s in %s: %s", tcp.RcvZeroWindow, l.WaitIn, l.WaitActions)
	}
	return fmt.Sprintf("%s: %s -> %s: %s%s", what, l.From, l.To, l.Actions, lost)
}
