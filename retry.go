package pinterest

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/capisdk/pinterest/internal/clock"
)

// Defaults of a RetryPolicy: a zero field takes the default beside it.
const (
	DefaultMaxAttempts     = 5                      // RetryPolicy.MaxAttempts
	DefaultMaxElapsed      = 2 * time.Minute        // RetryPolicy.MaxElapsed
	DefaultInitialInterval = 500 * time.Millisecond // RetryPolicy.InitialInterval
	DefaultMaxInterval     = 30 * time.Second       // RetryPolicy.MaxInterval
	DefaultMaxRetryAfter   = time.Minute            // RetryPolicy.MaxRetryAfter
)

// RetryPolicy says how failed requests are retried. Zero fields take the
// defaults (DefaultMaxAttempts...). Set it with WithRetry.
//
// 429 and 503 answers, and connections that failed before the request was
// written, are retried with exponential backoff and jitter; a Retry-After
// header (seconds or an HTTP date) is honoured as a floor, capped at
// MaxRetryAfter. Failures after which Pinterest may have processed the
// request (500, 502, 504, an unreadable 200, a reset or timeout after the
// request was written) are ambiguous: they are retried for web and app
// events, which Pinterest de-duplicates by event id, but not for offline
// events, which it does not de-duplicate (their events end with an error
// matching ErrOutcomeUnknown instead), nor for any event with
// WithoutAmbiguousRetries. Other 4xx answers are never retried. Retries stop at MaxAttempts, at
// MaxElapsed and at the context's deadline.
type RetryPolicy struct {
	MaxAttempts     int           // attempts per request, including the first; 1 turns retries off
	MaxElapsed      time.Duration // stop retrying once this much time has passed since the first attempt
	InitialInterval time.Duration // first backoff
	MaxInterval     time.Duration // largest backoff
	MaxRetryAfter   time.Duration // cap on a server's Retry-After
	// NewBackOff, if set, makes the backoff schedule of one request in place of
	// the exponential backoff built from the intervals above. It is called once
	// per request; MaxAttempts, MaxElapsed and Retry-After still apply.
	NewBackOff func() backoff.BackOff
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts == 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.MaxElapsed == 0 {
		p.MaxElapsed = DefaultMaxElapsed
	}
	if p.InitialInterval == 0 {
		p.InitialInterval = DefaultInitialInterval
	}
	if p.MaxInterval == 0 {
		p.MaxInterval = DefaultMaxInterval
	}
	if p.MaxRetryAfter == 0 {
		p.MaxRetryAfter = DefaultMaxRetryAfter
	}
	return p
}

// outcome is what the retry loop came to for one chunk: the last attempt,
// how many were made, and why retrying stopped when it was not for the answer
// itself (the limiter or the context). Its report method (response.go) turns
// it into per-event results.
type outcome struct {
	last     attemptResult
	attempts int
	stop     error
	// ambiguous: some attempt may have been processed (it was written and
	// no answer said it was not). Unless the last answer has per-event
	// statuses, the events' outcome is then unknown.
	ambiguous bool
}

// sendChunk sends the chunk as one request, waiting for the rate limiter
// before every attempt and retrying as the policy says, and writes the fate
// of each of its events into results. It returns the number of HTTP attempts.
func (c *Client) sendChunk(ctx context.Context, ch chunk, results []EventResult) int {
	bo, start := c.newBackOff(), c.cfg.clock.Now()
	o := outcome{ambiguous: ch.ambiguous}
	for {
		if err := c.waitLimiter(ctx, ch.account); err != nil { // observer.go: Wait, observed
			o.stop = limiterErr(ctx, err)
			break
		}
		o.attempts++
		o.last = c.observedAttempt(ctx, ch, o.attempts) // request.go's attempt, observed (observer.go)
		if o.last.overBudget {
			o.attempts-- // nothing was sent
			break
		}
		o.ambiguous = o.ambiguous || o.last.ambiguous
		if o.last.events != nil || !o.last.retry || !c.backOff(ctx, ch, &o, bo, start) {
			break
		}
	}
	if ch.needsSplit(o) {
		return o.attempts + c.sendSplit(ctx, ch, results, o) // budget.go
	}
	o.report(ch, results) // response.go
	return o.attempts
}

// backOff runs after an attempt that failed in a way that may be retried: it
// asks retryDelay whether to try again and how long to wait, applies the 429
// penalty, reports the decision, and waits. It returns false, with o.stop
// set, when the chunk is to stop here.
func (c *Client) backOff(ctx context.Context, ch chunk, o *outcome, bo backoff.BackOff, start time.Time) bool {
	clk := c.cfg.clock
	f := retryFacts{last: o.last, attempts: o.attempts, next: bo.NextBackOff(), start: start, now: clk.Now(), deadline: deadline(ctx)}
	d := retryDelay(c.cfg.retry, c.cfg.noAmbiguousRetr || ch.offline, f)
	c.penalize(ch.account, o.last, d.wait)
	c.observeRetry(ctx, ch.account, o.attempts, o.last, d)
	if !d.retry {
		o.stop = d.err
		return false
	}
	c.logRetry(ctx, ch.account, o.attempts, d)
	if err := sleep(ctx, clk, d.wait); err != nil {
		o.stop = err
		return false
	}
	return true
}

// limiterErr is why a chunk was not sent when the limiter refused to wait.
func limiterErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctxCause(ctx)
	}
	return err
}

// deadline returns ctx's deadline, or the zero time when it has none.
func deadline(ctx context.Context) time.Time {
	d, _ := ctx.Deadline()
	return d
}

// retryFacts are what a retry decision is made on.
type retryFacts struct {
	last       attemptResult // the attempt that just failed, retryably
	attempts   int           // attempts made so far
	next       time.Duration // the backoff's next interval, or backoff.Stop
	start, now time.Time     // when the first attempt began; now
	deadline   time.Time     // the context's deadline; zero when it has none
}

// retryDecision is whether to retry, after how long, and why.
type retryDecision struct {
	retry bool
	// wait is the pause before the next attempt: the backoff (capped at
	// MaxInterval) raised to the server's Retry-After (capped at
	// MaxRetryAfter). It is backoff.Stop when the backoff gave up.
	wait   time.Duration
	reason string // why the request is, or is not, retried
	giveUp string // when not retrying: why, as RetryInfo.GiveUp names it
	err    error  // when not retrying: the error to report besides the last failure, if any
}

// retryDelay decides whether a failed, retryable attempt is tried again. It
// is a pure function of the policy and the facts.
func retryDelay(p RetryPolicy, noAmbiguous bool, f retryFacts) retryDecision {
	ra := min(f.last.retryAfter, p.MaxRetryAfter)
	d := retryDecision{wait: f.next}
	if d.wait != backoff.Stop {
		if p.NewBackOff == nil {
			d.wait = min(d.wait, p.MaxInterval)
		}
		d.wait = max(d.wait, ra)
	}
	switch {
	case d.wait == backoff.Stop:
		d.reason, d.giveUp = "the backoff gave up", "backoff"
	case f.attempts >= p.MaxAttempts:
		d.reason, d.giveUp = "MaxAttempts reached", "max_attempts"
	case f.last.ambiguous && noAmbiguous:
		d.reason, d.giveUp = "Pinterest may have processed the request, and ambiguous retries are off", "ambiguous"
	case f.now.Add(d.wait).Sub(f.start) > p.MaxElapsed:
		d.reason, d.giveUp = "MaxElapsed would be passed", "max_elapsed"
	case !f.deadline.IsZero() && !f.now.Add(d.wait).Before(f.deadline):
		d.reason, d.giveUp = "the context's deadline comes first", "deadline"
		d.err = fmt.Errorf("pinterest: context deadline comes before the next retry: %w", context.DeadlineExceeded)
	default:
		d.retry = true
		d.reason = "status " + strconv.Itoa(f.last.status)
		if f.last.status == 0 {
			d.reason = "transport error"
		}
	}
	return d
}

// penalize slows the ad account's limiter down after a 429, whether or not
// the request is retried, so that the next requests do not hammer Pinterest
// either. wait is the decided pause (backoff.Stop when the backoff gave up).
func (c *Client) penalize(account string, last attemptResult, wait time.Duration) {
	if last.status != http.StatusTooManyRequests {
		return
	}
	pen, ok := c.limiter.(Penalizer)
	if !ok {
		return
	}
	if wait == backoff.Stop {
		p := c.cfg.retry
		wait = max(min(last.retryAfter, p.MaxRetryAfter), p.InitialInterval)
	}
	pen.Penalize(account, wait)
}

// newBackOff makes the backoff schedule of one request.
func (c *Client) newBackOff() backoff.BackOff {
	p := c.cfg.retry
	if p.NewBackOff != nil {
		if b := p.NewBackOff(); b != nil {
			b.Reset()
			return b
		}
	}
	b := backoff.NewExponentialBackOff(
		backoff.WithInitialInterval(p.InitialInterval),
		backoff.WithMaxInterval(p.MaxInterval),
		backoff.WithMaxElapsedTime(0), // MaxElapsed is enforced by retryDelay, on the client's clock
		backoff.WithClockProvider(clockAdapter{c}),
	)
	b.Reset()
	return b
}

// clockAdapter gives backoff the client's clock.
type clockAdapter struct{ c *Client }

func (a clockAdapter) Now() time.Time { return a.c.cfg.clock.Now() }

// sleep waits d on the clock, or until ctx ends.
func sleep(ctx context.Context, clk clock.Clock, d time.Duration) error {
	t := clk.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C():
		return nil
	case <-ctx.Done():
		return ctxCause(ctx)
	}
}

// logRetry writes one line for a retry decision.
func (c *Client) logRetry(ctx context.Context, account string, attempt int, d retryDecision) {
	l := c.cfg.logger
	if l == nil || !l.Enabled(ctx, slog.LevelInfo) {
		return
	}
	l.LogAttrs(ctx, slog.LevelInfo, "pinterest: retrying",
		slog.String("path", "/v5/ad_accounts/"+account+"/events"),
		slog.Int("attempt", attempt),
		slog.String("reason", d.reason),
		slog.Duration("wait", d.wait),
	)
}
