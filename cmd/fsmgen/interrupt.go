package main

import (
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// interrupts returns a channel closed by the first SIGINT (Ctrl-C) or
// SIGTERM the process gets. From then on those signals have their usual
// effect again, so a second one ends the process at once. release stops
// listening; the channel stays open if no signal came.
func interrupts() (stop <-chan struct{}, release func()) {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	stopped, released := make(chan struct{}), make(chan struct{})
	go func() {
		select {
		case <-signals:
			signal.Stop(signals)
			close(stopped)
		case <-released:
		}
	}()
	var once sync.Once
	return stopped, func() {
		once.Do(func() {
			signal.Stop(signals)
			close(released)
		})
	}
}
