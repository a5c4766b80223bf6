package lab

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/unix"

	"github.com/tcpfsm/tcpfsm/conform"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// The sockets are plain non-blocking file descriptors driven with poll(2):
// every wait is bounded, and the Go runtime's signals cannot interrupt a
// blocking connect halfway. They are created inside the namespace (ns.do),
// which is all it takes for them to live there.

var loopback = [4]byte{127, 0, 0, 1}

// newTCPSocket makes a TCP socket in the namespace bound to
// 127.0.0.1:port with SO_REUSEADDR, which the listener needs and a client
// reopening its old port (reopen-time-wait) does too.
func (e *env) newTCPSocket(port int) (int, error) {
	fd := -1
	err := e.ns.do(func() error {
		var err error
		fd, err = unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("socket: %w", err)
		}
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
			return fmt.Errorf("SO_REUSEADDR: %w", err)
		}
		if err := unix.Bind(fd, &unix.SockaddrInet4{Port: port, Addr: loopback}); err != nil {
			return fmt.Errorf("bind 127.0.0.1:%d: %w", port, err)
		}
		return nil
	})
	if err != nil && fd >= 0 {
		unix.Close(fd)
		fd = -1
	}
	return fd, err
}

// listen makes the server's listener. The listener is not the server side
// of the trace (the accepted socket is), but its listen() is the server
// application's passive open.
func (e *env) listen() error {
	fd, err := e.newTCPSocket(serverPort)
	if err != nil {
		return fmt.Errorf("listener: %w", err)
	}
	e.listener = fd
	e.rec.call(conform.Server, conform.Listen)
	if err := unix.Listen(fd, 8); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	return nil
}

// connect makes a client socket on clientPort and connects it to the
// listener, waiting until the connection completes.
func (e *env) connect() error {
	if e.fd[conform.Client] >= 0 {
		return errors.New("connect: the client socket is still open")
	}
	fd, err := e.newTCPSocket(clientPort)
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	e.fd[conform.Client] = fd
	e.rec.call(conform.Client, conform.Connect)
	err = unix.Connect(fd, &unix.SockaddrInet4{Port: serverPort, Addr: loopback})
	if err != nil && err != unix.EINPROGRESS {
		return fmt.Errorf("connect: %w", err)
	}
	if err := e.pollFd(fd, unix.POLLOUT, waitStep, "connect to complete"); err != nil {
		return err
	}
	soErr, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err == nil && soErr != 0 {
		err = unix.Errno(soErr)
	}
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	return nil
}

// accept takes the next connection from the listener as the server side.
func (e *env) accept() error {
	if e.fd[conform.Server] >= 0 {
		return errors.New("accept: the server socket is still open")
	}
	if err := e.pollFd(e.listener, unix.POLLIN, waitStep, "a connection to accept"); err != nil {
		return err
	}
	fd, _, err := unix.Accept4(e.listener, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
	if err != nil {
		return fmt.Errorf("accept: %w", err)
	}
	e.fd[conform.Server] = fd
	return nil
}

// establish opens the connection (listen, connect, accept) and waits until
// both sides show ESTABLISHED. A listener made before is reused.
func (e *env) establish() error {
	m := e.rec.mark()
	if e.listener < 0 {
		if err := e.listen(); err != nil {
			return err
		}
	}
	if err := e.connect(); err != nil {
		return err
	}
	if err := e.accept(); err != nil {
		return err
	}
	if err := e.awaitState(conform.Client, tcp.Established, m, waitStep); err != nil {
		return err
	}
	return e.awaitState(conform.Server, tcp.Established, m, waitStep)
}

// pollFd waits until fd is ready for events, for at most timeout.
func (e *env) pollFd(fd int, events int16, timeout time.Duration, what string) error {
	deadline := time.Now().Add(timeout)
	for {
		if err := e.ctx.Err(); err != nil {
			return fmt.Errorf("waiting for %s: %w", what, context.Cause(e.ctx))
		}
		left := time.Until(deadline)
		if left <= 0 {
			return fmt.Errorf("waiting for %s: nothing within %v (%s)", what, timeout, e.describe())
		}
		pfd := []unix.PollFd{{Fd: int32(fd), Events: events}}
		n, err := unix.Poll(pfd, int(min(left, 50*time.Millisecond)/time.Millisecond)+1)
		if err != nil && err != unix.EINTR {
			return fmt.Errorf("waiting for %s: poll: %w", what, err)
		}
		if n > 0 {
			return nil
		}
	}
}

func (e *env) describe() string {
	var s string
	e.rec.with(func() { s = e.rec.describe() })
	return s
}

// write sends data from side, which must fit in the socket buffer at once.
func (e *env) write(side conform.Side, data []byte) error {
	for {
		n, err := unix.Write(e.fd[side], data)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("%s write: %w", side, err)
		}
		if n != len(data) {
			return fmt.Errorf("%s write: %d of %d bytes", side, n, len(data))
		}
		return nil
	}
}

// read reads what side has received, waiting for something to arrive:
// data, the end of the stream (n == 0) or an error such as ECONNRESET.
func (e *env) read(side conform.Side, buf []byte) (int, error) {
	if err := e.pollFd(e.fd[side], unix.POLLIN, waitStep, side.String()+" to have something to read"); err != nil {
		return 0, err
	}
	for {
		n, err := unix.Read(e.fd[side], buf)
		if err == unix.EINTR || err == unix.EAGAIN {
			if err == unix.EAGAIN {
				if err := e.pollFd(e.fd[side], unix.POLLIN, waitStep, side.String()+" to have something to read"); err != nil {
					return 0, err
				}
			}
			continue
		}
		return n, err
	}
}

// readFull reads exactly len(buf) bytes on side.
func (e *env) readFull(side conform.Side, buf []byte) error {
	for got := 0; got < len(buf); {
		n, err := e.read(side, buf[got:])
		if err != nil {
			return fmt.Errorf("%s read: %w", side, err)
		}
		if n == 0 {
			return fmt.Errorf("%s read: end of stream after %d of %d bytes", side, got, len(buf))
		}
		got += n
	}
	return nil
}

// readEOF reads on side until the end of the stream: the peer's FIN as the
// application sees it.
func (e *env) readEOF(side conform.Side) error {
	buf := make([]byte, 4096)
	for {
		n, err := e.read(side, buf)
		if err != nil {
			return fmt.Errorf("%s read, waiting for the end of the stream: %w", side, err)
		}
		if n == 0 {
			return nil
		}
	}
}

// readReset reads on side and wants ECONNRESET: the peer's RST as the
// application sees it.
func (e *env) readReset(side conform.Side) error {
	buf := make([]byte, 4096)
	for {
		n, err := e.read(side, buf)
		switch {
		case err == unix.ECONNRESET:
			return nil
		case err != nil:
			return fmt.Errorf("%s read: %w, want ECONNRESET", side, err)
		case n == 0:
			return fmt.Errorf("%s read: end of stream, want ECONNRESET", side)
		}
	}
}

// unread says how many received bytes wait on side's socket (SIOCINQ).
func (e *env) unread(side conform.Side) (int, error) {
	return unix.IoctlGetInt(e.fd[side], unix.SIOCINQ)
}

// closeFd closes side's socket as the application's call.
func (e *env) closeFd(side conform.Side, call string) error {
	fd := e.fd[side]
	if fd < 0 {
		return fmt.Errorf("%s %s: the socket is not open", side, call)
	}
	e.fd[side] = -1
	e.rec.call(side, call)
	if err := unix.Close(fd); err != nil {
		return fmt.Errorf("%s %s: %w", side, call, err)
	}
	return nil
}

// close is close() with nothing left unread: a FIN, the socket orphaned.
func (e *env) close(side conform.Side) error {
	if n, err := e.unread(side); err == nil && n > 0 {
		return fmt.Errorf("%s close: %d bytes unread, which would make it close_unread", side, n)
	}
	return e.closeFd(side, conform.Close)
}

// closeUnread is close() with received data unread: RST (RFC 2525 2.17).
func (e *env) closeUnread(side conform.Side) error {
	n, err := e.unread(side)
	if err != nil {
		return fmt.Errorf("%s close_unread: SIOCINQ: %w", side, err)
	}
	if n == 0 {
		return fmt.Errorf("%s close_unread: nothing unread", side)
	}
	return e.closeFd(side, conform.CloseUnread)
}

// abort is SO_LINGER {on, 0} then close(): RST, no TIME_WAIT.
func (e *env) abort(side conform.Side) error {
	if err := unix.SetsockoptLinger(e.fd[side], unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0}); err != nil {
		return fmt.Errorf("%s abort: SO_LINGER: %w", side, err)
	}
	return e.closeFd(side, conform.Abort)
}

// shutdown is shutdown(SHUT_WR): a FIN, the socket still held.
func (e *env) shutdown(side conform.Side) error {
	e.rec.call(side, conform.Shutdown)
	if err := unix.Shutdown(e.fd[side], unix.SHUT_WR); err != nil {
		return fmt.Errorf("%s shutdown: %w", side, err)
	}
	return nil
}

// injectRST sends a bare RST with sequence number seq from the server's
// address and port to the client's through a raw socket in the namespace,
// as an attacker or an old duplicate would (RFC 1337). It leaves through
// lo like any segment of the server's, so the capture records it as sent
// by the server.
func (e *env) injectRST(seq uint32) error {
	return e.ns.do(func() error {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.IPPROTO_RAW)
		if err != nil {
			return fmt.Errorf("raw socket: %w", err)
		}
		defer unix.Close(fd)
		if err := unix.Sendto(fd, buildRST(serverPort, clientPort, seq), 0, &unix.SockaddrInet4{Addr: loopback}); err != nil {
			return fmt.Errorf("send the injected RST: %w", err)
		}
		return nil
	})
}

// drainTokens sends one UDP datagram of size bytes (payload) to a socket
// of its own on 127.0.0.1:9999, to use up the token bucket of a tbf qdisc
// on lo; the capture ignores it, being no TCP.
func (e *env) drainTokens(size int) error {
	return e.ns.do(func() error {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("udp socket: %w", err)
		}
		// Kept open until cleanup: a datagram to a closed port would draw
		// an ICMP error, one more packet in the queue.
		e.others = append(e.others, fd)
		to := &unix.SockaddrInet4{Port: 9999, Addr: loopback}
		if err := unix.Bind(fd, to); err != nil {
			return fmt.Errorf("bind udp 127.0.0.1:9999: %w", err)
		}
		if err := unix.Sendto(fd, make([]byte, size), 0, to); err != nil {
			return fmt.Errorf("send udp: %w", err)
		}
		return nil
	})
}
