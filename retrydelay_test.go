package pinterest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/google/go-cmp/cmp"
)

// TestRetryDelay covers the retry decision alone: every reason to stop, the
// caps on the backoff and on Retry-After, and the reason a retry is logged with.
func TestRetryDelay(t *testing.T) {
	p := RetryPolicy{MaxInterval: 10 * time.Second, MaxRetryAfter: 20 * time.Second}.withDefaults()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s429 := attemptResult{status: 429, retry: true}
	s500 := attemptResult{status: 500, retry: true, ambiguous: true}
	reset := attemptResult{retry: true, ambiguous: true}
	facts := func(last attemptResult, attempts int, next time.Duration) retryFacts {
		return retryFacts{last: last, attempts: attempts, next: next, start: t0, now: t0.Add(time.Second)}
	}
	type got struct {
		Retry  bool
		Wait   time.Duration
		Reason string
		Err    bool
	}
	tests := []struct {
		name        string
		p           RetryPolicy
		noAmbiguous bool
		f           retryFacts
		want        got
	}{
		{"429 is retried after the backoff", p, false, facts(s429, 1, 2*time.Second),
			got{Retry: true, Wait: 2 * time.Second, Reason: "status 429"}},
		{"the backoff is capped at MaxInterval", p, false, facts(s429, 1, time.Minute),
			got{Retry: true, Wait: 10 * time.Second, Reason: "status 429"}},
		{"a Retry-After above the backoff is a floor", p, false, facts(attemptResult{status: 503, retry: true, retryAfter: 15 * time.Second}, 1, time.Second),
			got{Retry: true, Wait: 15 * time.Second, Reason: "status 503"}},
		{"Retry-After is capped at MaxRetryAfter", p, false, facts(attemptResult{status: 429, retry: true, retryAfter: time.Hour}, 1, time.Second),
			got{Retry: true, Wait: 20 * time.Second, Reason: "status 429"}},
		{"a custom backoff is not capped at MaxInterval", RetryPolicy{NewBackOff: func() backoff.BackOff { return &backoff.ZeroBackOff{} }}.withDefaults(), false, facts(s429, 1, time.Minute),
			got{Retry: true, Wait: time.Minute, Reason: "status 429"}},
		{"a transport error says so", p, false, facts(reset, 1, time.Second),
			got{Retry: true, Wait: time.Second, Reason: "transport error"}},
		{"the backoff gave up", p, false, facts(attemptResult{status: 429, retry: true, retryAfter: 15 * time.Second}, 1, backoff.Stop),
			got{Wait: backoff.Stop, Reason: "the backoff gave up"}},
		{"MaxAttempts reached", p, false, facts(s429, p.MaxAttempts, time.Second),
			got{Wait: time.Second, Reason: "MaxAttempts reached"}},
		{"ambiguous failures are not retried when told so", p, true, facts(s500, 1, time.Second),
			got{Wait: time.Second, Reason: "Pinterest may have processed the request, and ambiguous retries are off"}},
		{"a certain failure is retried even then", p, true, facts(s429, 1, time.Second),
			got{Retry: true, Wait: time.Second, Reason: "status 429"}},
		{"MaxElapsed would be passed", p, false, retryFacts{last: s429, attempts: 1, next: 5 * time.Second, start: t0, now: t0.Add(p.MaxElapsed - 4*time.Second)},
			got{Wait: 5 * time.Second, Reason: "MaxElapsed would be passed"}},
		{"the context's deadline comes first", p, false, retryFacts{last: s429, attempts: 1, next: 5 * time.Second, start: t0, now: t0, deadline: t0.Add(5 * time.Second)},
			got{Wait: 5 * time.Second, Reason: "the context's deadline comes first", Err: true}},
		{"a deadline after the wait lets it retry", p, false, retryFacts{last: s429, attempts: 1, next: 5 * time.Second, start: t0, now: t0, deadline: t0.Add(6 * time.Second)},
			got{Retry: true, Wait: 5 * time.Second, Reason: "status 429"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := retryDelay(tc.p, tc.noAmbiguous, tc.f)
			if d.err != nil && !errors.Is(d.err, context.DeadlineExceeded) {
				t.Errorf("err = %v, want one matching context.DeadlineExceeded", d.err)
			}
			if diff := cmp.Diff(tc.want, got{Retry: d.retry, Wait: d.wait, Reason: d.reason, Err: d.err != nil}); diff != "" {
				t.Errorf("retryDelay (-want +got):\n%s", diff)
			}
		})
	}
}
