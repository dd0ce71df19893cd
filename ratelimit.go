package pinterest

import (
	"context"
	"fmt"
	"hash/maphash"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/capisdk/pinterest/internal/clock"
)

// DefaultCallsPerMinute is Pinterest's documented limit for this endpoint: 5,000 calls per minute per ad account.
const DefaultCallsPerMinute = 5000

// Limiter decides when the next call for an ad account may go out. Implementations must be safe for concurrent use.
// A fleet-wide limiter (e.g. Redis-backed) implements it to share the budget between processes.
type Limiter interface {
	// Wait blocks until one call for adAccountID may be made, or ctx ends (then it returns ctx's error, wrapped).
	Wait(ctx context.Context, adAccountID string) error
}

// Penalizer is implemented by limiters that can slow an ad account down for a while after Pinterest answered 429.
type Penalizer interface {
	// Penalize slows the calls for adAccountID down for about d.
	Penalize(adAccountID string, d time.Duration)
}

const (
	// testModeCallsPerSecond is Pinterest's limit for test requests: 10 per second per app.
	testModeCallsPerSecond = 10

	// maxPenalty caps the d given to Penalize. A minute is the window of the
	// per-account limit: after it, Pinterest's own window has rolled over
	// completely, so waiting longer on one 429 only loses throughput. (The
	// retry logic honours a longer Retry-After on its own.)
	maxPenalty = time.Minute

	// burstDivisor sets the burst to 1/50 of the limit (2%): enough to absorb
	// a small spike without a wait, small enough to leave 98% of the window's
	// budget to the steady refill.
	burstDivisor = 50

	// driftDivisor sets the refill margin (see bucketShape): refills are spaced
	// so that the limit is kept even if calls go out up to window/driftDivisor
	// later than granted.
	driftDivisor = 100

	// numShards is the number of independently locked maps of a per-account
	// RateLimiter (a power of two). 64 keeps lock contention low for dozens of
	// goroutines while costing only a few KB.
	numShards = 64

	// minSweepLen is the size a shard may reach before a new bucket triggers a
	// sweep of its idle buckets.
	minSweepLen = 64
)

// bucketShape returns the token-bucket refill rate and burst that allow at most
// limit calls in any closed window of the given length, measured at the times
// the calls are granted.
//
// A token bucket with burst B and refill r grants at most B + ⌊r·W⌋ calls in any
// closed window of length W: the at most B tokens saved up when the window
// opens, plus the whole tokens that accrue during it. (The bound is B + ⌊r·W⌋,
// not B + r·W: B = 1 with r = 1/60 s grants calls at 0 s and 60 s, two in the
// closed minute [0 s, 60 s].) So the rule is r·W < L − B + 1, strictly.
//
// We take B = max(1, L/50) and r = (L − B + 1) / (1.01·W): L − B + 1 refills
// take 1% longer than a window, so even calls that go out up to W/100 late
// (600 ms for the one-minute window: late timers, nanosecond rounding of the
// reservation times) cannot put L + 1 calls in one window. The sustained rate is
// (L − B + 1)/1.01 per window, at least 97% of L since B ≤ L/50. For the default
// 5,000/min that is B = 100 and r ≈ 80.87/s: at most 4,952 calls in any minute
// (the margin is about 48 calls), 4,852 per minute sustained, 48,624 in the
// first ten minutes. For L = 1, 2 or 10 it is B = 1 and one call every
// 60.6/L s: the full limit minus 1%. A margin of one whole call instead
// (B + r·W ≤ L − 1) would sustain 98% at 5,000/min, but it tolerates only 12 ms
// of drift there, cannot express L = 1 or 2 and sustains only 80% of L = 10.
func bucketShape(limit int, window time.Duration) (rate.Limit, int) {
	burst := limit / burstDivisor
	if burst < 1 {
		burst = 1
	}
	span := window + window/driftDivisor
	return rate.Limit(float64(limit-burst+1) / span.Seconds()), burst
}

// RateLimiter is the default in-process Limiter: a token bucket per ad account (golang.org/x/time/rate).
//
// With a limit of L calls per minute, each bucket holds at most max(1, L/50)
// tokens and refills at (L − max(1, L/50) + 1) tokens per 60.6 s, so no closed
// 60-second window, not even the first one, sees more than L granted calls,
// even if calls go out up to 600 ms late, while at least 97% of L is sustained
// under continuous load. The buckets live in 64 maps locked separately, chosen
// by a hash of the ad account ID. A bucket that has refilled completely is the
// same as a new one, so such idle buckets are dropped: a map is swept when a
// new ad account is added to it and it has doubled in size or was last swept
// more than a refill time ago. Memory follows the number of recently active
// ad accounts, and no goroutine runs in the background.
//
// Penalize (called by the client when Pinterest answers 429) holds back an ad
// account's calls; see its documentation. Create a RateLimiter with
// NewRateLimiter; it is safe for concurrent use.
type RateLimiter struct {
	clock  clock.Clock
	rate   rate.Limit
	burst  int
	window time.Duration
	// refill is how long an empty bucket takes to fill up; shards are swept at
	// most that often by time (more often only when they grow).
	refill time.Duration
	seed   maphash.Seed
	mask   uint64
	shards []shard
}

// shard is one independently locked part of the ad-account map.
type shard struct {
	mu        sync.Mutex
	m         map[string]*bucket
	sweepLen  int       // a new bucket sweeps the shard when it holds this many
	nextSweep time.Time // ... or when this time has come
	peak      int       // largest len(m) since the map was last rebuilt
	_         [64]byte  // keeps the hot fields of neighbouring shards on separate cache lines
}

// bucket is the state of one ad account. All fields are guarded by the
// shard's mutex; every call on lim is made with that mutex held, with times
// that never go backwards (see at).
type bucket struct {
	lim *rate.Limiter
	// horizon is the latest time handed to lim. rate.Limiter must never be
	// handed an earlier time than before (it would count a refill twice).
	horizon time.Time
	// notBefore is the end of the current penalty: no call before it.
	notBefore time.Time
	// slowUntil is the end of the half-rate period after a penalty; slow says
	// that lim runs at the slowed rate and burst.
	slowUntil time.Time
	slow      bool
	// waiting counts the callers holding a reservation on lim that they have
	// not used or given back yet. A bucket with waiters is never evicted.
	waiting int
}

var (
	_ Limiter   = (*RateLimiter)(nil)
	_ Penalizer = (*RateLimiter)(nil)
)

// NewRateLimiter returns a limiter allowing callsPerMinute calls per minute per ad account. It returns an error for callsPerMinute <= 0.
func NewRateLimiter(callsPerMinute int) (*RateLimiter, error) {
	return newRateLimiter(callsPerMinute, clock.Real)
}

// newRateLimiter is NewRateLimiter with an injected clock, for tests.
func newRateLimiter(callsPerMinute int, c clock.Clock) (*RateLimiter, error) {
	if callsPerMinute <= 0 {
		return nil, fmt.Errorf("pinterest: rate limit: calls per minute must be positive, got %d", callsPerMinute)
	}
	return newWindowLimiter(callsPerMinute, time.Minute, numShards, c), nil
}

// newWindowLimiter returns a RateLimiter allowing limit calls per key in any
// closed window of the given length, with its map split into shards shards (a
// power of two). limit must be positive.
func newWindowLimiter(limit int, window time.Duration, shards int, c clock.Clock) *RateLimiter {
	r, b := bucketShape(limit, window)
	return &RateLimiter{
		clock:  c,
		rate:   r,
		burst:  b,
		window: window,
		refill: time.Duration(float64(b) / float64(r) * float64(time.Second)),
		seed:   maphash.MakeSeed(),
		mask:   uint64(shards - 1),
		shards: make([]shard, shards),
	}
}

// waitErr wraps the error of a context that ended while a caller waited.
func waitErr(err error) error {
	return fmt.Errorf("pinterest: waiting for the rate limiter: %w", err)
}

func (l *RateLimiter) shard(adAccountID string) *shard {
	if l.mask == 0 {
		return &l.shards[0]
	}
	return &l.shards[maphash.String(l.seed, adAccountID)&l.mask]
}

// Wait blocks until one call for adAccountID may be made under the limit, or
// until ctx ends. It returns at once, with ctx's error wrapped, when ctx has
// already ended, and also, wrapping context.DeadlineExceeded and without
// taking the slot, when ctx's deadline (compared with the limiter's clock) comes
// before the call would be allowed. A caller that gives up returns its slot,
// so the callers behind it are not delayed by it.
func (l *RateLimiter) Wait(ctx context.Context, adAccountID string) error {
	if err := ctx.Err(); err != nil {
		return waitErr(err)
	}
	s := l.shard(adAccountID)
	s.mu.Lock()
	now := l.clock.Now()
	b := s.get(l, adAccountID, now)
	at := b.at(l, now)
	// Fast path: a token is there now (AllowN does not allocate).
	if !at.After(now) && b.lim.AllowN(at, 1) {
		s.mu.Unlock()
		return nil
	}
	for {
		// s.mu is held here.
		lim := b.lim
		res := lim.ReserveN(at, 1)
		delay := res.DelayFrom(now)
		if delay <= 0 {
			s.mu.Unlock()
			return nil
		}
		if dl, ok := ctx.Deadline(); ok && !dl.After(now.Add(delay)) {
			res.CancelAt(at)
			s.mu.Unlock()
			return fmt.Errorf("pinterest: rate limit: the next call for this ad account is allowed in %v, after the context deadline: %w",
				delay, context.DeadlineExceeded)
		}
		b.waiting++
		s.mu.Unlock()

		timer := l.clock.NewTimer(delay)
		var ctxErr error
		select {
		case <-timer.C():
		case <-ctx.Done():
			timer.Stop()
			ctxErr = ctx.Err()
		}

		s.mu.Lock()
		b.waiting--
		now = l.clock.Now()
		if ctxErr != nil {
			if b.lim == lim { // not replaced by a penalty meanwhile
				res.CancelAt(b.at(l, now))
			}
			s.mu.Unlock()
			return waitErr(ctxErr)
		}
		if b.lim == lim {
			s.mu.Unlock()
			return nil
		}
		// Penalize replaced the bucket's limiter while we waited (it counted our
		// token as given back): our slot is void, queue again under the penalty.
		at = b.at(l, now)
	}
}

// Penalize holds back the calls for adAccountID after Pinterest answered 429:
// no call for it is allowed before now+d (d is capped at one minute; d <= 0 is
// ignored), not even by callers already waiting, which queue again. Then, for
// one more minute, the ad account runs at half the normal rate with no burst
// (one call at a time), and after that at the normal rate again, its bucket
// refilling from where it was. The tokens left when Penalize is called are
// kept, up to one, so a penalty never allows a call that the normal limit would
// not. A second penalty extends the first, never shortens it. A penalized
// ad account's bucket is not evicted until the half-rate minute is over.
func (l *RateLimiter) Penalize(adAccountID string, d time.Duration) {
	if d <= 0 {
		return
	}
	if d > maxPenalty {
		d = maxPenalty
	}
	s := l.shard(adAccountID)
	s.mu.Lock()
	defer s.mu.Unlock()
	now := l.clock.Now()
	b := s.get(l, adAccountID, now)
	t := b.at(l, now)
	if until := now.Add(d); until.After(b.notBefore) {
		b.notBefore = until
	}
	b.slowUntil = b.notBefore.Add(l.window)
	b.slow = true

	// The tokens of the bucket at t, counting as given back those of the
	// waiters (they all queue again), limited to the new burst of one.
	tokens := b.lim.TokensAt(t) + float64(b.waiting)
	if tokens > 1 {
		tokens = 1
	}
	slowRate := l.rate / 2
	lim := rate.NewLimiter(slowRate, 1)
	// A new limiter is full (one token); spend it at the moment from which
	// slowRate brings the balance back to exactly `tokens` at t (after t if
	// the balance is negative: a debt is carried over).
	spent := t.Add(-time.Duration(tokens / float64(slowRate) * float64(time.Second)))
	lim.ReserveN(spent, 1)
	if spent.After(b.horizon) {
		b.horizon = spent
	}
	b.lim = lim
}

// Len returns the number of ad-account buckets currently held (for observability and tests).
func (l *RateLimiter) Len() int {
	n := 0
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.Lock()
		n += len(s.m)
		s.mu.Unlock()
	}
	return n
}

// at returns the time at which a call made at now is to be reserved on b.lim:
// now, or later when a penalty is on or when an earlier reservation was made
// for a later time. It records that time as b.horizon, so the times handed to
// b.lim never go backwards, and it ends the half-rate period once it is over.
// s.mu must be held.
func (b *bucket) at(l *RateLimiter, now time.Time) time.Time {
	t := now
	if t.Before(b.horizon) {
		t = b.horizon
	}
	if t.Before(b.notBefore) {
		t = b.notBefore
	}
	if b.slow && !t.Before(b.slowUntil) {
		// Back to the normal rate and burst as of the end of the half-rate
		// period (or of the last time handed to lim, if later), so the bucket
		// has been refilling at the normal rate since then.
		end := b.slowUntil
		if end.Before(b.horizon) {
			end = b.horizon
		}
		b.lim.SetLimitAt(end, l.rate)
		b.lim.SetBurstAt(end, l.burst)
		b.slow = false
	}
	b.horizon = t
	return t
}

// evictable reports whether b can be dropped without changing anything: no
// caller holds a reservation on it, no penalty or half-rate period is on, and
// it has refilled completely, which makes it the same as a new bucket.
// s.mu must be held.
func (b *bucket) evictable(l *RateLimiter, now time.Time) bool {
	if b.waiting > 0 || now.Before(b.notBefore) {
		return false
	}
	t := b.at(l, now) // also ends a half-rate period that is over
	if b.slow {
		return false
	}
	return b.lim.TokensAt(t) >= float64(l.burst)
}

// get returns the bucket of id, creating it if needed. Creating one first
// sweeps the shard when it has grown to its threshold or was last swept a
// refill time ago. s.mu must be held.
func (s *shard) get(l *RateLimiter, id string, now time.Time) *bucket {
	if b, ok := s.m[id]; ok {
		return b
	}
	if s.m == nil {
		s.m = make(map[string]*bucket)
		s.sweepLen = minSweepLen
	} else if len(s.m) >= s.sweepLen || !now.Before(s.nextSweep) {
		s.sweep(l, now)
	}
	b := &bucket{lim: rate.NewLimiter(l.rate, l.burst)}
	s.m[id] = b
	if len(s.m) > s.peak {
		s.peak = len(s.m)
	}
	return b
}

// sweep drops the shard's evictable buckets. It costs O(len(s.m)); it runs when
// the shard has doubled since the last sweep or a refill time has passed, and
// only buckets used within about a refill time (or penalized, or with
// waiters) survive a sweep, so its cost is amortized O(1) per call. A map that
// has shrunk to a quarter of its peak is rebuilt, because Go maps never give
// memory back on delete. s.mu must be held.
func (s *shard) sweep(l *RateLimiter, now time.Time) {
	for id, b := range s.m {
		if b.evictable(l, now) {
			delete(s.m, id)
		}
	}
	n := len(s.m)
	if s.peak >= 4*minSweepLen && 4*n < s.peak {
		m := make(map[string]*bucket, 2*n)
		for id, b := range s.m {
			m[id] = b
		}
		s.m = m
		s.peak = n
	}
	s.sweepLen = max(minSweepLen, 2*n)
	s.nextSweep = now.Add(l.refill)
}

// appKey is the single key of the client-wide bucket of testModeLimiter.
const appKey = ""

// testModeLimiter adds Pinterest's limit for test requests, 10 calls per second
// per app, to another Limiter, with one client-wide bucket (burst 1, refill
// 10/1.01 s: never more than 10 calls in any second, 9.9 per second sustained).
//
// It waits for inner first and for the client-wide bucket last, so the call
// goes out as soon as its client-wide slot comes and that limit holds exactly.
// The other order could grant a client-wide slot and then hold the call back
// for its ad account, bunching calls in a later second. In this order a call
// may go out after its per-account slot; that cannot break a per-account
// limit of 600 or more per minute (the default is 5,000), because the
// client-wide bucket alone allows at most 600 calls in any minute.
type testModeLimiter struct {
	inner Limiter
	app   *RateLimiter
}

// newTestModeLimiter wraps inner with the client-wide test-mode bucket.
func newTestModeLimiter(inner Limiter, c clock.Clock) Limiter {
	return &testModeLimiter{
		inner: inner,
		app:   newWindowLimiter(testModeCallsPerSecond, time.Second, 1, c),
	}
}

// Wait waits for inner, then for the client-wide bucket.
func (t *testModeLimiter) Wait(ctx context.Context, adAccountID string) error {
	if err := t.inner.Wait(ctx, adAccountID); err != nil {
		return err
	}
	return t.app.Wait(ctx, appKey)
}

// Penalize penalizes the client-wide bucket (in test mode a 429 most likely
// means the 10 per second limit) and passes the call on to inner when inner is
// a Penalizer.
func (t *testModeLimiter) Penalize(adAccountID string, d time.Duration) {
	t.app.Penalize(appKey, d)
	if p, ok := t.inner.(Penalizer); ok {
		p.Penalize(adAccountID, d)
	}
}

// nopLimiter is the Limiter used when rate limiting is turned off: it never
// waits. It only reports a context that has already ended, like every Limiter.
type nopLimiter struct{}

// Wait returns at once: nil, or the error of a context that has already ended.
func (nopLimiter) Wait(ctx context.Context, _ string) error {
	if err := ctx.Err(); err != nil {
		return waitErr(err)
	}
	return nil
}
