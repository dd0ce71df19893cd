package redislimit

import (
	"context"
	"sync"
)

// gates lets one caller per ad account ask Redis at a time within a process.
// The others wait their turn in the process instead of all polling Redis when
// a slot comes, of which only one would get it.
type gates struct {
	mu sync.Mutex
	m  map[string]*gate
}

// gate is a one-slot semaphore; refs counts the callers holding or waiting
// for it, so that it is dropped from the map when nobody needs it.
type gate struct {
	ch   chan struct{}
	refs int
}

// acquire waits for the gate of id, or until ctx ends (then it returns ctx's
// error and holds nothing). A nil error must be followed by release.
func (g *gates) acquire(ctx context.Context, id string) (*gate, error) {
	g.mu.Lock()
	if g.m == nil {
		g.m = make(map[string]*gate)
	}
	gt := g.m[id]
	if gt == nil {
		gt = &gate{ch: make(chan struct{}, 1)}
		g.m[id] = gt
	}
	gt.refs++
	g.mu.Unlock()
	select {
	case gt.ch <- struct{}{}:
		return gt, nil
	case <-ctx.Done():
		g.unref(id, gt)
		return nil, ctx.Err()
	}
}

// release frees the gate taken by acquire.
func (g *gates) release(id string, gt *gate) {
	<-gt.ch
	g.unref(id, gt)
}

func (g *gates) unref(id string, gt *gate) {
	g.mu.Lock()
	gt.refs--
	if gt.refs == 0 {
		delete(g.m, id)
	}
	g.mu.Unlock()
}
