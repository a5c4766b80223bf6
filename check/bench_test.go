package check_test

import (
	"runtime"
	"testing"

	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/props"
)

// BenchmarkCheck explores the default model under each profile with every
// property, reporting states per second and the heap per state when the
// exploration ends (the visited set, the parent links, and garbage not yet
// collected: an upper bound of what a state costs).
func BenchmarkCheck(b *testing.B) {
	for _, p := range tcp.Profiles() {
		b.Run(p.Name, func(b *testing.B) {
			m, err := model.New(p, model.DefaultBounds(), nil)
			if err != nil {
				b.Fatal(err)
			}
			var states int
			var heap uint64
			for b.Loop() {
				runtime.GC()
				var before runtime.MemStats
				runtime.ReadMemStats(&before)
				res, err := check.Run(m, props.ModelChecked, check.Options{MaxStates: 100_000_000})
				if err != nil {
					b.Fatal(err)
				}
				states = res.States
				heap = res.Bytes
			}
			b.ReportMetric(float64(states), "states")
			b.ReportMetric(float64(states)*float64(b.N)/b.Elapsed().Seconds(), "states/s")
			b.ReportMetric(float64(heap)/float64(states), "heap-B/state")
		})
	}
}
