package diagnose

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// procNet are the files Live reads the host's sockets from.
var procNet = []string{"/proc/net/tcp", "/proc/net/tcp6"}

// Live reads this host's sockets from /proc/net/tcp and /proc/net/tcp6
// (a missing tcp6, on a host without IPv6, is no error), names the
// processes that hold them from /proc/PID/fd, and reads the knobs from
// /proc/sys/net/ipv4.
func Live() (*Input, Knobs, error) {
	var data []byte
	for i, path := range procNet {
		b, err := os.ReadFile(path)
		if err != nil && (i == 0 || !os.IsNotExist(err)) {
			return nil, Knobs{}, err
		}
		data = append(data, b...)
	}
	in, err := Read(bytes.NewReader(data))
	if err != nil {
		return nil, Knobs{}, err
	}
	owners := socketOwners("/proc")
	for i := range in.Sockets {
		s := &in.Sockets[i]
		if s.Inode != 0 {
			s.Owners = owners[s.Inode]
		}
	}
	return in, ReadKnobs("/proc/sys/net/ipv4"), nil
}

// socketOwners maps each socket inode to the processes holding it, from
// the symbolic links socket:[INODE] in proc/PID/fd. Processes it may not
// look into are left out.
func socketOwners(proc string) map[uint64][]Process {
	out := map[uint64][]Process{}
	pids, _ := os.ReadDir(proc)
	for _, p := range pids {
		pid, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		dir := filepath.Join(proc, p.Name(), "fd")
		fds, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		comm, _ := os.ReadFile(filepath.Join(proc, p.Name(), "comm"))
		name := strings.TrimSpace(string(comm))
		for _, fd := range fds {
			link, err := os.Readlink(filepath.Join(dir, fd.Name()))
			inode, ok := strings.CutPrefix(link, "socket:[")
			if err != nil || !ok {
				continue
			}
			ino, err := strconv.ParseUint(strings.TrimSuffix(inode, "]"), 10, 64)
			n, err2 := strconv.Atoi(fd.Name())
			if err == nil && err2 == nil {
				out[ino] = append(out[ino], Process{Name: name, PID: pid, FD: n})
			}
		}
	}
	return out
}
