package model

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestBoundsCovers: bounds cover the defaults only when they explore at
// least as much, at the same time resolution.
func TestBoundsCovers(t *testing.T) {
	d := DefaultBounds()
	assert.True(t, d.Covers(d))
	assert.False(t, QuickBounds().Covers(d), "capacity 1")

	bigger := d
	bigger.Capacity++
	bigger.Incarnations++
	bigger.Data++
	bigger.ZeroWindow = true
	bigger.Attacks = 1
	assert.True(t, bigger.Covers(d))
	assert.False(t, d.Covers(bigger))

	d.Data, d.Attacks = 1, 1
	for name, weaken := range map[string]func(*Bounds){
		"no attacker":         func(b *Bounds) { b.Attacks = 0 },
		"no data":             func(b *Bounds) { b.Data = 0 },
		"one incarnation":     func(b *Bounds) { b.Incarnations = 1 },
		"no loss":             func(b *Bounds) { b.Loss = false },
		"no duplication":      func(b *Bounds) { b.Duplication = false },
		"no reordering":       func(b *Bounds) { b.Reordering = false },
		"finer time":          func(b *Bounds) { b.MSLTicks *= 2 },
		"another network MSL": func(b *Bounds) { b.NetworkMSL = time.Minute },
		"keep-alive on":       func(b *Bounds) { b.KeepAlive = 2 },
	} {
		b := d
		weaken(&b)
		assert.False(t, b.Covers(d), name)
	}
}
