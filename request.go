package pinterest

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// attemptResult is what one HTTP attempt came to.
type attemptResult struct {
	events     *apiEvents // per-event statuses, when the answer had them
	err        error      // the request's failure, when events is nil
	retry      bool       // worth retrying
	ambiguous  bool       // Pinterest may have processed the request
	status     int        // the answer's HTTP status; 0 when none came
	retryAfter time.Duration
	overBudget bool    // the body was over WithMaxRequestBytes: nothing was sent
	sec        secrets // the tokens to scrub from the answer's texts (servertext.go)
}

// attempt makes one HTTP request for the chunk; n counts the attempts, from 1.
// The answer is read by readAnswer (response.go).
func (c *Client) attempt(ctx context.Context, ch chunk, n int) attemptResult {
	bufp := c.getBuf()
	buf := ch.appendBody((*bufp)[:0])     // encoded anew for every attempt
	if len(buf) > c.cfg.maxRequestBytes { // not sent: the retry loop cuts the chunk (budget.go)
		*bufp = buf[:0]
		c.bufs.Put(bufp)
		return attemptResult{overBudget: true, err: eventErr("event", "the request is larger than WithMaxRequestBytes")}
	}
	rb := &body{done: make(chan struct{})}
	rb.Reset(buf)
	defer func() {
		select {
		case <-rb.done: // the transport is done with the buffer: reuse it
			if !rb.replayed.Load() {
				*bufp = buf[:0]
				c.bufs.Put(bufp)
			}
		default: // still in the transport's hands: let it be collected
		}
	}()

	actx, cancel := context.WithTimeout(ctx, c.cfg.timeout)
	defer cancel()
	if ctx.Err() != nil { // ended before anything was sent: surely not processed
		return attemptResult{err: ctxCause(ctx)}
	}
	wt := new(wireTrace)
	req, err := c.newRequest(wt.with(actx), ch.account, rb, buf)
	if err != nil {
		return attemptResult{err: err}
	}
	facts := attemptLog{account: ch.account, events: len(ch.idx), attempt: n, start: c.cfg.clock.Now()}
	resp, err := c.http.Do(req)
	if err != nil {
		r := transportFailure(ctx, err, wt.mayHaveArrived())
		c.logAttempt(ctx, slog.LevelWarn, "pinterest: request failed", facts, slog.String("error", r.err.Error()))
		return r
	}
	r := c.readAnswer(resp, len(ch.idx))
	level := slog.LevelDebug
	if r.err != nil {
		level = slog.LevelWarn
	}
	facts.status = resp.StatusCode
	if r.err != nil { // once per request, never per event; the text is capped and scrubbed
		c.logAttempt(ctx, level, "pinterest: request", facts, slog.String("error", r.err.Error()))
		return r
	}
	c.logAttempt(ctx, level, "pinterest: request", facts)
	return r
}

// appendBody appends the request body, {"data":[...]}, for the chunk's events.
func (ch chunk) appendBody(dst []byte) []byte {
	dst = append(dst, `{"data":[`...)
	for k, i := range ch.idx {
		if k > 0 {
			dst = append(dst, ',')
		}
		dst = ch.events[i].AppendJSON(dst)
	}
	return append(dst, "]}"...)
}

// newRequest makes the POST of an attempt, with its headers, over the body rb
// holding buf.
func (c *Client) newRequest(ctx context.Context, account string, rb *body, buf []byte) (*http.Request, error) {
	u := c.endpoint + account + "/events"
	if c.cfg.testMode {
		u += "?test=true"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, rb)
	if err != nil {
		return nil, err
	}
	req.ContentLength = int64(len(buf))
	req.GetBody = func() (io.ReadCloser, error) {
		rb.replayed.Store(true)
		return io.NopCloser(bytes.NewReader(buf)), nil
	}
	auth, err := c.authorization(false) // auth.go
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	return req, nil
}

// body is a request body over a pooled buffer. The transport closes it when it
// is done with it; only then may the buffer be reused.
type body struct {
	bytes.Reader
	done     chan struct{}
	once     sync.Once
	replayed atomic.Bool // GetBody handed the buffer out again: never reuse it
}

func (b *body) Close() error { b.once.Do(func() { close(b.done) }); return nil }

// getBuf returns a buffer for a request body. The buffers are kept in a
// mutex-guarded free list rather than a sync.Pool: a pool keeps them per P
// and drops them at garbage collections, so that a sender often missed it
// and regrew a buffer of a megabyte for every request.
func (c *Client) getBuf() *[]byte { return c.bufs.Get() }

// maxKeptBody is the largest request buffer kept for reuse: 1,000 events
// with custom data take about 1.1 MB.
const maxKeptBody = 8 << 20

// transportFailure classifies an error of http.Client.Do. written says
// whether the request may have reached Pinterest whole (see wireTrace): then
// Pinterest may have processed it, and the failure is ambiguous.
func transportFailure(ctx context.Context, err error, written bool) attemptResult {
	if ctx.Err() != nil {
		return attemptResult{err: ctxCause(ctx), ambiguous: written}
	}
	return attemptResult{err: &TransportError{Err: err}, retry: true, ambiguous: written}
}

// attemptLog holds what the log says of one attempt: never a body, a token or
// personal data.
type attemptLog struct {
	account string
	events  int // events in the request
	attempt int // from 1
	status  int // the answer's HTTP status; 0 when none came
	start   time.Time
}

// logAttempt writes one line for an attempt.
func (c *Client) logAttempt(ctx context.Context, level slog.Level, msg string, a attemptLog, extra ...slog.Attr) {
	l := c.cfg.logger
	if l == nil || !l.Enabled(ctx, level) {
		return
	}
	attrs := append([]slog.Attr{
		slog.String("method", http.MethodPost),
		slog.String("path", "/v5/ad_accounts/"+a.account+"/events"),
		slog.Int("status", a.status),
		slog.Int("events", a.events),
		slog.Int("attempt", a.attempt),
		slog.Duration("duration", c.cfg.clock.Now().Sub(a.start)),
		slog.Bool("test", c.cfg.testMode),
	}, extra...)
	l.LogAttrs(ctx, level, msg, attrs...)
}
