package redislimit_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/redislimit"
)

func TestNewRejectsBadArguments(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer rdb.Close()
	tests := []struct {
		name  string
		rdb   redis.UniversalClient
		limit int
		opts  []redislimit.Option
		want  string
	}{
		{"nil client", nil, 10, nil, "nil Redis client"},
		{"zero limit", rdb, 0, nil, "the limit must be positive, got 0"},
		{"negative limit", rdb, -5, nil, "the limit must be positive, got -5"},
		{"braces in prefix", rdb, 10, []redislimit.Option{redislimit.WithKeyPrefix("a{b}:")}, "WithKeyPrefix"},
		{"zero timeout", rdb, 10, []redislimit.Option{redislimit.WithTimeout(0)}, "WithTimeout: must be positive"},
		{"tiny window", rdb, 10, []redislimit.Option{redislimit.WithWindow(time.Millisecond)}, "WithWindow: must be at least 10ms"},
		{"zero fleet", rdb, 10, []redislimit.Option{redislimit.WithFallback(0)}, "WithFallback: fleet size must be positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := redislimit.New(tt.rdb, tt.limit, tt.opts...)
			if err == nil || !strings.Contains(err.Error(), tt.want) || l != nil {
				t.Fatalf("New = %v, %v; want an error containing %q", l, err, tt.want)
			}
		})
	}
}

// TestShapeKeepsEveryWindowWithinTheLimit checks the arithmetic of the
// package documentation: B + ⌊(W+δ)/T⌋ ≤ L for calls up to δ < W/100 late,
// and the sustained rate is at least 97% of the limit.
func TestShapeKeepsEveryWindowWithinTheLimit(t *testing.T) {
	tests := []struct {
		limit  int
		window time.Duration
		want   redis_rate.Limit
	}{
		{5000, time.Minute, redis_rate.Limit{Rate: 4901, Burst: 100, Period: 60600 * time.Millisecond}},
		{600, 10 * time.Second, redis_rate.Limit{Rate: 589, Burst: 12, Period: 10100 * time.Millisecond}},
		{100, time.Minute, redis_rate.Limit{Rate: 99, Burst: 2, Period: 60600 * time.Millisecond}},
		{10, time.Minute, redis_rate.Limit{Rate: 10, Burst: 1, Period: 60600 * time.Millisecond}},
		{1, time.Minute, redis_rate.Limit{Rate: 1, Burst: 1, Period: 60600 * time.Millisecond}},
	}
	for _, tt := range tests {
		got := redislimit.Shape(tt.limit, tt.window)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Shape(%d, %v) (-want +got):\n%s", tt.limit, tt.window, diff)
		}
		emission := got.Period.Seconds() / float64(got.Rate)
		late := tt.window.Seconds() * 0.999 / 100 // just under W/100
		if most := got.Burst + int((tt.window.Seconds()+late)/emission); most > tt.limit {
			t.Errorf("Shape(%d, %v): up to %d calls in a window", tt.limit, tt.window, most)
		}
		if tt.limit >= 50 {
			if sustained := tt.window.Seconds() / emission; sustained < 0.97*float64(tt.limit) {
				t.Errorf("Shape(%d, %v): sustains %.1f per window", tt.limit, tt.window, sustained)
			}
		}
	}
}

// grants calls Wait from n goroutines for d and returns when each returned nil.
func grants(t *testing.T, l pinterest.Limiter, acct string, n int, d time.Duration) []time.Time {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var mu sync.Mutex
	var ts []time.Time
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for {
				if err := l.Wait(ctx, acct); err != nil {
					if !errors.Is(err, context.DeadlineExceeded) {
						t.Errorf("Wait: %v", err)
					}
					return
				}
				mu.Lock()
				ts = append(ts, time.Now())
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return ts
}

func sorted(ts []time.Time) []time.Time {
	out := append([]time.Time(nil), ts...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Before(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// TestWaitPerAdAccount: each ad account has its own budget, and within one
// no window holds more than the limit, while 8 goroutines ask all the time.
func TestWaitPerAdAccount(t *testing.T) {
	rs := startRedis(t)
	l, err := redislimit.New(rs.client(t), 100, redislimit.WithWindow(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var a, b []time.Time
	var wg sync.WaitGroup
	wg.Go(func() { a = grants(t, l, "111", 8, 3500*time.Millisecond) })
	wg.Go(func() { b = grants(t, l, "222", 8, 3500*time.Millisecond) })
	wg.Wait()
	for name, ts := range map[string][]time.Time{"111": a, "222": b} {
		w := slide(sorted(ts), time.Second)
		t.Logf("ad account %s: %d grants; busiest 1s window %d, mean full window %.1f", name, w.n, w.max, w.meanFull)
		if w.max > 100 {
			t.Errorf("ad account %s: %d calls in one second, limit 100", name, w.max)
		}
		if w.meanFull < 0.95*100 {
			t.Errorf("ad account %s: mean window %.1f, want at least 95%% of 100 (one account must not starve the other)", name, w.meanFull)
		}
	}
	keys, err := rs.client(t).Keys(context.Background(), "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if k != "rate:pinterest:ratelimit:{111}" && k != "rate:pinterest:ratelimit:{222}" {
			t.Errorf("unexpected key %q", k)
		}
	}
}

func TestWithKeyPrefixSeparatesBudgets(t *testing.T) {
	rs := startRedis(t)
	ctx := context.Background()
	a, _ := redislimit.New(rs.client(t), 1, redislimit.WithKeyPrefix("a:"))
	b, _ := redislimit.New(rs.client(t), 1, redislimit.WithKeyPrefix("b:"))
	for _, l := range []*redislimit.Limiter{a, b} {
		if err := l.Wait(ctx, "1"); err != nil {
			t.Fatal(err)
		}
	}
	n, err := rs.client(t).Exists(ctx, "rate:a:{1}", "rate:b:{1}").Result()
	if err != nil || n != 2 {
		t.Fatalf("keys rate:a:{1}, rate:b:{1}: %d exist, %v", n, err)
	}
	// Same prefix: the budget of one call per minute is spent.
	c, _ := redislimit.New(rs.client(t), 1, redislimit.WithKeyPrefix("a:"))
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if err := c.Wait(short, "1"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second call of a 1/min budget: %v, want DeadlineExceeded", err)
	}
}

// TestWaitDeadlineBeforeSlot: a Wait whose deadline comes before the next
// slot returns at once and does not take the slot.
func TestWaitDeadlineBeforeSlot(t *testing.T) {
	rs := startRedis(t)
	l, _ := redislimit.New(rs.client(t), 1, redislimit.WithWindow(2*time.Second))
	ctx := context.Background()
	if err := l.Wait(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := l.Wait(short, "1")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait = %v, want DeadlineExceeded", err)
	}
	if el := time.Since(start); el > 250*time.Millisecond {
		t.Errorf("Wait took %v to see the deadline comes before the slot", el)
	}
	// The slot was not taken: it comes 2.02 s after the first call.
	start = time.Now()
	if err := l.Wait(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 2100*time.Millisecond {
		t.Errorf("next slot after %v, want about 2 s", el)
	}
	// A context that has ended already.
	done, cancel2 := context.WithCancel(ctx)
	cancel2()
	if err := l.Wait(done, "1"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait on an ended context = %v", err)
	}
}

// TestWaitCanceledWhileSleeping: a caller sleeping for its slot returns when
// its context is canceled.
func TestWaitCanceledWhileSleeping(t *testing.T) {
	rs := startRedis(t)
	l, _ := redislimit.New(rs.client(t), 1)
	ctx, cancel := context.WithCancel(context.Background())
	if err := l.Wait(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	if err := l.Wait(ctx, "1"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait = %v, want Canceled", err)
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("Wait returned %v after the cancel", el)
	}
}

// TestUnavailableWithoutFallback: with Redis gone, Wait fails with
// ErrUnavailable within the timeout; nothing is granted.
func TestUnavailableWithoutFallback(t *testing.T) {
	rs := startRedis(t)
	l, _ := redislimit.New(rs.client(t), 100, redislimit.WithTimeout(200*time.Millisecond))
	ctx := context.Background()
	if err := l.Wait(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	rs.Kill()
	start := time.Now()
	err := l.Wait(ctx, "1")
	if !errors.Is(err, redislimit.ErrUnavailable) {
		t.Fatalf("Wait with Redis killed = %v, want ErrUnavailable", err)
	}
	if el := time.Since(start); el > 400*time.Millisecond {
		t.Errorf("Wait took %v, timeout 200ms", el)
	}
	t.Logf("error: %v", err)
	rs.Start()
	if err := l.Wait(ctx, "1"); err != nil {
		t.Fatalf("Wait after Redis is back: %v", err)
	}
	if got := l.Stats(); got.RedisErrors == 0 || got.RedisCalls != 2 {
		t.Errorf("Stats = %+v", got)
	}
}

// TestTimeoutOfUnresponsiveRedis: a server that accepts connections and
// never answers holds Wait for WithTimeout, not for the Redis client's own
// 3-second read timeout, whether or not the client honours context
// deadlines.
func TestTimeoutOfUnresponsiveRedis(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns sync.WaitGroup
	stop := make(chan struct{})
	conns.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Go(func() { <-stop; c.Close() })
		}
	})
	t.Cleanup(func() { close(stop); ln.Close(); conns.Wait() })

	for _, ctxTimeout := range []bool{false, true} {
		t.Run(map[bool]string{false: "default client", true: "ContextTimeoutEnabled"}[ctxTimeout], func(t *testing.T) {
			rdb := redis.NewClient(&redis.Options{Addr: ln.Addr().String(), MaxRetries: -1, ContextTimeoutEnabled: ctxTimeout})
			defer rdb.Close()
			l, _ := redislimit.New(rdb, 100, redislimit.WithTimeout(150*time.Millisecond))
			start := time.Now()
			err = l.Wait(context.Background(), "1")
			el := time.Since(start)
			if !errors.Is(err, redislimit.ErrUnavailable) || !strings.Contains(err.Error(), "no answer within 150ms") {
				t.Fatalf("Wait = %v", err)
			}
			t.Logf("after %v: %v", el.Round(time.Millisecond), err)
			if el > time.Second {
				t.Errorf("Wait took %v, timeout 150ms", el)
			}
			// With a fallback the call is granted from the local share
			// instead (the local bucket starts empty: 100/min, fleet of 2,
			// the first slot in 2 × 60.6 s / 99 = 1.22 s).
			lf, _ := redislimit.New(rdb, 100, redislimit.WithTimeout(150*time.Millisecond), redislimit.WithFallback(2))
			start = time.Now()
			if err := lf.Wait(context.Background(), "1"); err != nil {
				t.Fatalf("Wait with fallback = %v", err)
			}
			if el := time.Since(start); el < time.Second {
				t.Errorf("first local slot after %v, want about 150ms + 1.22s", el)
			}
			if got := lf.Stats(); got.Fallbacks != 1 || got.LocalCalls != 1 {
				t.Errorf("Stats = %+v", got)
			}
		})
	}
}

// TestPenaltySlowsOtherProcesses: a penalty set through one Limiter (one
// process, its own connections) holds back another, then halves its rate
// for a window.
func TestPenaltySlowsOtherProcesses(t *testing.T) {
	rs := startRedis(t)
	ctx := context.Background()
	// 200 per 2 s: B = 4, T = 2.02 s / 197 ≈ 10 ms; at half rate 20.5 ms
	// with a burst of 2.
	a, _ := redislimit.New(rs.client(t), 200, redislimit.WithWindow(2*time.Second))
	b, _ := redislimit.New(rs.client(t), 200, redislimit.WithWindow(2*time.Second))
	if err := b.Wait(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	a.Penalize("1", 800*time.Millisecond)
	time.Sleep(150 * time.Millisecond) // b reads the penalty keys every 100 ms
	if err := b.Wait(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	if held := time.Since(start); held < 750*time.Millisecond {
		t.Errorf("b was let through %v after a's 800ms penalty", held)
	}
	// Half rate for the 2 s window after the penalty.
	ts := grants(t, b, "1", 4, time.Second)
	half := 197 / 2.02 / 2
	t.Logf("after the penalty: %d calls in 1 s (normal rate %.1f/s, half %.1f/s)", len(ts), 2*half, half)
	if n := float64(len(ts)); n > half+2 || n < half*0.8 {
		t.Errorf("%d calls in the second after the penalty, want about %.1f", len(ts), half)
	}
	// A shorter penalty does not shorten a longer one.
	a.Penalize("2", 2*time.Second)
	b.Penalize("2", 100*time.Millisecond)
	pttl, err := rs.client(t).PTTL(ctx, "pinterest:ratelimit:{2}:penalty").Result()
	if err != nil || pttl < 1500*time.Millisecond {
		t.Errorf("penalty TTL %v (%v) after 2s then 100ms penalties", pttl, err)
	}
	// A penalty longer than a minute is capped at one.
	a.Penalize("3", time.Hour)
	if pttl, _ := rs.client(t).PTTL(ctx, "pinterest:ratelimit:{3}:penalty").Result(); pttl > time.Minute || pttl < 59*time.Second {
		t.Errorf("penalty of an hour stored as %v", pttl)
	}
	a.Penalize("4", 0) // ignored
	if n, _ := rs.client(t).Exists(ctx, "pinterest:ratelimit:{4}:penalty").Result(); n != 0 {
		t.Errorf("Penalize(0) stored a penalty")
	}
}
