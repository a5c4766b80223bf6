// Package model defines the system on which the close-path guarantees P1
// to P8 are stated, and its successor relation: two endpoints of one
// 4-tuple, a client A and a server B, each stepping through the generated
// TCP table (generated/tcp) under one profile, joined by a network that
// loses, duplicates and reorders segments, with discrete time. Package
// check explores it; package props states the properties over it.
//
// # Time
//
// Time moves in ticks; a tick is the network's MSL divided by MSLTicks.
// Every modelled duration of the profile becomes a whole number of ticks,
// rounded up (a retransmission timeout of 1 s is one tick). A timer that
// expires is urgent: it fires before time moves on. A segment is urgent at
// the MSL: it must be delivered or lost before it would grow older, and
// before any timer fires at that instant.
//
// Modelled timers: retransmission (doubling at each restart), R2 (r2_syn
// while a SYN or SYN,ACK is outstanding, r2_orphan for an orphan's FIN
// where the profile has one; each taken when the timer is armed, as
// tcp.Profile.Duration says), TIME_WAIT, the FIN_WAIT_2
// flush (armed for an orphan, or for a held socket under
// flush_held_fin_wait_2), persist with the zero window (below) and
// keep-alive with Bounds.KeepAlive and the user timeout with
// Bounds.UserTimeout (below). Without Bounds.UserTimeout no user timeout
// runs, rfc9293's default of 5 minutes included (no other profile has
// one by default), which would end a FIN held that long on a closed
// window as the user timeout run's does.
//
// # Network
//
// Each direction holds a set of distinct (segment, incarnation, age)
// elements, at most Capacity of them; a copy identical to one already in
// flight at the same age is the same element. Delivering takes any element
// (reordering); with duplication it may also leave it in place. Losing one
// spends the loss budget, Losses per incarnation; a send that finds the
// channel full is a loss too, and is not possible once the budget is spent
// (Successors reports such refused moves, so that a state stuck only for
// want of room is not taken for a deadlock). A RST takes the incarnation
// of the segment it answers; one sent by an endpoint without a connection
// (CLOSED or LISTEN) is marked stray: it was made after its incarnation's
// endpoints let go.
//
// # Incarnations and sequence space
//
// Sequence numbers are abstract. Every segment carries the incarnation it
// belongs to, a ghost tag the endpoints never read: only properties do.
// An old segment is classified like a current one (the worst case: its
// sequence number may fall inside the new window), unless the new
// incarnation chose sequence numbers above everything the old one used, in
// which case it is out of window and dropped. Ghost sets record, per
// incarnation, whether it chose such numbers (Above), was aborted or
// flushed (Spoiled), was reset before its close completed (Reset), took
// in a segment TIME_WAIT cannot guard it against (Tainted), had its
// TIME_WAIT ended by a RST (Cut: TIME-WAIT assassination, RFC 1337),
// took in a segment of an incarnation whose TIME_WAIT was cut (Derailed),
// or had its TIME_WAIT ended by the reopen rule, or took in a segment of
// one that had (Reopened: nothing restores that TIME_WAIT when the
// reopened connection does not last, where RFC 1122 4.2.2.13 (2) would
// for an old duplicate SYN; the mark is set only where an incarnation can
// follow the reopened one, so from three incarnations on).
// Acknowledgments are exact: an old SYN,ACK never acknowledges the SYN of
// a new incarnation (it is a SYN_ACK_OLD, RFC 9293 Figure 8). The client
// picks that choice when it opens an incarnation after the first; a SYN
// so chosen is a SYN_HIGHER_SEQ to an endpoint still in TIME_WAIT.
//
// # Applications
//
// The client opens (A starts CLOSED); the server listens (B starts in
// LISTEN, and listens again once CLOSED while incarnations remain; its
// application holds a connection from ESTABLISHED on, as accept() returns
// it). An application may close, shut down its sending side, abort, or
// never do anything: no fairness is assumed of applications.
//
// The client opens the next incarnation from CLOSED, or from its own
// TIME_WAIT where the table lets connect() reuse it (reuse_own_time_wait,
// Linux's tcp_tw_reuse): the call is then app OPEN_ACTIVE in TIME_WAIT.
// No profile turns the switch on, so under the profiles as declared the
// table refuses the call and nothing changes; fsmgen check -set
// reuse_own_time_wait=on explores the reuse (P8 is then VIOLATED: a
// TIME_WAIT reused before the peer's CLOSING or LAST_ACK has its ACK
// leaves that peer to be reset).
//
// # Data
//
// Bounds.Data (fsmgen check -data, default 0) is how many segments of data
// each application may write per incarnation, while it may still send
// (ESTABLISHED, CLOSE_WAIT) and has not shut down; 0 leaves data out. A
// write is a step of its own (Write), not an event of the table: the
// segment goes out at once, and waits while its channel is full. The
// receiver takes it as rcv DATA, or as DATA_AFTER_CLOSE once its own
// application has closed (nobody will read it: RFC 9293 3.6.1 SHLD-3);
// data the table ACKs reaches the application (it is accepted, for P3)
// and is unread until the application closes: that close() may then be
// CLOSE_UNREAD, a RST. An endpoint that ends its connection with a RST
// of its own, as these do, aborts the incarnation (Spoiled), like an
// abort. The data a FIN follows is this data: a FIN sent after a write
// leaves behind it on the same channel.
//
// Data is off in DefaultBounds: one segment each multiplies the states of
// the quick bounds by about four, and at DefaultBounds rfc9293 alone
// passed 135 million states in 10 minutes on 2 cores unfinished (36
// million without data). So fsmgen check and fsmgen gen, at the default
// bounds, explore data (with the zero window) in a run of its own at
// DataBounds, the quick bounds with one segment of data each, beside the
// run at DefaultBounds (package verify, Options.Also), and a test
// (verify's TestDataExercised) holds every profile to its verdicts there
// and to the data rules firing.
//
// Abstractions, each leaving in every behaviour of real TCP: data is
// neither lost nor duplicated, since a lost segment is sent again before
// the FIN behind it can be ACKed (the run in which it arrives late is
// explored), and a copy of data already received lies below RCV.NXT and
// is not new data (RFC 9293 3.10.7.4 first). Reordering may deliver the
// FIN before the data it follows, which real TCP would hold until the
// gap is filled: the model lets the receiver move on, and the data then
// meets the state after the FIN, where the table ignores it; this adds
// runs, and takes none away. The acknowledgment a data segment carries is
// not read: the ACK its sender sent for the peer's FIN carries it too.
// Sequence numbers of data stay abstract, as for every segment.
//
// # Zero window
//
// Bounds.ZeroWindow (fsmgen check -zero-window, off by default: with one
// segment of data, the quick bounds take 1 to 3 million states a profile
// with it and 0.1 to 0.3 million without, 18 seconds for all five profiles
// with it on 2 cores) lets an
// application that holds its socket stop reading while the peer may still
// send: its buffer fills with unread data and it advertises a zero window
// (a ZWIN segment, the ACK of whatever filled it); reading again sends the
// window update (WOPEN). Its peer then knows the window closed (Blocked):
// data it writes waits (DataQ), and so does a FIN the table sends for the
// first time (FinQ), with nothing on the wire. A ZWIN or WOPEN is rcv
// ZERO_WINDOW or WINDOW_OPEN to an endpoint with data or its FIN queued,
// a plain ACK to any other; WINDOW_OPEN lets the queued data and FIN
// leave. Data or a FIN queued on a window already known closed is the
// same situation met from the other side: the step that queues it also
// takes the table's rcv ZERO_WINDOW row in the state it leads to
// (Label.Waits), as a real stack arms its persist timer, and not its
// retransmission timer, for a segment that cannot leave (Linux
// tcp_check_probe_timer, FreeBSD tcp_setpersist). So a close() on a
// closed window stops the retransmission timer and R2 that its own row
// started and probes instead, and WINDOW_OPEN starts them afresh, without
// backoff, as the FIN leaves. The row is taken whatever it does: one
// that moves or sends does so within the same step. A live endpoint
// answers a probe with an ACK that carries its window. The
// persist timer runs at the profile's interval without backoff, a field
// of its own (Endpoint.Persist) beside Timers. P2's obligation starts when
// the FIN leaves, not while it waits. The window other segments carry is
// not read.
//
// With one segment of data and the zero window on, every property holds
// at the quick bounds under every profile but for the findings the spec
// declares, and in the six close-path states every rule of data,
// ZERO_WINDOW, WINDOW_OPEN and the persist timer that moves, sends or
// touches a timer fires (verify's TestDataExercised).
//
// # Keep-alive
//
// Bounds.KeepAlive (fsmgen check -keepalive N, 0, off, by default) turns
// keep-alive on for every socket, as an application does with
// SO_KEEPALIVE (arm keepalive if asked; the option outlives close(), so
// orphans probe too), with an idle time of N ticks before the first
// probe: the application's TCP_KEEPIDLE, not the profile's 2 hours, which
// would outlast every other timer of a close and only add idle states.
// After a probe the timer waits the profile's keepalive_interval (arm
// keepalive then keepalive_interval; the idle time again where the
// profile has none); a row that restarts it (an ACK, data or a FIN
// taken in, as the spec's rows say) waits the idle time again. The timer
// is a field of its own (Endpoint.KeepAlive), as persist is, since the
// Promela export leaves it out. A probe is the segment PROBE: every
// synchronized endpoint answers it with an ACK (RFC 9293 3.10.7.4 first:
// its sequence number lies below the window), an endpoint without the
// connection with a RST, as the table says. The model classifies it as
// an ACK (classify.go), which a real stack drops after answering: the
// receiver's rows for an ACK decide (its keep-alive restarts), and a
// probe from CLOSE_WAIT, which acknowledges the peer's FIN as every
// segment it sends does, may move a FIN_WAIT_1 peer on as that ACK
// would. R2, which the spec starts on a probe, gives up on a peer
// that does not answer: one that reopened the 4-tuple and ignores the old
// incarnation's probes, or whose answers are lost. P5 lets that R2 end
// CLOSE_WAIT where keep-alive runs: it is what keep-alive is for.
//
// fsmgen check and fsmgen gen, at the default bounds, explore keep-alive
// in a run of its own at KeepAliveBounds (the quick bounds with a segment
// of data each way, the first probe one MSL idle), beside DefaultBounds:
// there the keep-alive rules of ESTABLISHED, FIN_WAIT_2 and CLOSE_WAIT
// fire, and R2 in each of them (verify's TestDataExercised), and the rows
// only data reaches meet a keep-alive timer running, so that one that
// forgets to stop it is caught (P17). The zero window is left to the data
// run: with keep-alive too, a profile would take 3 to 16 million states.
// A profile takes 0.3 to 2.4 million states here, seconds on 2 cores.
//
// # User timeout
//
// Bounds.UserTimeout (fsmgen check -user-timeout N, 0, off, by default)
// gives every socket a user timeout of N ticks, as an application does
// with TCP_USER_TIMEOUT (RFC 9293 3.9.1.1: the timeout of OPEN and SEND),
// under every profile. The timer runs where the spec's rows start it (a
// SYN, a FIN or data waiting for its ACK, or data or a FIN waiting on the
// peer's zero window) until a row stops it, and its expiry aborts the
// connection without a RST (RFC 9293 3.10.8), as the table says. It is a
// field of its own (Endpoint.UserTimeout), left out of the Promela export.
// The spec declares it as giving up (giveup user_timeout): P11 accepts
// the abort; P5 lets it end CLOSE_WAIT, data having waited on a zero
// window; P12 lets it give up on a FIN whose close is still under way or
// that waits on a closed window, the bound the application asked for.
//
// fsmgen check and fsmgen gen, at the default bounds, explore it in a run
// of its own at UserTimeoutBounds (DataBounds with one incarnation and a
// user timeout of one MSL), beside DefaultBounds: there every user
// timeout rule of the close path fires (verify's TestDataExercised). A
// profile takes 0.76 to 1.6 million states there, seconds on 2 cores.
//
// # Attacker
//
// Bounds.Attacks (fsmgen check -attacker, with -attacks N; 0, no
// attacker, by default) lets an off-path attacker forge up to N segments
// in the whole run: it knows the 4-tuple but not the sequence numbers. A
// forged RST, SYN, ACK or (with data) data segment reaches an endpoint
// that holds a connection at any moment (step Forge), in one of three
// classes (Class): Exact, the segment the peer would send now, which no
// check tells apart (odds of about one in 2^32 for a blind attacker);
// InWindow, in the receive window but not at RCV.NXT, with an acceptable
// ACK (odds of about the window over 2^32); OutOfWindow, dropped before
// the table (RFC 9293 3.10.7.4 first), so not offered; AckAbove, in the
// window but acknowledging beyond SND.NXT (as often as not, blind), an
// ACK or FIN that 3.10.7.4 fifth (RFC 5961 5.2) answers with an ACK and
// drops: the table's ACK_OF_FIN and FIN_ACK of a state that has sent no
// FIN (ESTABLISHED, CLOSE_WAIT) are that case, and only there is it
// offered (beyond a FIN we sent the table has no event for it; the
// runtime answers it before the table). A RST is RST when
// exact and RST_IN_WINDOW when in the window, which the table answers by
// the profile's rfc5961 switch (RFC 5961 3.2: a challenge ACK); a SYN is
// SYN whatever its sequence number (RFC 5961 4.2), an ACK is ACK_OF_FIN
// when exact and our FIN is out, else ACK; data is DATA. In SYN_SENT only
// the exact RST counts (its ACK acknowledges our SYN). An ACK or data
// segment there is dropped or answered by a RST whose sequence number is
// the forged ACK's (RFC 9293 3.10.7.3 first and fifth): the peer then
// meets a RST the attacker chose, which forging that RST to the peer
// already covers. A SYN there is a simultaneous open (3.10.7.3 fourth:
// SYN_RECEIVED, answered by a SYN,ACK that acknowledges the attacker's
// sequence number), which the model leaves out with every simultaneous
// open: a denial of the handshake before the connection is synchronized,
// of which no property speaks (P13's states are those past SYN_SENT). In
// SYN_RECEIVED only the exact ACK completes the handshake. The forged segment belongs to its receiver's incarnation, so
// the old-duplicate properties do not count it; an incarnation that an
// exact forgery moves is marked Reset, as one reset before its close
// completed (P3 and P8 then no longer speak for it: P13 and P14 speak of
// the attacker). The challenge ACKs the table sends go on the wire like
// any segment, up to the profile's challenge_acks between two ticks (RFC
// 5961 7 ACK throttling; throttle.go): beyond them a RST or SYN that
// would draw one is rcv CHALLENGE_LIMITED, which the table decides
// (dropped unanswered). The count (Endpoint.Challenges) is kept only
// under the attacker. P13 to P16 (package props) are the properties
// of the attacker; the Promela export leaves it out. fsmgen check and
// fsmgen gen, at the default bounds, run the attacker at AttackBounds
// (two forged segments at the quick bounds) beside DefaultBounds.
//
// # Canonical states
//
// Successors returns every state in canonical form: the ghost bits of an
// incarnation nothing belongs to any more are cleared, and so is whatever
// of an endpoint's record of ended incarnations (Done) no present segment
// can be compared with (State.canon says why nothing observable is lost).
// A duplicate delivered that changes nothing is not returned: the delivery
// that takes the segment out of the network has the same label. Pack and
// Unpack store a state in a few machine words, each field as wide as its
// bounds need.
package model
