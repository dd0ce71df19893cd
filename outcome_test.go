package pinterest_test

// ErrOutcomeUnknown: an event matches it exactly when its request was
// written and no answer said what became of it; an event whose request never
// left the machine never matches it. Offline events are not retried after
// such a failure. Helpers are prefixed with "outcome".

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
)

const outcomeAcct = "549755885175"

func outcomeEvent(id string, src pinterest.ActionSource) *pinterest.Event {
	return pinterest.NewEvent(pinterest.EventCheckout, src).ID(id).At(time.Now().Add(-time.Minute)).
		User(pinterest.NewUserData().Email(id + "@example.com"))
}

// outcomeFastRetries keeps the retry pauses short.
var outcomeFastRetries = pinterest.WithRetry(pinterest.RetryPolicy{
	MaxAttempts: 3, InitialInterval: time.Millisecond, MaxInterval: 2 * time.Millisecond,
})

func outcomeClient(t *testing.T, base string, opts ...pinterest.Option) *pinterest.Client {
	t.Helper()
	c, err := pinterest.NewClient("outcome-token", append([]pinterest.Option{
		pinterest.WithBaseURL(base), pinterest.WithoutRateLimit(), outcomeFastRetries}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// outcomeRecorded counts how many times the server recorded the event id.
func outcomeRecorded(srv *pinteresttest.Server, id string) int {
	n := 0
	for _, e := range srv.Events() {
		if e.EventID == id {
			n++
		}
	}
	return n
}

func TestOutcomeUnknownSend(t *testing.T) {
	tests := []struct {
		name    string
		source  pinterest.ActionSource
		faults  []pinteresttest.Fault
		timeout time.Duration // of the caller's context; 0 for none
		opts    []pinterest.Option
		unknown bool
		also    error // the cause the error matches too
		reqs    int   // requests the server saw
	}{
		{name: "processed, answer held past the caller's deadline", source: pinterest.SourceWeb,
			faults:  []pinteresttest.Fault{{Process: true, Delay: time.Minute}},
			timeout: 300 * time.Millisecond, unknown: true, also: context.DeadlineExceeded, reqs: 1},
		{name: "processed, answer held past the attempt timeout", source: pinterest.SourceOffline,
			faults: []pinteresttest.Fault{{Process: true, Delay: time.Minute}},
			opts:   []pinterest.Option{pinterest.WithTimeout(200 * time.Millisecond)}, unknown: true, reqs: 1},
		{name: "connection dropped after the body was read", source: pinterest.SourceWeb,
			faults: []pinteresttest.Fault{{Drop: true}}, opts: []pinterest.Option{pinterest.WithoutRetries()},
			unknown: true, reqs: 1},
		{name: "retries exhausted after an ambiguous failure", source: pinterest.SourceWeb,
			faults:  []pinteresttest.Fault{{Drop: true}, {Status: 503}, {Status: 503}},
			unknown: true, also: pinterest.ErrUnavailable, reqs: 3},
		{name: "502 after processing, offline: not retried", source: pinterest.SourceOffline,
			faults:  []pinteresttest.Fault{{Status: 502, Process: true}},
			unknown: true, also: pinterest.ErrServer, reqs: 1},
		{name: "422 without per-event statuses", source: pinterest.SourceWeb,
			faults:  []pinteresttest.Fault{{Status: 422}},
			unknown: true, also: pinterest.ErrNotAllProcessed, reqs: 1},
		{name: "unreadable 200", source: pinterest.SourceOffline,
			faults:  []pinteresttest.Fault{{Body: "<html>ok</html>"}},
			unknown: true, also: pinterest.ErrMalformedResponse, reqs: 1},
		{name: "503 is known not processed", source: pinterest.SourceOffline,
			faults: []pinteresttest.Fault{{Status: 503}, {Status: 503}, {Status: 503}},
			also:   pinterest.ErrUnavailable, reqs: 3},
		{name: "400 is known not processed", source: pinterest.SourceOffline,
			faults: []pinteresttest.Fault{{Status: 400}}, also: pinterest.ErrInvalidRequest, reqs: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pinteresttest.NewServerT(t)
			srv.Enqueue(tt.faults...)
			c := outcomeClient(t, srv.URL, tt.opts...)
			ctx := context.Background()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			res, err := c.Send(ctx, outcomeAcct, outcomeEvent("ev-1", tt.source))
			if err == nil {
				t.Fatal("Send succeeded")
			}
			r := res.Results[0]
			if got := errors.Is(r.Err, pinterest.ErrOutcomeUnknown); got != tt.unknown {
				t.Errorf("errors.Is(%v, ErrOutcomeUnknown) = %v, want %v", r.Err, got, tt.unknown)
			}
			if got := errors.Is(err, pinterest.ErrOutcomeUnknown); got != tt.unknown {
				t.Errorf("errors.Is(Send's error, ErrOutcomeUnknown) = %v, want %v", got, tt.unknown)
			}
			if tt.also != nil && !errors.Is(r.Err, tt.also) {
				t.Errorf("error %v does not match %v", r.Err, tt.also)
			}
			if got := len(srv.Requests()); got != tt.reqs {
				t.Errorf("server saw %d requests, want %d", got, tt.reqs)
			}
			if n := outcomeRecorded(srv, "ev-1"); n > 1 {
				t.Errorf("the server recorded the event %d times", n)
			}
		})
	}
}

// An ambiguous failure is retried for web and app events (Pinterest
// de-duplicates them by event id), not for offline ones, which it would
// count twice: a 502 after processing, then a normal answer.
func TestOutcomeAmbiguousRetriesPerSource(t *testing.T) {
	for _, tt := range []struct {
		source    pinterest.ActionSource
		opts      []pinterest.Option
		processed bool
		reqs      int
	}{
		{source: pinterest.SourceWeb, processed: true, reqs: 2},
		{source: pinterest.SourceAppIOS, processed: true, reqs: 2},
		{source: pinterest.SourceOffline, processed: false, reqs: 1},
		{source: pinterest.SourceWeb, opts: []pinterest.Option{pinterest.WithoutAmbiguousRetries()}, processed: false, reqs: 1},
	} {
		t.Run(string(tt.source), func(t *testing.T) {
			srv := pinteresttest.NewServerT(t)
			srv.Enqueue(pinteresttest.Fault{Status: 502, Process: true})
			c := outcomeClient(t, srv.URL, tt.opts...)
			res, _ := c.Send(context.Background(), outcomeAcct, outcomeEvent("ev-1", tt.source))
			r := res.Results[0]
			if r.OK() != tt.processed {
				t.Errorf("processed = %v (%v), want %v", r.OK(), r.Err, tt.processed)
			}
			if !tt.processed && !errors.Is(r.Err, pinterest.ErrOutcomeUnknown) {
				t.Errorf("error %v does not match ErrOutcomeUnknown", r.Err)
			}
			if got := len(srv.Requests()); got != tt.reqs {
				t.Errorf("server saw %d requests, want %d", got, tt.reqs)
			}
			if tt.source == pinterest.SourceOffline {
				if n := outcomeRecorded(srv, "ev-1"); n != 1 {
					t.Errorf("the offline event was recorded %d times, want once", n)
				}
			}
		})
	}
}

// Web and offline events given to one Send travel apart, so that the web
// ones are still retried.
func TestOutcomeMixedSourcesTravelApart(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	// With one request at a time, the web events go first: a 502, then the
	// normal answer of their retry; then the offline event meets a 502.
	srv.Enqueue(pinteresttest.Fault{Status: 502, Process: true}, pinteresttest.Fault{}, pinteresttest.Fault{Status: 502, Process: true})
	c := outcomeClient(t, srv.URL, pinterest.WithConcurrency(1))
	res, _ := c.Send(context.Background(), outcomeAcct,
		outcomeEvent("web-1", pinterest.SourceWeb), outcomeEvent("off-1", pinterest.SourceOffline), outcomeEvent("web-2", pinterest.SourceWeb))
	for _, r := range res.Results {
		offline := r.EventID == "off-1"
		if offline == r.OK() || offline != errors.Is(r.Err, pinterest.ErrOutcomeUnknown) {
			t.Errorf("%s: status %s, err %v; want web events processed, the offline one unknown", r.EventID, r.Status, r.Err)
		}
		if n := outcomeRecorded(srv, r.EventID); (offline && n != 1) || (!offline && n != 2) {
			t.Errorf("%s recorded %d times", r.EventID, n)
		}
	}
}

// A request that never left the machine never has an unknown outcome.
func TestOutcomeNeverWrittenIsKnown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String()
	ln.Close()

	t.Run("connection refused", func(t *testing.T) {
		c := outcomeClient(t, refused)
		res, _ := c.Send(context.Background(), outcomeAcct, outcomeEvent("ev-1", pinterest.SourceOffline))
		if r := res.Results[0]; r.OK() || errors.Is(r.Err, pinterest.ErrOutcomeUnknown) || r.Attempts != 3 {
			t.Errorf("status %s, %d attempts, err %v; want failed after 3 attempts, not ErrOutcomeUnknown", r.Status, r.Attempts, r.Err)
		}
	})
	t.Run("connection refused through a wrapping RoundTripper", func(t *testing.T) {
		hc := &http.Client{Transport: outcomeWrap{http.DefaultTransport}}
		c := outcomeClient(t, refused, pinterest.WithHTTPClient(hc), pinterest.WithoutRetries())
		res, _ := c.Send(context.Background(), outcomeAcct, outcomeEvent("ev-1", pinterest.SourceOffline))
		if r := res.Results[0]; errors.Is(r.Err, pinterest.ErrOutcomeUnknown) {
			t.Errorf("err %v matches ErrOutcomeUnknown", r.Err)
		}
	})
	t.Run("context cancelled while waiting for the limiter", func(t *testing.T) {
		srv := pinteresttest.NewServerT(t)
		// Two requests of one event each: the second waits a minute for the limiter.
		c, err := pinterest.NewClient("outcome-token", pinterest.WithBaseURL(srv.URL), pinterest.WithRateLimit(1), pinterest.WithMaxEventsPerRequest(1))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		res, _ := c.Send(ctx, outcomeAcct, outcomeEvent("ev-1", pinterest.SourceOffline), outcomeEvent("ev-2", pinterest.SourceOffline))
		var unsent int
		for _, r := range res.Results {
			if !r.OK() {
				unsent++
				if errors.Is(r.Err, pinterest.ErrOutcomeUnknown) {
					t.Errorf("%s never sent, but err %v matches ErrOutcomeUnknown", r.EventID, r.Err)
				}
			}
		}
		if unsent != 1 {
			t.Errorf("%d events unsent, want 1", unsent)
		}
	})
	t.Run("a RoundTripper that does not report to httptrace is taken as written", func(t *testing.T) {
		hc := &http.Client{Transport: outcomeFailing{}}
		c := outcomeClient(t, "https://api.pinterest.com", pinterest.WithHTTPClient(hc), pinterest.WithoutRetries())
		res, _ := c.Send(context.Background(), outcomeAcct, outcomeEvent("ev-1", pinterest.SourceOffline))
		if r := res.Results[0]; !errors.Is(r.Err, pinterest.ErrOutcomeUnknown) {
			t.Errorf("err %v does not match ErrOutcomeUnknown: a transport that cannot tell must not be trusted as 'not sent'", r.Err)
		}
	})
}

type outcomeWrap struct{ base http.RoundTripper }

func (w outcomeWrap) RoundTrip(r *http.Request) (*http.Response, error) { return w.base.RoundTrip(r) }

type outcomeFailing struct{}

func (outcomeFailing) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("custom transport failure")
}

// A Batcher whose Close ends while a batch is in flight, on a server that
// processed the batch and holds its answer: its events are unknown, not
// "not sent".
func TestOutcomeUnknownBatcherClose(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	srv.Enqueue(pinteresttest.Fault{Process: true, Delay: time.Minute})
	c := outcomeClient(t, srv.URL)
	var mu sync.Mutex
	var results []pinterest.EventResult
	b, err := c.NewBatcher(outcomeAcct, pinterest.WithResultHandler(func(r pinterest.EventResult) {
		mu.Lock()
		results = append(results, r)
		mu.Unlock()
	}))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"b-1", "b-2"} {
		if err := b.Add(context.Background(), outcomeEvent(id, pinterest.SourceOffline)); err != nil {
			t.Fatal(err)
		}
	}
	// Send the batch, and wait until the server holds it.
	go b.Flush(context.Background())
	for deadline := time.Now().Add(5 * time.Second); outcomeRecorded(srv, "b-2") == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the server never processed the batch")
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := b.Close(ctx); err == nil {
		t.Error("Close returned nil with a batch in flight past its deadline")
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		mu.Lock()
		n := len(results)
		mu.Unlock()
		if n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d results, want 2", n)
		}
	}
	for _, r := range results {
		if r.OK() || !errors.Is(r.Err, pinterest.ErrOutcomeUnknown) || !errors.Is(r.Err, pinterest.ErrClosed) {
			t.Errorf("%s: status %s, err %v; want ErrOutcomeUnknown and ErrClosed", r.EventID, r.Status, r.Err)
		}
	}
}

// An ambiguous attempt, then a 413 whose halves fail for certain: the halves'
// events may still have been processed by the first attempt, so their
// outcome stays unknown.
func TestOutcomeUnknownSurvivesA413Split(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	srv.Enqueue(pinteresttest.Fault{Drop: true, Process: true}, pinteresttest.Fault{Status: 413},
		pinteresttest.Fault{Status: 400}, pinteresttest.Fault{Status: 400})
	c := outcomeClient(t, srv.URL)
	res, _ := c.Send(context.Background(), outcomeAcct, outcomeEvent("s-1", pinterest.SourceWeb), outcomeEvent("s-2", pinterest.SourceWeb))
	for _, r := range res.Results {
		if !errors.Is(r.Err, pinterest.ErrOutcomeUnknown) || !errors.Is(r.Err, pinterest.ErrInvalidRequest) {
			t.Errorf("%s: err %v; want ErrOutcomeUnknown and the halves' 400", r.EventID, r.Err)
		}
		if r.Attempts != 3 {
			t.Errorf("%s: Attempts %d, want 3 (the drop, the 413, its half)", r.EventID, r.Attempts)
		}
	}
	if n := len(srv.Requests()); n != 4 {
		t.Errorf("server saw %d requests, want 4", n)
	}
}
