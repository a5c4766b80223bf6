package track

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// Segment is one captured TCP segment: who sent it to whom, when, and the
// header fields the state machine reads. Len is the payload length the IP
// header gives, so it is right also when the capture kept only the
// headers (a short snap length).
type Segment struct {
	At       time.Time
	Src, Dst netip.AddrPort
	SYN      bool
	ACK      bool
	FIN      bool
	RST      bool
	Seq      uint32
	Ack      uint32
	Window   uint16
	// WScale is the window scale option of a SYN, -1 without one.
	WScale int
	Len    int
	// Packet is the segment's place in the file, counting packets from 1,
	// for messages.
	Packet int
}

// end is the sequence number just past the segment: its payload, and one
// each for SYN and FIN.
func (s *Segment) end() uint32 {
	n := s.Seq + uint32(s.Len)
	if s.SYN {
		n++
	}
	if s.FIN {
		n++
	}
	return n
}

// Flags names the segment's flags as tcpdump would ("SYN,ACK").
func (s *Segment) Flags() string {
	var b []byte
	for _, f := range []struct {
		on   bool
		name string
	}{{s.SYN, "SYN"}, {s.FIN, "FIN"}, {s.RST, "RST"}, {s.ACK, "ACK"}} {
		if f.on {
			if len(b) > 0 {
				b = append(b, ',')
			}
			b = append(b, f.name...)
		}
	}
	if len(b) == 0 {
		return "none"
	}
	return string(b)
}

// Pcap and pcapng files start with one of these (pcap in either byte
// order, with microsecond or nanosecond stamps; pcapng with its section
// header block type).
var (
	pcapMagics  = []uint32{0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1}
	pcapngMagic = []byte{0x0a, 0x0d, 0x0d, 0x0a}
)

// packetSource is what pcapgo's two readers have in common.
type packetSource interface {
	ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
}

// Read reads a pcap or pcapng capture, or either compressed with gzip, and
// returns its TCP segments in file order. Packets that are not TCP over IPv4 or IPv6 are skipped; so are
// packets whose TCP header the capture cut short, which are counted in
// skipped. A file that is neither format, is cut off inside a packet, or
// uses a link type other than Ethernet, Linux cooked (SLL), raw IP or BSD
// loopback is an error naming the place.
func Read(r io.Reader) (segs []Segment, skipped int, err error) {
	br := bufio.NewReader(r)
	head, err := br.Peek(4)
	if err != nil {
		if len(head) == 0 {
			return nil, 0, errors.New("empty input: not a pcap or pcapng capture")
		}
		return nil, 0, fmt.Errorf("%d bytes: too short for a pcap or pcapng file header", len(head))
	}
	if head[0] == 0x1f && head[1] == 0x8b { // gzip: tcpdump -w - | gzip
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, 0, fmt.Errorf("gzip header: %w", readErr(err))
		}
		segs, skipped, err := Read(zr)
		if err != nil {
			return nil, 0, fmt.Errorf("gzip-compressed capture: %w", err)
		}
		return segs, skipped, nil
	}
	var src packetSource
	var guard *ngGuard // for pcapng: the file's own problems, found before pcapgo reads it
	var linkOf func(ci gopacket.CaptureInfo) (layers.LinkType, error)
	switch {
	case bytes.Equal(head, pcapngMagic):
		guard = newNgGuard(br)
		ng, err := pcapgo.NewNgReader(guard, pcapgo.NgReaderOptions{WantMixedLinkType: true})
		if err != nil {
			if p := guard.problem(); p != nil {
				return nil, 0, p
			}
			return nil, 0, fmt.Errorf("pcapng section header: %w", readErr(err))
		}
		src = ng
		linkOf = func(ci gopacket.CaptureInfo) (layers.LinkType, error) {
			iface, err := ng.Interface(ci.InterfaceIndex)
			if err != nil {
				return 0, fmt.Errorf("names interface %d, which the file does not describe", ci.InterfaceIndex)
			}
			return iface.LinkType, nil
		}
	case isPcapMagic(head):
		p, err := pcapgo.NewReader(br)
		if err != nil {
			return nil, 0, fmt.Errorf("pcap file header: %w", readErr(err))
		}
		// Like tcpdump, trust a bound of our own rather than the file's
		// snap length, which some writers do not keep to.
		p.SetSnaplen(maxPacket)
		src = p
		lt := p.LinkType()
		linkOf = func(gopacket.CaptureInfo) (layers.LinkType, error) { return lt, nil }
	default:
		return nil, 0, fmt.Errorf("not a pcap or pcapng capture: the file starts with % x", head)
	}
	for n := 1; ; n++ {
		data, ci, err := readPacket(src)
		if guard != nil && guard.problem() != nil {
			return nil, 0, fmt.Errorf("packet %d: %w", n, guard.problem())
		}
		if err == io.EOF {
			return segs, skipped, nil
		}
		if err != nil {
			return nil, 0, fmt.Errorf("packet %d: %w", n, readErr(err))
		}
		lt, err := linkOf(ci)
		if err != nil {
			return nil, 0, fmt.Errorf("packet %d: %w", n, err)
		}
		if !supportedLink(lt) {
			return nil, 0, fmt.Errorf("packet %d: link type %s (%d) is not supported; captures on Ethernet, Linux cooked (any), raw IP and BSD loopback are", n, lt, int(lt))
		}
		seg, ok, cut := decode(data, lt)
		if cut {
			skipped++
			continue
		}
		if !ok {
			continue
		}
		seg.At, seg.Packet = ci.Timestamp, n
		segs = append(segs, seg)
	}
}

// readPacket reads one packet. pcapgo does not expect every malformed
// block; a panic in it is turned into an error, so that garbage in never
// brings the command down.
func readPacket(src packetSource) (data []byte, ci gopacket.CaptureInfo, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("malformed block (%v)", p)
		}
	}()
	return src.ReadPacketData()
}

// readErr says what a reader's error means for the file.
func readErr(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return errTruncated
	}
	return err
}

func isPcapMagic(head []byte) bool {
	m := binary.LittleEndian.Uint32(head)
	for _, want := range pcapMagics {
		if m == want {
			return true
		}
	}
	return false
}

func supportedLink(lt layers.LinkType) bool {
	switch lt {
	case layers.LinkTypeEthernet, layers.LinkTypeLinuxSLL, layers.LinkTypeRaw,
		layers.LinkTypeIPv4, layers.LinkTypeIPv6, layers.LinkTypeNull, layers.LinkTypeLoop:
		return true
	}
	return false
}

// decode finds the TCP segment in a packet. ok is false for anything else;
// cut is true for a TCP segment whose header the capture did not keep whole.
func decode(data []byte, lt layers.LinkType) (seg Segment, ok, cut bool) {
	var first gopacket.Decoder = lt
	switch lt {
	case layers.LinkTypeIPv4:
		first = layers.LayerTypeIPv4
	case layers.LinkTypeIPv6:
		first = layers.LayerTypeIPv6
	}
	p := gopacket.NewPacket(data, first, gopacket.DecodeOptions{Lazy: true, NoCopy: true})
	var ipEnd, ipLen int // bytes from the IP header's start to the packet's end, and the IP length
	var src, dst netip.Addr
	switch {
	case p.Layer(layers.LayerTypeIPv4) != nil:
		ip := p.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
		if ip.Protocol != layers.IPProtocolTCP || ip.Flags&layers.IPv4MoreFragments != 0 || ip.FragOffset != 0 {
			return Segment{}, false, false
		}
		src, _ = netip.AddrFromSlice(ip.SrcIP.To4())
		dst, _ = netip.AddrFromSlice(ip.DstIP.To4())
		ipEnd, ipLen = len(ip.Contents)+len(ip.Payload), int(ip.Length)
	case p.Layer(layers.LayerTypeIPv6) != nil:
		ip := p.Layer(layers.LayerTypeIPv6).(*layers.IPv6)
		src, _ = netip.AddrFromSlice(ip.SrcIP.To16())
		dst, _ = netip.AddrFromSlice(ip.DstIP.To16())
		ipEnd, ipLen = len(ip.Contents)+len(ip.Payload), 40+int(ip.Length)
	default:
		return Segment{}, false, false
	}
	tl := p.Layer(layers.LayerTypeTCP)
	if tl == nil {
		if p.ErrorLayer() != nil {
			return Segment{}, false, true
		}
		return Segment{}, false, false
	}
	tcp := tl.(*layers.TCP)
	if tcp.DataOffset < 5 || len(tcp.Contents) < int(tcp.DataOffset)*4 {
		return Segment{}, false, true
	}
	// Where the TCP header starts, counted from the IP header's start.
	tcpStart := ipEnd - len(tcp.Contents) - len(tcp.Payload)
	payload := ipLen - tcpStart - int(tcp.DataOffset)*4
	if payload < 0 || !src.IsValid() || !dst.IsValid() {
		return Segment{}, false, true
	}
	wscale := -1
	for _, o := range tcp.Options {
		if tcp.SYN && o.OptionType == layers.TCPOptionKindWindowScale && len(o.OptionData) == 1 {
			wscale = int(min(o.OptionData[0], 14)) // RFC 7323 2.3: larger is taken as 14
		}
	}
	return Segment{
		Src: netip.AddrPortFrom(src.Unmap(), uint16(tcp.SrcPort)),
		Dst: netip.AddrPortFrom(dst.Unmap(), uint16(tcp.DstPort)),
		SYN: tcp.SYN, ACK: tcp.ACK, FIN: tcp.FIN, RST: tcp.RST,
		Seq: tcp.Seq, Ack: tcp.Ack, Window: tcp.Window, WScale: wscale, Len: payload,
	}, true, false
}
