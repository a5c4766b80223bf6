// Package endpoint runs the generated TCP table (package
// generated/tcp) as one side of a connection: it classifies each
// incoming segment into the table's events (Classify, RFC 9293 3.10.7),
// keeps the sequence variables the classification needs, arms the
// connection's timers as deadlines on a clock the caller passes in, and
// says what to send and what to tell the application.
//
// The table decides; this package only supplies what the table leaves to
// a runtime: which event a segment is, when a timer fires, and the
// sequence and acknowledgment numbers of what the table says to send.
// Data transfer is not modelled, as in the table: a segment's payload is
// counted in sequence space and acknowledged, never buffered.
//
// A driver that decides the events itself, as package track does from a
// capture, steps them with Apply and takes up a connection under way with
// Join; its timers then run by the same rules as every Endpoint's.
//
// Nothing on the path of a segment, a call or a timer allocates: results
// go into an Output the caller owns and reuses.
package endpoint
