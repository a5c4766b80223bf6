package diagnose

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Knob is a kernel setting as /proc/sys/net/ipv4 writes it, and where its
// value came from.
type Knob struct {
	Name   string `json:"name"`   // net.ipv4.tcp_fin_timeout
	Value  string `json:"value"`  // "60"; "" when unknown
	Source string `json:"source"` // "read", "given", "Linux default, not read", "unknown"
}

// Knobs are the settings a diagnosis reads: the ephemeral ports, the
// orphans' FIN_WAIT_2 flush, the orphan limit and TIME_WAIT reuse.
type Knobs struct {
	PortRange  Knob `json:"ip_local_port_range"`
	FinTimeout Knob `json:"tcp_fin_timeout"`
	MaxOrphans Knob `json:"tcp_max_orphans"`
	TwReuse    Knob `json:"tcp_tw_reuse"`
}

// The sources of a knob's value.
const (
	FromHost    = "read"
	FromUser    = "given"
	FromDefault = "Linux default, not read"
	unknown     = "unknown"
)

// DefaultKnobs are Linux's defaults, for input read from a file: the
// orphan limit depends on the host's memory and is unknown.
func DefaultKnobs() Knobs {
	return Knobs{
		PortRange:  Knob{"net.ipv4.ip_local_port_range", "32768 60999", FromDefault},
		FinTimeout: Knob{"net.ipv4.tcp_fin_timeout", "60", FromDefault},
		MaxOrphans: Knob{"net.ipv4.tcp_max_orphans", "", unknown},
		TwReuse:    Knob{"net.ipv4.tcp_tw_reuse", "2", FromDefault},
	}
}

// list is the knobs in a fixed order.
func (k *Knobs) list() []*Knob {
	return []*Knob{&k.PortRange, &k.FinTimeout, &k.MaxOrphans, &k.TwReuse}
}

// Set gives the knob called name (net.ipv4.NAME or NAME) a value, checked
// as the kernel would; source says where it came from.
func (k *Knobs) Set(name, value, source string) error {
	value = strings.Join(strings.Fields(value), " ")
	for _, kn := range k.list() {
		if kn.Name != name && strings.TrimPrefix(kn.Name, "net.ipv4.") != name {
			continue
		}
		if err := check(kn.Name, value); err != nil {
			return err
		}
		kn.Value, kn.Source = value, source
		return nil
	}
	return fmt.Errorf("unknown knob %q", name)
}

// check says whether value is one the knob name can have.
func check(name, value string) error {
	if name == "net.ipv4.ip_local_port_range" {
		if _, _, err := parseRange(value); err != nil {
			return err
		}
		return nil
	}
	if n, err := strconv.Atoi(value); err != nil || n < 0 {
		return fmt.Errorf("%s = %q: want a whole number", name, value)
	}
	return nil
}

// parseRange reads "LOW HIGH" (or "LOW-HIGH").
func parseRange(value string) (int, int, error) {
	f := strings.Fields(strings.ReplaceAll(value, "-", " "))
	if len(f) == 2 {
		lo, err1 := strconv.Atoi(f[0])
		hi, err2 := strconv.Atoi(f[1])
		if err1 == nil && err2 == nil && 0 < lo && lo <= hi && hi <= 65535 {
			return lo, hi, nil
		}
	}
	return 0, 0, fmt.Errorf("ip_local_port_range = %q: want LOW HIGH, 1 <= LOW <= HIGH <= 65535", value)
}

// ports is the ephemeral port range; ok is false when it is unknown.
func (k *Knobs) ports() (lo, hi int, ok bool) {
	lo, hi, err := parseRange(k.PortRange.Value)
	return lo, hi, err == nil
}

// maxOrphans is tcp_max_orphans, or 0 when unknown.
func (k *Knobs) maxOrphans() int {
	n, _ := strconv.Atoi(k.MaxOrphans.Value)
	return n
}

// ReadKnobs reads the knobs from dir, /proc/sys/net/ipv4 on a live host:
// those it cannot read keep their defaults.
func ReadKnobs(dir string) Knobs {
	k := DefaultKnobs()
	for _, kn := range k.list() {
		data, err := os.ReadFile(filepath.Join(dir, strings.TrimPrefix(kn.Name, "net.ipv4.")))
		if err != nil {
			continue
		}
		value := strings.Join(strings.Fields(string(data)), " ")
		if check(kn.Name, value) == nil {
			kn.Value, kn.Source = value, FromHost
		}
	}
	return k
}
