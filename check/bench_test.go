package check_test

import (
	"fmt"
	"os"
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

// BenchmarkReduce explores the linux profile with and without the
// reductions (check.Options.Plain), one after the other on the same
// machine, at bounds set by TCPFSM_BENCH_BOUNDS ("capacity,incarnations";
// 2,1 by default, about a million states), reporting the states, states
// per second and bytes per state of each:
//
//	TCPFSM_BENCH_BOUNDS=2,2 go test ./check -run '^$' -bench BenchmarkReduce -benchtime 1x
func BenchmarkReduce(b *testing.B) {
	bounds := model.DefaultBounds()
	bounds.Incarnations = 1
	if v := os.Getenv("TCPFSM_BENCH_BOUNDS"); v != "" {
		if _, err := fmt.Sscanf(v, "%d,%d", &bounds.Capacity, &bounds.Incarnations); err != nil {
			b.Fatalf("TCPFSM_BENCH_BOUNDS=%q: want capacity,incarnations: %v", v, err)
		}
	}
	p, ok := tcp.ProfileByName("linux")
	if !ok {
		b.Fatal("no linux profile")
	}
	m, err := model.New(p, bounds, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, plain := range []bool{true, false} {
		name := "reduced"
		if plain {
			name = "plain"
		}
		b.Run(name, func(b *testing.B) {
			var res *check.Result
			for b.Loop() {
				if res, err = check.Run(m, props.ModelChecked, check.Options{Plain: plain}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(res.States), "states")
			b.ReportMetric(float64(res.States)*float64(b.N)/b.Elapsed().Seconds(), "states/s")
			b.ReportMetric(float64(res.Bytes)/float64(res.States), "B/state")
		})
	}
}
