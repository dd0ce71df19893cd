package pinterest_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/google/go-cmp/cmp"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/internal/clock"
	"github.com/capisdk/pinterest/pinteresttest"
)

// obsKey marks the contexts that a recording Observer returns.
type obsKey struct{}

// recorder is an Observer that writes down every hook call, without the
// durations that vary from run to run.
type recorder struct {
	mu    sync.Mutex
	calls []string
}

func (r *recorder) add(format string, args ...any) {
	r.mu.Lock()
	r.calls = append(r.calls, fmt.Sprintf(format, args...))
	r.mu.Unlock()
}

func (r *recorder) taken() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.calls
	r.calls = nil
	return out
}

// marks returns the obsKey values of ctx, outermost last.
func marks(ctx context.Context) string {
	v, _ := ctx.Value(obsKey{}).(string)
	return v
}

func (r *recorder) observer() *pinterest.Observer {
	return &pinterest.Observer{
		RequestStart: func(ctx context.Context, i pinterest.RequestStartInfo) context.Context {
			r.add("start %s events=%d attempt=%d server=%s test=%t ctx=%s", i.AdAccountID, i.Events, i.Attempt, i.ServerAddress, i.Test, marks(ctx))
			return context.WithValue(ctx, obsKey{}, marks(ctx)+"/attempt")
		},
		RequestEnd: func(ctx context.Context, i pinterest.RequestEndInfo) {
			r.add("end attempt=%d status=%d outcome=%s cause=%s ctx=%s", i.Attempt, i.StatusCode, i.Outcome, i.Cause, marks(ctx))
		},
		Retry: func(ctx context.Context, i pinterest.RetryInfo) {
			r.add("retry attempt=%d reason=%s status=%d retry=%t wait=%v giveup=%s", i.Attempt, i.Reason, i.StatusCode, i.Retry, i.Wait, i.GiveUp)
		},
		LimiterWait: func(ctx context.Context, i pinterest.LimiterWaitInfo) {
			r.add("limiter %s cause=%s ctx=%s", i.AdAccountID, i.Cause, marks(ctx))
		},
		Events: func(ctx context.Context, i pinterest.EventsInfo) {
			r.add("events %s %s cause=%s count=%d ctx=%s", i.AdAccountID, i.Outcome, i.Cause, i.Count, marks(ctx))
		},
		ValueDropped: func(ctx context.Context, i pinterest.ValueDroppedInfo) {
			r.add("dropped %s %s: %s", i.AdAccountID, i.Field, i.Reason)
		},
		BatchAdd: func(ctx context.Context, i pinterest.BatchAddInfo) any {
			r.add("add %s events=%d ctx=%s", i.AdAccountID, i.Events, marks(ctx))
			if m := marks(ctx); m != "" {
				return m
			}
			return nil
		},
		BatchStart: func(ctx context.Context, i pinterest.BatchStartInfo) context.Context {
			r.add("batch %s events=%d links=%v ctx=%s", i.AdAccountID, i.Events, i.Links, marks(ctx))
			return context.WithValue(ctx, obsKey{}, "batch")
		},
		BatchEnd: func(ctx context.Context, i pinterest.BatchEndInfo) {
			r.add("batch end events=%d processed=%d failed=%d ctx=%s", i.Events, i.Processed, i.Failed, marks(ctx))
		},
		BatcherStart: func(b *pinterest.Batcher) { r.add("batcher start %s", b.AdAccountID()) },
		BatcherStop:  func(b *pinterest.Batcher) { r.add("batcher stop %s", b.AdAccountID()) },
	}
}

// obsClient returns a client of srv observed by rec, retrying twice after
// 5ms exactly.
func obsClient(t *testing.T, srv *pinteresttest.Server, rec *recorder, opts ...pinterest.Option) *pinterest.Client {
	t.Helper()
	c, err := pinterest.NewClient("test-token", append([]pinterest.Option{
		pinterest.WithBaseURL(srv.URL),
		pinterest.WithObserver(rec.observer()),
		pinterest.WithRetry(pinterest.RetryPolicy{MaxAttempts: 2,
			NewBackOff: func() backoff.BackOff { return backoff.NewConstantBackOff(5 * time.Millisecond) }}),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestObserverSend checks the hooks a Send calls, in order, with what they
// are told, for a request retried after a 429 and one that gives up.
func TestObserverSend(t *testing.T) {
	tests := []struct {
		name   string
		faults []pinteresttest.Fault
		want   []string
	}{
		{"429 then processed", []pinteresttest.Fault{{Status: 429, RetryAfter: "0"}}, []string{
			"limiter 549755885175 cause= ctx=send",
			"start 549755885175 events=2 attempt=1 server=127.0.0.1 test=false ctx=send",
			"end attempt=1 status=429 outcome=failed cause=rate_limited ctx=send/attempt",
			"retry attempt=1 reason=rate_limited status=429 retry=true wait=5ms giveup=",
			"limiter 549755885175 cause= ctx=send",
			"start 549755885175 events=2 attempt=2 server=127.0.0.1 test=false ctx=send",
			"end attempt=2 status=200 outcome=processed cause= ctx=send/attempt",
			"dropped 549755885175 user_data.ph: fewer than 7 digits",
			"events 549755885175 processed cause= count=2 ctx=send",
			"events 549755885175 failed cause=invalid count=1 ctx=send",
		}},
		{"503 twice: gives up", []pinteresttest.Fault{{Status: 503}, {Status: 502, Body: "<html>"}}, []string{
			"limiter 549755885175 cause= ctx=send",
			"start 549755885175 events=2 attempt=1 server=127.0.0.1 test=false ctx=send",
			"end attempt=1 status=503 outcome=failed cause=unavailable ctx=send/attempt",
			"retry attempt=1 reason=unavailable status=503 retry=true wait=5ms giveup=",
			"limiter 549755885175 cause= ctx=send",
			"start 549755885175 events=2 attempt=2 server=127.0.0.1 test=false ctx=send",
			"end attempt=2 status=502 outcome=unknown cause=malformed_response ctx=send/attempt",
			"retry attempt=2 reason=malformed_response status=502 retry=false wait=0s giveup=max_attempts",
			"dropped 549755885175 user_data.ph: fewer than 7 digits",
			"events 549755885175 unknown cause=outcome_unknown count=2 ctx=send",
			"events 549755885175 failed cause=invalid count=1 ctx=send",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pinteresttest.NewServerT(t)
			srv.Enqueue(tt.faults...)
			rec := &recorder{}
			c := obsClient(t, srv, rec)
			ctx := context.WithValue(context.Background(), obsKey{}, "send")
			evs := []*pinterest.Event{
				pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).ID("a").User(pinterest.NewUserData().Email("a@example.com").Phone("12")),
				pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).User(pinterest.NewUserData().Email("b@example.com")), // no id
				pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).ID("c").User(pinterest.NewUserData().Email("c@example.com")),
			}
			c.Send(ctx, testAccount, evs...)
			got := rec.taken()
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("hook calls (-want +got):\n%s", diff)
			}
			for _, call := range got {
				for _, secret := range []string{"test-token", "example.com", "\"a\"", "id=a"} {
					if strings.Contains(call, secret) {
						t.Errorf("hook told %q: %s", secret, call)
					}
				}
			}
		})
	}
}

// TestObserverRequestContext checks that the context RequestStart returns is
// the one the HTTP request is made with, so that a tracing RoundTripper nests
// under the attempt's span.
func TestObserverRequestContext(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	rec := &recorder{}
	var seen []string
	var mu sync.Mutex
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		seen = append(seen, marks(r.Context()))
		mu.Unlock()
		return srv.Client().Transport.RoundTrip(r)
	})
	c := obsClient(t, srv, rec, pinterest.WithHTTPClient(&http.Client{Transport: rt}))
	if _, err := c.Send(context.WithValue(context.Background(), obsKey{}, "caller"), testAccount, batchEvent("x")); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"caller/attempt"}, seen); diff != "" {
		t.Errorf("the request's context (-want +got):\n%s", diff)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestObserverLimiterCause checks the cause a limiter wait that fails is
// reported with, and that the events it held back are counted.
func TestObserverLimiterCause(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	rec := &recorder{}
	c := obsClient(t, srv, rec, pinterest.WithLimiter(failingLimiter{}))
	c.Send(context.Background(), testAccount, batchEvent("x"))
	want := []string{
		"limiter 549755885175 cause=limiter ctx=",
		"events 549755885175 failed cause=other count=1 ctx=",
	}
	if diff := cmp.Diff(want, rec.taken()); diff != "" {
		t.Errorf("hook calls (-want +got):\n%s", diff)
	}
}

type failingLimiter struct{}

func (failingLimiter) Wait(context.Context, string) error { return fmt.Errorf("limiter backend down") }

// TestObserverBatcher checks a Batcher's hooks: BatcherStart and BatcherStop
// once each (Close twice), BatchAdd once per Add with its context, its links
// handed to BatchStart per event in queue order, and the context BatchStart
// returns carried through the batch's Send to BatchEnd.
func TestObserverBatcher(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	rec := &recorder{}
	c := obsClient(t, srv, rec)
	b, err := c.NewBatcher(testAccount, pinterest.WithBatchSize(3), pinterest.WithSenders(1), pinterest.WithFlushInterval(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	b.Add(context.WithValue(ctx, obsKey{}, "h1"), batchEvent("1"), batchEvent("2"))
	b.Add(ctx, batchEvent("3"))
	b.Add(context.WithValue(ctx, obsKey{}, "h2"), batchEvent("4"))
	if err := b.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(ctx); err != nil {
		t.Fatal(err)
	}
	// Add's hooks run on the caller's goroutine and the batch's on the
	// sender's: the first batch (full after event 3) may start before or
	// after the fourth Add, so each goroutine's calls are compared in order.
	wantAdds := []string{
		"add 549755885175 events=2 ctx=h1",
		"add 549755885175 events=1 ctx=",
		"add 549755885175 events=1 ctx=h2",
	}
	want := []string{
		"batcher start 549755885175",
		"batch 549755885175 events=3 links=[h1 h1] ctx=",
		"limiter 549755885175 cause= ctx=batch",
		"start 549755885175 events=3 attempt=1 server=127.0.0.1 test=false ctx=batch",
		"end attempt=1 status=200 outcome=processed cause= ctx=batch/attempt",
		"events 549755885175 processed cause= count=3 ctx=batch",
		"batch end events=3 processed=3 failed=0 ctx=batch",
		"batch 549755885175 events=1 links=[h2] ctx=",
		"limiter 549755885175 cause= ctx=batch",
		"start 549755885175 events=1 attempt=1 server=127.0.0.1 test=false ctx=batch",
		"end attempt=1 status=200 outcome=processed cause= ctx=batch/attempt",
		"events 549755885175 processed cause= count=1 ctx=batch",
		"batch end events=1 processed=1 failed=0 ctx=batch",
		"batcher stop 549755885175",
	}
	var adds, others []string
	for _, call := range rec.taken() {
		if strings.HasPrefix(call, "add ") {
			adds = append(adds, call)
		} else {
			others = append(others, call)
		}
	}
	if diff := cmp.Diff(wantAdds, adds); diff != "" {
		t.Errorf("Add hook calls (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, others); diff != "" {
		t.Errorf("other hook calls (-want +got):\n%s", diff)
	}
}

// TestBatcherOldestAge checks Stats().OldestAge on a fake clock: the age of
// the oldest event queued or being sent, and 0 once all have results. It is
// tracked because the Observer sets BatcherStart; without one it stays 0.
func TestBatcherOldestAge(t *testing.T) {
	t.Run("observed", func(t *testing.T) { testOldestAge(t, true) })
	t.Run("not observed", func(t *testing.T) { testOldestAge(t, false) })
}

func testOldestAge(t *testing.T, observed bool) {
	want := func(d time.Duration) time.Duration {
		if !observed {
			return 0
		}
		return d
	}
	srv := pinteresttest.NewServerT(t)
	clk := clock.NewFake(time.Now())
	release := make(chan struct{})
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		<-release
		return srv.Client().Transport.RoundTrip(r)
	})
	opts := []pinterest.Option{pinterest.WithBaseURL(srv.URL), pinterest.WithClock(clk),
		pinterest.WithoutRateLimit(), pinterest.WithHTTPClient(&http.Client{Transport: rt})}
	if observed {
		opts = append(opts, pinterest.WithObserver(&pinterest.Observer{BatcherStart: func(*pinterest.Batcher) {}}))
	}
	c, err := pinterest.NewClient("test-token", opts...)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.NewBatcher(testAccount, pinterest.WithBatchSize(2), pinterest.WithSenders(1), pinterest.WithFlushInterval(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if st := b.Stats(); st.OldestAge != 0 {
		t.Errorf("empty Batcher: OldestAge %v", st.OldestAge)
	}
	b.Add(ctx, batchEvent("1"))
	clk.Advance(10 * time.Minute)
	b.Add(ctx, batchEvent("2")) // the batch of 1 and 2 leaves, and waits in the transport
	clk.Advance(5 * time.Minute)
	b.Add(ctx, batchEvent("3")) // queued
	clk.Advance(time.Minute)
	waitFor(t, func() bool { st := b.Stats(); return st.InFlight == 2 && st.Queued == 1 })
	if st := b.Stats(); st.OldestAge != want(16*time.Minute) {
		t.Errorf("with events 1 and 2 in flight: OldestAge %v, want %v", st.OldestAge, want(16*time.Minute))
	}
	close(release)
	waitFor(t, func() bool { return b.Stats().Sent == 2 })
	if st := b.Stats(); st.OldestAge != want(time.Minute) {
		t.Errorf("with event 3 queued: OldestAge %v, want %v", st.OldestAge, want(time.Minute))
	}
	done := make(chan error)
	go func() { done <- b.Close(ctx) }()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if st := b.Stats(); st.OldestAge != 0 || st.Processed != 3 {
		t.Errorf("after Close: %+v", st)
	}
}

// waitFor polls cond until it holds, failing the test after batchWait.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(batchWait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(time.Millisecond)
	}
}
