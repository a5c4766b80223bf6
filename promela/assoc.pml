/*
 * The SCTP association model that "fsmgen check -spec spec/sctp.fsm"
 * explores (package assoc), in Promela for SPIN: the hand-written body of
 * what "fsmgen promela -spec spec/sctp.fsm" exports (package promela).
 *
 * Two endpoints, A that starts associations and B that answers them, step
 * through the association table over a network that loses, duplicates and
 * reorders chunks. The model is untimed: a running timer may expire at any
 * moment. Each association's verification tags are ghost values chosen
 * fresh (RFC 9260 5.3.1), unless REUSE_TAGS makes every association take
 * the first one's. One process loops over the global steps of
 * assoc.Model.Each; each is one atomic step, a d_step that picks it among
 * those enabled and a d_step that takes it, and SPIN stores no state
 * inside an atomic sequence, so it stores one state per global state: the
 * state vector is assoc.State in canonical form (State.canon: each
 * direction sorted, a multiset) and the process's one control location.
 * Scratch variables are hidden (not in the state vector) and written
 * before they are read. Every part mirrors a function of package assoc,
 * named in its comment; none shares code with it.
 *
 * What depends on the spec and the bounds is not here: this file includes
 * it. assoc_defs.pml defines the bounds, the names of states, events,
 * verdicts, chunk types, sent chunks and timers with their values, the
 * timers that give up, and the table; assoc_steps.pml lists the global
 * steps the loop offers, each with its guard. Both are generated, and the
 * export is this file with its two #include lines replaced by them (and
 * the provenance of the model above it). To run SPIN on this file itself,
 * put the two beside it.
 *
 * Safety (S1 to S6), one run, every violation reported:
 *   spin -a assoc.pml && gcc -O2 -DSAFETY -DNOREDUCE -o pan pan.c && ./pan -c0 -E
 * A failed assertion names its property: "assertion violated !(S1_violated)".
 * -DCHECK=MASK asserts only the properties whose bits are set (S1 is bit 0,
 * S6 bit 5; default all). "states, stored" is the number of states fsmgen
 * check reports.
 *
 * -DTRACE prints the state after every step ("STATE ..."), for replaying a
 * trail with spin -t.
 */

#include "assoc_defs.pml"

#ifndef CHECK
#define CHECK 63
#endif
#ifdef LIVENESS
#undef CHECK
#define CHECK 0
#endif

#define CELL(s, e)   ((s)*NEVENTS + (e))	/* the cell (s, e) of the table's arrays */
#define SENDS(i)     (1 << (i))	/* in cell_sends, bit i sends chunk i (SEND_INIT ..) */
#define TOP(k)       ((sc_timers >> (2*(k))) & 3)	/* timer k's operation in cell_timers: OP_START .. */
#define RUNS(x, k)   (((timers[x] >> ((k) - 1)) & 1) != 0)	/* timerRuns: timer k of endpoint x runs */
#define CAN(x, ev)   (cell_verdict[CELL(st[x], ev)] == MOVE)	/* the table moves on ev in x's state */
/* Model.tag: the verification tag endpoint x uses in association k (k from 1) */
#define TAG(x, k)    (2*((REUSE_TAGS -> 1 : (k)) - 1) + (x) + 1)
/* packChunk: the order of a direction's chunks in canonical form */
#define KEY(ch)      (ch.kind + ch.tag*16 + ch.t*128 + ch.assoc*256 + ch.tsn*1024)

/* ---- The state: assoc.State ---- */

/* The endpoints (assoc.Endpoint), [A] and [B] */
byte st[2] = { CLOSED, CLOSED };
byte timers[2];	/* bit k-1 for each running timer k */
byte own[2];	/* our verification tag; 0 without a TCB */
byte peer[2];	/* the peer's tag; 0 until known */
byte assoc[2];	/* ghost: the association the TCB belongs to */
bit  out[2];	/* DATA sent and not yet acknowledged */
byte sent[2];	/* DATA chunks sent in the association: the TSN of the last */
byte got[2];	/* the highest TSN received from the peer */

/* The network: per direction the chunks in flight (assoc.Chunk), a
 * multiset sorted by KEY; empty slots are zero. net[0] carries A to B,
 * net[1] B to A. */
typedef Chunk {
	byte kind;	/* the chunk type, C_INIT .. */
	byte tag;	/* the packet's verification tag; 0 for INIT */
	bit  t;	/* the T bit: tag is the sender's own, reflected */
	byte assoc;	/* ghost: the association it was sent in (or answers) */
	byte tsn	/* DATA: its TSN; SACK and SHUTDOWN: the Cumulative TSN Ack */
};
typedef Dir {
	byte n;
	Chunk c[CAP]
};
Dir net[2];

byte started;	/* associations A's user started */

#ifdef LIVENESS
/* What the last step was, for the fairness of S7: LAST_IDLE a step that
 * is none of the model's (a move refused for a full direction, a copy
 * delivered that changes nothing), LAST_STEP any other step but an expiry,
 * FIRED(x, k) the expiry of timer k of endpoint x. */
byte last;
#define LAST_IDLE   0
#define LAST_STEP   1
#define FIRED(x, k) (2 + (NTIMERS - 1)*(x) + (k) - 1)
#define STEPPED(v)  last = v
#else
#define STEPPED(v)  skip
#endif

/* ---- Scratch: hidden, so not part of any state ---- */
hidden byte sc_opt, sc_what, sc_x, sc_p, sc_d;
hidden byte sc_kind, sc_ev, sc_from, sc_next, sc_verdict, sc_hasc, sc_ck, sc_ctag, sc_ct, sc_cassoc, sc_ctsn;
hidden int  sc_sends, sc_timers;
hidden byte sc_need, sc_blocked, sc_j, sc_pos, sc_ok, sc_k, sc_okind, sc_otag, sc_ot, sc_oassoc, sc_otsn;
hidden byte sc_ftimers, sc_fassoc, sc_fout, sc_running, sc_same, sc_ending;
hidden byte sc_s1, sc_s2, sc_s3, sc_s4;
hidden byte S1_violated, S2_violated, S3_violated, S4_violated, S5_violated, S6_violated;
/* The state before a delivery that leaves a copy in flight (emit: a copy
 * that changes nothing is no step) */
hidden byte o_st[2], o_timers[2], o_own[2], o_peer[2], o_assoc[2], o_out[2], o_sent[2], o_got[2];
hidden Dir o_net[2];

/* ---- Helpers (assoc/state.go, assoc/step.go) ---- */

/* Chunk TO of direction D becomes kind K, tag G, T bit T, association S,
 * TSN N */
inline set_chunk(D, TO, K, G, T, S, N) {
	net[D].c[TO].kind = K;
	net[D].c[TO].tag = G;
	net[D].c[TO].t = T;
	net[D].c[TO].assoc = S;
	net[D].c[TO].tsn = N
}

inline copy_chunk(D, TO, FROM) {
	set_chunk(D, TO, net[D].c[FROM].kind, net[D].c[FROM].tag, net[D].c[FROM].t, net[D].c[FROM].assoc, net[D].c[FROM].tsn)
}

/* State.remove */
inline remove(D, I) {
	sc_j = I;
	do
	:: sc_j + 1 < net[D].n -> copy_chunk(D, sc_j, sc_j + 1); sc_j++
	:: else -> break
	od;
	set_chunk(D, net[D].n - 1, 0, 0, 0, 0, 0);
	net[D].n--
}

/* Put the chunk sc_o* into direction D, keeping it sorted by KEY: what
 * appending it and canon do together. The caller made sure of room. */
inline insert(D) {
	sc_pos = net[D].n;
	sc_j = 0;
	do
	:: sc_j < net[D].n ->
		if
		:: sc_okind + sc_otag*16 + sc_ot*128 + sc_oassoc*256 + sc_otsn*1024 < KEY(net[D].c[sc_j]) -> sc_pos = sc_j; break
		:: else -> sc_j++
		fi
	:: else -> break
	od;
	sc_j = net[D].n;
	do
	:: sc_j > sc_pos -> copy_chunk(D, sc_j, sc_j - 1); sc_j--
	:: else -> break
	od;
	set_chunk(D, sc_pos, sc_okind, sc_otag, sc_ot, sc_oassoc, sc_otsn);
	net[D].n++
}

/* An endpoint without a TCB (afterMove), or the TCB a new association
 * starts with */
inline clear_end(X) {
	timers[X] = 0; own[X] = 0; peer[X] = 0; assoc[X] = 0; out[X] = 0; sent[X] = 0; got[X] = 0
}

/* rcvEvent: the table's event for a chunk of type K that passed the tag
 * check (or arrived in CLOSED) */
inline rcv_event(K) {
	if
	:: K == C_INIT -> sc_ev = RCV_INIT
	:: K == C_INIT_ACK -> sc_ev = RCV_INIT_ACK
	:: K == C_COOKIE_ECHO -> sc_ev = RCV_COOKIE_ECHO
	:: K == C_COOKIE_ACK -> sc_ev = RCV_COOKIE_ACK
	:: K == C_DATA -> sc_ev = RCV_DATA
	:: K == C_SACK -> sc_ev = RCV_SACK
	:: K == C_SHUTDOWN -> sc_ev = RCV_SHUTDOWN
	:: K == C_SHUTDOWN_ACK -> sc_ev = RCV_SHUTDOWN_ACK
	:: K == C_SHUTDOWN_COMPLETE -> sc_ev = RCV_SHUTDOWN_COMPLETE
	:: K == C_ABORT -> sc_ev = RCV_ABORT
	:: K == C_ERROR -> sc_ev = RCV_ERROR
	fi
}

/* classify: the tag check of RFC 9260 8.5 and 8.5.1 on the chunk sc_c*
 * received by X. In CLOSED there is no tag to check (8.4), and an INIT
 * carries tag 0 (8.5.1 A): the chunk's type decides. An ABORT or SHUTDOWN
 * COMPLETE passes with our tag and the T bit clear or the peer's with it
 * set (8.5.1 B, C); any other chunk only with our tag. A SACK that leaves
 * the last DATA sent unacknowledged is SACK_PARTIAL. */
inline classify(X) {
	if
	:: st[X] == CLOSED || sc_ck == C_INIT -> rcv_event(sc_ck)
	:: else ->
		sc_ok = (sc_ctag == own[X] && !sc_ct);
		if
		:: sc_ck == C_ABORT || sc_ck == C_SHUTDOWN_COMPLETE ->
			sc_ok = sc_ok || (sc_ct && sc_ctag == peer[X] && peer[X] != 0)
		:: else -> skip
		fi;
		if
		:: !sc_ok -> sc_ev = RCV_WRONG_TAG
		:: sc_ok && sc_ck == C_SACK && sc_ctsn < sent[X] -> sc_ev = RCV_SACK_PARTIAL
		:: else -> rcv_event(sc_ck)
		fi
	fi
}

/* outgoing: the chunk of type K (with the T bit if T) X sends, its TCB as
 * the step leaves it, in answer to the chunk sc_c* if any. INIT carries
 * tag 0; an INIT ACK goes to the initiator's tag of the INIT's
 * association; a chunk with the T bit reflects the tag of the packet it
 * answers (8.4 rules 5 and 8); any other carries the peer's tag. */
inline outgoing(X, K, T) {
	sc_okind = K; sc_otag = peer[X]; sc_ot = 0; sc_oassoc = assoc[X]; sc_otsn = 0;
	if
	:: K == C_INIT -> sc_otag = 0
	:: else ->
		if
		:: K == C_INIT_ACK && sc_hasc -> sc_otag = TAG(1 - X, sc_cassoc); sc_oassoc = sc_cassoc
		:: !(K == C_INIT_ACK && sc_hasc) && T && sc_hasc -> sc_otag = sc_ctag; sc_ot = 1; sc_oassoc = sc_cassoc
		:: else ->
			if
			:: K == C_DATA -> sc_otsn = sent[X]
			:: K == C_SACK || K == C_SHUTDOWN -> sc_otsn = got[X]
			:: else -> skip
			fi
		fi
	fi
}

/* One send of the step: chunk I of the table's sends (SEND_INIT ..), of
 * type K, with the T bit if T. DATA is outstanding from now on; a chunk
 * that finds its direction full is lost (the step is refused before, in
 * decide, when the network may not lose it). */
inline send(X, I, K, T) {
	if
	:: (sc_sends & SENDS(I)) != 0 ->
		outgoing(X, K, T);
		if
		:: K == C_DATA -> out[X] = 1
		:: else -> skip
		fi;
		if
		:: net[X].n < CAP -> insert(X)
		:: else -> skip	/* lost */
		fi
	:: else -> skip
	fi
}

/* The sends in the order of assoc's sendActions: by chunk type, each
 * plain and then with the T bit. */
inline sends(X) {
	send(X, SEND_INIT, C_INIT, 0);
	send(X, SEND_INIT_ACK, C_INIT_ACK, 0);
	send(X, SEND_COOKIE_ECHO, C_COOKIE_ECHO, 0);
	send(X, SEND_COOKIE_ACK, C_COOKIE_ACK, 0);
	send(X, SEND_DATA, C_DATA, 0);
	send(X, SEND_SACK, C_SACK, 0);
	send(X, SEND_SHUTDOWN, C_SHUTDOWN, 0);
	send(X, SEND_SHUTDOWN_ACK, C_SHUTDOWN_ACK, 0);
	send(X, SEND_SHUTDOWN_COMPLETE, C_SHUTDOWN_COMPLETE, 0);
	send(X, SEND_SHUTDOWN_COMPLETE_T, C_SHUTDOWN_COMPLETE, 1);
	send(X, SEND_ABORT, C_ABORT, 0);
	send(X, SEND_ABORT_T, C_ABORT, 1);
	send(X, SEND_ERROR, C_ERROR, 0)
}

/* The step's timer operations (event): a stop clears the timer, a start
 * or restart sets it */
inline timer_ops(X) {
	sc_k = 1;
	do
	:: sc_k < NTIMERS ->
		if
		:: TOP(sc_k) == OP_STOP -> timers[X] = timers[X] & (255 - (1 << (sc_k - 1)))
		:: TOP(sc_k) == OP_START || TOP(sc_k) == OP_RESTART -> timers[X] = timers[X] | (1 << (sc_k - 1))
		:: else -> skip
		fi;
		sc_k++
	:: else -> break
	od
}

/* The first half of event, before anything changes: the event, the cell
 * and whether the move is refused (a chunk would find its direction full
 * with no loss allowed: it changes nothing). A step of W_APP calls sc_p,
 * of W_FIRE expires timer sc_p, W_RAISE raises rcv SACK with nothing
 * outstanding; W_DELIVER and W_COPY deliver chunk sc_p of the direction
 * into X. */
inline decide(X) {
	sc_hasc = 0;
	if
	:: sc_what == W_APP -> sc_kind = K_APP; sc_ev = sc_p
	:: sc_what == W_FIRE -> sc_kind = K_FIRE; sc_ev = tm_expiry[sc_p]
	:: sc_what == W_RAISE -> sc_kind = K_RAISE; sc_ev = RCV_SACK
	:: else ->	/* W_DELIVER, W_COPY */
		sc_kind = ((sc_what == W_DELIVER) -> K_DELIVER : K_COPY);
		sc_hasc = 1;
		sc_d = 1 - X;
		sc_ck = net[sc_d].c[sc_p].kind; sc_ctag = net[sc_d].c[sc_p].tag; sc_ct = net[sc_d].c[sc_p].t;
		sc_cassoc = net[sc_d].c[sc_p].assoc; sc_ctsn = net[sc_d].c[sc_p].tsn;
		classify(X)
	fi;
	sc_from = st[X];
	sc_next = cell_next[CELL(sc_from, sc_ev)];
	sc_verdict = cell_verdict[CELL(sc_from, sc_ev)];
	sc_sends = cell_sends[CELL(sc_from, sc_ev)];
	sc_timers = cell_timers[CELL(sc_from, sc_ev)];
	sc_need = 0;
	sc_j = 0;
	do
	:: sc_j < NSENDS ->
		if
		:: (sc_sends & SENDS(sc_j)) != 0 -> sc_need++
		:: else -> skip
		fi;
		sc_j++
	:: else -> break
	od;
	sc_blocked = (sc_verdict == MOVE && !LOSS && sc_need > CAP - net[X].n);
	/* the endpoint as the properties find it */
	sc_ftimers = timers[X]; sc_fassoc = assoc[X]; sc_fout = out[X]
}

/* Keep the state, to tell whether a copy delivered changes anything */
inline save() {
	sc_j = 0;
	do
	:: sc_j < 2 ->
		o_st[sc_j] = st[sc_j]; o_timers[sc_j] = timers[sc_j]; o_own[sc_j] = own[sc_j]; o_peer[sc_j] = peer[sc_j];
		o_assoc[sc_j] = assoc[sc_j]; o_out[sc_j] = out[sc_j]; o_sent[sc_j] = sent[sc_j]; o_got[sc_j] = got[sc_j];
		o_net[sc_j].n = net[sc_j].n;
		sc_k = 0;
		do
		:: sc_k < CAP ->
			o_net[sc_j].c[sc_k].kind = net[sc_j].c[sc_k].kind; o_net[sc_j].c[sc_k].tag = net[sc_j].c[sc_k].tag;
			o_net[sc_j].c[sc_k].t = net[sc_j].c[sc_k].t; o_net[sc_j].c[sc_k].assoc = net[sc_j].c[sc_k].assoc;
			o_net[sc_j].c[sc_k].tsn = net[sc_j].c[sc_k].tsn;
			sc_k++
		:: else -> break
		od;
		sc_j++
	:: else -> break
	od
}

inline unchanged() {
	sc_same = 1;
	sc_j = 0;
	do
	:: sc_j < 2 ->
		sc_same = sc_same && o_st[sc_j] == st[sc_j] && o_timers[sc_j] == timers[sc_j] && o_own[sc_j] == own[sc_j] &&
			o_peer[sc_j] == peer[sc_j] && o_assoc[sc_j] == assoc[sc_j] && o_out[sc_j] == out[sc_j] &&
			o_sent[sc_j] == sent[sc_j] && o_got[sc_j] == got[sc_j] && o_net[sc_j].n == net[sc_j].n;
		sc_k = 0;
		do
		:: sc_k < CAP ->
			sc_same = sc_same && KEY(o_net[sc_j].c[sc_k]) == KEY(net[sc_j].c[sc_k]);
			sc_k++
		:: else -> break
		od;
		sc_j++
	:: else -> break
	od
}

/* The second half of event: the chunk leaves the network (unless a copy
 * stays), a SACK or SHUTDOWN acknowledges what it counts, and on a move
 * the TCB follows, the endpoint moves, its timers run or stop and it
 * sends; then the properties. */
inline commit(X) {
	if
	:: sc_what == W_COPY -> save()
	:: else -> skip
	fi;
	if
	:: sc_what == W_DELIVER -> remove(sc_d, sc_p)
	:: else -> skip
	fi;
	/* a SACK, or a SHUTDOWN's Cumulative TSN Ack (9.2), that passed the
	 * tag check acknowledges the DATA it counts, whatever the table does */
	if
	:: sc_hasc && (sc_ck == C_SACK || sc_ck == C_SHUTDOWN) && sc_ev != RCV_WRONG_TAG && sc_from != CLOSED && sc_ctsn >= sent[X] -> out[X] = 0
	:: else -> skip
	fi;
	if
	:: sc_verdict == MOVE ->
		/* the TCB as the step leaves it, before anything is sent */
		if
		:: sc_ev == APP_ASSOCIATE ->
			started++;
			clear_end(X); own[X] = TAG(X, started); assoc[X] = started
		:: sc_hasc && sc_ev == RCV_INIT_ACK && sc_from == COOKIE_WAIT ->
			peer[X] = TAG(1 - X, sc_cassoc)
		:: sc_hasc && sc_ev == RCV_COOKIE_ECHO && sc_from == CLOSED ->
			clear_end(X); own[X] = TAG(X, sc_cassoc); peer[X] = TAG(1 - X, sc_cassoc); assoc[X] = sc_cassoc
		:: sc_ev == APP_SEND -> sent[X]++	/* the new DATA's TSN */
		:: sc_hasc && sc_ev == RCV_DATA && sc_ctsn > got[X] -> got[X] = sc_ctsn
		:: else -> skip
		fi;
		st[X] = sc_next;
		if
		:: sc_kind == K_FIRE -> timers[X] = timers[X] & (255 - (1 << (sc_p - 1)))	/* it ran out */
		:: else -> skip
		fi;
		timer_ops(X);
		sends(X);
		if
		:: st[X] == CLOSED -> clear_end(X)	/* afterMove: no TCB in CLOSED */
		:: else -> skip
		fi
	:: else -> skip
	fi;
	if
	:: sc_what == W_COPY -> unchanged()
	:: else -> sc_same = 0
	fi;
	if
	:: !sc_same -> STEPPED((sc_kind == K_FIRE -> FIRED(X, sc_p) : LAST_STEP)); print_state(); check_step(X)
	:: else -> skip	/* a copy delivered that changes nothing: no step */
	fi
}

/* ---- The properties (assoc/props.go) ---- */

/* V, the assertion of a property whose bit in CHECK is MASK, fails when
 * COND holds. */
inline judge(V, MASK, COND) {
	V = ((CHECK & MASK) != 0 && (COND));
	assert(!V)
}

/* Timer k ran before the step and the step neither fired nor stopped it */
#define LEFT(k) (((sc_ftimers >> ((k) - 1)) & 1) != 0 && !(sc_kind == K_FIRE && sc_p == (k)) && TOP(k) != OP_STOP)

inline check_step(X) {
	/* an association ends: its endpoint enters CLOSED from another state */
	sc_ending = (sc_verdict == MOVE && sc_from != CLOSED && sc_next == CLOSED);
	/* S1 NoOldChunkAccepted: a chunk of one association moves an endpoint
	 * that holds another (an INIT, or a chunk reaching CLOSED, excepted) */
	sc_s1 = ((sc_kind == K_DELIVER || sc_kind == K_COPY) && sc_verdict == MOVE && sc_from != CLOSED &&
		sc_ck != C_INIT && sc_cassoc != sc_fassoc);
	/* S2 AssociationEndsLegitimately: only by SHUTDOWN COMPLETE or ABORT,
	 * sent or received, a giveup timer, or the user's SHUTDOWN or ABORT */
	sc_s2 = (sc_ending && (sc_sends & SENDS(SEND_SHUTDOWN_COMPLETE)) == 0 && (sc_sends & SENDS(SEND_ABORT)) == 0 &&
		sc_ev != RCV_SHUTDOWN_COMPLETE && sc_ev != RCV_ABORT &&
		!(sc_kind == K_FIRE && giveup[sc_p]) &&
		!(sc_kind == K_APP && (sc_ev == APP_SHUTDOWN || sc_ev == APP_ABORT)));
	/* S3 TimersStoppedAtClose: the step that ends an association stops
	 * every timer that was running */
	sc_running = 0;
	sc_k = 1;
	do
	:: sc_k < NTIMERS ->
		if
		:: LEFT(sc_k) -> sc_running = 1
		:: else -> skip
		fi;
		sc_k++
	:: else -> break
	od;
	sc_s3 = (sc_ending && sc_running);
	/* S4 GracefulEndDeliversData: an association that ends by SHUTDOWN
	 * COMPLETE, sent or received, leaves no DATA of its endpoint
	 * unacknowledged (9.2) */
	sc_s4 = (sc_ending && ((sc_sends & SENDS(SEND_SHUTDOWN_COMPLETE)) != 0 || sc_ev == RCV_SHUTDOWN_COMPLETE) && sc_fout);
	judge(S1_violated, 1, sc_s1);
	judge(S2_violated, 2, sc_s2);
	judge(S3_violated, 4, sc_s3);
	judge(S4_violated, 8, sc_s4);
	check_state()
}

/* S5 ShutdownRetransmitted: in SHUTDOWN_SENT and SHUTDOWN_ACK_SENT both
 * t2_shutdown and max_retrans run. S6 ShutdownGuarded: in SHUTDOWN_SENT
 * t5_shutdown_guard runs (9.2). */
#define S5_STATE(y) ((st[y] == SHUTDOWN_SENT || st[y] == SHUTDOWN_ACK_SENT) && !(RUNS(y, TM_T2_SHUTDOWN) && RUNS(y, TM_MAX_RETRANS)))
#define S6_STATE(y) (st[y] == SHUTDOWN_SENT && !RUNS(y, TM_T5_SHUTDOWN_GUARD))
inline check_state() {
	judge(S5_violated, 16, S5_STATE(A) || S5_STATE(B));
	judge(S6_violated, 32, S6_STATE(A) || S6_STATE(B))
}

#ifdef TRACE
inline print_end(X) {
	printf("%d %d %d %d %d %d %d %d ", st[X], timers[X], own[X], peer[X], assoc[X], out[X], sent[X], got[X])
}
inline print_dir(D) {
	printf("%d ", net[D].n);
	sc_j = 0;
	do
	:: sc_j < CAP ->
		printf("%d %d %d %d %d ", net[D].c[sc_j].kind, net[D].c[sc_j].tag, net[D].c[sc_j].t, net[D].c[sc_j].assoc, net[D].c[sc_j].tsn);
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
	printf("%d\n", started)
}
#else
inline print_state() { skip }
#endif

/* ---- The global steps (assoc.Model.Each) ---- */

/* Chunk I of direction D is lost */
inline lose(D, I) {
	remove(D, I);
	STEPPED(LAST_STEP);
	print_state();
	check_state()
}

/* The step the loop takes: step sc_opt is what opt_what[sc_opt] says, by
 * endpoint (or, for a loss, direction) opt_x[sc_opt], with parameter
 * opt_p[sc_opt] (the call, the timer or the slot). A move refused for a
 * full direction changes nothing. */
inline step() {
	sc_what = opt_what[sc_opt]; sc_x = opt_x[sc_opt]; sc_p = opt_p[sc_opt];
	STEPPED(LAST_IDLE);
	if
	:: sc_what == W_LOSE -> lose(sc_x, sc_p)
	:: else ->
		decide(sc_x);
		if
		:: !sc_blocked -> commit(sc_x)
		:: else -> skip	/* refused */
		fi
	fi
}

#include "assoc_steps.pml"

/* One global step is one atomic step: the choice of an enabled step
 * (choose, of assoc_steps.pml: a d_step per step that only sets the
 * hidden sc_opt), then the step itself (one d_step, shared by all). SPIN
 * stores no state inside an atomic sequence, and the choice changes no
 * stored variable. */
active proctype association() {
	do
	:: atomic {
		choose();
		d_step { step() }
	   }
	od
}

#ifdef LIVENESS
/* S7's liveness (assoc.OwesShutdownAnswer): an endpoint in SHUTDOWN_SENT or
 * SHUTDOWN_ACK_SENT eventually leaves it, under the fairness of the
 * explorer for the untimed model (assoc's Pending and Meets): justice on
 * expiries, every timer whose expiry is a step of the model (it runs, the
 * table moves on its expiry and there is room to send what that sends)
 * for ever after some point eventually expires. A run that from some point
 * on takes only steps that are none of the model's is no run of the model.
 *
 * As LTL, with JUST(x, k) = []<> (!ENABLED(x, k) || last == FIRED(x, k)):
 *   ([]<> last != LAST_IDLE) && JUST(A, 1) && .. && JUST(B, 7) -> []<> !OWES(x)
 * SPIN's translation of fifteen such conjuncts does not end in reasonable
 * time, so the never claims below are written by hand: the negation, a
 * generalized Buchi automaton made simple by visiting the fifteen
 * conditions in turn. The claim guesses when x starts to owe for ever
 * (guess), then, while x owes, waits for each condition in order (w0 ..
 * w14) and accepts each time it has seen them all: an acceptance cycle is
 * a fair run along which x owes for ever. pan -a -N s7_A (or s7_B). */
#define OWES(x)        (st[x] == SHUTDOWN_SENT || st[x] == SHUTDOWN_ACK_SENT)
#define ENABLED(x, k)  (RUNS(x, k) && CAN(x, tm_expiry[k]) && (LOSS || cell_nsends[CELL(st[x], tm_expiry[k])] <= CAP - net[x].n))
#define MET(x, k)      (!ENABLED(x, k) || last == FIRED(x, k))
#define WAIT(X, w, c, next) w: do :: OWES(X) && (c) -> goto next :: OWES(X) && !(c) -> goto w od
#define CLAIM(X) \
	guess: do :: true -> goto guess :: OWES(X) -> goto w0 od; \
	WAIT(X, w0, last != LAST_IDLE, w1); \
	WAIT(X, w1, MET(A, TM_T1_INIT), w2); WAIT(X, w2, MET(A, TM_T1_COOKIE), w3); WAIT(X, w3, MET(A, TM_T2_SHUTDOWN), w4); \
	WAIT(X, w4, MET(A, TM_T3_RTX), w5); WAIT(X, w5, MET(A, TM_T5_SHUTDOWN_GUARD), w6); WAIT(X, w6, MET(A, TM_MAX_INIT), w7); \
	WAIT(X, w7, MET(A, TM_MAX_RETRANS), w8); \
	WAIT(X, w8, MET(B, TM_T1_INIT), w9); WAIT(X, w9, MET(B, TM_T1_COOKIE), w10); WAIT(X, w10, MET(B, TM_T2_SHUTDOWN), w11); \
	WAIT(X, w11, MET(B, TM_T3_RTX), w12); WAIT(X, w12, MET(B, TM_T5_SHUTDOWN_GUARD), w13); WAIT(X, w13, MET(B, TM_MAX_INIT), w14); \
	WAIT(X, w14, MET(B, TM_MAX_RETRANS), accept); \
	accept: do :: OWES(X) -> goto w0 od
never s7_A { CLAIM(A) }
never s7_B { CLAIM(B) }
#endif
