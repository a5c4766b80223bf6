package conform

import (
	"fmt"
	"time"

	"golang.org/x/sys/unix"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// A scenario drives the two sides through one close path and returns once
// the states it is about have been seen. Waits for what the scenario
// needs in order to go on are errors when they time out; waits for the
// outcome it records (expect) are not: the trace shows what the kernel
// did, and judging it is the verifier's job.
type scenario struct {
	name string
	run  func(e *env) error
}

var scenarios = []scenario{
	{"active-close", runActiveClose},
	{"never-close", runNeverClose},
	{"fin-wait-2-flush", runFinWait2Flush},
	{"simultaneous-close", runSimultaneousClose},
	{"abort-linger", runAbortLinger},
	{"close-unread", runCloseUnread},
	{"data-after-close", runDataAfterClose},
	{"lost-final-ack", runLostFinalAck},
	{"reopen-time-wait", runReopenTimeWait},
	{"reuse-own-time-wait", runReuseOwnTimeWait},
	{"rst-in-time-wait-rfc1337-0", func(e *env) error { return runRstInTimeWait(e, "0") }},
	{"rst-in-time-wait-rfc1337-1", func(e *env) error { return runRstInTimeWait(e, "1") }},
}

// expect waits for an outcome; when it does not come, it says so through
// Options.Logf and lets the scenario end normally. (When the scenario's
// context ends instead, runScenario reports that.)
func (e *env) expect(what string, timeout time.Duration, cond func() bool) {
	if err := e.await(what, timeout, cond); err != nil && e.ctx.Err() == nil {
		e.opts.logf("%s: note: %v", e.name, err)
	}
}

func (e *env) expectState(side Side, st tcp.State, mark int, timeout time.Duration) {
	e.expect(fmt.Sprintf("%s %s", side, st), timeout, func() bool { return e.rec.saw(side, st, mark) })
}

func (e *env) expectTimeWait(side Side, timeout time.Duration) {
	if err := e.awaitTimeWait(side, timeout); err != nil && e.ctx.Err() == nil {
		e.opts.logf("%s: note: %v", e.name, err)
	}
}

// closeFirst has side first close: it waits for first's FIN_WAIT_2 and the
// other side's CLOSE_WAIT, and has the other side read the end of stream.
func (e *env) closeFirst(first Side) error {
	m := e.rec.mark()
	if err := e.close(first); err != nil {
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

// runActiveClose drives active-close: the client sends a little data and
// closes; the server reads it and the end of the stream, then closes.
// Client: FIN_WAIT_1, FIN_WAIT_2, TIME_WAIT; server: CLOSE_WAIT, LAST_ACK,
// CLOSED.
func runActiveClose(e *env) error {
	if err := e.establish(); err != nil {
		return err
	}
	msg := []byte("hello\n")
	if err := e.write(Client, msg); err != nil {
		return err
	}
	if err := e.readFull(Server, make([]byte, len(msg))); err != nil {
		return err
	}
	if err := e.closeFirst(Client); err != nil {
		return err
	}
	m := e.rec.mark()
	if err := e.close(Server); err != nil {
		return err
	}
	e.expectTimeWait(Client, waitStep)
	e.expectState(Server, tcp.Closed, m, waitStep)
	return nil
}

// runNeverClose drives never-close: the client half-closes with
// shutdown(SHUT_WR) and keeps the socket; the server reads the end of the
// stream and never closes. Neither FIN_WAIT_2 (held, not orphaned) nor
// CLOSE_WAIT has a timer to end it: both are watched for a second.
func runNeverClose(e *env) error {
	if err := e.establish(); err != nil {
		return err
	}
	m := e.rec.mark()
	if err := e.shutdown(Client); err != nil {
		return err
	}
	if err := e.awaitState(Client, tcp.FinWait2, m, waitStep); err != nil {
		return err
	}
	if err := e.awaitState(Server, tcp.CloseWait, m, waitStep); err != nil {
		return err
	}
	if err := e.readEOF(Server); err != nil {
		return err
	}
	return e.hold(time.Second)
}

// runFinWait2Flush drives fin-wait-2-flush: with tcp_fin_timeout=2 the
// client's orphaned FIN_WAIT_2 (close() called, the server never closing) is
// flushed after about 2 s. When the server then closes, its FIN finds no
// socket and draws a RST from the client's side.
func runFinWait2Flush(e *env) error {
	if err := e.sysctl("net.ipv4.tcp_fin_timeout", "2"); err != nil {
		return err
	}
	if err := e.establish(); err != nil {
		return err
	}
	m := e.rec.mark()
	if err := e.closeFirst(Client); err != nil {
		return err
	}
	if err := e.await("the client's orphaned FIN_WAIT_2 with its flush timer", waitStep, func() bool {
		return e.rec.saw(Client, tcp.FinWait2, m) && e.rec.sawTimer(Client, "timewait", m)
	}); err != nil {
		return err
	}
	// fin_timeout is 2 s; the timer wheel may add a little.
	m = e.rec.mark()
	e.expectState(Client, tcp.Closed, m, waitLong)
	m = e.rec.mark()
	rsts := e.countSegs(Client, isRST)
	if err := e.close(Server); err != nil {
		return err
	}
	e.expect("a RST from the client's side", waitStep, func() bool { return e.rec.countSegs(isSeg(Client, isRST)) > rsts })
	e.expectState(Server, tcp.Closed, m, waitStep)
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
	if err := e.establish(); err != nil {
		return err
	}
	if err := e.tc([]string{"qdisc", "add", "dev", "lo", "root", "tbf", "rate", "15kbit", "burst", "100", "limit", "10000"},
		[]string{"qdisc", "del", "dev", "lo", "root"}); err != nil {
		return err
	}
	// 14 + 20 + 8 + 50 = 92 bytes of the bucket's 100.
	if err := e.drainTokens(50); err != nil {
		return err
	}
	m := e.rec.mark()
	if err := e.close(Client); err != nil {
		return err
	}
	if err := e.close(Server); err != nil {
		return err
	}
	if err := e.await("CLOSING on both sides", waitStep, func() bool {
		return e.rec.saw(Client, tcp.Closing, m) && e.rec.saw(Server, tcp.Closing, m)
	}); err != nil {
		return fmt.Errorf("the FINs did not cross: %w", err)
	}
	e.expectTimeWait(Client, waitStep)
	e.expectTimeWait(Server, waitStep)
	return nil
}

// runAbortLinger drives abort-linger: the client sets SO_LINGER {on, 0} and
// closes: a RST, no TIME_WAIT; the server's read fails with ECONNRESET.
func runAbortLinger(e *env) error {
	if err := e.establish(); err != nil {
		return err
	}
	m := e.rec.mark()
	if err := e.abort(Client); err != nil {
		return err
	}
	if err := e.readReset(Server); err != nil {
		return err
	}
	e.expectState(Client, tcp.Closed, m, waitStep)
	e.expectState(Server, tcp.Closed, m, waitStep)
	return nil
}

// runCloseUnread drives close-unread: the server sends data the client never
// reads; the client's close() then sends a RST instead of a FIN (RFC 2525
// 2.17) and the server's read fails with ECONNRESET.
func runCloseUnread(e *env) error {
	if err := e.establish(); err != nil {
		return err
	}
	if err := e.write(Server, []byte("data the client never reads\n")); err != nil {
		return err
	}
	if err := e.pollFd(e.fd[Client], unix.POLLIN, waitStep, "the server's data to reach the client"); err != nil {
		return err
	}
	m := e.rec.mark()
	if err := e.closeUnread(Client); err != nil {
		return err
	}
	if err := e.readReset(Server); err != nil {
		return err
	}
	e.expectState(Client, tcp.Closed, m, waitStep)
	e.expectState(Server, tcp.Closed, m, waitStep)
	return nil
}

// runDataAfterClose drives data-after-close: the client close()s, which
// orphans its socket, and the server, still in CLOSE_WAIT, sends data that
// nobody can read any more. Linux answers it with a RST (RFC 9293 3.6.1
// SHLD-3): the client's FIN_WAIT_2 ends, the server sees the reset.
func runDataAfterClose(e *env) error {
	if err := e.establish(); err != nil {
		return err
	}
	if err := e.closeFirst(Client); err != nil {
		return err
	}
	m := e.rec.mark()
	if err := e.write(Server, []byte("too late\n")); err != nil {
		return err
	}
	e.expectState(Client, tcp.Closed, m, waitStep)
	e.expectState(Server, tcp.Closed, m, waitStep)
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
	if err := e.establish(); err != nil {
		return err
	}
	if err := e.closeFirst(Client); err != nil {
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
	fins := e.countSegs(Server, isFIN)
	m := e.rec.mark()
	if err := e.close(Server); err != nil {
		return err
	}
	if err := e.awaitState(Server, tcp.LastAck, m, waitStep); err != nil {
		return err
	}
	if err := e.awaitTimeWait(Client, waitStep); err != nil {
		return err
	}
	// The FIN and two copies: RTO 200 ms, then 400 ms.
	if err := e.await("the server's FIN sent again twice", waitLong, func() bool {
		return e.rec.countSegs(isSeg(Server, isFIN)) >= fins+3
	}); err != nil {
		return err
	}
	if err := e.nftDelete(); err != nil {
		return err
	}
	// The next copy comes about 0.8 s later and is answered.
	e.expectState(Server, tcp.Closed, m, waitLong)
	e.expectTimeWait(Client, waitStep)
	return nil
}

// runReopenTimeWait drives reopen-time-wait: the server closes first and
// holds TIME_WAIT; the client then connects again from the same port. Its
// SYN carries a higher sequence number (the kernel's ISN clock has moved on;
// checked here), so the server's TIME_WAIT accepts it and the new connection
// is established on the same 4-tuple. Its segments and states belong to the
// same two sides.
func runReopenTimeWait(e *env) error {
	if err := e.establish(); err != nil {
		return err
	}
	m := e.rec.mark()
	if err := e.closeFirst(Server); err != nil {
		return err
	}
	if err := e.close(Client); err != nil {
		return err
	}
	if err := e.awaitTimeWait(Server, waitStep); err != nil {
		return err
	}
	if err := e.awaitState(Client, tcp.Closed, m, waitStep); err != nil {
		return err
	}
	// What the server's TIME_WAIT expects next from the client.
	var rcvNxt uint32
	var ok bool
	e.rec.with(func() { rcvNxt, ok = e.rec.nextSeq(Client) })
	if !ok {
		return fmt.Errorf("no segment from the client captured")
	}
	syns := e.countSegs(Client, isSYN)
	m = e.rec.mark()
	if err := e.connect(); err != nil {
		return fmt.Errorf("reconnect: %w", err)
	}
	if err := e.accept(); err != nil {
		return fmt.Errorf("reconnect: %w", err)
	}
	// The trace numbers each connection from its own ISN, so the scenario
	// itself checks that the new SYN lay above the old connection.
	if err := e.awaitSeg("the new SYN", Client, isSYN, syns, waitStep); err != nil {
		return err
	}
	var syn uint32
	e.rec.with(func() { syn, ok = e.rec.lastSYN(Client) })
	if !ok || int32(syn-rcvNxt) <= 0 {
		return fmt.Errorf("the new SYN (seq %d) does not lie above the old connection (RCV.NXT %d): not the case this scenario is about", syn, rcvNxt)
	}
	e.expectState(Client, tcp.Established, m, waitStep)
	e.expectState(Server, tcp.Established, m, waitStep)
	return nil
}

// runReuseOwnTimeWait drives reuse-own-time-wait: the client closes first
// and holds TIME_WAIT; then it connects again from the same port to the
// same server. Linux lets it when the old connection carried timestamps
// and net.ipv4.tcp_tw_reuse allows (2, the default: loopback only), and
// only once a second has passed since the last timestamp it received
// (tcp_twsk_unique); the new connection replaces the TIME_WAIT.
func runReuseOwnTimeWait(e *env) error {
	if err := e.sysctl("net.ipv4.tcp_tw_reuse", "2"); err != nil {
		return err
	}
	if err := e.establish(); err != nil {
		return err
	}
	if err := e.closeFirst(Client); err != nil {
		return err
	}
	m := e.rec.mark()
	if err := e.close(Server); err != nil {
		return err
	}
	if err := e.awaitTimeWait(Client, waitStep); err != nil {
		return err
	}
	if err := e.awaitState(Server, tcp.Closed, m, waitStep); err != nil {
		return err
	}
	// ts_recent_stamp counts whole seconds: after 2.1 s one has surely
	// passed, and connect() succeeds at the first try.
	if err := e.hold(2100 * time.Millisecond); err != nil {
		return err
	}
	m = e.rec.mark()
	if err := e.connect(); err != nil {
		return fmt.Errorf("reconnect from the TIME_WAIT port: %w", err)
	}
	if err := e.accept(); err != nil {
		return fmt.Errorf("reconnect: %w", err)
	}
	e.expectState(Client, tcp.Established, m, waitStep)
	e.expectState(Server, tcp.Established, m, waitStep)
	return nil
}

// runRstInTimeWait drives rst-in-time-wait-rfc1337-0 and -1: the client
// closes first and reaches TIME_WAIT; then a RST in its window (sequence
// number = what it expects next, as learned from the capture) arrives from
// the server's address and port, injected through a raw socket. With
// tcp_rfc1337=0 the RST kills the TIME_WAIT (TIME-WAIT assassination); with
// 1 it is ignored.
func runRstInTimeWait(e *env, rfc1337 string) error {
	if err := e.sysctl("net.ipv4.tcp_rfc1337", rfc1337); err != nil {
		return err
	}
	if err := e.establish(); err != nil {
		return err
	}
	if err := e.closeFirst(Client); err != nil {
		return err
	}
	fins := e.countSegs(Server, isFIN)
	m := e.rec.mark()
	if err := e.close(Server); err != nil {
		return err
	}
	if err := e.awaitTimeWait(Client, waitStep); err != nil {
		return err
	}
	if err := e.awaitState(Server, tcp.Closed, m, waitStep); err != nil {
		return err
	}
	// The RST's sequence number comes from the capture: wait for it to
	// have the server's FIN.
	if err := e.awaitSeg("the FIN", Server, isFIN, fins, waitStep); err != nil {
		return err
	}
	var seq uint32
	var ok bool
	e.rec.with(func() { seq, ok = e.rec.nextSeq(Server) })
	if !ok {
		return fmt.Errorf("no segment from the server captured: cannot tell the client's RCV.NXT")
	}
	rsts := e.countSegs(Server, isRST)
	m = e.rec.mark()
	if err := e.injectRST(seq); err != nil {
		return err
	}
	if err := e.awaitSeg("the injected RST", Server, isRST, rsts, waitStep); err != nil {
		return err
	}
	if rfc1337 == "0" {
		e.expectState(Client, tcp.Closed, m, waitStep)
		return nil
	}
	// Ignored: nothing will happen, so watch for a second that nothing does.
	return e.hold(time.Second)
}
