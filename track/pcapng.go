package track

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// maxBlock bounds a pcapng block, and maxPacket a pcap packet: far above
// any real frame (a segmentation-offloaded one is at most 256 KiB), and
// small enough that a corrupt length cannot make the reader allocate
// gigabytes.
const (
	maxBlock  = 16 << 20
	maxPacket = 1 << 20
)

// pcapng block types (draft-ietf-opsawg-pcapng 4) whose layout the guard
// checks.
const (
	blockSection        = 0x0a0d0d0a
	blockObsoletePacket = 0x00000002
	blockSimplePacket   = 0x00000003
	blockEnhancedPacket = 0x00000006
	byteOrderMagic      = 0x1a2b3c4d
)

// ngGuard stands between a pcapng file and pcapgo's reader, which takes a
// block cut short at the end of the file for its clean end and trusts the
// lengths it reads. The guard hands the reader only whole blocks: each
// block's leading and trailing lengths must agree, fit maxBlock and the
// file, and a packet block's captured length must fit the block. The
// first problem is kept, with the block's byte offset, and ends the
// stream.
type ngGuard struct {
	r     io.Reader
	block []byte // what is left of the current block
	off   int64  // byte offset of the next block
	order binary.ByteOrder
	err   error // the problem found, or io.EOF at a clean end
}

func newNgGuard(r io.Reader) *ngGuard { return &ngGuard{r: r, order: binary.LittleEndian} }

func (g *ngGuard) Read(p []byte) (int, error) {
	if len(g.block) == 0 {
		if g.err != nil {
			return 0, g.err
		}
		if g.err = g.next(); g.err != nil {
			return 0, g.err
		}
	}
	n := copy(p, g.block)
	g.block = g.block[n:]
	return n, nil
}

// problem is the file's problem the guard found, nil when there is none.
func (g *ngGuard) problem() error {
	if g.err == nil || g.err == io.EOF {
		return nil
	}
	return g.err
}

// next reads and checks the next block.
func (g *ngGuard) next() error {
	var head [12]byte
	n, err := io.ReadFull(g.r, head[:8])
	switch {
	case n == 0 && err == io.EOF:
		return io.EOF
	case err != nil:
		return g.errorf("the file ends inside its header: truncated capture")
	}
	typ := binary.LittleEndian.Uint32(head[:4]) // the section type reads the same either way
	hlen := 8
	if typ == blockSection {
		if _, err := io.ReadFull(g.r, head[8:12]); err != nil {
			return g.errorf("the file ends inside its header: truncated capture")
		}
		switch {
		case binary.LittleEndian.Uint32(head[8:12]) == byteOrderMagic:
			g.order = binary.LittleEndian
		case binary.BigEndian.Uint32(head[8:12]) == byteOrderMagic:
			g.order = binary.BigEndian
		default:
			return g.errorf("section header without the byte-order magic 1a2b3c4d: not a pcapng capture, or a corrupt one")
		}
		hlen = 12
	}
	length := g.order.Uint32(head[4:8])
	switch {
	case length < 12 || length%4 != 0 || int(length) < hlen+4:
		return g.errorf("block length %d is not a pcapng block length (a multiple of 4, at least 12): corrupt capture", length)
	case length > maxBlock:
		return g.errorf("block length %d is larger than %d MiB: corrupt capture", length, maxBlock>>20)
	}
	block := make([]byte, length)
	copy(block, head[:hlen])
	if _, err := io.ReadFull(g.r, block[hlen:]); err != nil {
		return g.errorf("the file ends inside this %d-byte block: truncated capture", length)
	}
	if trail := g.order.Uint32(block[length-4:]); trail != length {
		return g.errorf("the block's trailing length %d differs from its leading length %d: corrupt capture", trail, length)
	}
	room := int64(length) // bytes the packet data may take
	var captured int64 = -1
	switch g.order.Uint32(block[:4]) {
	case blockEnhancedPacket, blockObsoletePacket:
		if length < 32 {
			return g.errorf("packet block of %d bytes, shorter than its 32-byte header: corrupt capture", length)
		}
		room -= 32
		captured = int64(g.order.Uint32(block[20:24]))
	case blockSimplePacket:
		if length < 16 {
			return g.errorf("simple packet block of %d bytes, shorter than its 16-byte header: corrupt capture", length)
		}
		room -= 16
		captured = int64(g.order.Uint32(block[8:12])) // the original length, which pcapgo reads as captured
	}
	if captured > room {
		return g.errorf("packet block says it holds %d bytes of packet but has room for %d: corrupt capture", captured, room)
	}
	g.off += int64(length)
	g.block = block
	return nil
}

func (g *ngGuard) errorf(format string, args ...any) error {
	return fmt.Errorf("pcapng block at byte %d: %s", g.off, fmt.Sprintf(format, args...))
}

// errTruncated is what a read cut short means for the file.
var errTruncated = errors.New("the file ends in the middle of it: truncated capture")
