package main

import (
	"bytes"
	"fmt"
	"strings"
)

// diffContext is the number of unchanged lines around each change.
const diffContext = 3

// maxDiffCells bounds the table of a line diff: past it, the lines between
// the first and the last change are shown as all removed and all added,
// still a correct diff, if not the shortest.
const maxDiffCells = 1 << 24

// edit is a line of a diff: ' ' kept, '-' removed, '+' added.
type edit struct {
	op   byte
	line string // with its newline, if it has one
}

// unifiedDiff is the unified diff that turns a, the file called oldName,
// into b, called newName, as diff -u prints it; nil if they are the same.
func unifiedDiff(oldName, newName string, a, b []byte) []byte {
	edits := lineDiff(splitLines(a), splitLines(b))
	var out bytes.Buffer
	for i := 0; i < len(edits); {
		start, end, ok := nextHunk(edits, i)
		if !ok {
			break
		}
		if out.Len() == 0 {
			fmt.Fprintf(&out, "diff -u %s %s\n--- %s\n+++ %s\n", oldName, newName, oldName, newName)
		}
		writeHunk(&out, edits, start, end)
		i = end
	}
	if out.Len() == 0 {
		return nil
	}
	return out.Bytes()
}

// splitLines splits text into lines, each with its newline; the last one
// may have none.
func splitLines(text []byte) []string {
	var lines []string
	for s := string(text); s != ""; {
		i := strings.IndexByte(s, '\n') + 1
		if i == 0 {
			i = len(s)
		}
		lines = append(lines, s[:i])
		s = s[i:]
	}
	return lines
}

// lineDiff is a shortest edit script from a to b: the longest common
// subsequence of the lines between their common head and tail, or, past
// maxDiffCells, every line between them removed and then added.
func lineDiff(a, b []string) []edit {
	head := 0
	for head < len(a) && head < len(b) && a[head] == b[head] {
		head++
	}
	tail := 0
	for tail < len(a)-head && tail < len(b)-head && a[len(a)-1-tail] == b[len(b)-1-tail] {
		tail++
	}
	var edits []edit
	for _, l := range a[:head] {
		edits = append(edits, edit{' ', l})
	}
	edits = append(edits, middleDiff(a[head:len(a)-tail], b[head:len(b)-tail])...)
	for _, l := range a[len(a)-tail:] {
		edits = append(edits, edit{' ', l})
	}
	return edits
}

// middleDiff is lineDiff without a common head or tail.
func middleDiff(a, b []string) []edit {
	var edits []edit
	if (len(a)+1)*(len(b)+1) > maxDiffCells {
		for _, l := range a {
			edits = append(edits, edit{'-', l})
		}
		for _, l := range b {
			edits = append(edits, edit{'+', l})
		}
		return edits
	}
	// lcs[i][j] is the length of the longest common subsequence of a[i:]
	// and b[j:].
	w := len(b) + 1
	lcs := make([]int32, (len(a)+1)*w)
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			edits = append(edits, edit{' ', a[i]})
			i, j = i+1, j+1
		case j == len(b) || i < len(a) && lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
			edits = append(edits, edit{'-', a[i]})
			i++
		default:
			edits = append(edits, edit{'+', b[j]})
			j++
		}
	}
	return edits
}

// nextHunk finds the hunk of the first change at or after edits[from]:
// edits[start:end], the changes with diffContext kept lines around them,
// changes at most twice diffContext kept lines apart in one hunk.
func nextHunk(edits []edit, from int) (start, end int, ok bool) {
	first := from
	for first < len(edits) && edits[first].op == ' ' {
		first++
	}
	if first == len(edits) {
		return 0, 0, false
	}
	start = max(from, first-diffContext)
	last := first
	for k := first; k < len(edits) && k <= last+2*diffContext+1; k++ {
		if edits[k].op != ' ' {
			last = k
		}
	}
	return start, min(len(edits), last+1+diffContext), true
}

// writeHunk writes edits[start:end] as a hunk: its header, with the lines
// it covers in each file, and its lines.
func writeHunk(out *bytes.Buffer, edits []edit, start, end int) {
	oldLine, newLine := 1, 1
	for _, e := range edits[:start] {
		oldLine, newLine = oldLine+btoi(e.op != '+'), newLine+btoi(e.op != '-')
	}
	oldN, newN := 0, 0
	for _, e := range edits[start:end] {
		oldN, newN = oldN+btoi(e.op != '+'), newN+btoi(e.op != '-')
	}
	// An empty side is named by the line before it, as diff -u does.
	fmt.Fprintf(out, "@@ -%d,%d +%d,%d @@\n", oldLine-btoi(oldN == 0), oldN, newLine-btoi(newN == 0), newN)
	for _, e := range edits[start:end] {
		out.WriteByte(e.op)
		out.WriteString(e.line)
		if !strings.HasSuffix(e.line, "\n") {
			out.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
