package pinterest

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/capisdk/pinterest/internal/freelist"
)

// Version is the SDK's version, sent in the User-Agent header.
const Version = "0.1.0"

// Client sends events to the Pinterest API for Conversions. Make one with
// NewClient and share it: it is safe for concurrent use, and its rate limiter
// works only if every goroutine uses the same client.
type Client struct {
	cfg config
	// cred returns the credential. It is a function so that no fmt verb and no
	// reflection can reach the token: fmt prints a func as an address, and
	// nothing can read what a closure holds.
	cred      func() *credential
	http      *http.Client
	limiter   Limiter
	endpoint  string // base URL + "/v5/ad_accounts/"
	userAgent string
	bufs      *freelist.List // request bodies (request.go)
	quality   *QualityMeter  // what was sent, for Quality (quality.go)
	answers   *freelist.List // buffers answers are read into (answer_read.go)
}

// NewClient returns a client that authenticates with token: a conversion
// access token made in Ads Manager, or an OAuth token with the ads:write scope.
// The token may be empty when WithTokenSource gives refreshed OAuth tokens
// instead.
func NewClient(token string, opts ...Option) (*Client, error) {
	token = strings.TrimSpace(token)
	if token != "" && !validToken(token) {
		return nil, errors.New("pinterest: NewClient: token has a space or control character")
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
	cred := &credential{ts: cfg.tokenSource} // auth.go
	if token != "" {
		cred.header = "Bearer " + token
	} else if cred.ts == nil {
		return nil, errors.New("pinterest: NewClient: empty token (give a token, or an OAuth token source with WithTokenSource)")
	}
	c := &Client{
		cfg:      cfg,
		cred:     func() *credential { return cred },
		http:     noRedirects(cfg.httpClient),
		endpoint: cfg.baseURL.String() + "/v5/ad_accounts/",
		quality:  newQualityMeter(cfg.clock),
		bufs:     freelist.New(cfg.concurrency+1, 64<<10, maxKeptBody),
		answers:  freelist.New(cfg.concurrency+1, 64<<10, maxKeptAnswer),
	}
	c.userAgent = "capisdk-pinterest-go/" + Version + " (" + runtime.Version() + ")"
	if cfg.userAgent != "" {
		c.userAgent = cfg.userAgent + " " + c.userAgent
	}
	if err := checkHeaderValue("User-Agent", c.userAgent); err != nil {
		return nil, err
	}
	l, err := cfg.newLimiter(cfg.clock)
	if err != nil {
		return nil, err
	}
	c.limiter = l
	if cfg.testMode {
		c.limiter = newTestModeLimiter(c.limiter, cfg.clock)
	}
	return c, nil
}

// String describes the client without its token.
func (c *Client) String() string {
	if c.ready() != nil {
		return "pinterest.Client{not made by NewClient}"
	}
	return "pinterest.Client{" + c.cfg.baseURL.String() + " test=" + strconv.FormatBool(c.cfg.testMode) + "}"
}

// NewUserData returns an empty UserData that uses the client's default phone
// country calling code (WithDefaultPhoneCountryCode).
func (c *Client) NewUserData() *UserData {
	u := NewUserData()
	u.phoneCC = c.cfg.phoneCC
	return u
}

// EventStatus is the fate of one event.
type EventStatus string

// The fates of an event.
const (
	StatusProcessed EventStatus = "processed" // Pinterest processed the event
	StatusFailed    EventStatus = "failed"    // the event is not known to be processed: see EventResult.Err (ErrOutcomeUnknown: it may have been)
)

// EventResult is the fate of one event given to Send or to a Batcher.
type EventResult struct {
	// Index is the position of the event in the Send call. In a Batcher it is
	// a sequence number in the order of Add: unique and increasing, but an
	// event that Add refused leaves a gap.
	Index   int
	EventID string      // the event's id
	Status  EventStatus // processed or failed
	// Event is the event the result is about, as given to Send or Add (nil
	// for a nil event), so that a failure handler can keep it and send it
	// again later: its user data holds hashes only. Do not Reset or change
	// it while it may still be sent.
	Event *Event
	// Err says why the event failed: a *FieldError when it failed local
	// validation, an *EventError when Pinterest failed it, an *APIError when its
	// request failed, a context error when the call was cancelled. When the
	// request was written and no answer said what became of it, Err also
	// matches ErrOutcomeUnknown: Pinterest may have processed the event (see
	// ErrOutcomeUnknown for what to do). Nil when processed.
	Err error
	// Warnings are notes that did not fail the event: values dropped from its
	// user data (field and reason, never the value), local notes, and
	// Pinterest's warning_message.
	Warnings []string
	// Attempts is how many HTTP attempts the request carrying the event took
	// (0 when it was never sent).
	Attempts int
}

// OK reports whether the event was processed.
func (r *EventResult) OK() bool { return r.Status == StatusProcessed }

// Response is the outcome of one Send.
type Response struct {
	Results   []EventResult // one per event given to Send, in the same order
	Processed int           // events processed
	Failed    int           // events failed
	Attempts  int           // HTTP attempts made, retries included
}

// Failures returns the results of the events that failed.
func (r *Response) Failures() []EventResult {
	var out []EventResult
	for i := range r.Results {
		if r.Results[i].Status != StatusProcessed {
			out = append(out, r.Results[i])
		}
	}
	return out
}

// validAdAccountID checks Pinterest's pattern: 1 to 18 digits.
func validAdAccountID(id string) error { return adAccountIDError(id) } // hints.go

// Send delivers events to Pinterest for the ad account and reports the fate of
// every one of them.
//
// It validates each event locally first: an event that cannot be valid (no id,
// no user data meeting Pinterest's minimum, a malformed name, a negative
// value...) fails at once with a *FieldError, and the other events are still
// sent. The valid ones go in requests of at most 1,000 events and 2 MiB (see
// WithMaxEventsPerRequest and WithMaxRequestBytes), each waiting for the rate limiter and retried as
// the RetryPolicy says, with up to WithConcurrency requests in flight.
//
// The Response holds exactly one EventResult per event, in input order, and is
// never nil when events were given. The error is nil only when every event was
// processed; otherwise it is a *SendError. Send fails at once, with a nil
// Response, only when no events are given (ErrNoEvents).
func (c *Client) Send(ctx context.Context, adAccountID string, events ...*Event) (*Response, error) {
	if len(events) == 0 {
		return nil, ErrNoEvents
	}
	if err := c.ready(); err != nil {
		return nil, err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	res := &Response{Results: make([]EventResult, len(events))}
	var callErr error
	if err := validAdAccountID(adAccountID); err != nil {
		callErr = err
	} else if ctx.Err() != nil {
		callErr = ctxCause(ctx)
	}
	now := c.cfg.clock.Now()
	valid := make([]int, 0, len(events))
	var quality qualityTally // counts what is sent, for Client.Quality (quality.go)
	quality.start(c.quality, now)
	for i, ev := range events {
		r := &res.Results[i]
		r.Index = i
		r.Status = StatusFailed
		if ev == nil {
			r.Err = eventErr("event", "nil event")
			continue
		}
		ev.hold()                   // until Send returns (reuse.go)
		c.deriveID(adAccountID, ev) // derive.go
		r.Event, r.EventID = ev, ev.id
		c.quality.dropped(ev.user)
		for _, w := range ev.user.Warnings() {
			r.Warnings = append(r.Warnings, c.userDataWarning(w))
		}
		warns, err := ev.validate(now)
		r.Warnings = append(r.Warnings, warns...)
		switch {
		case err != nil:
			r.Err = err
		case callErr != nil:
			r.Err = callErr
		default:
			valid = append(valid, i)
			quality.add(ev)
		}
	}
	quality.flush()

	var wg sync.WaitGroup
	var mu sync.Mutex
	sem := make(chan struct{}, c.cfg.concurrency)
	for _, ch := range c.chunks(adAccountID, events, valid) {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			n := c.sendChunk(ctx, ch, res.Results) // retry.go
			mu.Lock()
			res.Attempts += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	err := res.summarize()
	c.observeSend(ctx, adAccountID, events, res) // observer.go
	for _, ev := range events {
		if ev != nil {
			ev.release()
		}
	}
	return res, err
}

// chunk is the part of a Send that travels in one request: the events of
// the call at the indexes idx, for one ad account. Results are written at the
// same indexes.
type chunk struct {
	account string
	events  []*Event // every event of the Send call
	idx     []int    // the positions, in events, of the ones in this request
	offline bool     // the events are offline ones: no ambiguous retries (retry.go)
	prior   int      // attempts of the larger requests this one was cut from (budget.go)
	depth   int      // how many times it was halved after a 413 (budget.go)
	// ambiguous: a larger request this one was cut from may have been
	// processed, so its events' outcome stays unknown unless an answer
	// gives their statuses.
	ambiguous bool
}

// chunks cuts the valid events (indexes into events) into requests of at
// most WithMaxEventsPerRequest events; a request over WithMaxRequestBytes is
// cut further when it is encoded (budget.go). Offline events travel in requests of
// their own, after the others, because they are not retried after an
// ambiguous failure: Pinterest does not de-duplicate them.
func (c *Client) chunks(account string, events []*Event, valid []int) []chunk {
	online := make([]int, 0, len(valid))
	var offline []int
	for _, i := range valid {
		if events[i].source == SourceOffline {
			offline = append(offline, i)
		} else {
			online = append(online, i)
		}
	}
	var out []chunk
	for _, g := range [...]struct {
		idx     []int
		offline bool
	}{{online, false}, {offline, true}} {
		for start := 0; start < len(g.idx); start += c.cfg.maxPerRequest {
			out = append(out, chunk{account: account, events: events, offline: g.offline,
				idx: g.idx[start:min(start+c.cfg.maxPerRequest, len(g.idx))]})
		}
	}
	return out
}

// summarize counts the results and builds the call's error.
func (r *Response) summarize() error {
	var causes []error
	// Causes are told apart by their text: errors of any type (a cancel cause
	// may not even be comparable) can be keys, and equal texts are one cause.
	seen := make(map[string]bool)
	for i := range r.Results {
		res := &r.Results[i]
		if res.Status == StatusProcessed {
			r.Processed++
			continue
		}
		r.Failed++
		if len(causes) >= maxCauses {
			continue
		}
		if key := res.Err.Error(); !seen[key] {
			seen[key] = true
			causes = append(causes, res.Err)
		}
	}
	if r.Failed == 0 {
		return nil
	}
	return &SendError{Total: len(r.Results), Failed: r.Failed, Causes: causes}
}

// maxCauses bounds SendError.Causes.
const maxCauses = 16
