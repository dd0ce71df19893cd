package pinterest_test

// Tests of the retry loop and of the client's use of the rate limiter, through
// the faults of pinteresttest. Time is simulated with clock.NewAuto (a timer
// fires at once and the clock jumps to its deadline), so backoffs of minutes
// cost nothing; only per-attempt timeouts and context deadlines use real time,
// because contexts do.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/internal/clock"
	"github.com/capisdk/pinterest/pinteresttest"
)

// retryHTML is the body of a proxy's error page answered with a 200.
const retryHTML = "<html><body><h1>Service temporarily unavailable</h1></body></html>"

// retryTransport records the client's clock at each RoundTrip: the time each
// HTTP attempt went out, as the SDK's clock saw it.
type retryTransport struct {
	clk  clock.Clock
	base http.RoundTripper
	mu   sync.Mutex
	at   []time.Time
}

func (rt *retryTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rt.mu.Lock()
	rt.at = append(rt.at, rt.clk.Now())
	rt.mu.Unlock()
	return rt.base.RoundTrip(r)
}

// times returns the times of the attempts so far.
func (rt *retryTransport) times() []time.Time {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return append([]time.Time(nil), rt.at...)
}

// intervals returns the waits between consecutive attempts.
func (rt *retryTransport) intervals() []time.Duration {
	ts := rt.times()
	var out []time.Duration
	for i := 1; i < len(ts); i++ {
		out = append(out, ts[i].Sub(ts[i-1]))
	}
	return out
}

// retryEnv is a client wired to a fake server and, usually, to a fake clock.
type retryEnv struct {
	srv    *pinteresttest.Server
	clk    *clock.Fake // nil when the client runs on the real clock
	rt     *retryTransport
	client *pinterest.Client
}

// retryRealClock is the clock of retryTransport when the client uses the real one.
type retryRealClock struct{}

func (retryRealClock) Now() time.Time { return time.Now() }
func (retryRealClock) NewTimer(d time.Duration) clock.Timer {
	panic("retryRealClock: NewTimer not expected")
}

// retrySetup starts a fake server and a client for it on an auto clock that
// starts at a whole second (so that HTTP dates in Retry-After are exact).
func retrySetup(t *testing.T, opts ...pinterest.Option) *retryEnv {
	t.Helper()
	return retrySetupClock(t, clock.NewAuto(time.Now().Truncate(time.Second)), opts...)
}

// retrySetupClock is retrySetup with a given clock; a nil clock leaves the
// client on the real clock.
func retrySetupClock(t *testing.T, clk *clock.Fake, opts ...pinterest.Option) *retryEnv {
	t.Helper()
	srv := pinteresttest.NewServerT(t)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	var c clock.Clock = retryRealClock{}
	if clk != nil {
		c = clk
	}
	rt := &retryTransport{clk: c, base: tr}
	all := []pinterest.Option{
		pinterest.WithHTTPClient(&http.Client{Transport: rt}),
		pinterest.WithRateLimit(pinterest.DefaultCallsPerMinute), // the retry tests keep the default limiter
	}
	if clk != nil {
		all = append(all, pinterest.WithClock(clk))
	}
	client := newTestClient(t, srv, append(all, opts...)...)
	return &retryEnv{srv: srv, clk: clk, rt: rt, client: client}
}

// retryRepeat returns n copies of f.
func retryRepeat(f pinteresttest.Fault, n int) []pinteresttest.Fault {
	out := make([]pinteresttest.Fault, n)
	for i := range out {
		out[i] = f
	}
	return out
}

// retrySend calls Send and checks what must hold whatever happened: a
// Response with one result per event, in order, with the counts adding up.
func retrySend(t *testing.T, ctx context.Context, c *pinterest.Client, acct string, evs []*pinterest.Event) (*pinterest.Response, error) {
	t.Helper()
	res, err := c.Send(ctx, acct, evs...)
	retryCheckResponse(t, res, err, evs)
	return res, err
}

func retryCheckResponse(t *testing.T, res *pinterest.Response, err error, evs []*pinterest.Event) {
	t.Helper()
	if res == nil {
		t.Fatalf("Send returned a nil Response (err %v)", err)
	}
	if len(res.Results) != len(evs) {
		t.Fatalf("len(Results) = %d, want %d (one per event)", len(res.Results), len(evs))
	}
	if res.Processed+res.Failed != len(evs) {
		t.Errorf("Processed %d + Failed %d != %d events", res.Processed, res.Failed, len(evs))
	}
	processed := 0
	for i, r := range res.Results {
		if r.Index != i || r.EventID != evs[i].EventID() {
			t.Errorf("Results[%d] = index %d id %q, want index %d id %q", i, r.Index, r.EventID, i, evs[i].EventID())
		}
		switch r.Status {
		case pinterest.StatusProcessed:
			processed++
			if r.Err != nil {
				t.Errorf("Results[%d] processed with Err %v", i, r.Err)
			}
		case pinterest.StatusFailed:
			if r.Err == nil {
				t.Errorf("Results[%d] failed without Err", i)
			}
		default:
			t.Errorf("Results[%d].Status = %q", i, r.Status)
		}
	}
	if processed != res.Processed {
		t.Errorf("Processed = %d, counted %d", res.Processed, processed)
	}
	if (err == nil) != (res.Failed == 0) {
		t.Errorf("Send error %v with %d failed events", err, res.Failed)
	}
	if err != nil {
		var se *pinterest.SendError
		if !errors.As(err, &se) {
			t.Errorf("Send error %T %v, want a *SendError", err, err)
		} else if se.Failed != res.Failed || se.Total != len(evs) {
			t.Errorf("SendError counts %d of %d, want %d of %d", se.Failed, se.Total, res.Failed, len(evs))
		}
	}
}

// retryRecorded counts the server's recorded events by id.
func retryRecorded(srv *pinteresttest.Server) map[string]int {
	m := make(map[string]int)
	for _, e := range srv.Events() {
		m[e.EventID]++
	}
	return m
}

// retryCheckRecordedOnce checks that each processed event was recorded by
// the server exactly once and each failed one not at all.
func retryCheckRecordedOnce(t *testing.T, srv *pinteresttest.Server, res *pinterest.Response) {
	t.Helper()
	rec := retryRecorded(srv)
	total := 0
	for _, r := range res.Results {
		want := 0
		if r.OK() {
			want = 1
		}
		if rec[r.EventID] != want {
			t.Errorf("event %q (%s) recorded %d times by the server, want %d", r.EventID, r.Status, rec[r.EventID], want)
		}
		total += rec[r.EventID]
	}
	if n := len(srv.Events()); n != total {
		t.Errorf("server recorded %d events, %d of them ours", n, total)
	}
}

// retryCheckAttempts checks every result's Attempts, Response.Attempts and the
// number of requests the server saw.
func retryCheckAttempts(t *testing.T, env *retryEnv, res *pinterest.Response, want int) {
	t.Helper()
	for i, r := range res.Results {
		if r.Attempts != want {
			t.Errorf("Results[%d].Attempts = %d, want %d", i, r.Attempts, want)
		}
	}
	if res.Attempts != want {
		t.Errorf("Response.Attempts = %d, want %d", res.Attempts, want)
	}
	if n := len(env.srv.Requests()); n != want {
		t.Errorf("server saw %d requests, want %d", n, want)
	}
	if n := len(env.rt.times()); n != want {
		t.Errorf("transport saw %d round trips, want %d", n, want)
	}
}

// retryAllProcessed checks that Send succeeded and every event was processed.
func retryAllProcessed(t *testing.T, res *pinterest.Response, err error) {
	t.Helper()
	if err != nil {
		t.Errorf("Send: %v", err)
	}
	for i, r := range res.Results {
		if !r.OK() {
			t.Errorf("Results[%d] = %s: %v", i, r.Status, r.Err)
		}
	}
}

// retryAllFailed checks that every event failed with an error matching target.
func retryAllFailed(t *testing.T, res *pinterest.Response, err error, target error) {
	t.Helper()
	if err == nil {
		t.Errorf("Send: nil error, want one matching %v", target)
	} else if target != nil && !errors.Is(err, target) {
		t.Errorf("Send error %v does not match %v", err, target)
	}
	for i, r := range res.Results {
		if r.OK() {
			t.Errorf("Results[%d] processed, want failed", i)
			continue
		}
		if target != nil && !errors.Is(r.Err, target) {
			t.Errorf("Results[%d].Err = %v, does not match %v", i, r.Err, target)
		}
	}
}

// retryAPIError returns the *APIError in err, failing the test if none.
func retryAPIError(t *testing.T, err error, status int) *pinterest.APIError {
	t.Helper()
	var ae *pinterest.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v (%T) has no *APIError", err, err)
	}
	if ae.StatusCode != status {
		t.Errorf("APIError.StatusCode = %d, want %d (%v)", ae.StatusCode, status, ae)
	}
	return ae
}

// 1. 429 storms.

func TestRetry429StormThenOK(t *testing.T) {
	for _, n := range []int{1, 2, 4} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			t.Parallel()
			env := retrySetup(t)
			env.srv.Enqueue(retryRepeat(pinteresttest.Fault{Status: http.StatusTooManyRequests}, n)...)
			evs := validEvents("storm", 5)
			res, err := retrySend(t, context.Background(), env.client, testAccount, evs)
			retryAllProcessed(t, res, err)
			retryCheckAttempts(t, env, res, n+1)
			retryCheckRecordedOnce(t, env.srv, res)
			for i, r := range env.srv.Requests() {
				want := http.StatusTooManyRequests
				if i == n {
					want = http.StatusOK
				}
				if r.Status != want || r.AdAccountID != testAccount {
					t.Errorf("request %d: status %d account %q, want %d %q", i, r.Status, r.AdAccountID, want, testAccount)
				}
			}
		})
	}
}

func TestRetry429Forever(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []pinterest.Option
		want int
	}{
		{"default", nil, pinterest.DefaultMaxAttempts},
		{"MaxAttempts3", []pinterest.Option{pinterest.WithRetry(pinterest.RetryPolicy{MaxAttempts: 3})}, 3},
		{"WithoutRetries", []pinterest.Option{pinterest.WithoutRetries()}, 1},
		{"WithoutRateLimit", []pinterest.Option{pinterest.WithoutRateLimit()}, pinterest.DefaultMaxAttempts},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := retrySetup(t, tc.opts...)
			env.srv.Enqueue(retryRepeat(pinteresttest.Fault{Status: http.StatusTooManyRequests}, 20)...)
			evs := validEvents("forever", 3)
			res, err := retrySend(t, context.Background(), env.client, testAccount, evs)
			retryAllFailed(t, res, err, pinterest.ErrRateLimited)
			retryCheckAttempts(t, env, res, tc.want)
			retryCheckRecordedOnce(t, env.srv, res)
			for _, r := range res.Results {
				ae := retryAPIError(t, r.Err, http.StatusTooManyRequests)
				if ae.Code != 8 {
					t.Errorf("APIError.Code = %d, want 8", ae.Code)
				}
			}
			retryAPIError(t, err, http.StatusTooManyRequests)
		})
	}
}

// 2. Retry-After.

// retryFirstWait sends one event after the given faults and returns the wait
// between the first and the second attempt (on the fake clock).
func retryFirstWait(t *testing.T, env *retryEnv, faults ...pinteresttest.Fault) (time.Duration, *pinterest.Response) {
	t.Helper()
	env.srv.Enqueue(faults...)
	evs := validEvents("ra", 2)
	res, err := retrySend(t, context.Background(), env.client, testAccount, evs)
	retryAllProcessed(t, res, err)
	retryCheckRecordedOnce(t, env.srv, res)
	iv := env.rt.intervals()
	if len(iv) == 0 {
		t.Fatalf("no retry was made")
	}
	return iv[0], res
}

func TestRetryAfterSeconds(t *testing.T) {
	for _, st := range []int{http.StatusServiceUnavailable, http.StatusTooManyRequests} {
		t.Run(strconv.Itoa(st), func(t *testing.T) {
			t.Parallel()
			env := retrySetup(t)
			wait, res := retryFirstWait(t, env, pinteresttest.Fault{Status: st, RetryAfter: "7"})
			if wait < 7*time.Second {
				t.Errorf("waited %v after Retry-After: 7, want >= 7s", wait)
			}
			if wait > 8*time.Second {
				t.Errorf("waited %v after Retry-After: 7, want about 7s (the backoff is far smaller)", wait)
			}
			retryCheckAttempts(t, env, res, 2)
		})
	}
}

func TestRetryAfterHTTPDate(t *testing.T) {
	t.Parallel()
	env := retrySetup(t)
	at := env.clk.Now().Add(7 * time.Second)
	wait, _ := retryFirstWait(t, env, pinteresttest.Fault{
		Status:     http.StatusServiceUnavailable,
		RetryAfter: at.UTC().Format(http.TimeFormat),
	})
	if ts := env.rt.times(); ts[1].Before(at) {
		t.Errorf("retried at %v, before the Retry-After date %v", ts[1], at)
	}
	if wait < 7*time.Second || wait > 8*time.Second {
		t.Errorf("waited %v for a Retry-After date 7s ahead", wait)
	}
}

func TestRetryAfterCapped(t *testing.T) {
	year := func(env *retryEnv) string { return env.clk.Now().AddDate(1, 0, 0).UTC().Format(http.TimeFormat) }
	for _, tc := range []struct {
		name string
		ra   func(*retryEnv) string
		opts []pinterest.Option
		cap  time.Duration
	}{
		{"86400/default", func(*retryEnv) string { return "86400" }, nil, pinterest.DefaultMaxRetryAfter},
		{"year/default", year, nil, pinterest.DefaultMaxRetryAfter},
		{"86400/10s", func(*retryEnv) string { return "86400" },
			[]pinterest.Option{pinterest.WithRetry(pinterest.RetryPolicy{MaxRetryAfter: 10 * time.Second})}, 10 * time.Second},
		{"year/10s", year,
			[]pinterest.Option{pinterest.WithRetry(pinterest.RetryPolicy{MaxRetryAfter: 10 * time.Second})}, 10 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := retrySetup(t, tc.opts...)
			wait, _ := retryFirstWait(t, env, pinteresttest.Fault{Status: http.StatusServiceUnavailable, RetryAfter: tc.ra(env)})
			// The backoff (<= 750ms) is below the cap, so the wait is the cap.
			if wait != tc.cap {
				t.Errorf("waited %v, want the MaxRetryAfter cap %v", wait, tc.cap)
			}
		})
	}
}

// A delay in seconds too large for an int64 is still a (very long) delay, not
// garbage: it must be capped like "86400", not ignored.
func TestRetryAfterOverflowCapped(t *testing.T) {
	t.Parallel()
	env := retrySetup(t)
	wait, _ := retryFirstWait(t, env, pinteresttest.Fault{Status: http.StatusServiceUnavailable, RetryAfter: "99999999999999999999"})
	if wait != pinterest.DefaultMaxRetryAfter {
		t.Errorf("waited %v after Retry-After: 99999999999999999999, want the cap %v", wait, pinterest.DefaultMaxRetryAfter)
	}
}

// A capped Retry-After must never make the client retry sooner than it would
// have without the header: Retry-After is a floor.
func TestRetryAfterCapDoesNotShortenBackoff(t *testing.T) {
	t.Parallel()
	policy := pinterest.RetryPolicy{
		MaxAttempts:     2,
		InitialInterval: 4 * time.Second, // the first backoff is in [2s, 6s]
		MaxInterval:     4 * time.Second,
		MaxRetryAfter:   time.Second,
	}
	env := retrySetup(t, pinterest.WithRetry(policy))
	wait, _ := retryFirstWait(t, env, pinteresttest.Fault{Status: http.StatusServiceUnavailable, RetryAfter: "10"})
	if wait < 2*time.Second {
		t.Errorf("with Retry-After: 10 (capped at 1s) the client waited %v, less than the backoff's minimum 2s it waits without the header", wait)
	}
}

func TestRetryAfterGarbageIgnored(t *testing.T) {
	past := time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)
	for _, ra := range []string{"soon", "-5", "0", "1.5", "", " ", "Mon, 99 Foo 2024", past} {
		t.Run(fmt.Sprintf("%q", ra), func(t *testing.T) {
			t.Parallel()
			env := retrySetup(t)
			env.srv.Enqueue(retryRepeat(pinteresttest.Fault{Status: http.StatusServiceUnavailable, RetryAfter: ra}, 20)...)
			evs := validEvents("garbage", 2)
			res, err := retrySend(t, context.Background(), env.client, testAccount, evs)
			retryAllFailed(t, res, err, pinterest.ErrUnavailable)
			retryCheckAttempts(t, env, res, pinterest.DefaultMaxAttempts)
			for _, r := range res.Results {
				if ae := retryAPIError(t, r.Err, http.StatusServiceUnavailable); ae.RetryAfter != 0 {
					t.Errorf("APIError.RetryAfter = %v for %q, want 0", ae.RetryAfter, ra)
				}
			}
			// Normal backoff: default 500ms, x1.5, +-50%.
			for i, w := range env.rt.intervals() {
				lo, hi := retryBounds(pinterest.DefaultInitialInterval, pinterest.DefaultMaxInterval, i)
				if w < lo || w > hi {
					t.Errorf("interval %d = %v, want the backoff's [%v, %v]", i, w, lo, hi)
				}
			}
		})
	}
}

// 3. Exponential backoff with jitter.

// retryBounds returns the range of the i-th backoff (0-based) of backoff/v4's
// ExponentialBackOff with multiplier 1.5 and randomization factor 0.5, with a
// millisecond of slack for rounding.
func retryBounds(initial, maxInterval time.Duration, i int) (time.Duration, time.Duration) {
	cur := float64(initial)
	for k := 0; k < i; k++ {
		if cur >= float64(maxInterval)/1.5 {
			cur = float64(maxInterval)
		} else {
			cur *= 1.5
		}
	}
	return time.Duration(0.5*cur) - time.Millisecond, time.Duration(1.5*cur) + time.Millisecond
}

func TestRetryBackoffExponentialJitter(t *testing.T) {
	t.Parallel()
	const attempts = 12 // 11 waits: 0.5s x 1.5^10 = 28.8s stays under MaxInterval 30s
	policy := pinterest.RetryPolicy{MaxAttempts: attempts, MaxElapsed: time.Hour}
	var runs [][]time.Duration
	for run := 0; run < 3; run++ {
		env := retrySetup(t, pinterest.WithRetry(policy))
		env.srv.Enqueue(retryRepeat(pinteresttest.Fault{Status: http.StatusServiceUnavailable}, attempts+5)...)
		res, err := retrySend(t, context.Background(), env.client, testAccount, validEvents("jitter", 1))
		retryAllFailed(t, res, err, pinterest.ErrUnavailable)
		retryCheckAttempts(t, env, res, attempts)
		iv := env.rt.intervals()
		for i, w := range iv {
			lo, hi := retryBounds(pinterest.DefaultInitialInterval, pinterest.DefaultMaxInterval, i)
			if w < lo || w > hi {
				t.Errorf("run %d: interval %d = %v, want in [%v, %v]", run, i, w, lo, hi)
			}
		}
		runs = append(runs, iv)
	}
	// Growth: the last wait is at least 0.5 x 0.5s x 1.5^10 = 14.4s, the first
	// at most 0.75s; and the waits differ between runs (jitter).
	for run, iv := range runs {
		if len(iv) != attempts-1 {
			t.Fatalf("run %d: %d intervals, want %d", run, len(iv), attempts-1)
		}
		if iv[len(iv)-1] < 19*iv[0] {
			t.Errorf("run %d: last wait %v is not much larger than the first %v", run, iv[len(iv)-1], iv[0])
		}
	}
	same := 0
	for i := range runs[0] {
		if runs[0][i] == runs[1][i] && runs[1][i] == runs[2][i] {
			same++
		}
	}
	if same > 1 {
		t.Errorf("%d of %d waits are identical in three runs: no jitter? %v", same, len(runs[0]), runs)
	}
}

// RetryPolicy.MaxInterval is documented as the "largest backoff".
func TestRetryBackoffNeverExceedsMaxInterval(t *testing.T) {
	t.Parallel()
	policy := pinterest.RetryPolicy{
		MaxAttempts:     20,
		MaxElapsed:      time.Hour,
		InitialInterval: 100 * time.Millisecond,
		MaxInterval:     time.Second,
	}
	env := retrySetup(t, pinterest.WithRetry(policy))
	env.srv.Enqueue(retryRepeat(pinteresttest.Fault{Status: http.StatusServiceUnavailable}, 25)...)
	res, err := retrySend(t, context.Background(), env.client, testAccount, validEvents("cap", 1))
	retryAllFailed(t, res, err, pinterest.ErrUnavailable)
	retryCheckAttempts(t, env, res, 20)
	var over []time.Duration
	for _, w := range env.rt.intervals() {
		if w > policy.MaxInterval {
			over = append(over, w)
		}
	}
	if len(over) > 0 {
		t.Errorf("%d of %d waits exceed MaxInterval %v: %v", len(over), len(env.rt.intervals()), policy.MaxInterval, over)
	}
}

// 4 and 5. Faults: what is retried, with and without ambiguous retries, and
// what the server recorded.

type retryFaultCase struct {
	name      string
	fault     pinteresttest.Fault
	ambiguous bool  // the request may have been processed: not retried with WithoutAmbiguousRetries
	target    error // the single-attempt failure matches it
	timeout   bool  // the fault is a delay longer than the attempt timeout
}

func retryFaultCases() []retryFaultCase {
	return []retryFaultCase{
		{name: "429", fault: pinteresttest.Fault{Status: 429}, target: pinterest.ErrRateLimited},
		{name: "503", fault: pinteresttest.Fault{Status: 503}, target: pinterest.ErrUnavailable},
		{name: "503-html", fault: pinteresttest.Fault{Status: 503, Body: retryHTML}, target: pinterest.ErrUnavailable},
		{name: "500", fault: pinteresttest.Fault{Status: 500}, ambiguous: true, target: pinterest.ErrServer},
		{name: "502", fault: pinteresttest.Fault{Status: 502}, ambiguous: true, target: pinterest.ErrServer},
		{name: "502-html", fault: pinteresttest.Fault{Status: 502, Body: retryHTML}, ambiguous: true, target: pinterest.ErrServer},
		{name: "504", fault: pinteresttest.Fault{Status: 504}, ambiguous: true, target: pinterest.ErrServer},
		{name: "500-truncated", fault: pinteresttest.Fault{Status: 500, Truncate: true}, ambiguous: true, target: pinterest.ErrServer},
		{name: "drop", fault: pinteresttest.Fault{Drop: true}, ambiguous: true},
		{name: "truncate", fault: pinteresttest.Fault{Truncate: true}, ambiguous: true, target: pinterest.ErrMalformedResponse},
		{name: "html-200", fault: pinteresttest.Fault{Body: retryHTML}, ambiguous: true, target: pinterest.ErrMalformedResponse},
		{name: "json-200-no-events", fault: pinteresttest.Fault{Body: `{"num_events_received":3}`}, ambiguous: true, target: pinterest.ErrMalformedResponse},
		{name: "timeout", fault: pinteresttest.Fault{Delay: 2 * time.Second}, ambiguous: true, target: context.DeadlineExceeded, timeout: true},
	}
}

func TestRetryFaults(t *testing.T) {
	for _, tc := range retryFaultCases() {
		for _, strict := range []bool{false, true} {
			name := tc.name
			if strict {
				name += "/WithoutAmbiguousRetries"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				var opts []pinterest.Option
				if tc.timeout {
					opts = append(opts, pinterest.WithTimeout(150*time.Millisecond))
				}
				if strict {
					opts = append(opts, pinterest.WithoutAmbiguousRetries())
				}
				env := retrySetup(t, opts...)
				env.srv.Enqueue(tc.fault, tc.fault)
				evs := validEvents("fault", 3)
				start := time.Now()
				res, err := retrySend(t, context.Background(), env.client, testAccount, evs)
				if d := time.Since(start); d > 5*time.Second {
					t.Errorf("Send took %v of real time", d)
				}
				retryCheckRecordedOnce(t, env.srv, res)
				if strict && tc.ambiguous {
					retryAllFailed(t, res, err, tc.target)
					retryCheckAttempts(t, env, res, 1)
					for _, r := range res.Results {
						if tc.fault.Drop || tc.timeout {
							var te *pinterest.TransportError
							if !errors.As(r.Err, &te) {
								t.Errorf("Err = %v, want a *TransportError", r.Err)
							}
						}
						if tc.fault.Status != 0 || tc.fault.Body != "" || tc.fault.Truncate {
							st := tc.fault.Status
							if st == 0 {
								st = http.StatusOK
							}
							retryAPIError(t, r.Err, st)
						}
					}
					return
				}
				retryAllProcessed(t, res, err)
				retryCheckAttempts(t, env, res, 3)
			})
		}
	}
}

// A connection that is refused never reached Pinterest: it is retried even
// WithoutAmbiguousRetries.
func TestRetryConnectionRefused(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	clk := clock.NewAuto(time.Now())
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	rt := &retryTransport{clk: clk, base: tr}
	c, err := pinterest.NewClient("test-token",
		pinterest.WithBaseURL("http://"+addr),
		pinterest.WithHTTPClient(&http.Client{Transport: rt}),
		pinterest.WithClock(clk),
		pinterest.WithRetry(pinterest.RetryPolicy{MaxAttempts: 3}),
		pinterest.WithoutAmbiguousRetries())
	if err != nil {
		t.Fatal(err)
	}
	evs := validEvents("refused", 2)
	res, err := retrySend(t, context.Background(), c, testAccount, evs)
	retryAllFailed(t, res, err, nil)
	for i, r := range res.Results {
		var te *pinterest.TransportError
		if !errors.As(r.Err, &te) {
			t.Errorf("Results[%d].Err = %v, want a *TransportError", i, r.Err)
		}
		if r.Attempts != 3 {
			t.Errorf("Results[%d].Attempts = %d, want 3", i, r.Attempts)
		}
	}
	if n := len(rt.times()); n != 3 {
		t.Errorf("%d round trips, want 3", n)
	}
}

func TestRetryOther4xxNeverRetried(t *testing.T) {
	for _, tc := range []struct {
		status int
		target error
	}{
		{400, pinterest.ErrInvalidRequest},
		{401, pinterest.ErrUnauthorized},
		{403, pinterest.ErrForbidden},
		{404, pinterest.ErrInvalidRequest},
		{405, nil},
		{409, nil},
		// 413 is not retried either, but halved: see sizebudget_test.go.
		{422, pinterest.ErrNotAllProcessed},
	} {
		t.Run(strconv.Itoa(tc.status), func(t *testing.T) {
			t.Parallel()
			env := retrySetup(t)
			// Even with a Retry-After, a 4xx other than 429 is final.
			env.srv.Enqueue(retryRepeat(pinteresttest.Fault{Status: tc.status, RetryAfter: "1"}, 3)...)
			evs := validEvents("4xx", 3)
			res, err := retrySend(t, context.Background(), env.client, testAccount, evs)
			retryAllFailed(t, res, err, tc.target)
			retryCheckAttempts(t, env, res, 1)
			retryCheckRecordedOnce(t, env.srv, res)
			for _, r := range res.Results {
				retryAPIError(t, r.Err, tc.status)
			}
		})
	}
}

// The server recorded the events, then the answer was lost or unusable. A
// retry makes the server record them again: the documented ambiguity, which
// WithoutAmbiguousRetries avoids at the cost of reporting them failed.
func TestRetryProcessedThenFailedAnswer(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault pinteresttest.Fault
	}{
		{"500", pinteresttest.Fault{Status: 500, Process: true}},
		{"502", pinteresttest.Fault{Status: 502, Process: true}},
		{"504", pinteresttest.Fault{Status: 504, Process: true}},
		{"drop", pinteresttest.Fault{Drop: true, Process: true}},
		{"truncate", pinteresttest.Fault{Truncate: true, Process: true}},
		{"html-200", pinteresttest.Fault{Body: retryHTML, Process: true}},
	} {
		for _, strict := range []bool{false, true} {
			name := tc.name
			if strict {
				name += "/WithoutAmbiguousRetries"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				var opts []pinterest.Option
				if strict {
					opts = append(opts, pinterest.WithoutAmbiguousRetries())
				}
				env := retrySetup(t, opts...)
				env.srv.Enqueue(tc.fault)
				evs := validEvents("dup", 3)
				res, err := retrySend(t, context.Background(), env.client, testAccount, evs)
				rec := retryRecorded(env.srv)
				wantRec, wantAttempts := 2, 2
				if strict {
					wantRec, wantAttempts = 1, 1
					retryAllFailed(t, res, err, nil)
				} else {
					retryAllProcessed(t, res, err)
				}
				retryCheckAttempts(t, env, res, wantAttempts)
				for _, ev := range evs {
					if rec[ev.EventID()] != wantRec {
						t.Errorf("event %q recorded %d times, want %d", ev.EventID(), rec[ev.EventID()], wantRec)
					}
				}
				if n := len(env.srv.Events()); n != wantRec*len(evs) {
					t.Errorf("server recorded %d events, want %d", n, wantRec*len(evs))
				}
			})
		}
	}
}

// Some events processed, some failed by Pinterest (per-event statuses): the
// answer is final, nothing is retried.
func TestRetryPartialFailureNotRetried(t *testing.T) {
	for _, st := range []int{http.StatusOK, http.StatusUnprocessableEntity} {
		t.Run(strconv.Itoa(st), func(t *testing.T) {
			t.Parallel()
			srv := pinteresttest.NewServerT(t, pinteresttest.WithPartialFailureStatus(st))
			srv.FailEvents(func(e pinteresttest.Event) string {
				if strings.HasSuffix(e.EventID, "-00001") {
					return "bad event"
				}
				return ""
			})
			clk := clock.NewAuto(time.Now())
			tr := http.DefaultTransport.(*http.Transport).Clone()
			t.Cleanup(tr.CloseIdleConnections)
			rt := &retryTransport{clk: clk, base: tr}
			c, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(srv.URL),
				pinterest.WithHTTPClient(&http.Client{Transport: rt}), pinterest.WithClock(clk))
			if err != nil {
				t.Fatal(err)
			}
			env := &retryEnv{srv: srv, clk: clk, rt: rt, client: c}
			srv.Enqueue(pinteresttest.Fault{Status: 503})
			evs := validEvents("partial", 3)
			res, err := retrySend(t, context.Background(), c, testAccount, evs)
			if res.Processed != 2 || res.Failed != 1 || !errors.Is(err, pinterest.ErrEventRejected) {
				t.Errorf("Processed %d Failed %d err %v, want 2, 1, ErrEventRejected", res.Processed, res.Failed, err)
			}
			retryCheckAttempts(t, env, res, 2) // the 503, then the final answer
			retryCheckRecordedOnce(t, srv, res)
		})
	}
}

// 6. Deadlines, MaxAttempts and MaxElapsed.

func TestRetryStopsAtContextDeadline(t *testing.T) {
	t.Parallel()
	env := retrySetupClock(t, nil) // real clock: contexts use real time
	env.srv.Enqueue(retryRepeat(pinteresttest.Fault{Status: 429, RetryAfter: "30"}, 10)...)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	evs := validEvents("deadline", 3)
	start := time.Now()
	res, err := retrySend(t, ctx, env.client, testAccount, evs)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Send returned after %v, want well before the 30s Retry-After", d)
	}
	if err == nil {
		t.Fatal("Send: nil error")
	}
	for i, r := range res.Results {
		if r.OK() {
			t.Errorf("Results[%d] processed", i)
			continue
		}
		if !errors.Is(r.Err, pinterest.ErrRateLimited) && !errors.Is(r.Err, context.DeadlineExceeded) {
			t.Errorf("Results[%d].Err = %v, want the 429 or context.DeadlineExceeded", i, r.Err)
		}
		if r.Attempts < 1 {
			t.Errorf("Results[%d].Attempts = %d", i, r.Attempts)
		}
	}
	retryCheckRecordedOnce(t, env.srv, res)
}

// Short real backoffs that run into the deadline: the retry in progress is cut.
func TestRetryStopsAtContextDeadlineDuringBackoff(t *testing.T) {
	t.Parallel()
	env := retrySetupClock(t, nil,
		pinterest.WithRetry(pinterest.RetryPolicy{MaxAttempts: 1000, InitialInterval: 40 * time.Millisecond, MaxInterval: 40 * time.Millisecond}),
		pinterest.WithoutRateLimit())
	env.srv.Enqueue(retryRepeat(pinteresttest.Fault{Status: 503}, 1000)...)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	res, err := retrySend(t, ctx, env.client, testAccount, validEvents("deadline2", 2))
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Send returned after %v", d)
	}
	retryAllFailed(t, res, err, nil)
	for i, r := range res.Results {
		if !errors.Is(r.Err, pinterest.ErrUnavailable) && !errors.Is(r.Err, context.DeadlineExceeded) {
			t.Errorf("Results[%d].Err = %v, want the 503 or context.DeadlineExceeded", i, r.Err)
		}
		if r.Attempts < 2 || r.Attempts >= 1000 {
			t.Errorf("Results[%d].Attempts = %d", i, r.Attempts)
		}
	}
}

func TestRetryCancelledContextSendsNothing(t *testing.T) {
	t.Parallel()
	env := retrySetup(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	evs := validEvents("cancelled", 2)
	res, err := retrySend(t, ctx, env.client, testAccount, evs)
	retryAllFailed(t, res, err, context.Canceled)
	retryCheckAttempts(t, env, res, 0)
}

func TestRetryMaxElapsed(t *testing.T) {
	t.Parallel()
	env := retrySetup(t, pinterest.WithRetry(pinterest.RetryPolicy{MaxElapsed: 10 * time.Second}))
	env.srv.Enqueue(retryRepeat(pinteresttest.Fault{Status: 503, RetryAfter: "4"}, 20)...)
	evs := validEvents("elapsed", 2)
	res, err := retrySend(t, context.Background(), env.client, testAccount, evs)
	retryAllFailed(t, res, err, pinterest.ErrUnavailable)
	// Attempts at 0s, 4s, 8s; a fourth would start at 12s > 10s.
	retryCheckAttempts(t, env, res, 3)
	ts := env.rt.times()
	if d := ts[len(ts)-1].Sub(ts[0]); d > 10*time.Second {
		t.Errorf("last attempt %v after the first, beyond MaxElapsed", d)
	}
	for i, w := range env.rt.intervals() {
		if w < 4*time.Second {
			t.Errorf("interval %d = %v, want >= Retry-After 4s", i, w)
		}
	}
}

// 7. The body of every attempt.

func TestRetryBodyRebuiltIdentical(t *testing.T) {
	t.Parallel()
	env := retrySetup(t)
	env.srv.Enqueue(
		pinteresttest.Fault{Status: 429},
		pinteresttest.Fault{Status: 503},
		pinteresttest.Fault{Drop: true},
		pinteresttest.Fault{Status: 500},
	)
	evs := validEvents("body", 4)
	evs[2].Custom(pinterest.CustomData{Currency: "USD", Value: "12.50", OrderID: "o-2"})
	res, err := retrySend(t, context.Background(), env.client, testAccount, evs)
	retryAllProcessed(t, res, err)
	reqs := env.srv.Requests()
	if len(reqs) != 5 {
		t.Fatalf("%d requests, want 5", len(reqs))
	}
	for i, r := range reqs {
		if !json.Valid(r.Body) {
			t.Errorf("attempt %d: body is not valid JSON: %.200q", i, r.Body)
		}
		if string(r.Body) != string(reqs[0].Body) {
			t.Errorf("attempt %d: body differs from the first attempt's\n got %.300s\nwant %.300s", i, r.Body, reqs[0].Body)
		}
		if int64(len(r.Body)) != retryContentLength(r) {
			t.Errorf("attempt %d: Content-Length %d for a body of %d bytes", i, retryContentLength(r), len(r.Body))
		}
	}
	var body struct {
		Data []struct {
			EventID string `json:"event_id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(reqs[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	if len(body.Data) != len(evs) {
		t.Fatalf("body has %d events, want %d", len(body.Data), len(evs))
	}
	for i, d := range body.Data {
		if d.EventID != evs[i].EventID() {
			t.Errorf("data[%d].event_id = %q, want %q", i, d.EventID, evs[i].EventID())
		}
	}
	retryCheckRecordedOnce(t, env.srv, res)
}

// retryContentLength reads the Content-Length header of a recorded request
// (the body's length when the header was not recorded; -1 if malformed).
func retryContentLength(r pinteresttest.Request) int64 {
	v := r.Header.Get("Content-Length")
	if v == "" {
		return int64(len(r.Body)) // not recorded: nothing to compare
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// 8. A 429 slows the limiter.

type retryPenalty struct {
	acct string
	d    time.Duration
}

// retryLimiter is a Limiter and Penalizer that lets everything through and
// records its calls.
type retryLimiter struct {
	mu    sync.Mutex
	waits map[string]int
	pens  []retryPenalty
}

func (l *retryLimiter) Wait(ctx context.Context, acct string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.waits == nil {
		l.waits = make(map[string]int)
	}
	l.waits[acct]++
	return nil
}

func (l *retryLimiter) Penalize(acct string, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pens = append(l.pens, retryPenalty{acct, d})
}

func (l *retryLimiter) penalties() []retryPenalty {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]retryPenalty(nil), l.pens...)
}

func (l *retryLimiter) waited(acct string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.waits[acct]
}

var (
	_ pinterest.Limiter   = (*retryLimiter)(nil)
	_ pinterest.Penalizer = (*retryLimiter)(nil)
)

func TestRetryPenalizeOn429(t *testing.T) {
	for _, tc := range []struct {
		name    string
		faults  []pinteresttest.Fault
		pens    int
		minD    time.Duration
		attempt int
	}{
		{"429x2", retryRepeat(pinteresttest.Fault{Status: 429}, 2), 2, time.Nanosecond, 3},
		{"429-retry-after", []pinteresttest.Fault{{Status: 429, RetryAfter: "7"}}, 1, 7 * time.Second, 2},
		{"503x2", retryRepeat(pinteresttest.Fault{Status: 503}, 2), 0, 0, 3},
		{"503-retry-after", []pinteresttest.Fault{{Status: 503, RetryAfter: "7"}}, 0, 0, 2},
		{"500", []pinteresttest.Fault{{Status: 500}}, 0, 0, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			lim := &retryLimiter{}
			env := retrySetup(t, pinterest.WithLimiter(lim))
			env.srv.Enqueue(tc.faults...)
			res, err := retrySend(t, context.Background(), env.client, testAccount, validEvents("pen", 2))
			retryAllProcessed(t, res, err)
			retryCheckAttempts(t, env, res, tc.attempt)
			if n := lim.waited(testAccount); n != tc.attempt {
				t.Errorf("limiter Wait called %d times, want once per attempt (%d)", n, tc.attempt)
			}
			pens := lim.penalties()
			if len(pens) != tc.pens {
				t.Fatalf("Penalize called %d times (%v), want %d", len(pens), pens, tc.pens)
			}
			for _, p := range pens {
				if p.acct != testAccount || p.d < tc.minD || p.d <= 0 {
					t.Errorf("Penalize(%q, %v), want (%q, >= %v and > 0)", p.acct, p.d, testAccount, tc.minD)
				}
			}
		})
	}
}

// WithLimiter: "If l also implements Penalizer, it is told when Pinterest
// answers 429" — also when that 429 is the last attempt (no retry follows), so
// that a fleet-wide limiter slows the other callers down.
func TestRetryPenalizeOnEvery429(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  pinterest.Option
		want int
	}{
		{"WithoutRetries", pinterest.WithoutRetries(), 1},
		{"MaxAttempts3", pinterest.WithRetry(pinterest.RetryPolicy{MaxAttempts: 3}), 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			lim := &retryLimiter{}
			env := retrySetup(t, pinterest.WithLimiter(lim), tc.opt)
			env.srv.Enqueue(retryRepeat(pinteresttest.Fault{Status: 429}, 10)...)
			res, err := retrySend(t, context.Background(), env.client, testAccount, validEvents("pen-all", 2))
			retryAllFailed(t, res, err, pinterest.ErrRateLimited)
			retryCheckAttempts(t, env, res, tc.want)
			if pens := lim.penalties(); len(pens) != tc.want {
				t.Errorf("%d answers 429 but Penalize called %d times (%v)", tc.want, len(pens), pens)
			}
		})
	}
}

// The default limiter is penalized by a 429 too: the next calls for the ad
// account wait (on the fake clock), other ad accounts do not.
func TestRetry429PenalizesDefaultLimiter(t *testing.T) {
	t.Parallel()
	env := retrySetup(t, pinterest.WithoutRetries())
	env.srv.Enqueue(pinteresttest.Fault{Status: 429, RetryAfter: "20"})
	_, err := env.client.Send(context.Background(), testAccount, validEvents("dl-a", 1)...)
	if !errors.Is(err, pinterest.ErrRateLimited) {
		t.Fatalf("Send: %v, want ErrRateLimited", err)
	}
	t0 := env.clk.Now()
	if _, err := env.client.Send(context.Background(), "1234", validEvents("dl-b", 1)...); err != nil {
		t.Fatalf("other account: %v", err)
	}
	if d := env.clk.Now().Sub(t0); d != 0 {
		t.Errorf("another ad account waited %v after a 429", d)
	}
	if _, err := env.client.Send(context.Background(), testAccount, validEvents("dl-c", 1)...); err != nil {
		t.Fatalf("same account: %v", err)
	}
	if d := env.clk.Now().Sub(t0); d < 20*time.Second {
		t.Errorf("the next call of the ad account answered 429 (Retry-After 20) went out %v later, want >= 20s", d)
	}
}

// 9. Many concurrent Sends.

func TestRetryConcurrentSends(t *testing.T) {
	t.Parallel()
	const (
		goroutines = 50
		accounts   = 20
		perSend    = 10
	)
	env := retrySetup(t, pinterest.WithMaxEventsPerRequest(4))
	var faults []pinteresttest.Fault
	for i := 0; i < 12; i++ {
		faults = append(faults, pinteresttest.Fault{Status: 429}, pinteresttest.Fault{}, pinteresttest.Fault{Status: 503, RetryAfter: "1"}, pinteresttest.Fault{})
	}
	env.srv.Enqueue(faults...)

	acctOf := func(g int) string { return strconv.Itoa(1000 + g%accounts) }
	type out struct {
		res *pinterest.Response
		err error
		evs []*pinterest.Event
	}
	outs := make([]out, goroutines)
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			evs := validEvents("g"+strconv.Itoa(g), perSend)
			res, err := env.client.Send(context.Background(), acctOf(g), evs...)
			outs[g] = out{res, err, evs}
		}()
	}
	wg.Wait()

	rec := retryRecorded(env.srv)
	requests := 0
	for g, o := range outs {
		retryCheckResponse(t, o.res, o.err, o.evs)
		retryAllProcessed(t, o.res, o.err)
		requests += o.res.Attempts
		for _, r := range o.res.Results {
			if rec[r.EventID] != 1 {
				t.Errorf("goroutine %d: event %q recorded %d times", g, r.EventID, rec[r.EventID])
			}
			if r.Attempts < 1 {
				t.Errorf("goroutine %d: event %q Attempts %d", g, r.EventID, r.Attempts)
			}
		}
	}
	if n := len(env.srv.Events()); n != goroutines*perSend {
		t.Errorf("server recorded %d events, want %d", n, goroutines*perSend)
	}
	reqs := env.srv.Requests()
	if requests != len(reqs) {
		t.Errorf("sum of Response.Attempts = %d, server saw %d", requests, len(reqs))
	}
	minReqs := goroutines*3 + 24 // 3 requests of <= 4 events per Send, plus one retry per 429/503
	if len(reqs) != minReqs {
		t.Errorf("server saw %d requests, want %d", len(reqs), minReqs)
	}
	idRE := regexp.MustCompile(`"event_id":"g(\d+)-`)
	carried := 0
	for i, r := range reqs {
		for _, m := range idRE.FindAllSubmatch(r.Body, -1) {
			carried++
			g, _ := strconv.Atoi(string(m[1]))
			if r.AdAccountID != acctOf(g) {
				t.Errorf("request %d for account %s carries an event of goroutine %d (account %s)", i, r.AdAccountID, g, acctOf(g))
			}
		}
	}
	if carried < goroutines*perSend {
		t.Errorf("requests carried %d event ids, want at least %d", carried, goroutines*perSend)
	}
}

// 10. Options.

func TestRetryOptionErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  pinterest.Option
		want []string // substrings of the error
	}{
		{"WithRateLimit(0)", pinterest.WithRateLimit(0), []string{"WithRateLimit", "0"}},
		{"WithRateLimit(-1)", pinterest.WithRateLimit(-1), []string{"WithRateLimit", "-1"}},
		{"WithRateLimit(MinInt)", pinterest.WithRateLimit(math.MinInt), []string{"WithRateLimit", strconv.Itoa(math.MinInt)}},
		{"MaxAttempts", pinterest.WithRetry(pinterest.RetryPolicy{MaxAttempts: -1}), []string{"WithRetry"}},
		{"MaxElapsed", pinterest.WithRetry(pinterest.RetryPolicy{MaxElapsed: -time.Second}), []string{"WithRetry"}},
		{"InitialInterval", pinterest.WithRetry(pinterest.RetryPolicy{InitialInterval: -1}), []string{"WithRetry"}},
		{"MaxInterval", pinterest.WithRetry(pinterest.RetryPolicy{MaxInterval: -time.Minute}), []string{"WithRetry"}},
		{"MaxRetryAfter", pinterest.WithRetry(pinterest.RetryPolicy{MaxRetryAfter: -time.Second}), []string{"WithRetry"}},
		{"Initial>Max", pinterest.WithRetry(pinterest.RetryPolicy{InitialInterval: 2 * time.Second, MaxInterval: time.Second}), []string{"WithRetry"}},
		{"WithTimeout(0)", pinterest.WithTimeout(0), []string{"WithTimeout"}},
		{"WithLimiter(nil)", pinterest.WithLimiter(nil), []string{"WithLimiter"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := pinterest.NewClient("test-token", tc.opt)
			if err == nil {
				t.Fatalf("NewClient succeeded (%v), want an error", c)
			}
			if c != nil {
				t.Errorf("NewClient returned a client with the error %v", err)
			}
			for _, w := range tc.want {
				if !regexp.MustCompile(`(^|[^0-9-])` + regexp.QuoteMeta(w) + `($|[^0-9])`).MatchString(err.Error()) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
		})
	}
	for _, p := range []pinterest.RetryPolicy{
		{},
		{MaxAttempts: 1},
		{MaxAttempts: 10, MaxElapsed: time.Hour, InitialInterval: time.Millisecond, MaxInterval: time.Hour, MaxRetryAfter: time.Hour},
	} {
		if _, err := pinterest.NewClient("test-token", pinterest.WithRetry(p)); err != nil {
			t.Errorf("WithRetry(%+v): %v", p, err)
		}
	}
	if _, err := pinterest.NewClient("test-token", pinterest.WithRateLimit(1)); err != nil {
		t.Errorf("WithRateLimit(1): %v", err)
	}
}

// retrySpan sends n events one per request and returns how much fake time the
// Send took.
func retrySpan(t *testing.T, opts ...pinterest.Option) time.Duration {
	t.Helper()
	env := retrySetup(t, append([]pinterest.Option{pinterest.WithMaxEventsPerRequest(1), pinterest.WithConcurrency(1)}, opts...)...)
	t0 := env.clk.Now()
	res, err := retrySend(t, context.Background(), env.client, testAccount, validEvents("span", 5))
	retryAllProcessed(t, res, err)
	if n := len(env.srv.Requests()); n != 5 {
		t.Errorf("%d requests, want 5", n)
	}
	return env.clk.Now().Sub(t0)
}

func TestRetryRateLimitOptions(t *testing.T) {
	t.Parallel()
	// 1 call per minute: five calls span at least four minutes.
	if d := retrySpan(t, pinterest.WithRateLimit(1)); d < 4*time.Minute {
		t.Errorf("WithRateLimit(1): 5 calls in %v, want >= 4m", d)
	}
	// WithoutRateLimit turns it off, whatever came before.
	if d := retrySpan(t, pinterest.WithRateLimit(1), pinterest.WithoutRateLimit()); d != 0 {
		t.Errorf("WithoutRateLimit: 5 calls took %v, want no wait", d)
	}
	if d := retrySpan(t, pinterest.WithLimiter(&retryLimiter{}), pinterest.WithoutRateLimit()); d != 0 {
		t.Errorf("WithLimiter then WithoutRateLimit: 5 calls took %v, want no wait", d)
	}
	// The last option wins.
	if d := retrySpan(t, pinterest.WithoutRateLimit(), pinterest.WithRateLimit(1)); d < 4*time.Minute {
		t.Errorf("WithoutRateLimit then WithRateLimit(1): 5 calls in %v, want >= 4m", d)
	}
	// The default (5,000 per minute, burst 100) lets 5 calls through at once.
	if d := retrySpan(t); d != 0 {
		t.Errorf("default limit: 5 calls took %v, want no wait", d)
	}
	// A custom limiter replaces the default one.
	lim := &retryLimiter{}
	if d := retrySpan(t, pinterest.WithRateLimit(1), pinterest.WithLimiter(lim)); d != 0 {
		t.Errorf("WithLimiter: 5 calls took %v", d)
	}
	if n := lim.waited(testAccount); n != 5 {
		t.Errorf("custom limiter Wait called %d times, want 5", n)
	}
}
