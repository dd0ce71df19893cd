package pinterest

import (
	"sync"
	"time"
)

// ageTracker knows when the oldest event a Batcher accepted, and that has no
// result yet, was added. Events move in order from Add to the queue, to the
// dispatcher's current batch, to a batch handed off; so the oldest is the
// first event of the current batch or of a batch handed off and not finished.
// (Events still in the queue channel are younger than those, except for the
// moment between a hand-off and the dispatcher's next receive.)
//
// It is on only when the client's Observer has a BatcherStart hook, since it
// needs the clock read on every Add, which costs more than the rest of Add on
// some virtual machines. Times are offsets from the Batcher's epoch.
type ageTracker struct {
	on      bool // set by NewBatcher, then only read
	mu      sync.Mutex
	cur     time.Duration // added time of the current batch's first event
	hasCur  bool
	pending map[batchDone]time.Duration // batches handed off: added time of their first event
}

// started records the first event of the dispatcher's current batch.
func (a *ageTracker) started(m *addMeta) {
	if !a.on {
		return
	}
	a.mu.Lock()
	a.cur, a.hasCur = m.at, true
	a.mu.Unlock()
}

// handedOff moves the current batch, done, to the batches handed off.
func (a *ageTracker) handedOff(done batchDone, m *addMeta) {
	if !a.on {
		return
	}
	a.mu.Lock()
	if a.pending == nil {
		a.pending = make(map[batchDone]time.Duration)
	}
	a.pending[done] = m.at
	a.hasCur = false
	a.mu.Unlock()
}

// finished forgets a batch whose events all have their results.
func (a *ageTracker) finished(done batchDone) {
	if !a.on {
		return
	}
	a.mu.Lock()
	delete(a.pending, done)
	a.mu.Unlock()
}

// oldest returns how long before now (an offset from the epoch) the oldest
// event without a result was added, 0 when there is none.
func (a *ageTracker) oldest(now time.Duration) time.Duration {
	if !a.on {
		return 0
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	first, ok := a.cur, a.hasCur
	for _, at := range a.pending {
		if !ok || at < first {
			first, ok = at, true
		}
	}
	if !ok || now < first {
		return 0
	}
	return now - first
}
