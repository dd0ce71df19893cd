package pinterest

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/capisdk/pinterest/internal/clock"
)

// fakeStart is the start of the fake clocks. It is the real time, so that a
// context deadline set from the fake time is in the future for real too.
func fakeStart() time.Time { return time.Now() }

// maxInWindow returns the largest number of times in any closed window
// [t, t+w] (times sorted ascending). Such a window is fullest when it opens at
// one of the times, so trying each as the start is exact.
func maxInWindow(ts []time.Time, w time.Duration) int {
	best, j := 0, 0
	for i := range ts {
		for j < len(ts) && !ts[j].After(ts[i].Add(w)) {
			j++
		}
		if j-i > best {
			best = j - i
		}
	}
	return best
}

// saturate calls Wait for one ad account back to back for the given simulated
// duration on an auto clock and returns the time of every granted call before
// the end.
func saturate(t *testing.T, l Limiter, c *clock.Fake, d time.Duration) []time.Time {
	t.Helper()
	start := c.Now()
	end := start.Add(d)
	var ts []time.Time
	for {
		if err := l.Wait(context.Background(), "549755885175"); err != nil {
			t.Fatalf("Wait: %v", err)
		}
		now := c.Now()
		if !now.Before(end) {
			return ts
		}
		ts = append(ts, now)
	}
}

func TestRateLimiterWindowDefault(t *testing.T) {
	c := clock.NewAuto(fakeStart())
	l, err := newRateLimiter(DefaultCallsPerMinute, c)
	if err != nil {
		t.Fatal(err)
	}
	ts := saturate(t, l, c, 10*time.Minute)
	maxWin := maxInWindow(ts, time.Minute)
	t.Logf("limit %d/min: burst %d, refill %.3f/s; 10 simulated minutes: %d calls (%.2f%% of %d), max %d in any closed 60 s window",
		DefaultCallsPerMinute, l.burst, float64(l.rate), len(ts), 100*float64(len(ts))/(10*DefaultCallsPerMinute), 10*DefaultCallsPerMinute, maxWin)
	if maxWin > DefaultCallsPerMinute {
		t.Errorf("max calls in a 60 s window = %d, want <= %d", maxWin, DefaultCallsPerMinute)
	}
	if want := 10 * DefaultCallsPerMinute * 95 / 100; len(ts) < want {
		t.Errorf("total calls in 10 minutes = %d, want >= %d (95%%)", len(ts), want)
	}
	// The first minute, when the bucket starts full, is the tightest.
	if first := maxInWindow(ts[:min(len(ts), DefaultCallsPerMinute+1)], time.Minute); first > DefaultCallsPerMinute {
		t.Errorf("first window: %d calls", first)
	}
}

func TestRateLimiterWindowSmallLimits(t *testing.T) {
	for _, limit := range []int{1, 2, 3, 10, 60, 120, 1000} {
		t.Run(strconv.Itoa(limit), func(t *testing.T) {
			c := clock.NewAuto(fakeStart())
			l, err := newRateLimiter(limit, c)
			if err != nil {
				t.Fatal(err)
			}
			const minutes = 6
			ts := saturate(t, l, c, minutes*time.Minute)
			maxWin := maxInWindow(ts, time.Minute)
			t.Logf("limit %d/min: burst %d, refill %.5f/s; %d simulated minutes: %d calls (%.1f%%), max %d in any closed 60 s window",
				limit, l.burst, float64(l.rate), minutes, len(ts), 100*float64(len(ts))/float64(minutes*limit), maxWin)
			if maxWin > limit {
				t.Errorf("max calls in a 60 s window = %d, want <= %d", maxWin, limit)
			}
			if want := minutes * limit * 95 / 100; len(ts) < want {
				t.Errorf("total = %d, want >= %d (95%%)", len(ts), want)
			}
		})
	}
}

func TestRateLimiterBucketShape(t *testing.T) {
	// The exact bound of a token bucket is B + ⌊r·W⌋ calls per closed window,
	// which must stay <= L even when calls drift by just under W/100.
	for _, limit := range []int{1, 2, 3, 9, 10, 49, 50, 51, 60, 99, 100, 101, 4999, 5000, 120000, 1 << 30} {
		r, b := bucketShape(limit, time.Minute)
		if b < 1 || b > max(1, limit/50) {
			t.Errorf("limit %d: burst %d", limit, b)
		}
		refills := float64(r) * (time.Minute + time.Minute/100 - time.Millisecond).Seconds()
		if got := b + int(refills); got > limit {
			t.Errorf("limit %d: B + ⌊r·(W+drift)⌋ = %d", limit, got)
		}
		if sustained := float64(r) * 60; sustained < 0.95*float64(limit) {
			t.Errorf("limit %d: sustained %.2f/min", limit, sustained)
		}
	}
}

func TestNewRateLimiterInvalid(t *testing.T) {
	for _, n := range []int{0, -1, -5000} {
		l, err := NewRateLimiter(n)
		if err == nil || l != nil {
			t.Fatalf("NewRateLimiter(%d) = %v, %v; want an error", n, l, err)
		}
		if !strings.Contains(err.Error(), strconv.Itoa(n)) || !strings.HasPrefix(err.Error(), "pinterest: ") {
			t.Errorf("NewRateLimiter(%d) error %q does not name the value", n, err)
		}
	}
	if l, err := NewRateLimiter(1); err != nil || l == nil {
		t.Fatalf("NewRateLimiter(1) = %v, %v", l, err)
	}
}

func TestRateLimiterEvictsIdleBuckets(t *testing.T) {
	c := clock.NewFake(fakeStart())
	l, err := newRateLimiter(DefaultCallsPerMinute, c)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const bound = 10000
	maxLen := 0
	// 100,000 ad accounts, one call each, over one simulated second.
	for i := 0; i < 100000; i++ {
		if err := l.Wait(ctx, "acct-"+strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
		if i%100 == 99 {
			c.Advance(time.Millisecond)
			maxLen = max(maxLen, l.Len())
		}
	}
	t.Logf("100,000 ad accounts over 1 s: at most %d buckets held, %d at the end", maxLen, l.Len())
	if maxLen > bound {
		t.Errorf("Len reached %d, want <= %d", maxLen, bound)
	}

	// Time passes; new and old ad accounts call again.
	c.Advance(2 * time.Minute)
	for i := 0; i < 20000; i++ {
		if err := l.Wait(ctx, "acct-"+strconv.Itoa(i*5)); err != nil {
			t.Fatal(err)
		}
		if i%100 == 99 {
			maxLen = max(maxLen, l.Len())
		}
	}
	t.Logf("after 2 minutes and 20,000 more calls at one instant: %d buckets held", l.Len())
	if n := l.Len(); n > 20000+bound {
		t.Errorf("Len = %d after the second phase", n)
	}
	c.Advance(time.Minute)
	for i := 0; i < 64*minSweepLen*2; i++ {
		if err := l.Wait(ctx, "new-"+strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
	}
	if n := l.Len(); n > bound {
		t.Errorf("Len = %d after the old buckets went idle, want <= %d", n, bound)
	}

	// Buckets that have not refilled are kept: with no time passing nothing is
	// evictable, so every ad account keeps its bucket.
	c2 := clock.NewFake(fakeStart())
	l2, _ := newRateLimiter(DefaultCallsPerMinute, c2)
	for i := 0; i < 5000; i++ {
		if err := l2.Wait(ctx, "acct-"+strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
	}
	if n := l2.Len(); n != 5000 {
		t.Errorf("Len = %d with no time passing, want 5000", n)
	}
}

// waitAsync runs l.Wait in a goroutine and returns a channel with its result.
func waitAsync(ctx context.Context, l Limiter, id string) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- l.Wait(ctx, id) }()
	return ch
}

// receive returns the result of a Wait that must have returned (or be about to).
func receive(t *testing.T, ch <-chan error) error {
	t.Helper()
	select {
	case err := <-ch:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("Wait did not return")
		return nil
	}
}

func TestRateLimiterPenalize(t *testing.T) {
	ctx := context.Background()
	const id = "549755885175"

	t.Run("delays the next call by d, then half rate", func(t *testing.T) {
		c := clock.NewAuto(fakeStart())
		l, _ := newRateLimiter(DefaultCallsPerMinute, c)
		if err := l.Wait(ctx, id); err != nil {
			t.Fatal(err)
		}
		const d = 7 * time.Second
		t0 := c.Now()
		l.Penalize(id, d)
		if err := l.Wait(ctx, id); err != nil {
			t.Fatal(err)
		}
		if got := c.Now().Sub(t0); got < d {
			t.Errorf("first call after Penalize came after %v, want >= %v", got, d)
		}
		// Half rate, no burst: the next calls are 2/r apart.
		t1 := c.Now()
		for i := 0; i < 10; i++ {
			if err := l.Wait(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		interval := time.Duration(float64(time.Second) / float64(l.rate))
		if got, want := c.Now().Sub(t1), 20*interval-time.Millisecond; got < want {
			t.Errorf("10 calls in the half-rate minute took %v, want >= %v", got, want)
		}
		// Another ad account is not affected.
		t2 := c.Now()
		if err := l.Wait(ctx, "other"); err != nil || c.Now() != t2 {
			t.Errorf("other ad account: err %v, waited %v", err, c.Now().Sub(t2))
		}
		// After the half-rate minute, the full rate and burst are back.
		c.NewTimer(2 * time.Minute)
		t3 := c.Now()
		for i := 0; i < l.burst; i++ {
			if err := l.Wait(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		if c.Now() != t3 {
			t.Errorf("burst after the penalty waited %v", c.Now().Sub(t3))
		}
	})

	t.Run("reschedules callers already waiting", func(t *testing.T) {
		c := clock.NewFake(fakeStart())
		l, _ := newRateLimiter(6, c) // one call per 10.1 s
		if err := l.Wait(ctx, id); err != nil {
			t.Fatal(err)
		}
		t0 := c.Now()
		ch := waitAsync(ctx, l, id)
		c.WaitForTimers(1, nil)
		l.Penalize(id, 30*time.Second)
		c.Advance(11 * time.Second) // the old slot passes; the caller must queue again
		c.WaitForTimers(1, nil)
		select {
		case err := <-ch:
			t.Fatalf("Wait returned %v during the penalty", err)
		default:
		}
		c.Advance(19 * time.Second)
		if err := receive(t, ch); err != nil {
			t.Fatal(err)
		}
		if got := c.Now().Sub(t0); got < 30*time.Second {
			t.Errorf("waiting caller went out after %v, want >= 30s", got)
		}
	})

	t.Run("survives a sweep", func(t *testing.T) {
		c := clock.NewFake(fakeStart())
		l, _ := newRateLimiter(DefaultCallsPerMinute, c)
		t0 := c.Now()
		l.Penalize(id, 30*time.Second)
		c.Advance(10 * time.Second) // without the penalty the bucket would be full, hence evictable
		// Enough new ad accounts, over simulated seconds, to sweep every shard
		// several times, by size and by time.
		for i := 0; i < numShards*minSweepLen*4; i++ {
			if err := l.Wait(ctx, "acct-"+strconv.Itoa(i)); err != nil {
				t.Fatal(err)
			}
			if i%1000 == 999 {
				c.Advance(500 * time.Millisecond)
			}
		}
		if n := l.Len(); n > numShards*minSweepLen {
			t.Fatalf("Len = %d: the shards were not swept", n)
		}
		s := l.shard(id)
		s.mu.Lock()
		_, kept := s.m[id]
		s.mu.Unlock()
		if !kept {
			t.Fatal("the penalized bucket was evicted")
		}
		remaining := t0.Add(30 * time.Second).Sub(c.Now())
		if remaining <= 0 {
			t.Fatalf("test too slow in fake time: %v", remaining)
		}
		ch := waitAsync(ctx, l, id)
		c.WaitForTimers(1, nil)
		c.Advance(remaining - time.Nanosecond)
		select {
		case err := <-ch:
			t.Fatalf("Wait returned %v before the penalty ended", err)
		default:
		}
		c.Advance(time.Nanosecond)
		if err := receive(t, ch); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("d <= 0 is ignored", func(t *testing.T) {
		c := clock.NewAuto(fakeStart())
		l, _ := newRateLimiter(DefaultCallsPerMinute, c)
		l.Penalize(id, 0)
		l.Penalize(id, -time.Hour)
		if n := l.Len(); n != 0 {
			t.Errorf("Len = %d after ignored penalties", n)
		}
		t0 := c.Now()
		for i := 0; i < l.burst; i++ {
			if err := l.Wait(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		if c.Now() != t0 {
			t.Errorf("waited %v after Penalize(0)", c.Now().Sub(t0))
		}
	})

	t.Run("huge d is capped", func(t *testing.T) {
		c := clock.NewAuto(fakeStart())
		l, _ := newRateLimiter(DefaultCallsPerMinute, c)
		t0 := c.Now()
		l.Penalize(id, 24*time.Hour)
		if err := l.Wait(ctx, id); err != nil {
			t.Fatal(err)
		}
		if got := c.Now().Sub(t0); got != maxPenalty {
			t.Errorf("waited %v after Penalize(24h), want the cap %v", got, maxPenalty)
		}
	})

	t.Run("a later penalty extends, never shortens", func(t *testing.T) {
		c := clock.NewAuto(fakeStart())
		l, _ := newRateLimiter(DefaultCallsPerMinute, c)
		t0 := c.Now()
		l.Penalize(id, 20*time.Second)
		l.Penalize(id, 5*time.Second)
		if err := l.Wait(ctx, id); err != nil {
			t.Fatal(err)
		}
		if got := c.Now().Sub(t0); got != 20*time.Second {
			t.Errorf("waited %v, want 20s", got)
		}
	})

	t.Run("the window rule holds through penalties", func(t *testing.T) {
		c := clock.NewAuto(fakeStart())
		l, _ := newRateLimiter(600, c)
		var ts []time.Time
		start := c.Now()
		for i := 0; c.Now().Sub(start) < 5*time.Minute; i++ {
			if i%250 == 100 {
				l.Penalize(id, time.Duration(i%7)*time.Millisecond+time.Millisecond)
			}
			if err := l.Wait(ctx, id); err != nil {
				t.Fatal(err)
			}
			ts = append(ts, c.Now())
		}
		if got := maxInWindow(ts, time.Minute); got > 600 {
			t.Errorf("max %d calls in a window with penalties, want <= 600", got)
		}
	})
}

func TestRateLimiterContext(t *testing.T) {
	const id = "549755885175"

	t.Run("cancelled before", func(t *testing.T) {
		c := clock.NewAuto(fakeStart())
		l, _ := newRateLimiter(1, c)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		t0 := c.Now()
		err := l.Wait(ctx, id)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Wait = %v, want context.Canceled", err)
		}
		if c.Now() != t0 || l.Len() != 0 {
			t.Errorf("cancelled Wait moved the clock by %v or made a bucket (%d)", c.Now().Sub(t0), l.Len())
		}
		// The token was not taken: the next call goes at once.
		if err := l.Wait(context.Background(), id); err != nil || c.Now() != t0 {
			t.Errorf("next Wait = %v after %v", err, c.Now().Sub(t0))
		}
	})

	t.Run("cancelled during", func(t *testing.T) {
		c := clock.NewFake(fakeStart())
		l, _ := newRateLimiter(6, c) // burst 1, one call per 10.1 s
		interval := time.Duration(float64(time.Second) / float64(l.rate))
		if err := l.Wait(context.Background(), id); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		ch := waitAsync(ctx, l, id)
		c.WaitForTimers(1, nil)
		c.Advance(interval / 2)
		cancel()
		if err := receive(t, ch); !errors.Is(err, context.Canceled) {
			t.Fatalf("Wait = %v, want context.Canceled", err)
		}
		if c.Pending() != 0 {
			t.Errorf("%d timers left behind", c.Pending())
		}
		// The token was given back: the next caller waits for the same slot.
		ch = waitAsync(context.Background(), l, id)
		c.WaitForTimers(1, nil)
		c.Advance(interval - interval/2)
		if err := receive(t, ch); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("deadline too short", func(t *testing.T) {
		c := clock.NewAuto(fakeStart())
		l, _ := newRateLimiter(6, c)
		interval := time.Duration(float64(time.Second) / float64(l.rate))
		if err := l.Wait(context.Background(), id); err != nil {
			t.Fatal(err)
		}
		t0 := c.Now()
		ctx, cancel := context.WithDeadline(context.Background(), t0.Add(5*time.Second))
		defer cancel()
		err := l.Wait(ctx, id)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Wait = %v, want context.DeadlineExceeded", err)
		}
		if got := c.Now().Sub(t0); got != 0 {
			t.Errorf("Wait with a short deadline took %v of fake time, want 0", got)
		}
		t.Logf("error: %v", err)
		// The token was given back: the next caller is not delayed by it.
		if err := l.Wait(context.Background(), id); err != nil {
			t.Fatal(err)
		}
		if got := c.Now().Sub(t0); got > interval {
			t.Errorf("next caller waited %v, want <= %v", got, interval)
		}
	})

	t.Run("deadline long enough", func(t *testing.T) {
		c := clock.NewAuto(fakeStart())
		l, _ := newRateLimiter(6, c)
		_ = l.Wait(context.Background(), id)
		ctx, cancel := context.WithDeadline(context.Background(), c.Now().Add(time.Minute))
		defer cancel()
		if err := l.Wait(ctx, id); err != nil {
			t.Fatalf("Wait = %v", err)
		}
	})
}

func TestTestModeLimiter(t *testing.T) {
	c := clock.NewAuto(fakeStart())
	inner, _ := newRateLimiter(DefaultCallsPerMinute, c)
	l := newTestModeLimiter(inner, c)
	start := c.Now()
	var ts []time.Time
	for i := 0; ; i++ {
		// Several ad accounts share the client-wide budget.
		if err := l.Wait(context.Background(), "acct-"+strconv.Itoa(i%3)); err != nil {
			t.Fatal(err)
		}
		if !c.Now().Before(start.Add(10 * time.Second)) {
			break
		}
		ts = append(ts, c.Now())
	}
	maxWin := maxInWindow(ts, time.Second)
	t.Logf("test mode: %d calls in 10 simulated seconds, max %d in any closed 1 s window", len(ts), maxWin)
	if maxWin > testModeCallsPerSecond {
		t.Errorf("max %d calls in a 1 s window, want <= %d", maxWin, testModeCallsPerSecond)
	}
	if len(ts) < 90 {
		t.Errorf("%d calls in 10 s, want >= 90", len(ts))
	}

	// Penalize reaches inner and the client-wide bucket.
	p, ok := l.(Penalizer)
	if !ok {
		t.Fatal("test-mode limiter is not a Penalizer")
	}
	c.NewTimer(5 * time.Minute)
	t0 := c.Now()
	p.Penalize("acct-0", 3*time.Second)
	if err := l.Wait(context.Background(), "acct-1"); err != nil {
		t.Fatal(err)
	}
	if got := c.Now().Sub(t0); got < 3*time.Second {
		t.Errorf("client-wide penalty: waited %v", got)
	}
	inner.shard("acct-0").mu.Lock()
	b := inner.shard("acct-0").m["acct-0"]
	penalized := b != nil && b.notBefore.Equal(t0.Add(3*time.Second))
	inner.shard("acct-0").mu.Unlock()
	if !penalized {
		t.Error("Penalize was not passed to the inner limiter")
	}

	// An inner limiter that is not a Penalizer.
	l2 := newTestModeLimiter(nopLimiter{}, c)
	l2.(Penalizer).Penalize("acct-0", time.Second)
	if err := l2.Wait(context.Background(), "acct-0"); err != nil {
		t.Fatal(err)
	}

	// Errors of inner come back as they are.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.Wait(ctx, "acct-0"); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait = %v, want context.Canceled", err)
	}
}

func TestNopLimiter(t *testing.T) {
	var l Limiter = nopLimiter{}
	for i := 0; i < 1000; i++ {
		if err := l.Wait(context.Background(), "a"); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.Wait(ctx, "a"); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait = %v, want context.Canceled", err)
	}
	if _, ok := l.(Penalizer); ok {
		t.Error("nopLimiter should not be a Penalizer")
	}
}

func TestRateLimiterConcurrent(t *testing.T) {
	l, err := NewRateLimiter(6000000) // burst 120,000: never waits here
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var failed atomic.Int64
	for g := 0; g < 50; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if err := l.Wait(context.Background(), fmt.Sprintf("acct-%d", (g+i)%20)); err != nil {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if n := failed.Load(); n != 0 {
		t.Errorf("%d Wait calls failed", n)
	}
	if n := l.Len(); n != 20 {
		t.Errorf("Len = %d, want 20", n)
	}
}

// TestRateLimiterConcurrentPenalize mixes waiting callers, penalties,
// cancellations and Len on a fake clock, for the race detector.
func TestRateLimiterConcurrentPenalize(t *testing.T) {
	c := clock.NewAuto(fakeStart())
	l, _ := newRateLimiter(600, c)
	var wg sync.WaitGroup
	var unexpected atomic.Int64
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 300; i++ {
				id := "acct-" + strconv.Itoa((g*7+i)%20)
				switch {
				case i%50 == 0:
					l.Penalize(id, time.Duration(i)*time.Millisecond)
				case i%37 == 0:
					ctx, cancel := context.WithCancel(context.Background())
					cancel()
					if err := l.Wait(ctx, id); !errors.Is(err, context.Canceled) {
						unexpected.Add(1)
					}
				case i%41 == 0:
					_ = l.Len()
				default:
					if err := l.Wait(context.Background(), id); err != nil {
						unexpected.Add(1)
					}
				}
			}
		}()
	}
	wg.Wait()
	if n := unexpected.Load(); n != 0 {
		t.Errorf("%d unexpected results", n)
	}
}

func BenchmarkRateLimiterWait(b *testing.B) {
	l, err := NewRateLimiter(1 << 40) // never waits
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := l.Wait(ctx, "549755885175"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRateLimiterWaitParallel(b *testing.B) {
	l, err := NewRateLimiter(1 << 40) // never waits
	if err != nil {
		b.Fatal(err)
	}
	ids := []string{"549755885175", "549755885176", "549755885177", "549755885178",
		"549755885179", "549755885180", "549755885181", "549755885182"}
	procs := runtime.GOMAXPROCS(0)
	b.SetParallelism((8 + procs - 1) / procs) // at least 8 goroutines
	var next atomic.Int64
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		id := ids[int(next.Add(1))%len(ids)]
		for pb.Next() {
			if err := l.Wait(ctx, id); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
