package main

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
)

// maxMemoryCap is the largest default for -max-memory, in MiB.
const maxMemoryCap = 16 << 10

// defaultMaxMemory is the default for -max-memory, in MiB: three fifths of
// the machine's memory, at most maxMemoryCap. The bound counts what the
// search holds (the visited set, parent links, the liveness subgraph); the
// process's resident set runs about a quarter above it (the Go heap's
// slack and the batches in flight), so three fifths leaves the machine a
// quarter of its memory and a run stops with a message, not with the
// kernel's out-of-memory killer. Where /proc/meminfo cannot be read, the
// cap.
func defaultMaxMemory() int {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return maxMemoryCap
	}
	return maxMemoryFor(memTotalKiB(b))
}

// maxMemoryFor is the default for a machine of total KiB of memory (0 when
// unknown).
func maxMemoryFor(total uint64) int {
	if total == 0 {
		return maxMemoryCap
	}
	return int(min(total*3/5>>10, maxMemoryCap))
}

// memTotalKiB reads MemTotal from the text of /proc/meminfo, or 0.
func memTotalKiB(meminfo []byte) uint64 {
	sc := bufio.NewScanner(bytes.NewReader(meminfo))
	for sc.Scan() {
		f := bytes.Fields(sc.Bytes())
		if len(f) >= 2 && string(f[0]) == "MemTotal:" {
			n, err := strconv.ParseUint(string(f[1]), 10, 64)
			if err != nil {
				return 0
			}
			return n
		}
	}
	return 0
}
