package redislimit

import (
	"context"
	"sync"
	"time"
)

// gates lets one caller per ad account ask Redis at a time within a process.
// The others wait their turn in the process instead of all polling Redis when
// a slot comes, of which only one would get it.
//
// A gate nobody holds is kept while its penalty state is fresh (read less
// than penaltyRecheck ago), so a caller that sends one call at a time still
// reads the penalty keys only that often; stale idle gates are swept when a
// new gate would double the map since the last sweep.
type gates struct {
	mu      sync.Mutex
	m       map[string]*gate
	sweepAt int // len(m) at which a new gate sweeps the map
}

// minSweep is the smallest map size that triggers a sweep.
const minSweep = 64

// gate is a one-slot semaphore; refs counts the callers holding or waiting
// for it, so that it is dropped from the map when nobody needs it. The other
// fields are the penalty state last read from Redis, used only by the
// holder: with the gate they last as long as the ad account is busy.
type gate struct {
	ch   chan struct{}
	refs int // guarded by gates.mu

	checked   time.Time // when the penalty keys were last read (before the read)
	epoch     uint64    // Limiter.penaltyEpoch then
	penUntil  time.Time // end of the penalty found then
	slowUntil time.Time // end of the half-rate period found then
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
		if len(g.m) >= g.sweepAt {
			g.sweep()
		}
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
	if gt.refs == 0 && gt.stale(time.Now()) {
		delete(g.m, id)
	}
	g.mu.Unlock()
}

// stale reports whether an idle gate's penalty state would be read again
// anyway. Only for gates with refs == 0 (so nobody writes the fields: the
// last holder's writes happen before its unref, under g.mu).
func (gt *gate) stale(now time.Time) bool {
	return now.Sub(gt.checked) >= penaltyRecheck
}

// sweep drops the stale idle gates. g.mu must be held.
func (g *gates) sweep() {
	now := time.Now()
	for id, gt := range g.m {
		if gt.refs == 0 && gt.stale(now) {
			delete(g.m, id)
		}
	}
	g.sweepAt = max(minSweep, 2*len(g.m))
}
