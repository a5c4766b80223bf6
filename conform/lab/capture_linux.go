package lab

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"time"
	"unsafe"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
	"golang.org/x/sys/unix"
)

// capture records the segments of a scenario's connection from an
// AF_PACKET socket bound to the namespace's loopback. On lo each packet
// shows twice, leaving and arriving; only the outgoing copy is kept. Each
// segment is stamped with the kernel's capture time (SO_TIMESTAMPNS), so
// that a segment and the state change it causes on the peer stay in order
// however late this goroutine gets to read them.
type capture struct {
	fd   int
	rec  *recorder
	pcap *pcapSink // when not nil, also keeps the packets as a pcap file
	stop chan struct{}
	done chan error
}

// startCapture opens the packet socket inside ns and starts reading it.
// With sink, every packet of the connection is also written to it.
func startCapture(ns *netns, rec *recorder, sink *pcapSink) (*capture, error) {
	c := &capture{fd: -1, rec: rec, pcap: sink, stop: make(chan struct{}), done: make(chan error, 1)}
	err := ns.do(func() error {
		lo, err := net.InterfaceByName("lo")
		if err != nil {
			return fmt.Errorf("find lo: %w", err)
		}
		proto := int(htons(unix.ETH_P_ALL))
		fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_DGRAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, proto)
		if err != nil {
			return fmt.Errorf("packet socket: %w", err)
		}
		c.fd = fd
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1); err != nil {
			return fmt.Errorf("packet socket SO_TIMESTAMPNS: %w", err)
		}
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, 4<<20); err != nil {
			return fmt.Errorf("packet socket SO_RCVBUF: %w", err)
		}
		if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: lo.Index}); err != nil {
			return fmt.Errorf("bind packet socket to lo: %w", err)
		}
		return nil
	})
	if err != nil {
		if c.fd >= 0 {
			unix.Close(c.fd)
		}
		return nil, fmt.Errorf("capture: %w", err)
	}
	go func() { c.done <- c.loop() }()
	return c, nil
}

// finish reads what is still queued, stops the capture and closes its
// socket.
func (c *capture) finish() error {
	close(c.stop)
	err := <-c.done
	unix.Close(c.fd)
	return err
}

func (c *capture) loop() error {
	buf := make([]byte, 256) // headers only: the payload length comes from the IP header
	oob := make([]byte, 256)
	for {
		n, oobn, _, from, err := unix.Recvmsg(c.fd, buf, oob, unix.MSG_TRUNC)
		switch {
		case err == unix.EAGAIN:
			select {
			case <-c.stop:
				return nil // nothing is queued any more
			default:
			}
			pfd := []unix.PollFd{{Fd: int32(c.fd), Events: unix.POLLIN}}
			if _, err := unix.Poll(pfd, 20); err != nil && err != unix.EINTR {
				return fmt.Errorf("capture: poll: %w", err)
			}
			continue
		case err == unix.EINTR:
			continue
		case err != nil:
			return fmt.Errorf("capture: recvmsg: %w", err)
		}
		ll, ok := from.(*unix.SockaddrLinklayer)
		if !ok || ll.Pkttype != unix.PACKET_OUTGOING || ll.Protocol != htons(unix.ETH_P_IP) {
			continue
		}
		h, err := parseIPv4TCP(buf[:min(n, len(buf))])
		if errors.Is(err, errNotTCP) {
			continue
		}
		if err != nil {
			return fmt.Errorf("capture: %w", err)
		}
		side, ok := c.rec.sideOf(h.srcPort, h.dstPort)
		if !ok {
			continue
		}
		at, ok := kernelTime(oob[:oobn])
		if !ok {
			at = time.Now()
		}
		since := at.Sub(c.rec.start)
		if c.pcap != nil {
			if err := c.pcap.add(at, buf[:min(n, len(buf))], n); err != nil {
				return fmt.Errorf("capture: %w", err)
			}
		}
		c.rec.captured(segment{at: since, side: side, syn: h.syn, ack: h.ackf, fin: h.fin, rst: h.rst,
			seq: h.seq, ackNum: h.ack, len: h.payload})
	}
}

// kernelTime finds the SO_TIMESTAMPNS stamp among a message's control data.
func kernelTime(oob []byte) (time.Time, bool) {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return time.Time{}, false
	}
	for _, m := range msgs {
		if m.Header.Level == unix.SOL_SOCKET && m.Header.Type == unix.SCM_TIMESTAMPNS &&
			len(m.Data) >= int(unsafe.Sizeof(unix.Timespec{})) {
			ts := (*unix.Timespec)(unsafe.Pointer(&m.Data[0]))
			return time.Unix(ts.Unix()), true
		}
	}
	return time.Time{}, false
}

// pcapSink writes captured packets as a pcap file of link type RAW (IP
// packets, no link header), as AF_PACKET SOCK_DGRAM hands them over, cut
// to the 256 bytes the capture reads: the headers, and the original
// length for the payload's.
type pcapSink struct {
	buf bytes.Buffer
	w   *pcapgo.Writer
}

func newPcapSink() (*pcapSink, error) {
	s := &pcapSink{}
	s.w = pcapgo.NewWriterNanos(&s.buf)
	if err := s.w.WriteFileHeader(256, layers.LinkTypeRaw); err != nil {
		return nil, fmt.Errorf("pcap header: %w", err)
	}
	return s, nil
}

func (s *pcapSink) add(at time.Time, data []byte, length int) error {
	return s.w.WritePacket(gopacket.CaptureInfo{Timestamp: at, CaptureLength: len(data), Length: length}, data)
}

// htons turns a 16-bit value into network byte order, as AF_PACKET wants
// its protocol numbers.
func htons(v uint16) uint16 { return v<<8 | v>>8 }
