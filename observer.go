package pinterest

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strconv"
	"time"
)

// Observer receives measurements of a Client's work and of its Batchers', for
// metrics and traces. Set it with WithObserver; package
// github.com/capisdk/pinterest/otelpinterest implements one with
// OpenTelemetry.
//
// Observer is a struct of optional hook functions, as
// net/http/httptrace.ClientTrace is, rather than an interface. A hook left nil
// is never called and costs the client one comparison. A hook added in a later
// version is one more field, which breaks no existing Observer, whereas a
// method added to an interface breaks every implementation that does not embed
// a base type, and an embedded base type turns a misspelt method into a
// silently ignored one (a misspelt field does not compile).
//
// Hooks run synchronously on the goroutine doing the work, many at a time:
// they must be safe for concurrent use and return quickly. They are given
// counts, durations, statuses, ad account ids and the names of fields, causes
// and reasons: never a value of user data, the token, an event id or a
// message from Pinterest. Each gets the context of the work it observes: the
// context given to Send, or, for a Batcher, the context returned by
// BatchStart. A hook that returns a context must return the context it was
// given or one derived from it (with a span, say): the client goes on with it,
// so its deadline and cancellation still apply.
type Observer struct {
	// RequestStart is called before each HTTP attempt. The context it returns
	// is the one the attempt is made with (so a tracing RoundTripper given with
	// WithHTTPClient nests under it) and the one RequestEnd gets.
	RequestStart func(ctx context.Context, info RequestStartInfo) context.Context
	// RequestEnd is called when an HTTP attempt has its answer, or failed to
	// get one, with the context RequestStart returned.
	RequestEnd func(ctx context.Context, info RequestEndInfo)
	// Retry is called after an attempt whose failure is worth retrying, with
	// the decision: another attempt after a wait, or giving up.
	Retry func(ctx context.Context, info RetryInfo)
	// LimiterWait is called after each wait for the rate limiter (one before
	// every attempt), however short.
	LimiterWait func(ctx context.Context, info LimiterWaitInfo)
	// Events is called at the end of each Send (a Batcher's too) once for
	// each distinct outcome and cause among its events, with their count. Over
	// the calls, every event given to Send is counted exactly once.
	Events func(ctx context.Context, info EventsInfo)
	// ValueDropped is called by Send for each user data value that was
	// dropped as invalid when its UserData was built (see UserData.Warnings).
	ValueDropped func(ctx context.Context, info ValueDroppedInfo)
	// BatchAdd is called by Batcher.Add with its context before it queues
	// events. Whatever it returns (nil for nothing) is kept with each of those
	// events and handed back, with the others of the batch, in
	// BatchStartInfo.Links: a way to link a batch's work to the Add calls
	// (otelpinterest returns the span context of ctx). It must not keep ctx.
	BatchAdd func(ctx context.Context, info BatchAddInfo) (link any)
	// BatchStart is called when a Batcher starts sending a batch. Its context
	// is not derived from any Add call's: the batch belongs to none of them
	// (otelpinterest starts a new root span, linked to the Add calls' spans).
	// The context it returns is the one given to Send and to BatchEnd.
	BatchStart func(ctx context.Context, info BatchStartInfo) context.Context
	// BatchEnd is called when a batch's events all have their results, before
	// they are handed to the result handler.
	BatchEnd func(ctx context.Context, info BatchEndInfo)
	// BatcherStart is called by NewBatcher with the new Batcher, and
	// BatcherStop when its Close has reported every event. In between, the
	// observer may call b.Stats and b.AdAccountID at any time, from any
	// goroutine, to read its queue (otelpinterest reports queue depth and
	// oldest age from them when its metrics are collected). Setting
	// BatcherStart makes the Batcher track BatcherStats.OldestAge, which costs
	// a clock reading per Add call.
	BatcherStart func(b *Batcher)
	BatcherStop  func(b *Batcher)
}

// WithObserver sets the hooks that observe the client's work and its
// Batchers'; see Observer. The Observer is copied: changing it afterwards does
// not change the client. Without it, the client observes nothing, at the cost
// of one comparison per hook site.
func WithObserver(o *Observer) Option {
	return optionFunc(func(c *config) error {
		if o == nil {
			return errors.New("pinterest: WithObserver: nil observer")
		}
		cp := *o
		c.observer = &cp
		return nil
	})
}

// Outcome is the fate of an event or of an HTTP attempt, as reported to an
// Observer.
type Outcome string

// The outcomes.
const (
	// OutcomeProcessed: the event was processed; for an attempt, Pinterest
	// answered with a status per event (which may still fail some of them).
	OutcomeProcessed Outcome = "processed"
	// OutcomeFailed: the event was not processed; for an attempt, Pinterest
	// certainly did not process its events.
	OutcomeFailed Outcome = "failed"
	// OutcomeUnknown: Pinterest may or may not have processed the event (its
	// error matches ErrOutcomeUnknown); for an attempt, the request may have
	// been processed but no answer says so (a reset or timeout after it was
	// sent, a 5xx other than 503, an unreadable 200).
	OutcomeUnknown Outcome = "unknown"
)

// RequestStartInfo describes an HTTP attempt about to be made.
type RequestStartInfo struct {
	AdAccountID   string
	Events        int    // events in the request
	Attempt       int    // 1 for the first attempt of a request, 2 for its first retry...
	ServerAddress string // host name or IP of the base URL, e.g. "api.pinterest.com"
	ServerPort    int    // port of the base URL (443 when it names none for https)
	Test          bool   // the request is sent with ?test=true (WithTestMode)
}

// RequestEndInfo describes an HTTP attempt that ended.
type RequestEndInfo struct {
	RequestStartInfo
	// StatusCode is the HTTP status of the answer, 0 when none came.
	StatusCode int
	Duration   time.Duration // from encoding the request's body to reading the whole answer
	Outcome    Outcome
	// Cause names what went wrong: "" when Pinterest answered with a status
	// per event, else one of the causes listed at EventsInfo.Cause.
	Cause string
}

// RetryInfo describes a retry decision after a failed attempt.
type RetryInfo struct {
	AdAccountID string
	Attempt     int // the attempt that failed, from 1
	// Reason is what failed: one of the causes listed at EventsInfo.Cause
	// ("rate_limited", "unavailable", "server_error", "transport", "timeout",
	// "malformed_response"...).
	Reason string
	// StatusCode is the failed attempt's HTTP status, 0 when no answer came.
	StatusCode int
	// Retry says the decision: true, another attempt follows after Wait;
	// false, the failure is final for the request's events.
	Retry bool
	Wait  time.Duration // the wait before the next attempt, when Retry is true
	// GiveUp says why not, when Retry is false: "max_attempts" (RetryPolicy
	// MaxAttempts), "max_elapsed" (RetryPolicy MaxElapsed), "deadline" (the
	// context's deadline comes before the next attempt), "backoff" (the
	// RetryPolicy's BackOff said stop) or "ambiguous" (WithoutAmbiguousRetries).
	GiveUp string
}

// LimiterWaitInfo describes one wait for the rate limiter.
type LimiterWaitInfo struct {
	AdAccountID string
	Wait        time.Duration
	// Cause is "" when the wait ended with permission to send, else why not
	// ("canceled", "deadline_exceeded", "shutdown" or "limiter" for another
	// error of the Limiter).
	Cause string
}

// EventsInfo counts the events of one Send that share an outcome and a cause.
type EventsInfo struct {
	AdAccountID string
	Outcome     Outcome
	// Cause names why the events failed, "" when processed. It is one of:
	// "invalid" (local validation, a *FieldError), "rejected" (Pinterest
	// failed the event, an *EventError), "rate_limited" (429),
	// "unavailable" (503), "server_error" (another 5xx), "unauthorized"
	// (401), "forbidden" (403), "invalid_request" (400, 404),
	// "not_all_processed" (422 without per-event statuses),
	// "malformed_response" (an unreadable answer), "api_error" (another
	// status), "transport" (no answer: refused, reset), "timeout" (no answer
	// in time, WithTimeout), "outcome_unknown" (ErrOutcomeUnknown),
	// "shutdown" (a Batcher's Close ended first), "canceled" and
	// "deadline_exceeded" (the context ended), or "other". Later versions
	// may add causes.
	Cause string
	Count int
}

// ValueDroppedInfo describes one user data value dropped as invalid.
type ValueDroppedInfo struct {
	AdAccountID string
	Field       string // wire path, e.g. "user_data.ph"
	Reason      string // why, e.g. "fewer than 7 digits": a fixed text, never the value
}

// BatchAddInfo describes a Batcher.Add call.
type BatchAddInfo struct {
	AdAccountID string
	Events      int // events given to Add
}

// BatchStartInfo describes a batch a Batcher starts sending.
type BatchStartInfo struct {
	AdAccountID string
	Events      int
	// Links holds what BatchAdd returned for the batch's events, in queue
	// order, nils left out: one entry per event, so an Add call that queued
	// several events of the batch appears several times.
	Links []any
}

// BatchEndInfo describes a batch whose events all have their results.
type BatchEndInfo struct {
	AdAccountID string
	Events      int
	Processed   int
	Failed      int
	Duration    time.Duration // of the batch's Send
}

// AdAccountID returns the ad account the Batcher sends to.
func (b *Batcher) AdAccountID() string { return b.account }

// serverOf returns the host and port an Observer is told about for base URL u.
func serverOf(u *url.URL) (string, int) {
	host := u.Hostname()
	port, err := strconv.Atoi(u.Port())
	if err != nil || port <= 0 {
		port = 443
		if u.Scheme == "http" {
			port = 80
		}
	}
	return host, port
}

// causeOf names the cause of an event's or an attempt's error for an
// Observer; see EventsInfo.Cause. It reads only the error's type and
// sentinels, never its text.
func causeOf(err error) string {
	var api *APIError
	var tr *TransportError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrOutcomeUnknown):
		return "outcome_unknown"
	case errors.Is(err, ErrClosed):
		return "shutdown"
	case errors.As(err, &api):
		switch {
		case errors.Is(api, ErrMalformedResponse):
			return "malformed_response"
		case errors.Is(api, ErrRateLimited):
			return "rate_limited"
		case errors.Is(api, ErrUnavailable):
			return "unavailable"
		case errors.Is(api, ErrServer):
			return "server_error"
		case errors.Is(api, ErrUnauthorized):
			return "unauthorized"
		case errors.Is(api, ErrForbidden):
			return "forbidden"
		case errors.Is(api, ErrInvalidRequest):
			return "invalid_request"
		case errors.Is(api, ErrNotAllProcessed):
			return "not_all_processed"
		}
		return "api_error"
	case errors.Is(err, ErrEventRejected):
		return "rejected"
	case errors.Is(err, ErrInvalidValue):
		return "invalid"
	case errors.As(err, &tr):
		var ne net.Error
		if errors.Is(tr.Err, context.DeadlineExceeded) || (errors.As(tr.Err, &ne) && ne.Timeout()) {
			return "timeout"
		}
		return "transport"
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline_exceeded"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	return "other"
}

// outcomeOf is the Outcome of an event that ended with err.
func outcomeOf(err error) Outcome {
	switch {
	case err == nil:
		return OutcomeProcessed
	case errors.Is(err, ErrOutcomeUnknown):
		return OutcomeUnknown
	}
	return OutcomeFailed
}

// The calls of the hooks. Each site in the send path and the Batcher is one
// call to one of these, which costs a nil comparison when nothing observes.

// observedAttempt makes one HTTP attempt (request.go) between RequestStart
// and RequestEnd.
func (c *Client) observedAttempt(ctx context.Context, ch chunk, n int) attemptResult {
	o := c.cfg.observer
	if o == nil || (o.RequestStart == nil && o.RequestEnd == nil) {
		return c.attempt(ctx, ch, n)
	}
	host, port := serverOf(c.cfg.baseURL)
	info := RequestStartInfo{AdAccountID: ch.account, Events: len(ch.idx), Attempt: n,
		ServerAddress: host, ServerPort: port, Test: c.cfg.testMode}
	if o.RequestStart != nil {
		ctx = o.RequestStart(ctx, info)
	}
	start := c.cfg.clock.Now()
	r := c.attempt(ctx, ch, n)
	if o.RequestEnd != nil {
		end := RequestEndInfo{RequestStartInfo: info, StatusCode: r.status, Duration: c.cfg.clock.Now().Sub(start)}
		switch {
		case r.events != nil:
			end.Outcome = OutcomeProcessed
		case r.ambiguous || errors.Is(r.err, ErrOutcomeUnknown):
			end.Outcome, end.Cause = OutcomeUnknown, causeOf(r.err)
		default:
			end.Outcome, end.Cause = OutcomeFailed, causeOf(r.err)
		}
		o.RequestEnd(ctx, end)
	}
	return r
}

// waitLimiter waits for the rate limiter, telling LimiterWait how long.
func (c *Client) waitLimiter(ctx context.Context, account string) error {
	o := c.cfg.observer
	if o == nil || o.LimiterWait == nil {
		return c.limiter.Wait(ctx, account)
	}
	start := c.cfg.clock.Now()
	err := c.limiter.Wait(ctx, account)
	info := LimiterWaitInfo{AdAccountID: account, Wait: c.cfg.clock.Now().Sub(start)}
	if err != nil {
		info.Cause = causeOf(limiterErr(ctx, err))
		if info.Cause == "other" {
			info.Cause = "limiter"
		}
	}
	o.LimiterWait(ctx, info)
	return err
}

// observeRetry tells Retry the decision d made after attempt n failed.
func (c *Client) observeRetry(ctx context.Context, account string, n int, last attemptResult, d retryDecision) {
	o := c.cfg.observer
	if o == nil || o.Retry == nil {
		return
	}
	info := RetryInfo{AdAccountID: account, Attempt: n, Reason: causeOf(last.err), StatusCode: last.status, Retry: d.retry}
	if d.retry {
		info.Wait = d.wait
	} else {
		info.GiveUp = d.giveUp
	}
	o.Retry(ctx, info)
}

// observeSend tells ValueDropped about the values dropped from the events'
// user data, and Events the outcomes of all the events of a Send.
func (c *Client) observeSend(ctx context.Context, account string, events []*Event, res *Response) {
	o := c.cfg.observer
	if o == nil {
		return
	}
	if o.ValueDropped != nil {
		for _, ev := range events {
			if ev == nil || ev.user == nil {
				continue
			}
			for _, w := range ev.user.warnings {
				fe, ok := w.(*FieldError)
				if !ok || fe.Reason == reasonPhoneCC { // a bad default code drops no value
					continue
				}
				o.ValueDropped(ctx, ValueDroppedInfo{AdAccountID: account, Field: fe.Field, Reason: fe.Reason})
			}
		}
	}
	if o.Events == nil {
		return
	}
	// A handful of distinct (outcome, cause) pairs at most: a slice beats a map.
	var groups []EventsInfo
	for i := range res.Results {
		r := &res.Results[i]
		oc, cause := OutcomeProcessed, ""
		if r.Status != StatusProcessed {
			oc, cause = OutcomeFailed, "other"
			if r.Err != nil {
				oc, cause = outcomeOf(r.Err), causeOf(r.Err)
			}
		}
		found := false
		for k := range groups {
			if groups[k].Outcome == oc && groups[k].Cause == cause {
				groups[k].Count++
				found = true
				break
			}
		}
		if !found {
			groups = append(groups, EventsInfo{AdAccountID: account, Outcome: oc, Cause: cause, Count: 1})
		}
	}
	for _, g := range groups {
		o.Events(ctx, g)
	}
}

// observeStart tells BatcherStart about a new Batcher.
func (b *Batcher) observeStart() {
	if o := b.c.cfg.observer; o != nil && o.BatcherStart != nil {
		o.BatcherStart(b)
	}
}

// observeStop tells BatcherStop, once, that the Batcher reported every event.
func (b *Batcher) observeStop() {
	if o := b.c.cfg.observer; o != nil && o.BatcherStop != nil {
		b.stopOnce.Do(func() { o.BatcherStop(b) })
	}
}

// addMeta is what an observed Add call records with each of its events: its
// time, for the queue's age, and the link BatchAdd returned.
type addMeta struct {
	at   time.Duration // since the Batcher's epoch; 0 unless ages are tracked
	link any
}

// observeBatcher sets up what a new Batcher records for its Observer.
func (b *Batcher) observeBatcher() {
	o := b.c.cfg.observer
	if o == nil {
		return
	}
	b.ages.on = o.BatcherStart != nil
	b.observed = b.ages.on || o.BatchAdd != nil
}

// newAddMeta records an Add call's time and asks BatchAdd for its link.
func (b *Batcher) newAddMeta(ctx context.Context, n int) *addMeta {
	m := &addMeta{}
	if b.ages.on {
		m.at = b.clock.Now().Sub(b.epoch)
	}
	if o := b.c.cfg.observer; o.BatchAdd != nil {
		m.link = o.BatchAdd(ctx, BatchAddInfo{AdAccountID: b.account, Events: n})
	}
	return m
}

// oldestAge is BatcherStats.OldestAge.
func (b *Batcher) oldestAge() time.Duration {
	if !b.ages.on {
		return 0
	}
	return b.ages.oldest(b.clock.Now().Sub(b.epoch))
}

// sendObserved sends a batch's events between BatchStart and BatchEnd.
func (b *Batcher) sendObserved(bt batch, events []*Event) *Response {
	o := b.c.cfg.observer
	if o == nil || (o.BatchStart == nil && o.BatchEnd == nil) {
		res, _ := b.c.Send(b.sendCtx, b.account, events...)
		return res
	}
	ctx := b.sendCtx
	if o.BatchStart != nil {
		info := BatchStartInfo{AdAccountID: b.account, Events: len(events)}
		for _, q := range bt.items {
			if q.meta != nil && q.meta.link != nil {
				info.Links = append(info.Links, q.meta.link)
			}
		}
		ctx = o.BatchStart(ctx, info)
	}
	start := b.clock.Now()
	res, _ := b.c.Send(ctx, b.account, events...)
	if o.BatchEnd != nil {
		o.BatchEnd(ctx, BatchEndInfo{AdAccountID: b.account, Events: len(events),
			Processed: res.Processed, Failed: res.Failed, Duration: b.clock.Now().Sub(start)})
	}
	return res
}
