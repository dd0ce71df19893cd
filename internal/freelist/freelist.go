// Package freelist keeps a few byte buffers for reuse.
//
// It is what sync.Pool is not for large buffers reused by a few goroutines:
// a sync.Pool keeps its items per P and empties them at every other garbage
// collection, so a sender that gets its buffer on another P than the one it
// put it on, or right after a collection, makes and regrows a new one. A
// List keeps up to its size buffers, shared by every goroutine, until the
// program drops the List.
package freelist

import "sync"

// List is a free list of byte buffers, safe for concurrent use. The zero
// value keeps nothing; make one with New.
type List struct {
	mu      sync.Mutex
	free    []*[]byte
	newCap  int // capacity of a new buffer
	maxCap  int // larger buffers are dropped, not kept
	maxFree int // buffers kept at most
}

// New returns a list that keeps up to keep buffers of at most maxCap bytes
// of capacity, and makes new ones of newCap.
func New(keep, newCap, maxCap int) *List {
	return &List{free: make([]*[]byte, 0, keep), newCap: newCap, maxCap: maxCap, maxFree: keep}
}

// Get returns an empty buffer: a kept one, or a new one.
func (l *List) Get() *[]byte {
	l.mu.Lock()
	if n := len(l.free); n > 0 {
		p := l.free[n-1]
		l.free[n-1] = nil
		l.free = l.free[:n-1]
		l.mu.Unlock()
		return p
	}
	l.mu.Unlock()
	b := make([]byte, 0, l.newCap)
	return &b
}

// Put gives a buffer back for reuse. The caller must not use it, or any
// slice of its memory, afterwards. Buffers beyond the list's size or
// capacity are left to the garbage collector.
func (l *List) Put(p *[]byte) {
	if p == nil || cap(*p) > l.maxCap {
		return
	}
	*p = (*p)[:0]
	l.mu.Lock()
	if len(l.free) < l.maxFree {
		l.free = append(l.free, p)
	}
	l.mu.Unlock()
}

// Len returns how many buffers are kept.
func (l *List) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.free)
}
