package lab

import (
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// startPoller reads /proc/net/tcp inside ns every interval and hands each
// reading to rec. The returned function takes a last reading (which
// repeats each side's state, to show what still held when the scenario
// ended), stops the poller and returns the error that stopped it early,
// if any.
func startPoller(ns *netns, rec *recorder, interval time.Duration) (stop func() error) {
	quit := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- ns.do(func() error {
			p := &procPoller{buf: make([]byte, 1<<20)}
			tick := time.NewTicker(interval)
			defer tick.Stop()
			for {
				select {
				case <-quit:
					socks, at, err := p.read(rec)
					if err != nil {
						return err
					}
					rec.observe(at, socks, true)
					return nil
				case <-tick.C:
				}
				socks, at, err := p.read(rec)
				if err != nil {
					return err
				}
				rec.observe(at, socks, false)
			}
		})
	}()
	return func() error {
		close(quit)
		return <-done
	}
}

// procPoller reads /proc/net/tcp from a thread inside the namespace:
// /proc/thread-self, since /proc/self/net shows the namespace of the
// process's main thread.
type procPoller struct {
	buf []byte
}

const procNetTCP = "/proc/thread-self/net/tcp"

// maxReadTime is how long one reading may take to count: the reading is
// stamped when it ends, and the kernel may have made it at any point
// since it began, so a reading delayed by the scheduler is taken again.
const maxReadTime = time.Millisecond

// read takes one reading and says when it was made. It reads the whole
// file in one read(2) so that the kernel lists the sockets in one go: a
// reading made in pieces may show one side before a change and the other
// after it.
func (p *procPoller) read(rec *recorder) ([]procSocket, time.Duration, error) {
	for try := 0; ; try++ {
		began := rec.since()
		data, err := p.readFile()
		if err != nil {
			return nil, 0, fmt.Errorf("poll %s: %w", procNetTCP, err)
		}
		at := rec.since()
		if at-began > maxReadTime && try < 3 {
			continue
		}
		socks, err := parseProcNetTCP(data)
		if err != nil {
			return nil, 0, fmt.Errorf("poll: %w", err)
		}
		return socks, at, nil
	}
}

func (p *procPoller) readFile() ([]byte, error) {
	fd, err := unix.Open(procNetTCP, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	n := 0
	for {
		if n == len(p.buf) {
			p.buf = append(p.buf, make([]byte, len(p.buf))...)
		}
		m, err := unix.Read(fd, p.buf[n:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if m == 0 {
			return p.buf[:n], nil
		}
		n += m
	}
}
