package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMemTotal(t *testing.T) {
	assert.Equal(t, uint64(24684092), memTotalKiB([]byte("MemTotal:       24684092 kB\nMemFree:        24314128 kB\n")))
	assert.Equal(t, uint64(0), memTotalKiB([]byte("MemFree: 1 kB\n")), "no MemTotal")
	assert.Equal(t, uint64(0), memTotalKiB([]byte("MemTotal: lots kB\n")), "garbage")
	assert.Equal(t, uint64(0), memTotalKiB(nil))
}

func TestMaxMemoryFor(t *testing.T) {
	assert.Equal(t, maxMemoryCap, maxMemoryFor(0), "unknown: the cap")
	assert.Equal(t, 4915, maxMemoryFor(8<<20), "8 GiB: three fifths")
	assert.Equal(t, 14463, maxMemoryFor(24684092), "this machine's 23.5 GiB")
	assert.Equal(t, maxMemoryCap, maxMemoryFor(64<<20), "64 GiB: the cap")
}
