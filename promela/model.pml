/*
 * The composed model that "fsmgen check" explores, in Promela for SPIN:
 * the hand-written body of what "fsmgen promela" exports (package promela).
 *
 * Two endpoints, the client A and the server B, step through the TCP table
 * over a network that loses, duplicates and reorders segments, with
 * discrete time and incarnations (package model). One process loops over
 * the global steps of model.Successors; each is one atomic step, a d_step
 * that picks it among those enabled and a d_step that takes it, and SPIN
 * stores no state inside an atomic sequence, so it stores one state per
 * global state: the state vector is model.State in canonical form
 * (State.canon) and the process's one control location. Scratch variables
 * are hidden (not in the state vector) and written before they are read.
 * Every part mirrors a function of package model or props, named in its
 * comment.
 *
 * What depends on the spec, the profile and the bounds is not here: this
 * file includes it. defs.pml defines the bounds, the durations in ticks,
 * the names of states, events, segment kinds and timers with their
 * values, the findings the profile declares, and the table under the
 * profile's switches; steps.pml lists the global steps the loop offers,
 * each with its guard. Both are generated from the model, and the export
 * is this file with its two #include lines replaced by them (and the
 * provenance of the model above it). To run SPIN on this file itself, put
 * the two beside it.
 *
 * Safety (P1 to P8; P2's safety half), one run, every violation reported:
 *   spin -a model.pml && gcc -O2 -DSAFETY -DNOREDUCE -o pan pan.c && ./pan -c0 -E
 * A failed assertion names its property: "assertion violated !(P3_violated)";
 * a violation from a weakness the profile declares as a finding fails
 * P3_finding (P7_finding, P8_finding) instead. -DCHECK=MASK asserts only
 * the properties whose bits are set (P1 is bit 0, P8 bit 7; default all).
 * "states, stored" is the number of states fsmgen check reports.
 *
 * Liveness (P2: under fairness every FIN is ACKed or its sender gives up):
 *   spin -DLIVENESS -a model.pml && gcc -O2 -DNOREDUCE -o pan pan.c
 *   ./pan -a -N p2          (or -N p2_A, -N p2_B: one endpoint's obligation)
 * Fairness is that of check/liveness.go, written into the formula: time
 * passes infinitely often (-DLIVENESS adds the bit "ticked", set by the
 * step that lets time pass and cleared by every other; where nothing would
 * change, time passing is a step that sets it and changes nothing else).
 * It implies that every segment not lost is delivered and every due timer
 * fires, since both are urgent. SPIN's weak fairness (-f) is per process
 * and this model has one process, so it adds nothing.
 *
 * -DTRACE prints the state after every step ("STATE ..."), for replaying a
 * trail with spin -t.
 */

#include "defs.pml"

#ifndef CHECK
#define CHECK 255
#endif
#ifdef LIVENESS
#undef CHECK
#define CHECK 0
#endif

#define SENDS(k)    (1 << ((k) - 1))	/* in cell_sends, bit k-1 sends segment kind k */
#define TM(x, k)    tm[NTIMERS*(x) + (k)]	/* timer k of endpoint x */
#define TOP(k)      ((sc_timers >> (2*(k))) & 3)	/* timer k's operation in cell_timers: OP_START .. */
#define CELL(s, e)  ((s)*NEVENTS + (e))	/* the cell (s, e) of the table's arrays */

/* ---- The state: model.State ---- */

/* The endpoints (model.Endpoint), [A] and [B] */
byte st[2] = { CLOSED, LISTEN };
byte inc[2];	/* its incarnation; ZOMBIE set for a ghost; 0 in CLOSED and LISTEN */
byte done[2];	/* the last incarnation it ended (as canon keeps it) */
bit  held[2];	/* the application holds the socket */
bit  shut[2];	/* the application shut down its sending side */
bit  closer[2];	/* it sent its FIN before receiving the peer's */
byte backoff[2];
byte tm[2*NTIMERS];	/* the timers, TM(x, k): 0 stopped, 1 due, n > 1 due after n-1 more ticks */

/* The network: per direction a set of distinct segments, sorted by
 * (kind, stray, ackfin, inc) then age (model's segLess); empty slots are
 * zero. net[0] carries A to B, net[1] B to A. */
typedef Seg {
	byte kind;
	bit  ackfin;	/* its ACK covers the receiver's FIN */
	bit  stray;	/* ghost: a RST made after its incarnation let go */
	byte inc;	/* ghost: its incarnation */
	byte age	/* ticks in flight */
};
typedef Dir {
	byte n;
	Seg  s[CAP]
};
Dir net[2];

/* The ghosts; a set of incarnations has bit i for incarnation i */
byte nextinc = 1;	/* the incarnation the client opens next */
byte losses = BUDGET;	/* losses left in this incarnation */
byte above;	/* chose sequence numbers above the old ones */
byte spoiled;	/* aborted by an application or flushed by a timer */
byte reset;	/* a RST ended an endpoint before its close completed */
byte tainted;	/* took in a segment TIME_WAIT does not guard against */
byte cut;	/* a RST ended an endpoint's TIME_WAIT (TIME-WAIT assassination) */
byte derailed;	/* took in a segment of an incarnation whose TIME_WAIT was cut */
byte reopened;	/* a SYN above the old sequence numbers ended an endpoint's TIME_WAIT (the reopen rule), or took in a segment of such an incarnation */
#ifdef LIVENESS
bit ticked;	/* the last step was time passing */
#define STEPPED ticked = 0
#define TICKED  ticked = 1
#else
#define STEPPED skip
#define TICKED  skip
#endif

/* ---- Scratch: hidden, so not part of any state ---- */
hidden byte sc_kind, sc_ev, sc_from, sc_rinc, sc_lossav, sc_next, sc_sends, sc_timers, sc_einc, sc_tag, sc_rsttag;
hidden byte sc_gk, sc_ginc, sc_k, sc_okind, sc_oinc, sc_j, sc_pos, sc_need, sc_present, sc_low;
hidden short sc_cls;
hidden byte sc_hasseg, sc_gaf, sc_gstray, sc_ok, sc_isdel, sc_tells, sc_accepted, sc_unguarded, sc_taint, sc_derail, sc_reopened, sc_newconn;
hidden byte sc_stray, sc_ackfin, sc_blocked, sc_found, sc_added, sc_oaf, sc_ostray, sc_ackours;
hidden byte sc_p1, sc_p2, sc_p3, sc_p3x, sc_p4, sc_p5, sc_p6, sc_p8, sc_p8x;
hidden byte P1_violated, P2_violated, P3_violated, P4_violated, P5_violated, P6_violated, P7_violated, P8_violated;
hidden byte P3_finding, P7_finding, P8_finding;

/* ---- Helpers (model/state.go, model/step.go) ---- */
#define BIT(i)          ((((i) == 0) || (((i) & ZOMBIE) != 0)) -> 0 : (1 << (i)))	/* incBit */
#define LIVE(s)         ((s) != CLOSED && (s) != LISTEN)
#define RCVD_FIN(s)     ((s) == CLOSE_WAIT || (s) == LAST_ACK || (s) == CLOSING || (s) == TIME_WAIT)	/* hasReceivedFIN */
#define SENT_FIN(s)     ((s) == FIN_WAIT_1 || (s) == FIN_WAIT_2 || (s) == CLOSING || (s) == LAST_ACK || (s) == TIME_WAIT)	/* hasSentFIN */
#define PENDING_FIN(s)  ((s) == FIN_WAIT_1 || (s) == CLOSING || (s) == LAST_ACK)
#define SYNCHRONIZED(s) ((s) != CLOSED && (s) != LISTEN && (s) != SYN_SENT)
#define SKIPPED(i)      (((spoiled | reset) & BIT(i)) != 0)	/* SkippedTimeWait */
#define CLASS(g)        (g.kind*64 + g.stray*32 + g.ackfin*16 + (g.inc & 15))	/* Segment.class */
#define DUE             (tm[0] == 1 || tm[1] == 1 || tm[2] == 1 || tm[3] == 1 || tm[4] == 1 || tm[5] == 1 || tm[6] == 1 || tm[7] == 1)
#define CHANGES         (net[0].n > 0 || net[1].n > 0 || tm[0] > 1 || tm[1] > 1 || tm[2] > 1 || tm[3] > 1 || tm[4] > 1 || tm[5] > 1 || tm[6] > 1 || tm[7] > 1)	/* a tick changes something */
#define OWES(x)         (PENDING_FIN(st[x]) && inc[x] != 0)	/* P2's obligation: a FIN sent, not yet ACKed */
#ifdef LIVENESS
#define TIME_MAY_PASS   (!DUE && !DYING)	/* even where it changes nothing: liveness reads that as time passing */
#else
#define TIME_MAY_PASS   (!DUE && !DYING && CHANGES)	/* as model's run: a tick that changes nothing is no step */
#endif

/* Segment TO of direction D becomes kind K, ackfin AF, stray S, incarnation I and age G */
inline set_seg(D, TO, K, AF, S, I, G) {
	net[D].s[TO].kind = K;
	net[D].s[TO].ackfin = AF;
	net[D].s[TO].stray = S;
	net[D].s[TO].inc = I;
	net[D].s[TO].age = G
}

inline copy_seg(D, TO, FROM) {
	set_seg(D, TO, net[D].s[FROM].kind, net[D].s[FROM].ackfin, net[D].s[FROM].stray, net[D].s[FROM].inc, net[D].s[FROM].age)
}

/* State.remove */
inline remove(D, I) {
	sc_j = I;
	do
	:: sc_j + 1 < net[D].n -> copy_seg(D, sc_j, sc_j + 1); sc_j++
	:: else -> break
	od;
	set_seg(D, net[D].n - 1, 0, 0, 0, 0, 0);
	net[D].n--
}

/* The segment of kind sc_k a transition sends (apply's out), and its class. */
inline out_seg() {
	sc_oaf = sc_ackfin && sc_k != SEG_RST;
	sc_oinc = ((sc_k == SEG_RST) -> sc_rsttag : sc_tag);
	sc_ostray = ((sc_k == SEG_RST) -> sc_stray : 0);
	sc_okind = ((sc_k == SEG_RST && sc_hasseg && sc_gk == SEG_SYN) -> SEG_RST_ACK : sc_k);
	sc_cls = sc_okind*64 + sc_ostray*32 + sc_oaf*16 + (sc_oinc & 15)
}

/* Is the segment out_seg made already in flight in direction D (at age
 * 0)? If not, sc_pos is where it goes to keep the set sorted. */
inline in_flight(D) {
	sc_pos = net[D].n;
	sc_found = 0;
	sc_j = 0;
	do
	:: sc_j < net[D].n ->
		if
		:: CLASS(net[D].s[sc_j]) == sc_cls && net[D].s[sc_j].age == 0 -> sc_found = 1; break
		:: sc_cls < CLASS(net[D].s[sc_j]) || (sc_cls == CLASS(net[D].s[sc_j]) && net[D].s[sc_j].age > 0) -> sc_pos = sc_j; break
		:: else -> sc_j++
		fi
	:: else -> break
	od
}

/* State.add: put the segment out_seg made into direction D, keeping the
 * set sorted; sc_added is 0 when the direction is full. */
inline add(D) {
	in_flight(D);
	if
	:: sc_found -> sc_added = 1
	:: !sc_found && net[D].n >= CAP -> sc_added = 0
	:: else ->
		sc_j = net[D].n;
		do
		:: sc_j > sc_pos -> copy_seg(D, sc_j, sc_j - 1); sc_j--
		:: else -> break
		od;
		set_seg(D, sc_pos, sc_okind, sc_oaf, sc_ostray, sc_oinc, 0);
		net[D].n++;
		sc_added = 1
	fi
}

/* canon: clear the ghost bits of incarnations nothing belongs to any more,
 * and of each Done what no present incarnation can be compared with. */
inline present_in(D) {
	sc_j = 0;
	do
	:: sc_j < net[D].n -> sc_present = sc_present | BIT(net[D].s[sc_j].inc); sc_j++
	:: else -> break
	od
}

inline low_done(Y) {
	sc_low = sc_present & ((2 << done[Y]) - 1);
	done[Y] = 0;
	sc_j = 1;
	do
	:: sc_j <= INCS ->
		if
		:: (sc_low >> sc_j) & 1 -> done[Y] = sc_j
		:: else -> skip
		fi;
		sc_j++
	:: else -> break
	od
}

inline canon() {
	if
	:: (above | spoiled | reset | tainted | cut | derailed | reopened | done[A] | done[B]) != 0 ->
		sc_present = BIT(inc[A]) | BIT(inc[B]);
		present_in(0);
		present_in(1);
		above = above & sc_present;
		spoiled = spoiled & sc_present;
		reset = reset & sc_present;
		tainted = tainted & sc_present;
		cut = cut & sc_present;
		derailed = derailed & sc_present;
		reopened = reopened & sc_present;
		low_done(A);
		low_done(B)
	:: else -> skip
	fi
}

/* model.classify: the event endpoint X sees in the segment sc_g*, or
 * sc_ok = 0 when it drops it unseen. */
inline classify(X) {
	sc_ok = 1;
	if
	:: LIVE(st[X]) && sc_ginc < inc[X] && (inc[X] & ZOMBIE) == 0 && (above & BIT(inc[X])) != 0 -> sc_ok = 0
	:: else ->
		if
		:: st[X] == SYN_RECEIVED && sc_ginc != inc[X] && sc_gk != SEG_SYN && sc_gk != SEG_RST -> sc_ok = 0
		:: else ->
			sc_ackours = sc_gaf && SENT_FIN(st[X]) && sc_ginc == inc[X];
			if
			:: sc_gk == SEG_SYN ->
				sc_ev = ((LIVE(st[X]) && sc_ginc > inc[X] && (above & BIT(sc_ginc)) != 0) -> RCV_SYN_HIGHER_SEQ : RCV_SYN)
			:: sc_gk == SEG_SYN_ACK -> sc_ev = ((LIVE(st[X]) && sc_ginc != inc[X]) -> RCV_SYN_ACK_OLD : RCV_SYN_ACK)
			:: sc_gk == SEG_ACK || sc_gk == SEG_PROBE -> sc_ev = (sc_ackours -> RCV_ACK_OF_FIN : RCV_ACK)
			:: sc_gk == SEG_FIN -> sc_ev = (sc_ackours -> RCV_FIN_ACK : RCV_FIN)
			:: sc_gk == SEG_RST ->
				if
				:: st[X] == SYN_SENT && sc_ginc != inc[X] -> sc_ok = 0
				:: else -> sc_ev = RCV_RST
				fi
			:: sc_gk == SEG_RST_ACK ->
				if
				:: st[X] == SYN_SENT && sc_ginc == inc[X] -> sc_ev = RCV_RST
				:: else -> sc_ok = 0
				fi
			:: else -> sc_ok = 0
			fi
		fi
	fi
}

/* The first half of model's apply, before anything changes: the cell of
 * (sc_from, sc_ev), what the endpoint will send, whether a segment finds
 * its channel full with no loss left (then the move is refused: it
 * changes nothing), and the properties of the step. The caller sets
 * sc_kind, sc_ev, sc_hasseg and sc_g*, and sc_from, sc_rinc (the
 * endpoint's state and incarnation as apply finds them) and sc_lossav
 * (the losses left). */
inline decide(X) {
	sc_next = cell_next[CELL(sc_from, sc_ev)];
	sc_sends = cell_sends[CELL(sc_from, sc_ev)];
	sc_timers = cell_timers[CELL(sc_from, sc_ev)];
	sc_tells = cell_tells[CELL(sc_from, sc_ev)];
	sc_isdel = (sc_kind == K_DELIVER || sc_kind == K_COPY);
	sc_accepted = sc_isdel && (sc_next != sc_from || sc_tells);	/* model.Accepted */
	sc_unguarded = sc_hasseg && (sc_gstray || SKIPPED(sc_ginc) || (tainted & BIT(sc_ginc)) != 0);	/* State.Unguarded */
	sc_taint = sc_hasseg && LIVE(sc_from) && (sc_rinc & ZOMBIE) == 0 && sc_ginc < sc_rinc && sc_unguarded && sc_accepted;
	sc_derail = sc_hasseg && LIVE(sc_from) && (sc_rinc & ZOMBIE) == 0 && sc_ginc < sc_rinc && ((cut | derailed) & BIT(sc_ginc)) != 0 && sc_accepted;
	sc_reopened = sc_hasseg && LIVE(sc_from) && (sc_rinc & ZOMBIE) == 0 && sc_ginc < sc_rinc && (reopened & BIT(sc_ginc)) != 0 && sc_accepted;
	/* a new connection: from LISTEN, a reopened TIME_WAIT or CLOSED, the incarnation of the SYN */
	sc_newconn = sc_hasseg && (sc_from == LISTEN || sc_from == TIME_WAIT || sc_from == CLOSED) && sc_next == SYN_RECEIVED;
	sc_einc = sc_rinc;
	if
	:: sc_newconn ->
		sc_einc = sc_ginc;
		if
		:: sc_einc <= done[X] || (sc_from == TIME_WAIT && sc_einc <= sc_rinc) -> sc_einc = sc_einc | ZOMBIE
		:: else -> skip
		fi
	:: else -> skip
	fi;
	sc_tag = ((sc_einc == 0 && sc_hasseg) -> sc_ginc : sc_einc);
	sc_rsttag = (sc_hasseg -> sc_ginc : sc_tag);
	sc_stray = (sc_rsttag != sc_rinc && (sc_rsttag & ZOMBIE) == 0 && sc_rsttag < INCS && !SKIPPED(sc_rsttag));
	sc_ackfin = (RCVD_FIN(sc_from) || RCVD_FIN(sc_next) || sc_ev == RCV_FIN || sc_ev == RCV_FIN_ACK);
	/* room: each segment not already in flight takes a free slot, or a loss */
	sc_need = 0;
	sc_k = SEG_SYN;
	do
	:: sc_k <= SEG_PROBE ->
		if
		:: (sc_sends & SENDS(sc_k)) != 0 ->
			out_seg();
			in_flight(X);
			if
			:: !sc_found -> sc_need++
			:: else -> skip
			fi
		:: else -> skip
		fi;
		sc_k++
	:: else -> break
	od;
	sc_blocked = (sc_need > CAP - net[X].n + sc_lossav);
	/* the properties of package props on this step (P4 after it) */
	sc_p1 = sc_isdel && sc_from == TIME_WAIT && sc_next != TIME_WAIT && sc_next != CLOSED && sc_gk == SEG_SYN &&
		!(sc_ginc > sc_rinc && (above & BIT(sc_ginc)) != 0);
	sc_p2 = sc_isdel && sc_gk == SEG_FIN && SYNCHRONIZED(sc_from) && sc_rinc == sc_ginc &&
		((sc_sends & SENDS(SEG_RST)) != 0 || (sc_sends & SENDS(SEG_ACK)) == 0);
	sc_p3 = sc_accepted && LIVE(sc_from) && sc_ginc < sc_rinc && (sc_rinc & ZOMBIE) == 0 && !sc_unguarded;
	sc_p3x = (!SW_RFC1337 && ((cut | derailed) & BIT(sc_ginc)) != 0) || (SW_REOPEN && (reopened & BIT(sc_ginc)) != 0);
	sc_p5 = sc_from == CLOSE_WAIT && sc_next != CLOSE_WAIT && !(sc_kind == K_APP || sc_ev == RCV_RST);
	sc_p6 = sc_kind == K_FIRE && sc_ev == TIMEOUT_FIN_WAIT_2 && sc_from == FIN_WAIT_2 && sc_next == FIN_WAIT_2;
	sc_p8 = sc_isdel && sc_ev == RCV_RST &&
		(sc_from == FIN_WAIT_1 || sc_from == FIN_WAIT_2 || sc_from == CLOSING || sc_from == CLOSE_WAIT || sc_from == LAST_ACK) &&
		sc_rinc == sc_ginc && (sc_rinc & ZOMBIE) == 0 && !SKIPPED(sc_rinc) && (tainted & BIT(sc_rinc)) == 0 && sc_next != sc_from;
	sc_p8x = (!SW_RFC1337 && ((cut | derailed) & BIT(sc_rinc)) != 0) || (SW_REOPEN && (reopened & BIT(sc_rinc)) != 0)
}

/* model's timers and arm: timer K of endpoint X stops, or (re)starts to
 * run D ticks where ARMS allows (the timer at all, or for this socket) */
inline arm(X, K, D, ARMS) {
	if
	:: TOP(K) == OP_STOP -> TM(X, K) = 0
	:: (TOP(K) == OP_RESTART || (TOP(K) == OP_START && TM(X, K) == 0)) && ARMS -> TM(X, K) = (D) + 1
	:: else -> skip
	fi
}

inline timers(X) {
	if
	:: TOP(TM_RETRANSMISSION) == OP_STOP -> TM(X, TM_RETRANSMISSION) = 0; backoff[X] = 0
	:: TOP(TM_RETRANSMISSION) == OP_RESTART ->
		if
		:: backoff[X] < MAX_BACKOFF -> backoff[X]++
		:: else -> skip
		fi;
		TM(X, TM_RETRANSMISSION) = (T_RTO << backoff[X]) + 1
	:: TOP(TM_RETRANSMISSION) == OP_START && TM(X, TM_RETRANSMISSION) == 0 -> backoff[X] = 0; TM(X, TM_RETRANSMISSION) = T_RTO + 1
	:: else -> skip
	fi;
	arm(X, TM_R2, r2_ticks[st[X]*2 + 1 - held[X]], 1);
	arm(X, TM_TIME_WAIT, T_TIME_WAIT, 1);
	/* the flush: none, or not for a socket the application still holds */
	arm(X, TM_FIN_WAIT_2, T_FIN_WAIT_2, T_FIN_WAIT_2 > 0 && !(held[X] && !FLUSH_HELD))
}

/* The second half of model's apply, once the caller has made its own
 * change (removed the segment, stopped the timer, ...): the endpoint moves,
 * sends, and the ghosts follow; then canon, and the properties. */
inline commit(X) {
	/* ghosts: an incarnation that takes in a segment TIME_WAIT does not
	 * guard it against is tainted; one that takes in a segment of an
	 * incarnation whose TIME_WAIT was cut is derailed */
	if
	:: sc_taint -> tainted = tainted | BIT(sc_rinc)
	:: else -> skip
	fi;
	if
	:: sc_derail -> derailed = derailed | BIT(sc_rinc)
	:: else -> skip
	fi;
	/* one that takes in a segment of an incarnation whose TIME_WAIT the
	 * reopen rule ended is marked as that one; and the reopen itself
	 * marks the TIME_WAIT's incarnation, unless no incarnation can
	 * follow the new one */
	if
	:: sc_reopened || (sc_newconn && sc_from == TIME_WAIT && sc_ev == RCV_SYN_HIGHER_SEQ && sc_ginc < INCS) -> reopened = reopened | BIT(sc_rinc)
	:: else -> skip
	fi;
	if
	:: sc_newconn -> inc[X] = sc_einc; held[X] = 1; shut[X] = 0; closer[X] = 0; backoff[X] = 0
	:: else -> skip
	fi;
	st[X] = sc_next;
	if
	/* the active closer: its FIN left before the peer's FIN arrived */
	:: (sc_sends & SENDS(SEG_FIN)) != 0 && !RCVD_FIN(sc_from) && sc_ev != RCV_FIN && sc_ev != RCV_FIN_ACK -> closer[X] = 1
	:: else -> skip
	fi;
	timers(X);
	sc_k = SEG_SYN;
	do
	:: sc_k <= SEG_PROBE ->
		if
		:: (sc_sends & SENDS(sc_k)) != 0 ->
			out_seg();
			add(X);
			if
			:: !sc_added -> losses--	/* a full channel drops it: a loss (never the last: decide) */
			:: else -> skip
			fi
		:: else -> skip
		fi;
		sc_k++
	:: else -> break
	od;
	if
	:: sc_next != sc_from && (sc_next == CLOSED || sc_next == LISTEN) ->
		if
		/* An endpoint that ends its connection with a RST of its own aborts it too. */
		:: (sc_kind == K_FIRE && sc_ev != TIMEOUT_TIME_WAIT) || sc_kind == K_APP || (sc_sends & SENDS(SEG_RST)) != 0 -> spoiled = spoiled | BIT(inc[X])
		:: else ->
			if
			:: sc_ev == RCV_RST && sc_from != TIME_WAIT -> reset = reset | BIT(inc[X])
			:: sc_ev == RCV_RST && sc_from == TIME_WAIT -> cut = cut | BIT(inc[X])
			:: else -> skip
			fi
		fi
	:: else -> skip
	fi;
	if
	:: sc_next == CLOSED || sc_next == LISTEN ->
		if
		:: (inc[X] & ZOMBIE) == 0 && inc[X] > done[X] -> done[X] = inc[X]
		:: else -> skip
		fi;
		inc[X] = 0; held[X] = 0; shut[X] = 0; closer[X] = 0; backoff[X] = 0
	:: else -> skip
	fi;
	canon();
	print_state();
	sc_p4 = (st[X] == TIME_WAIT && sc_from != TIME_WAIT && !closer[X]);
	check_step()
}

/* ---- The properties (package props) ---- */

/* V, the assertion of a property whose bit in CHECK is MASK, fails when
 * COND holds. A property whose known weakness the profile declares as a
 * finding (FINDING_P3 ..) is two: a violation from the weakness fails
 * Pn_finding, any other Pn_violated. */
inline judge(V, MASK, COND) {
	V = ((CHECK & MASK) != 0 && (COND));
	assert(!V)
}

inline check_step() {
	judge(P1_violated, 1, sc_p1);
	judge(P2_violated, 2, sc_p2);
	judge(P3_violated, 4, sc_p3 && !(FINDING_P3 && sc_p3x));
	judge(P3_finding, 4, sc_p3 && FINDING_P3 && sc_p3x);	/* TIME_WAIT cut short: assassination, or a reopen not restored */
	judge(P4_violated, 8, sc_p4);
	judge(P5_violated, 16, sc_p5);
	judge(P6_violated, 32, sc_p6);
	judge(P8_violated, 128, sc_p8 && !(FINDING_P8 && sc_p8x));
	judge(P8_finding, 128, sc_p8 && FINDING_P8 && sc_p8x);	/* the same, and what it derails */
	check_state()
}

/* P6 on every state a step reaches: where the profile flushes, an
 * orphaned (or, with FLUSH_HELD, any) FIN_WAIT_2 has its flush timer running. */
#define P6_STATE(y) (st[y] == FIN_WAIT_2 && (!held[y] || FLUSH_HELD) && TM(y, TM_FIN_WAIT_2) == 0)
inline check_state() {
	judge(P6_violated, 32, T_FIN_WAIT_2 > 0 && (P6_STATE(A) || P6_STATE(B)))
}

/* Nothing can move, not even a refused move: P7, no deadlock but in a
 * final state (both endpoints closed or listening); an orphaned FIN_WAIT_2
 * with no flush timer is the known weakness. */
#define ORPHAN_FW2(y) (st[y] == FIN_WAIT_2 && !held[y] && TM(y, TM_FIN_WAIT_2) == 0)
inline stuck() {
	judge(P7_violated, 64, (LIVE(st[A]) || LIVE(st[B])) && !(FINDING_P7 && (ORPHAN_FW2(A) || ORPHAN_FW2(B))));
	judge(P7_finding, 64, (LIVE(st[A]) || LIVE(st[B])) && FINDING_P7 && (ORPHAN_FW2(A) || ORPHAN_FW2(B)))
}

#ifdef TRACE
inline print_end(X) {
	printf("%d %d %d %d %d %d %d %d %d %d %d ", st[X], inc[X], done[X], held[X], shut[X], closer[X], backoff[X],
		TM(X, 0), TM(X, 1), TM(X, 2), TM(X, 3))
}
inline print_dir(D) {
	printf("%d ", net[D].n);
	sc_j = 0;
	do
	:: sc_j < CAP ->
		printf("%d %d %d %d %d ", net[D].s[sc_j].kind, net[D].s[sc_j].ackfin, net[D].s[sc_j].stray, net[D].s[sc_j].inc, net[D].s[sc_j].age);
		sc_j++
	:: else -> break
	od
}
inline print_state() {
	printf("STATE ");
	print_end(A);
	print_end(B);
	print_dir(0);
	print_dir(1);
	printf("%d %d %d %d %d %d %d %d %d\n", nextinc, losses, above, spoiled, reset, tainted, cut, derailed, reopened)
}
inline print_tick() {
	printf("TICK\n")
}
#else
inline print_state() { skip }
inline print_tick() { skip }
#endif

/* ---- The global steps (model.Successors) ---- */

/* The first half of a step that runs the table: what the step is, and
 * the endpoint as apply finds it. Timer sc_p of endpoint X fires (W_FIRE:
 * before time moves on, after any segment at the end of its life); the
 * client opens the next incarnation (W_OPEN_ACTIVE, sc_p: its sequence
 * numbers lie above the old ones); the server listens again
 * (W_OPEN_PASSIVE); the application of X calls sc_p (W_CALL: close, abort
 * or shutdown); segment sc_p of the direction into X is delivered
 * (W_DELIVER) or delivered with a copy left in flight (W_COPY). For a
 * delivery classify may drop the segment unseen (sc_ok = 0). */
inline setup(X) {
	sc_hasseg = 0; sc_ok = 1;
	sc_from = st[X]; sc_rinc = inc[X]; sc_lossav = losses;
	if
	:: sc_what == W_FIRE -> sc_kind = K_FIRE; sc_ev = tm_expiry[sc_p]
	:: sc_what == W_OPEN_ACTIVE -> sc_kind = K_APP; sc_ev = APP_OPEN_ACTIVE; sc_rinc = nextinc; sc_lossav = BUDGET
	:: sc_what == W_OPEN_PASSIVE -> sc_kind = K_APP; sc_ev = APP_OPEN_PASSIVE
	:: sc_what == W_CALL -> sc_kind = K_APP; sc_ev = sc_p
	:: else ->	/* W_DELIVER, W_COPY */
		sc_kind = ((sc_what == W_DELIVER) -> K_DELIVER : K_COPY);
		sc_hasseg = 1;
		sc_d = 1 - X;
		sc_gk = net[sc_d].s[sc_p].kind; sc_gaf = net[sc_d].s[sc_p].ackfin; sc_gstray = net[sc_d].s[sc_p].stray;
		sc_ginc = net[sc_d].s[sc_p].inc;
		classify(X)
	fi
}

/* What the step itself changes before apply runs the table (the caller's
 * part in model): the timer stopped, the new incarnation, the application's
 * hold, the segment taken out of the network. */
inline premod(X) {
	if
	:: sc_what == W_FIRE -> TM(X, sc_p) = 0
	:: sc_what == W_OPEN_ACTIVE ->
		inc[A] = nextinc; done[A] = 0; held[A] = 1; shut[A] = 0; closer[A] = 0; backoff[A] = 0;
		TM(A, 0) = 0; TM(A, 1) = 0; TM(A, 2) = 0; TM(A, 3) = 0;
		if
		:: sc_p -> above = above | BIT(nextinc)
		:: else -> skip
		fi;
		nextinc++;
		losses = BUDGET
	:: sc_what == W_CALL && sc_p == APP_SHUTDOWN -> shut[X] = 1
	:: sc_what == W_CALL && sc_p != APP_SHUTDOWN -> held[X] = 0
	:: sc_what == W_DELIVER -> remove(sc_d, sc_p)
	:: else -> skip
	fi
}

/* A step that runs the table: decide, and unless the move is refused (a
 * segment finds its channel full with no loss left: then nothing changes),
 * make the change and commit. A delivered segment dropped unseen only
 * leaves the network. */
inline run_table(X) {
	setup(X);
	if
	:: sc_ok ->
		decide(X);
		if
		:: !sc_blocked -> premod(X); commit(X)
		:: else -> skip	/* refused */
		fi
	:: !sc_ok && sc_what == W_DELIVER -> remove(sc_d, sc_p); canon(); print_state(); check_state()
	:: else -> skip	/* a copy of a segment dropped unseen: nothing changes */
	fi
}

/* Segment I of direction D is lost */
inline lose(D, I) {
	remove(D, I);
	losses--;
	canon();
	print_state();
	check_state()
}

/* Time moves on */
inline age_dir(D) {
	sc_j = 0;
	do
	:: sc_j < net[D].n -> net[D].s[sc_j].age++; sc_j++
	:: else -> break
	od
}

inline tick() {
	sc_j = 0;
	do
	:: sc_j < 2*NTIMERS ->
		if
		:: tm[sc_j] > 1 -> tm[sc_j]--
		:: else -> skip
		fi;
		sc_j++
	:: else -> break
	od;
	age_dir(0);
	age_dir(1);
	print_tick();
	print_state();
	check_state()
}

/* The application of X may call C (close, abort or shutdown) on a
 * connection it holds (the server's only once accept() returned it: not in
 * SYN_RECEIVED); a call the table refuses changes nothing and is not
 * offered. */
#define CAN_CALL(X, C) (held[X] && LIVE(st[X]) && cell_verdict[CELL(st[X], C)] == MOVE)

/* The step the loop takes: step sc_opt is what opt_what[sc_opt] says, by
 * endpoint (or, for a loss, direction) opt_x[sc_opt], with parameter
 * opt_p[sc_opt] (the timer, the call, whether the sequence numbers lie
 * above, or the slot). */
hidden byte sc_opt, sc_what, sc_x, sc_p, sc_d;

inline step() {
	sc_what = opt_what[sc_opt]; sc_x = opt_x[sc_opt]; sc_p = opt_p[sc_opt];
	if
	:: sc_what == W_TICK -> TICKED; tick()
	:: else ->
		STEPPED;
		if
		:: sc_what == W_LOSE -> lose(sc_x, sc_p)
		:: sc_what == W_STUCK -> stuck()
		:: else -> run_table(sc_x)
		fi
	fi
}

#include "steps.pml"

/* One global step is one atomic step: the choice of an enabled step
 * (choose, of steps.pml: a d_step per step that only sets the hidden
 * sc_opt), then the step itself (one d_step, shared by all: one d_step per
 * option, each with its own copy of the step, would be beyond SPIN's
 * limit on a d_step's size, and a pan.c that gcc -O2 takes about 20 s
 * rather than 4 to compile). SPIN stores no state inside an atomic
 * sequence, and the choice changes no stored variable. */
active proctype system() {
	do
	:: atomic {
		choose();
		d_step { step() }
	   }
	od
}

#ifdef LIVENESS
/* P2's liveness half: if time passes infinitely often, neither endpoint
 * owes the ACK of its FIN for ever (p2), or endpoint A (p2_A), B (p2_B). */
ltl p2 { ([]<> ticked) -> (([]<> !OWES(A)) && ([]<> !OWES(B))) }
ltl p2_A { ([]<> ticked) -> ([]<> !OWES(A)) }
ltl p2_B { ([]<> ticked) -> ([]<> !OWES(B)) }
#endif
