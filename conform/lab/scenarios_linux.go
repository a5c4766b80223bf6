package lab

import (
	"fmt"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/tcpfsm/tcpfsm/conform"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// A scenario drives the two sides through one close path and returns once
// the states it is about have been seen. Waits for what the scenario
// needs in order to go on are errors when they time out; waits for the
// outcome it records (expect) are not: the trace shows what the kernel
// did, and judging it is conform.Verify's job.
type scenario struct {
	name string
	// sysctl, when not empty, is the NAME=VALUE the scenario sets in its
	// namespace before the connection opens.
	sysctl string
	// run drives the scenario from an established connection.
	run func(e *env) error
}

var scenarios = []scenario{
	{name: "active-close", run: runActiveClose},
	{name: "never-close", run: runNeverClose},
	{name: "fin-wait-2-flush", sysctl: "net.ipv4.tcp_fin_timeout=2", run: runFinWait2Flush},
	{name: "simultaneous-close", run: runSimultaneousClose},
	{name: "abort-linger", run: runAbortLinger},
	{name: "close-unread", run: runCloseUnread},
	{name: "data-after-close", run: runDataAfterClose},
	{name: "lost-final-ack", run: runLostFinalAck},
	{name: "reopen-time-wait", run: runReopenTimeWait},
	{name: "reuse-own-time-wait", sysctl: "net.ipv4.tcp_tw_reuse=2", run: runReuseOwnTimeWait},
	{name: "rst-in-time-wait-rfc1337-0", sysctl: "net.ipv4.tcp_rfc1337=0", run: runRstInTimeWait},
	{name: "rst-in-time-wait-rfc1337-1", sysctl: "net.ipv4.tcp_rfc1337=1", run: runRstInTimeWait},
}

// play sets the scenario's sysctl, opens the connection (listen, connect,
// accept) and runs the scenario from there.
func (sc scenario) play(e *env) error {
	if sc.sysctl != "" {
		name, value, _ := strings.Cut(sc.sysctl, "=")
		if err := e.sysctl(name, value); err != nil {
			return err
		}
	}
	if err := e.establish(); err != nil {
		return err
	}
	return sc.run(e)
}

// expect waits for an outcome; when it does not come, it says so through
// Options.Logf and lets the scenario end normally. (When the scenario's
// context ends instead, runScenario reports that.)
func (e *env) expect(what string, timeout time.Duration, cond func() bool) {
	if err := e.await(what, timeout, cond); err != nil && e.ctx.Err() == nil {
		e.opts.logf("%s: note: %v", e.name, err)
	}
}

func (e *env) expectState(side conform.Side, st tcp.State, mark int, timeout time.Duration) {
	e.expect(fmt.Sprintf("%s %s", side, st), timeout, func() bool { return e.rec.saw(side, st, mark) })
}

func (e *env) expectTimeWait(side conform.Side, timeout time.Duration) {
	if err := e.awaitTimeWait(side, timeout); err != nil && e.ctx.Err() == nil {
		e.opts.logf("%s: note: %v", e.name, err)
	}
}

// expectBoth waits for both sides to be seen in st since mark, as
// expectState does.
func (e *env) expectBoth(st tcp.State, mark int, timeout time.Duration) {
	e.expectState(conform.Client, st, mark, timeout)
	e.expectState(conform.Server, st, mark, timeout)
}

// closeFirst has side first close: it waits for first's FIN_WAIT_2 and the
// other side's CLOSE_WAIT, and has the other side read the end of stream.
func (e *env) closeFirst(first conform.Side) error { return e.finFirst(first, e.close) }

// finFirst has side first send its FIN with fin (close or shutdown), and
// goes on as closeFirst says.
func (e *env) finFirst(first conform.Side, fin func(conform.Side) error) error {
	m := e.rec.mark()
	if err := fin(first); err != nil {
		return err
	}
	if err := e.awaitState(first, tcp.FinWait2, m, waitStep); err != nil {
		return err
	}
	if err := e.awaitState(first.Other(), tcp.CloseWait, m, waitStep); err != nil {
		return err
	}
	return e.readEOF(first.Other())
}

// closeBoth has side first close, then the other: it waits for first's
// TIME_WAIT with its timer and the other side's CLOSED.
func (e *env) closeBoth(first conform.Side) error {
	if err := e.closeFirst(first); err != nil {
		return err
	}
	m := e.rec.mark()
	if err := e.close(first.Other()); err != nil {
		return err
	}
	if err := e.awaitTimeWait(first, waitStep); err != nil {
		return err
	}
	return e.awaitState(first.Other(), tcp.Closed, m, waitStep)
}

// resetByClient has the client send a RST with reset (abort or
// closeUnread): the server's read fails with ECONNRESET, and both sides
// are expected to end CLOSED.
func (e *env) resetByClient(reset func(conform.Side) error) error {
	m := e.rec.mark()
	if err := reset(conform.Client); err != nil {
		return err
	}
	if err := e.readReset(conform.Server); err != nil {
		return err
	}
	e.expectBoth(tcp.Closed, m, waitStep)
	return nil
}

// nextSeq is the absolute sequence number just past what side has sent in
// its latest connection, as captured: what its peer expects next.
func (e *env) nextSeq(side conform.Side) (uint32, error) {
	var next uint32
	var ok bool
	e.rec.with(func() { next, ok = e.rec.nextSeq(side) })
	if !ok {
		return 0, fmt.Errorf("no segment from the %s captured: cannot tell what the %s expects next", side, side.Other())
	}
	return next, nil
}

// reconnect connects the client again from its old port, and the server
// accepts the new connection.
func (e *env) reconnect() error {
	if err := e.connect(); err != nil {
		return fmt.Errorf("reconnect: %w", err)
	}
	if err := e.accept(); err != nil {
		return fmt.Errorf("reconnect: %w", err)
	}
	return nil
}

// runActiveClose drives active-close: the client sends a little data and
// closes; the server reads it and the end of the stream, then closes.
// Client: FIN_WAIT_1, FIN_WAIT_2, TIME_WAIT; server: CLOSE_WAIT, LAST_ACK,
// CLOSED.
func runActiveClose(e *env) error {
	msg := []byte("hello\n")
	if err := e.write(conform.Client, msg); err != nil {
		return err
	}
	if err := e.readFull(conform.Server, make([]byte, len(msg))); err != nil {
		return err
	}
	if err := e.closeFirst(conform.Client); err != nil {
		return err
	}
	m := e.rec.mark()
	if err := e.close(conform.Server); err != nil {
		return err
	}
	e.expectTimeWait(conform.Client, waitStep)
	e.expectState(conform.Server, tcp.Closed, m, waitStep)
	return nil
}

// runNeverClose drives never-close: the client half-closes with
// shutdown(SHUT_WR) and keeps the socket; the server reads the end of the
// stream and never closes. Neither FIN_WAIT_2 (held, not orphaned) nor
// CLOSE_WAIT has a timer to end it: both are watched for a second.
func runNeverClose(e *env) error {
	if err := e.finFirst(conform.Client, e.shutdown); err != nil {
		return err
	}
	return e.hold(time.Second)
}

// runFinWait2Flush drives fin-wait-2-flush: with tcp_fin_timeout=2 the
// client's orphaned FIN_WAIT_2 (close() called, the server never closing) is
// flushed after about 2 s. When the server then closes, its FIN finds no
// socket and draws a RST from the client's side.
func runFinWait2Flush(e *env) error {
	m := e.rec.mark()
	if err := e.closeFirst(conform.Client); err != nil {
		return err
	}
	if err := e.await("the client's orphaned FIN_WAIT_2 with its flush timer", waitStep, func() bool {
		return e.rec.saw(conform.Client, tcp.FinWait2, m) && e.rec.sawTimer(conform.Client, "timewait", m)
	}); err != nil {
		return err
	}
	// fin_timeout is 2 s; the timer wheel may add a little.
	m = e.rec.mark()
	e.expectState(conform.Client, tcp.Closed, m, waitLong)
	m = e.rec.mark()
	rsts := e.countSegs(conform.Client, isRST)
	if err := e.close(conform.Server); err != nil {
		return err
	}
	e.expect("a RST from the client's side", waitStep, func() bool { return e.rec.countSegs(isSeg(conform.Client, isRST)) > rsts })
	e.expectState(conform.Server, tcp.Closed, m, waitStep)
	return nil
}

// runSimultaneousClose drives simultaneous-close: both sides close at once
// and their FINs cross, so each is in FIN_WAIT_1 when the other's FIN
// arrives: CLOSING, then TIME_WAIT on both sides.
//
// On loopback a segment arrives before the send call returns, so the FINs
// never cross by themselves, and this kernel has no netem to delay them.
// A tbf qdisc on lo does it: at 15 kbit/s every 66-byte segment waits
// about 35 ms for tokens, and a UDP datagram sent just before the closes
// empties the 100-byte bucket, so the first FIN waits too. Each state then
// lasts tens of milliseconds, long enough for the poller, and the last ACK
// still comes well before the 200 ms RTO would resend a FIN. Each FIN then
// carries the ACK number from before the other's FIN arrived.
func runSimultaneousClose(e *env) error {
	if err := e.tc([]string{"qdisc", "add", "dev", "lo", "root", "tbf", "rate", "15kbit", "burst", "100", "limit", "10000"},
		[]string{"qdisc", "del", "dev", "lo", "root"}); err != nil {
		return err
	}
	// 14 + 20 + 8 + 50 = 92 bytes of the bucket's 100.
	if err := e.drainTokens(50); err != nil {
		return err
	}
	m := e.rec.mark()
	if err := e.close(conform.Client); err != nil {
		return err
	}
	if err := e.close(conform.Server); err != nil {
		return err
	}
	if err := e.await("CLOSING on both sides", waitStep, func() bool {
		return e.rec.saw(conform.Client, tcp.Closing, m) && e.rec.saw(conform.Server, tcp.Closing, m)
	}); err != nil {
		return fmt.Errorf("the FINs did not cross: %w", err)
	}
	e.expectTimeWait(conform.Client, waitStep)
	e.expectTimeWait(conform.Server, waitStep)
	return nil
}

// runAbortLinger drives abort-linger: the client sets SO_LINGER {on, 0} and
// closes: a RST, no TIME_WAIT; the server's read fails with ECONNRESET.
func runAbortLinger(e *env) error { return e.resetByClient(e.abort) }

// runCloseUnread drives close-unread: the server sends data the client never
// reads; the client's close() then sends a RST instead of a FIN (RFC 2525
// 2.17) and the server's read fails with ECONNRESET.
func runCloseUnread(e *env) error {
	if err := e.write(conform.Server, []byte("data the client never reads\n")); err != nil {
		return err
	}
	if err := e.pollFd(e.fd[conform.Client], unix.POLLIN, waitStep, "the server's data to reach the client"); err != nil {
		return err
	}
	return e.resetByClient(e.closeUnread)
}

// runDataAfterClose drives data-after-close: the client close()s, which
// orphans its socket, and the server, still in CLOSE_WAIT, sends data that
// nobody can read any more. Linux answers it with a RST (RFC 9293 3.6.1
// SHLD-3): the client's FIN_WAIT_2 ends, the server sees the reset.
func runDataAfterClose(e *env) error {
	if err := e.closeFirst(conform.Client); err != nil {
		return err
	}
	m := e.rec.mark()
	if err := e.write(conform.Server, []byte("too late\n")); err != nil {
		return err
	}
	e.expectBoth(tcp.Closed, m, waitStep)
	return nil
}

// runLostFinalAck drives lost-final-ack: an nftables rule on the output path
// drops the client's final ACK (a bare ACK from the client's port to the
// server's, the only kind the client sends from FIN_WAIT_2 on). The server
// in LAST_ACK resends its FIN on each RTO and the client's TIME_WAIT answers
// each copy (restarting its timer); those answers are dropped too, before
// they reach lo, so the trace cannot show them. After two resent FINs the
// rule goes and the next answer lets the server reach CLOSED.
func runLostFinalAck(e *env) error {
	if err := e.closeFirst(conform.Client); err != nil {
		return err
	}
	rule := fmt.Sprintf(`table inet %s {
	chain output {
		type filter hook output priority 0; policy accept;
		ip saddr 127.0.0.1 tcp sport %d tcp dport %d tcp flags == ack counter drop
	}
}
`, nftTable, clientPort, serverPort)
	if err := e.nftAdd(rule); err != nil {
		return err
	}
	fins := e.countSegs(conform.Server, isFIN)
	m := e.rec.mark()
	if err := e.close(conform.Server); err != nil {
		return err
	}
	if err := e.awaitState(conform.Server, tcp.LastAck, m, waitStep); err != nil {
		return err
	}
	if err := e.awaitTimeWait(conform.Client, waitStep); err != nil {
		return err
	}
	// The FIN and two copies: RTO 200 ms, then 400 ms.
	if err := e.await("the server's FIN sent again twice", waitLong, func() bool {
		return e.rec.countSegs(isSeg(conform.Server, isFIN)) >= fins+3
	}); err != nil {
		return err
	}
	if err := e.nftDelete(); err != nil {
		return err
	}
	// The next copy comes about 0.8 s later and is answered.
	e.expectState(conform.Server, tcp.Closed, m, waitLong)
	e.expectTimeWait(conform.Client, waitStep)
	return nil
}

// runReopenTimeWait drives reopen-time-wait: the server closes first and
// holds TIME_WAIT; the client then connects again from the same port. Its
// SYN carries a higher sequence number (the kernel's ISN clock has moved on;
// checked here), so the server's TIME_WAIT accepts it and the new connection
// is established on the same 4-tuple. Its segments and states belong to the
// same two sides.
func runReopenTimeWait(e *env) error {
	if err := e.closeBoth(conform.Server); err != nil {
		return err
	}
	// What the server's TIME_WAIT expects next from the client.
	rcvNxt, err := e.nextSeq(conform.Client)
	if err != nil {
		return err
	}
	m, err := e.awaitSent("the new SYN", conform.Client, isSYN, e.reconnect)
	if err != nil {
		return err
	}
	// The trace numbers each connection from its own ISN, so the scenario
	// itself checks that the new SYN lay above the old connection.
	var syn uint32
	var ok bool
	e.rec.with(func() { syn, ok = e.rec.lastSYN(conform.Client) })
	if !ok || int32(syn-rcvNxt) <= 0 {
		return fmt.Errorf("the new SYN (seq %d) does not lie above the old connection (RCV.NXT %d): not the case this scenario is about", syn, rcvNxt)
	}
	e.expectBoth(tcp.Established, m, waitStep)
	return nil
}

// runReuseOwnTimeWait drives reuse-own-time-wait: the client closes first
// and holds TIME_WAIT; then it connects again from the same port to the
// same server. Linux lets it when the old connection carried timestamps
// and net.ipv4.tcp_tw_reuse allows (2, the default: loopback only), and
// only once a second has passed since the last timestamp it received
// (tcp_twsk_unique); the new connection replaces the TIME_WAIT.
func runReuseOwnTimeWait(e *env) error {
	if err := e.closeBoth(conform.Client); err != nil {
		return err
	}
	// ts_recent_stamp counts whole seconds: after 2.1 s one has surely
	// passed, and connect() succeeds at the first try.
	if err := e.hold(2100 * time.Millisecond); err != nil {
		return err
	}
	m := e.rec.mark()
	if err := e.reconnect(); err != nil {
		return err
	}
	e.expectBoth(tcp.Established, m, waitStep)
	return nil
}

// runRstInTimeWait drives rst-in-time-wait-rfc1337-0 and -1: the client
// closes first and reaches TIME_WAIT; then a RST in its window (sequence
// number = what it expects next, as learned from the capture) arrives from
// the server's address and port, injected through a raw socket. With
// tcp_rfc1337=0 (the scenario's sysctl) the RST kills the TIME_WAIT
// (TIME-WAIT assassination); with 1 it is ignored.
func runRstInTimeWait(e *env) error {
	// The RST's sequence number comes from the capture: wait for it to
	// have the server's FIN.
	if _, err := e.awaitSent("the FIN", conform.Server, isFIN, func() error { return e.closeBoth(conform.Client) }); err != nil {
		return err
	}
	seq, err := e.nextSeq(conform.Server)
	if err != nil {
		return err
	}
	m, err := e.awaitSent("the injected RST", conform.Server, isRST, func() error { return e.injectRST(seq) })
	if err != nil {
		return err
	}
	if e.sysctls["net.ipv4.tcp_rfc1337"] == "0" {
		e.expectState(conform.Client, tcp.Closed, m, waitStep)
		return nil
	}
	// Ignored: nothing will happen, so watch for a second that nothing does.
	return e.hold(time.Second)
}
