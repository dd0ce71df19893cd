package redislimit

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"github.com/capisdk/pinterest"
)

// ErrUnavailable is wrapped by the error of a Wait that could not reach
// Redis (an error from Redis, or no answer within WithTimeout), when the
// Limiter has no local fallback (see WithFallback).
var ErrUnavailable = errors.New("redislimit: Redis unavailable")

// Limiter is a pinterest.Limiter and pinterest.Penalizer whose budget lives
// in Redis, so that every process using the same Redis, key prefix, limit and
// window shares one budget per ad account. Create it with New; it is safe for
// concurrent use. See the package documentation for what it guarantees.
type Limiter struct {
	rdb    redis.UniversalClient
	rl     *redis_rate.Limiter
	cfg    config
	normal redis_rate.Limit // the shape of the limit
	slow   redis_rate.Limit // after a penalty: half the rate, burst of at most 2

	inline bool          // rdb honours context deadlines (ContextTimeoutEnabled)
	gates  gates         // one Redis waiter per ad account per process
	local  *localLimiter // nil without WithFallback

	mode atomic.Int32 // a mode; changed under mu
	mu   sync.Mutex
	// probeAt is when a process in fallback next asks Redis (guarded by mu).
	probeAt time.Time
	// dualUntil is when a process in modeDual starts relying on Redis alone
	// (guarded by mu).
	dualUntil time.Time

	// penaltyEpoch counts this process's Penalize calls, so its own penalty
	// is read back at once rather than after penaltyRecheck.
	penaltyEpoch atomic.Uint64

	redisCalls, localCalls, fallbacks, recoveries, redisErrors atomic.Uint64
}

// The modes of a Limiter. Only a Limiter with a local fallback leaves
// modeRedis.
const (
	modeRedis    = iota // every call is granted by Redis
	modeFallback        // Redis is unavailable: the local limiter alone grants calls
	modeDual            // Redis answers again: a call needs both a local and a Redis slot
)

var (
	_ pinterest.Limiter   = (*Limiter)(nil)
	_ pinterest.Penalizer = (*Limiter)(nil)
)

// New returns a Limiter allowing limit calls per ad account in any window of
// one minute (or of WithWindow) to all the processes that share rdb's Redis.
// rdb may be a single node, Sentinel or Cluster client (anything
// redis.UniversalClient). For Pinterest's documented limit, pass
// pinterest.DefaultCallsPerMinute (5,000). New does not contact Redis; it
// returns an error for a nil client, a limit below 1 or a bad option.
func New(rdb redis.UniversalClient, limit int, opts ...Option) (*Limiter, error) {
	if rdb == nil {
		return nil, errors.New("redislimit: New: nil Redis client")
	}
	if limit < 1 {
		return nil, fmt.Errorf("redislimit: New: the limit must be positive, got %d", limit)
	}
	cfg := defaultConfig()
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o.apply(&cfg); err != nil {
			return nil, err
		}
	}
	normal := Shape(limit, cfg.window)
	l := &Limiter{
		rdb:    rdb,
		inline: honoursContext(rdb),
		rl:     redis_rate.NewLimiter(rdb),
		cfg:    cfg,
		normal: normal,
		slow:   slowShape(normal),
	}
	if cfg.fleetSize > 0 {
		l.local = newLocalLimiter(normal, cfg.fleetSize)
	}
	return l, nil
}

// honoursContext reports whether rdb bounds its network waits by the
// context's deadline (its options set ContextTimeoutEnabled). Unknown
// implementations of redis.UniversalClient are assumed not to.
func honoursContext(rdb redis.UniversalClient) bool {
	switch c := rdb.(type) {
	case *redis.Client:
		return c.Options().ContextTimeoutEnabled
	case *redis.ClusterClient:
		return c.Options().ContextTimeoutEnabled
	case *redis.Ring:
		return c.Options().ContextTimeoutEnabled
	}
	return false
}

// Shape returns the GCRA parameters New uses for limit calls in any window
// of the given length: burst B = max(1, limit/50), Rate = limit − B + 1 and
// Period = window + window/100. Any closed window then sees at most limit
// calls even when calls go out up to window/100 after Redis granted them;
// see the package documentation for the argument.
func Shape(limit int, window time.Duration) redis_rate.Limit {
	burst := max(1, limit/50)
	return redis_rate.Limit{Rate: limit - burst + 1, Burst: burst, Period: window + window/100}
}

// slowShape is the limit after a penalty: half the rate of normal, and a
// burst of 2 (1 when normal's is below 3). A burst of 2 lets a call that
// wakes up a little late keep its slot; it never allows more than normal
// would, because GCRA then lets TAT run (2−1)·2T ahead of now, no more than
// normal's (B−1)·T for B ≥ 3.
func slowShape(normal redis_rate.Limit) redis_rate.Limit {
	burst := 1
	if normal.Burst >= 3 {
		burst = 2
	}
	return redis_rate.Limit{Rate: normal.Rate, Burst: burst, Period: 2 * normal.Period}
}

// Stats are counters of a Limiter since it was created, for metrics and tests.
type Stats struct {
	RedisCalls  uint64 // calls granted through Redis (in modeDual also by the local limiter)
	LocalCalls  uint64 // calls granted by the local fallback alone while Redis was unavailable
	Fallbacks   uint64 // times the Limiter switched to its local fallback
	Recoveries  uint64 // times it found Redis answering again after a fallback
	RedisErrors uint64 // exchanges with Redis that failed or timed out
}

// Stats returns the Limiter's counters.
func (l *Limiter) Stats() Stats {
	return Stats{
		RedisCalls:  l.redisCalls.Load(),
		LocalCalls:  l.localCalls.Load(),
		Fallbacks:   l.fallbacks.Load(),
		Recoveries:  l.recoveries.Load(),
		RedisErrors: l.redisErrors.Load(),
	}
}

// keys are the Redis keys of one ad account. The ad account ID is a Cluster
// hash tag, so a penalty script touching two of them stays on one node.
type keys struct {
	rate    string // the GCRA state (redis_rate prefixes it with "rate:")
	penalty string // exists while a penalty holds every call back
	slow    string // exists while the ad account runs at half rate after a penalty
}

func (l *Limiter) keys(adAccountID string) keys {
	base := l.cfg.prefix + "{" + adAccountID + "}"
	return keys{rate: base, penalty: base + ":penalty", slow: base + ":slow"}
}

// waitErr wraps the error of a context that ended while a caller waited.
func waitErr(err error) error {
	return fmt.Errorf("redislimit: waiting for the rate limiter: %w", err)
}

// unavailable is the error of an exchange with Redis that failed.
type unavailable struct{ err error }

func (u *unavailable) Error() string { return ErrUnavailable.Error() + ": " + u.err.Error() }
func (u *unavailable) Unwrap() []error {
	return []error{ErrUnavailable, u.err}
}

// Wait blocks until one call for adAccountID may be made under the fleet's
// shared limit, or until ctx ends. It returns at once, wrapping ctx's error,
// when ctx has already ended, and also, wrapping context.DeadlineExceeded and
// without taking the slot, when ctx's deadline comes before the next slot
// (or the end of a penalty). While it waits it sleeps for the time Redis
// says the next slot is away; it asks Redis again only then.
//
// When Redis fails or does not answer within WithTimeout, Wait returns an
// error wrapping ErrUnavailable, unless the Limiter has a local fallback
// (WithFallback): then it grants the call from the process's share instead.
func (l *Limiter) Wait(ctx context.Context, adAccountID string) error {
	if err := ctx.Err(); err != nil {
		return waitErr(err)
	}
	switch l.currentMode() {
	case modeFallback:
		return l.waitFallback(ctx, adAccountID)
	case modeDual:
		if err := l.local.wait(ctx, adAccountID); err != nil {
			return err
		}
		err := l.waitRedis(ctx, adAccountID)
		if isUnavailable(err) {
			// Lost Redis again. The local slot this call took is spent (it
			// came before the failed exchange, so using it now would send
			// the call late): wait for a fresh one.
			l.enterFallback()
			return l.waitFallback(ctx, adAccountID)
		}
		if err == nil {
			l.redisCalls.Add(1)
		}
		return err
	default:
		err := l.waitRedis(ctx, adAccountID)
		if err == nil {
			l.redisCalls.Add(1)
			return nil
		}
		if l.local == nil || !isUnavailable(err) {
			return err
		}
		l.enterFallback()
		return l.waitFallback(ctx, adAccountID)
	}
}

// waitFallback grants a call from the local limiter. When a probe is due it
// starts one in the background, so that no call waits for an unavailable
// Redis after its local slot came.
func (l *Limiter) waitFallback(ctx context.Context, adAccountID string) error {
	if err := l.local.wait(ctx, adAccountID); err != nil {
		return err
	}
	l.localCalls.Add(1)
	if l.probeDue() {
		go l.probe()
	}
	return nil
}

// probe pings Redis (within WithTimeout) and, if it answers, switches the
// Limiter from fallback to modeDual.
func (l *Limiter) probe() {
	_, err := call(context.Background(), l, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, l.rdb.Ping(ctx).Err()
	})
	if err == nil {
		l.answered()
	}
}

func isUnavailable(err error) bool {
	var u *unavailable
	return errors.As(err, &u)
}

// waitRedis waits for a Redis slot: it asks Redis, and sleeps for as long as
// Redis says a penalty or the next slot is away, until it gets the slot. Only
// one caller per ad account and process asks Redis at a time; the others
// queue in the process, so a busy process costs Redis one request per slot,
// not one per waiting goroutine.
func (l *Limiter) waitRedis(ctx context.Context, adAccountID string) error {
	g, err := l.gates.acquire(ctx, adAccountID)
	if err != nil {
		return waitErr(err)
	}
	defer l.gates.release(adAccountID, g)
	k := l.keys(adAccountID)
	for {
		// The penalty keys are read with the slot at most every
		// penaltyRecheck, and at once after a Penalize of this process.
		now := time.Now()
		epoch := l.penaltyEpoch.Load()
		check := now.Sub(g.checked) >= penaltyRecheck || g.epoch != epoch
		var d time.Duration
		if !check && now.Before(g.penUntil) {
			d = g.penUntil.Sub(now)
		} else {
			r, err := l.exchange(ctx, k, check, now.Before(g.slowUntil))
			if err != nil {
				return err
			}
			l.answered()
			if check {
				g.checked, g.epoch = now, epoch
				g.penUntil, g.slowUntil = now.Add(r.penalty), now.Add(r.slow)
			}
			if r.penalty > 0 {
				d = r.penalty
			} else if d = r.wait; d <= 0 {
				return nil
			}
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
			return fmt.Errorf("redislimit: the next call for this ad account is allowed in %v, after the context deadline: %w",
				d, context.DeadlineExceeded)
		}
		if err := sleep(ctx, d); err != nil {
			return waitErr(err)
		}
	}
}

// answer is what one exchange with Redis found.
type answer struct {
	penalty time.Duration // left of a penalty (only when the keys were read), 0 if none
	slow    time.Duration // left of the half-rate period (ditto)
	wait    time.Duration // 0: the slot was granted; otherwise when to ask again
}

// exchange asks Redis once for a slot: with check, it first reads the ad
// account's penalty keys (one pipelined round trip) and, unless a penalty
// holds calls back, runs redis_rate's GCRA script with the normal or the
// slowed limit (slow, or the half-rate key found by the check). The exchange
// gets WithTimeout; past it, or on any Redis error, it returns *unavailable.
func (l *Limiter) exchange(ctx context.Context, k keys, check, slow bool) (answer, error) {
	return call(ctx, l, func(ctx context.Context) (answer, error) {
		var a answer
		if check {
			var pen, sl *redis.DurationCmd
			if _, err := l.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
				pen = p.PTTL(ctx, k.penalty)
				sl = p.PTTL(ctx, k.slow)
				return nil
			}); err != nil {
				return a, err
			}
			a.penalty, a.slow = max(pen.Val(), 0), max(sl.Val(), 0)
			if a.penalty > 0 {
				return a, nil
			}
			slow = a.slow > 0
		}
		limit := l.normal
		if slow {
			limit = l.slow
		}
		res, err := l.rl.Allow(ctx, k.rate, limit)
		if err != nil {
			return a, err
		}
		if res.Allowed == 0 {
			// Denied: RetryAfter is when the next slot comes. Never ask
			// again sooner than a millisecond, whatever the rounding.
			a.wait = max(res.RetryAfter, time.Millisecond)
		}
		return a, nil
	})
}

// call runs f with the Limiter's per-exchange timeout. It returns when f does
// or when the timeout or ctx ends, whichever comes first, so an unresponsive
// Redis cannot hold the caller longer than the timeout even if the Redis
// client's own timeouts are longer: f runs on a goroutine of its own (an
// abandoned f ends by the client's timeouts), unless the client honours
// context deadlines (l.inline), when f runs on the caller's goroutine,
// saving the hand-over. Errors are waitErr(ctx's error) when ctx ended,
// *unavailable otherwise.
func call[T any](ctx context.Context, l *Limiter, f func(context.Context) (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	cctx, cancel := context.WithTimeout(ctx, l.cfg.timeout)
	defer cancel()
	var zero T
	if l.inline {
		// The client bounds every blocking step by cctx's deadline itself.
		v, err := f(cctx)
		switch {
		case err == nil:
			return v, nil
		case ctx.Err() != nil:
			return zero, waitErr(ctx.Err())
		}
		if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
			return zero, waitErr(context.DeadlineExceeded) // the caller's deadline, a moment early
		}
		l.redisErrors.Add(1)
		// The client's socket deadline may fire a moment before cctx's
		// timer does: compare with the deadline, not only cctx.Err.
		if dl, _ := cctx.Deadline(); cctx.Err() != nil || !time.Now().Before(dl) {
			err = fmt.Errorf("no answer within %v: %w", l.cfg.timeout, err)
		}
		return zero, &unavailable{err}
	}
	done := make(chan result, 1)
	go func() {
		v, err := f(cctx)
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		if r.err == nil {
			return r.v, nil
		}
		if ctx.Err() != nil {
			return zero, waitErr(ctx.Err())
		}
		l.redisErrors.Add(1)
		return zero, &unavailable{r.err}
	case <-cctx.Done():
		if ctx.Err() != nil {
			return zero, waitErr(ctx.Err())
		}
		l.redisErrors.Add(1)
		return zero, &unavailable{fmt.Errorf("no answer within %v", l.cfg.timeout)}
	}
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// currentMode returns the mode, ending modeDual once its window is over.
func (l *Limiter) currentMode() int {
	m := int(l.mode.Load())
	if m != modeDual {
		return m
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if int(l.mode.Load()) == modeDual && !time.Now().Before(l.dualUntil) {
		l.mode.Store(modeRedis)
		l.local.reset()
	}
	return int(l.mode.Load())
}

// enterFallback switches to the local fallback. Coming from modeRedis, the
// local limiter starts empty: the fleet may have spent the budget just before.
func (l *Limiter) enterFallback() {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch l.mode.Load() {
	case modeFallback:
		return
	case modeRedis:
		l.local.reset()
	}
	l.mode.Store(modeFallback)
	l.probeAt = time.Now().Add(probeInterval)
	l.fallbacks.Add(1)
}

// answered records that Redis answered: a Limiter in fallback goes to
// modeDual for one window.
func (l *Limiter) answered() {
	if l.mode.Load() != modeFallback {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.mode.Load() == modeFallback {
		l.mode.Store(modeDual)
		l.dualUntil = time.Now().Add(l.cfg.window)
		l.recoveries.Add(1)
	}
}

// probeDue reports whether a caller in fallback should start a probe now; at
// most one caller per probeInterval is told so.
func (l *Limiter) probeDue() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if now.Before(l.probeAt) {
		return false
	}
	l.probeAt = now.Add(probeInterval)
	return true
}
