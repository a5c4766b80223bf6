package check_test

import (
	"testing"

	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/props"
)

// BenchmarkCheck explores the TCP table under each profile with every
// property, on the quick bounds (one segment in flight each way) and on
// the default bounds fsmgen check uses (two), reporting the states, states
// per second and the bytes per state the visited set and the liveness
// subgraph hold at the end. The default bounds take minutes a profile:
//
//	go test ./check -run '^$' -bench 'BenchmarkCheck/default' -benchtime 1x -benchmem
func BenchmarkCheck(b *testing.B) {
	for _, bounds := range []struct {
		name string
		b    model.Bounds
	}{{"quick", model.QuickBounds()}, {"default", model.DefaultBounds()}} {
		for _, p := range tcp.Profiles() {
			b.Run(bounds.name+"/"+p.Name, func(b *testing.B) {
				m, err := model.New(p, bounds.b, nil)
				if err != nil {
					b.Fatal(err)
				}
				var res *check.Result
				for b.Loop() {
					if res, err = check.Run(m, props.ModelChecked, check.Options{}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(res.States), "states")
				b.ReportMetric(float64(res.States)*float64(b.N)/b.Elapsed().Seconds(), "states/s")
				b.ReportMetric(float64(res.Bytes)/float64(res.States), "B/state")
			})
		}
	}
}
