package diagnose

import (
	"github.com/tcpfsm/tcpfsm/explain"
	"github.com/tcpfsm/tcpfsm/spec"
)

// citer finds, in the spec, the rules and profile values a finding rests
// on.
type citer struct {
	sp  *spec.Spec
	p   *spec.Profile
	rfc *spec.Profile
}

func newCiter(sp *spec.Spec, p *spec.Profile) *citer {
	return &citer{sp: sp, p: p, rfc: sp.Profile(explain.RFCProfile)}
}

// rule is the rule that decides event (kind, name) in state under the
// profile, as explain shows rules; nil when the spec has none.
func (c *citer) rule(state string, kind spec.EventKind, name string) *explain.Rule {
	s, e := c.sp.State(state), c.sp.Event(kind, name)
	if s == nil || e == nil {
		return nil
	}
	r := c.sp.Decide(s, e, c.p.Switches())
	if r == nil {
		return nil
	}
	x := explain.RuleOf(r)
	return &x
}

// rules are the rules found of those asked for.
func (c *citer) rules(asks ...*explain.Rule) []explain.Rule {
	var out []explain.Rule
	for _, r := range asks {
		if r != nil {
			out = append(out, *r)
		}
	}
	return out
}

// Setting is a profile's value of a timer, duration or switch, next to
// the RFC's, each with its citation.
type Setting struct {
	Name    string `json:"name"`
	Profile string `json:"profile"` // "linux"
	Value   string `json:"value"`   // "60s", "none", "on", "off"
	Cite    string `json:"cite"`
	RFC     string `json:"rfc,omitempty"` // the value under the RFC's profile
}

// setting is the profile's value called name, or nil.
func (c *citer) setting(name string) *Setting {
	v := value(c.p, name)
	if v == nil {
		return nil
	}
	s := &Setting{Name: name, Profile: c.p.Name, Value: valueText(v), Cite: v.Cite.String()}
	if c.rfc != nil && c.rfc != c.p {
		if rv := value(c.rfc, name); rv != nil {
			s.RFC = valueText(rv)
		}
	}
	return s
}

func value(p *spec.Profile, name string) *spec.Value {
	for _, v := range p.Values {
		if v.Name == name {
			return v
		}
	}
	return nil
}

func valueText(v *spec.Value) string {
	switch {
	case v.Switch != nil && v.On:
		return "on"
	case v.Switch != nil:
		return "off"
	}
	return explain.Value(v)
}

func (s *Setting) String() string {
	out := s.Name + " " + s.Value + " under " + s.Profile
	if s.RFC != "" {
		out += " (" + explain.RFCProfile + ": " + s.RFC + ")"
	}
	return out + " [" + s.Cite + "]"
}

// KnobView is a knob next to the profile's setting it bears on.
type KnobView struct {
	Knob
	Setting *Setting `json:"setting,omitempty"`
}

// knobViews shows each knob with the profile's setting it bears on:
// tcp_fin_timeout is the linux profile's fin_wait_2, tcp_tw_reuse its
// reuse_own_time_wait.
func knobViews(k *Knobs, p *spec.Profile) []KnobView {
	c := &citer{p: p}
	bears := map[string]string{
		"net.ipv4.tcp_fin_timeout": "fin_wait_2",
		"net.ipv4.tcp_tw_reuse":    "reuse_own_time_wait",
	}
	var out []KnobView
	for _, kn := range k.list() {
		v := KnobView{Knob: *kn}
		if name := bears[kn.Name]; name != "" {
			v.Setting = c.setting(name)
		}
		out = append(out, v)
	}
	return out
}
