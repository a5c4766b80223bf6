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

// BenchmarkReductionCandidates measures, on the reachable states of the
// linux profile (reduced, at the bounds of TCPFSM_BENCH_BOUNDS as for
// BenchmarkReduce), what the reductions check does not make would gain at
// most (reduce.go discusses them). sweep-peak-% is the largest layer of
// states that share a value of the incarnation counter (State.NextInc,
// which no step lowers), as a share of all states: the least a sweep-line
// search would keep at its peak. multi-fire-% is the share of states
// where more than one timer is due at once: the only steps independent
// enough for a partial-order reduction to take in one order, as ticks,
// the shared loss budget and the channels tie everything else together.
//
//	go test ./check -run '^$' -bench BenchmarkReductionCandidates -benchtime 1x
func BenchmarkReductionCandidates(b *testing.B) {
	bounds := model.DefaultBounds()
	bounds.Incarnations = 1
	if v := os.Getenv("TCPFSM_BENCH_BOUNDS"); v != "" {
		if _, err := fmt.Sscanf(v, "%d,%d", &bounds.Capacity, &bounds.Incarnations); err != nil {
			b.Fatalf("TCPFSM_BENCH_BOUNDS=%q: want capacity,incarnations: %v", v, err)
		}
	}
	p, _ := tcp.ProfileByName("linux")
	m, err := model.New(p, bounds, nil)
	if err != nil {
		b.Fatal(err)
	}
	m.Forgets = true
	for b.Loop() {
		seen := map[model.State]bool{}
		queue := []model.State{m.Initial()}
		seen[queue[0]] = true
		layers := map[uint8]int{}
		multiFire := 0
		for len(queue) > 0 {
			s := queue[0]
			queue = queue[1:]
			layers[s.NextInc]++
			fires := 0
			m.Successors(&s, func(su model.Succ) {
				if su.Label.Kind == model.Fire {
					fires++
				}
				if !seen[su.Next] {
					seen[su.Next] = true
					queue = append(queue, su.Next)
				}
			})
			if fires > 1 {
				multiFire++
			}
		}
		peak := 0
		for _, n := range layers {
			peak = max(peak, n)
		}
		b.ReportMetric(float64(len(seen)), "states")
		b.ReportMetric(100*float64(peak)/float64(len(seen)), "sweep-peak-%")
		b.ReportMetric(100*float64(multiFire)/float64(len(seen)), "multi-fire-%")
	}
}
