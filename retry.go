package pinterest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/capisdk/pinterest/internal/clock"
)

// sendChunk sends the events at idx as one request, retrying as the policy
// says, and writes the fate of each into results. It returns the number of HTTP
// attempts made.
func (c *Client) sendChunk(ctx context.Context, adAccountID string, events []*Event, idx []int, results []EventResult) int {
	p := c.cfg.retry
	bo := c.newBackOff()
	clk := c.cfg.clock
	start := clk.Now()
	var last attemptResult
	attempts := 0
	var stop error // why retrying stopped, when not for the answer itself
	for {
		if err := c.limiter.Wait(ctx, adAccountID); err != nil {
			stop = err
			if ctx.Err() != nil {
				stop = ctxCause(ctx)
			}
			break
		}
		attempts++
		last = c.attempt(ctx, adAccountID, events, idx, attempts)
		if last.events != nil || !last.retry {
			break
		}
		// The wait before a retry: the backoff (jittered, then capped at
		// MaxInterval), raised to the server's Retry-After, itself capped.
		ra := min(last.retryAfter, p.MaxRetryAfter)
		wait := bo.NextBackOff()
		if wait != backoff.Stop {
			if p.NewBackOff == nil {
				wait = min(wait, p.MaxInterval)
			}
			wait = max(wait, ra)
		}
		// A 429 slows the ad account's limiter whether or not this request is
		// retried, so that the next requests do not hammer Pinterest either.
		if last.status == http.StatusTooManyRequests {
			if pen, ok := c.limiter.(Penalizer); ok {
				d := wait
				if d == backoff.Stop {
					d = max(ra, p.InitialInterval)
				}
				pen.Penalize(adAccountID, d)
			}
		}
		if wait == backoff.Stop || attempts >= p.MaxAttempts || (last.ambiguous && c.cfg.noAmbiguousRetr) {
			break
		}
		now := clk.Now()
		if now.Add(wait).Sub(start) > p.MaxElapsed {
			break
		}
		if d, ok := ctx.Deadline(); ok && !now.Add(wait).Before(d) {
			stop = fmt.Errorf("pinterest: context deadline comes before the next retry: %w", context.DeadlineExceeded)
			break
		}
		c.logRetry(ctx, adAccountID, attempts, wait, last)
		if err := sleep(ctx, clk, wait); err != nil {
			stop = err
			break
		}
	}

	if last.events != nil {
		c.mapEvents(last, events, idx, results, attempts)
		return attempts
	}
	err := last.err
	switch {
	case err == nil: // stopped before any attempt was made
		err = stop
	case stop != nil:
		err = fmt.Errorf("%w (after %d attempts; last failure: %w)", stop, attempts, err)
	case attempts > 1:
		err = fmt.Errorf("pinterest: gave up after %d attempts: %w", attempts, err)
	}
	for _, i := range idx {
		results[i].Status = StatusFailed
		results[i].Err = err
		results[i].Attempts = attempts
	}
	return attempts
}

// mapEvents copies Pinterest's per-event statuses to the results.
func (c *Client) mapEvents(r attemptResult, events []*Event, idx []int, results []EventResult, attempts int) {
	for k, i := range idx {
		e := r.events.Events[k]
		res := &results[i]
		res.Attempts = attempts
		if e.WarningMessage != nil && *e.WarningMessage != "" {
			res.Warnings = append(res.Warnings, *e.WarningMessage)
		}
		if e.Status == string(StatusProcessed) {
			res.Status = StatusProcessed
			res.Err = nil
			continue
		}
		res.Status = StatusFailed
		msg := ""
		if e.ErrorMessage != nil {
			msg = *e.ErrorMessage
		}
		res.Err = &EventError{Message: msg}
	}
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
		backoff.WithMaxElapsedTime(0), // MaxElapsed is enforced by sendChunk, on the client's clock
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

// ctxCause returns why ctx ended: its cause when one was given (a closing
// Batcher gives one), else its error.
func ctxCause(ctx context.Context) error {
	if c := context.Cause(ctx); c != nil {
		return c
	}
	return ctx.Err()
}

// maxRetryAfterParsed bounds a parsed Retry-After before the policy caps it,
// so that a header of a year cannot overflow anything.
const maxRetryAfterParsed = 24 * time.Hour

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP date.
// Garbage, negative values and dates in the past give 0.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	// ParseInt saturates on overflow: a huge number is capped, not ignored.
	if n, err := strconv.ParseInt(v, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		if n <= 0 {
			return 0
		}
		if n > int64(maxRetryAfterParsed/time.Second) {
			return maxRetryAfterParsed
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d <= 0 {
			return 0
		}
		return min(d, maxRetryAfterParsed)
	}
	return 0
}

// isDialError reports a connection that was never made: the request surely
// did not reach the server.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

func (c *Client) logRetry(ctx context.Context, adAccountID string, attempt int, wait time.Duration, r attemptResult) {
	l := c.cfg.logger
	if l == nil || !l.Enabled(ctx, slog.LevelInfo) {
		return
	}
	reason := "status " + strconv.Itoa(r.status)
	if r.status == 0 {
		reason = "transport error"
	}
	l.LogAttrs(ctx, slog.LevelInfo, "pinterest: retrying",
		slog.String("path", "/v5/ad_accounts/"+adAccountID+"/events"),
		slog.Int("attempt", attempt),
		slog.String("reason", reason),
		slog.Duration("wait", wait),
	)
}
