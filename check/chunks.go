package check

import "unsafe"

// chunks is a growable array kept in pieces of a fixed size, so that
// growing it never copies what it holds, nor holds it twice while it does:
// the explorer's arrays grow to hundreds of megabytes.
type chunks[T any] struct {
	c [][]T
	n int
}

const (
	pieceBits = 20
	pieceLen  = 1 << pieceBits
)

func (a *chunks[T]) append(v T) {
	if a.n>>pieceBits == len(a.c) {
		a.c = append(a.c, make([]T, pieceLen))
	}
	a.c[a.n>>pieceBits][a.n&(pieceLen-1)] = v
	a.n++
}

func (a *chunks[T]) at(i int) T { return a.c[i>>pieceBits][i&(pieceLen-1)] }

func (a *chunks[T]) len() int { return a.n }

// bytes is the memory the pieces take.
func (a *chunks[T]) bytes() uint64 {
	var zero T
	return uint64(len(a.c)) * pieceLen * uint64(unsafe.Sizeof(zero))
}
