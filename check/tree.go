package check

// tree stores packed states exactly, as the tree tables of LTSmin do
// (Laarman, van de Pol and Weber, "Parallel recursive state compression
// for free", SPIN 2011): a state of several words is cut in two halves,
// each half numbered in a table of its own (recursively, down to single
// words), and the state is the pair of its halves' numbers, numbered in
// the root table; that number is the state's. Distinct halves are far
// fewer than states (two states that differ only in the segments in
// flight share their endpoints' half), so a state costs its pair, a few
// bytes once packed, and its slot in the root's table.
type tree struct {
	set         *set64
	left, right *tree // nil at a leaf, a single word
	lo, mid     int   // the words the node covers start at lo; right's at mid
}

// newTree builds the tree for words lo .. hi-1.
func newTree(lo, hi int) *tree {
	t := &tree{set: newSet64(), lo: lo}
	if hi-lo > 1 {
		t.mid = lo + (hi-lo+1)/2
		t.left, t.right = newTree(lo, t.mid), newTree(t.mid, hi)
	}
	return t
}

// find returns the number in t of the words of k it covers; it only
// reads.
func (t *tree) find(k []uint64) (uint32, bool) {
	if t.left == nil {
		return t.set.find(k[t.lo])
	}
	a, ok := t.left.find(k)
	if !ok {
		return 0, false
	}
	b, ok := t.right.find(k)
	if !ok {
		return 0, false
	}
	return t.set.find(uint64(a)<<32 | uint64(b))
}

// insert numbers the words of k that t covers in t and its subtrees, and
// returns their number and whether it is new.
func (t *tree) insert(k []uint64) (uint32, bool) {
	if t.left == nil {
		return t.set.insert(k[t.lo])
	}
	a, _ := t.left.insert(k)
	b, _ := t.right.insert(k)
	return t.set.insert(uint64(a)<<32 | uint64(b))
}

// load writes the words of number i into k.
func (t *tree) load(i uint32, k []uint64) {
	v := t.set.vals.at(int(i))
	if t.left == nil {
		k[t.lo] = v
		return
	}
	t.left.load(uint32(v>>32), k)
	t.right.load(uint32(v), k)
}

// seal seals the sets of t and its subtrees (set64.seal).
func (t *tree) seal() {
	if t == nil {
		return
	}
	t.set.seal()
	t.left.seal()
	t.right.seal()
}

func (t *tree) bytes() uint64 {
	if t == nil {
		return 0
	}
	return t.set.bytes() + t.left.bytes() + t.right.bytes()
}

// bytesAfterInsert bounds what bytes would be once one more state is in.
func (t *tree) bytesAfterInsert() uint64 {
	if t == nil {
		return 0
	}
	return t.set.bytesAfterInsert() + t.left.bytesAfterInsert() + t.right.bytesAfterInsert()
}
