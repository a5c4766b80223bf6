package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/tcpfsm/tcpfsm/verify"
)

// maxWorkers bounds -workers: far more goroutines than any machine has
// cores only slows the search down, and is more likely a typo.
const maxWorkers = 1024

// searchFlags say how fsmgen check searches, not what: how many workers,
// hash compaction, the safety properties alone, a CPU profile. They make a
// run comparable with SPIN's pan at its settings, or fit a larger model.
type searchFlags struct {
	workers    *int
	hashBits   *int
	safety     *bool
	cpuProfile *string
}

// addSearchFlags defines the search flags on fs.
func addSearchFlags(fs *flag.FlagSet) *searchFlags {
	return &searchFlags{
		workers:    fs.Int("workers", 0, "expand states on `N` goroutines; 0: one per core"),
		hashBits:   fs.Int("hash-bits", 0, "hash compaction: keep `N` bits (16 to 64) of each state's hash instead of the state, at a probability of missing a state that the report prints; 0: exact"),
		safety:     fs.Bool("safety", false, "check the safety properties only: P2 without its liveness half (as SPIN's pan -DSAFETY)"),
		cpuProfile: fs.String("cpuprofile", "", "write a CPU profile of the search to `FILE`, for go tool pprof"),
	}
}

// apply checks the flags and sets them in opt; a bad value is a usage
// error that names the flag.
func (f *searchFlags) apply(opt *verify.Options) error {
	if w := *f.workers; w < 0 || w > maxWorkers {
		return usageErr("fsmgen check: -workers %d: give 1 to %d goroutines, or 0 for one per core", w, maxWorkers)
	}
	if b := *f.hashBits; b != 0 && (b < 16 || b > 64) {
		return usageErr("fsmgen check: -hash-bits %d: give 16 to 64 bits of each state's hash, or 0 for exact storage", b)
	}
	if *f.cpuProfile != "" {
		if err := writable(*f.cpuProfile); err != nil {
			return usageErr("fsmgen check: -cpuprofile %s: %v", *f.cpuProfile, err)
		}
	}
	opt.Workers, opt.HashBits, opt.Safety = *f.workers, *f.hashBits, *f.safety
	return nil
}

// profile starts the CPU profile -cpuprofile asks for, if any. stop ends
// it and keeps the file if keep, or removes it: a run that fails leaves no
// partial profile behind.
func (f *searchFlags) profile() (stop func(keep bool) error, err error) {
	if *f.cpuProfile == "" {
		return func(bool) error { return nil }, nil
	}
	path := *f.cpuProfile
	out, err := os.Create(path)
	if err != nil {
		return nil, usageErr("fsmgen check: -cpuprofile %s: %v", path, err)
	}
	if err := pprof.StartCPUProfile(out); err != nil {
		out.Close()
		os.Remove(path)
		return nil, usageErr("fsmgen check: -cpuprofile %s: %v", path, err)
	}
	return func(keep bool) error {
		pprof.StopCPUProfile()
		err := out.Close()
		if !keep || err != nil {
			os.Remove(path)
		}
		if err != nil {
			return fmt.Errorf("-cpuprofile %s: %v", path, err)
		}
		return nil
	}, nil
}
