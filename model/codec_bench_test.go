package model

import (
	"testing"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// reachable collects up to n states of m, breadth first.
func reachable(m *Model, n int) []State {
	type key [MaxWords]uint64
	init := m.Initial()
	var k key
	m.Pack(&init, k[:])
	seen := map[key]bool{k: true}
	out := []State{init}
	for i := 0; i < len(out) && len(out) < n; i++ {
		m.Successors(&out[i], func(su Succ) {
			var k key
			m.Pack(&su.Next, k[:])
			if !seen[k] && len(out) < n {
				seen[k] = true
				out = append(out, su.Next)
			}
		})
	}
	return out
}

// BenchmarkPack packs and unpacks reachable states of the default bounds,
// which the explorer does for every step it takes.
func BenchmarkPack(b *testing.B) {
	m, err := New(tcp.Linux, DefaultBounds(), nil)
	if err != nil {
		b.Fatal(err)
	}
	states := reachable(m, 1<<14)
	key := make([]uint64, m.Words())
	b.Run("pack", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			m.Pack(&states[i&(len(states)-1)], key)
		}
	})
	b.Run("unpack", func(b *testing.B) {
		keys := make([]uint64, len(states)*m.Words())
		for i := range states {
			m.Pack(&states[i], keys[i*m.Words():])
		}
		var sink State
		for i := 0; b.Loop(); i++ {
			j := i & (len(states) - 1)
			sink = m.Unpack(keys[j*m.Words() : (j+1)*m.Words()])
		}
		_ = sink
	})
	b.Run("successors", func(b *testing.B) {
		n := 0
		for i := 0; b.Loop(); i++ {
			m.Each(&states[i&(len(states)-1)], func(*Succ) { n++ })
		}
	})
}
