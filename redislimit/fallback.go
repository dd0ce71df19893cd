package redislimit

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"golang.org/x/time/rate"
)

// localLimiter is the fallback of one process while Redis is unavailable: a
// token bucket per ad account (golang.org/x/time/rate) refilling at 1/fleet
// of the Redis rate, with a burst of one, that starts empty.
type localLimiter struct {
	rate rate.Limit

	mu        sync.Mutex
	buckets   map[string]*localBucket
	penalties map[string]time.Time // ad account -> no call before
}

// localBucket is the bucket of one ad account. horizon is the latest time
// handed to lim: rate.Limiter must never be handed an earlier one.
type localBucket struct {
	lim     *rate.Limiter
	horizon time.Time
}

func newLocalLimiter(shape redis_rate.Limit, fleet int) *localLimiter {
	r := float64(shape.Rate) / shape.Period.Seconds() / float64(fleet)
	return &localLimiter{rate: rate.Limit(r)}
}

// reset drops the buckets (not the penalties): the next call of each ad
// account starts with an empty bucket.
func (ll *localLimiter) reset() {
	ll.mu.Lock()
	ll.buckets = nil
	ll.mu.Unlock()
}

// penalize holds back the ad account's local calls until now+d.
func (ll *localLimiter) penalize(id string, d time.Duration) {
	ll.mu.Lock()
	defer ll.mu.Unlock()
	now := time.Now()
	for k, until := range ll.penalties { // few entries: only penalized accounts
		if !until.After(now) {
			delete(ll.penalties, k)
		}
	}
	if ll.penalties == nil {
		ll.penalties = make(map[string]time.Time)
	}
	if until := now.Add(d); until.After(ll.penalties[id]) {
		ll.penalties[id] = until
	}
}

// wait waits for a local slot of id, like Limiter.Wait.
func (ll *localLimiter) wait(ctx context.Context, id string) error {
	ll.mu.Lock()
	now := time.Now()
	b := ll.buckets[id]
	if b == nil {
		if ll.buckets == nil {
			ll.buckets = make(map[string]*localBucket)
		}
		b = &localBucket{lim: rate.NewLimiter(ll.rate, 1), horizon: now}
		b.lim.ReserveN(now, 1) // start empty
		ll.buckets[id] = b
	}
	t := now
	if t.Before(b.horizon) {
		t = b.horizon
	}
	if p := ll.penalties[id]; t.Before(p) {
		t = p
	}
	b.horizon = t
	res := b.lim.ReserveN(t, 1)
	delay := res.DelayFrom(now)
	if delay <= 0 {
		ll.mu.Unlock()
		return nil
	}
	if dl, ok := ctx.Deadline(); ok && !dl.After(now.Add(delay)) {
		res.CancelAt(t)
		ll.mu.Unlock()
		return fmt.Errorf("redislimit: the next call for this ad account is allowed in %v (local fallback), after the context deadline: %w",
			delay, context.DeadlineExceeded)
	}
	ll.mu.Unlock()
	if err := sleep(ctx, delay); err != nil {
		ll.mu.Lock()
		if ll.buckets[id] == b { // not reset meanwhile
			res.CancelAt(b.horizon)
		}
		ll.mu.Unlock()
		return waitErr(err)
	}
	return nil
}
