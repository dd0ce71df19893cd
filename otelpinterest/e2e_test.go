package otelpinterest_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
)

// client returns a client of srv observed by h, with quick retries and a
// limiter that lets the test's requests through at once.
func (h *harness) client(t *testing.T, srv *pinteresttest.Server, opts ...pinterest.Option) *pinterest.Client {
	t.Helper()
	c, err := pinterest.NewClient("secret-token-value", append([]pinterest.Option{
		pinterest.WithBaseURL(srv.URL),
		pinterest.WithObserver(h.obs),
		pinterest.WithRateLimit(1 << 20),
		pinterest.WithTimeout(2 * time.Second),
		pinterest.WithRetry(pinterest.RetryPolicy{MaxAttempts: 3, InitialInterval: time.Millisecond, MaxInterval: 2 * time.Millisecond}),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// event returns a valid event whose e-mail and id carry tag, so that the
// tests can look for them in what was recorded.
func event(tag string) *pinterest.Event {
	return pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).
		ID("order-" + tag).
		User(pinterest.NewUserData().Email("jane." + tag + "@example.com"))
}

// TestSendUnderFaults sends concurrently through every kind of fault and
// checks that the metrics and spans count exactly what the fake server
// recorded: one duration point and one span per HTTP request it saw, with its
// status; processed events equal to the distinct events it recorded; and the
// failures the client reported, by cause.
func TestSendUnderFaults(t *testing.T) {
	h := newHarness(t)
	srv := pinteresttest.NewServerT(t)
	srv.FailEvents(func(e pinteresttest.Event) string {
		if strings.HasSuffix(e.EventID, "-reject") {
			return "rejected by the test"
		}
		return ""
	})
	srv.Enqueue(
		pinteresttest.Fault{Status: 429, RetryAfter: "0"},
		pinteresttest.Fault{Status: 503},
		pinteresttest.Fault{Drop: true},
		pinteresttest.Fault{Status: 500, Process: true},
		pinteresttest.Fault{Status: 502, Body: "<html>bad gateway</html>"},
		pinteresttest.Fault{Truncate: true},
		pinteresttest.Fault{Status: 400},
		pinteresttest.Fault{Status: 503}, pinteresttest.Fault{Status: 503}, pinteresttest.Fault{Status: 503},
	)
	c := h.client(t, srv)

	const sends = 12
	var wg sync.WaitGroup
	var mu sync.Mutex
	attempts, processed, failed := 0, 0, 0
	causes := map[string]int{}
	for s := range sends {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, span := h.callerSpan(context.Background(), "send "+strconv.Itoa(s))
			defer span.End()
			evs := []*pinterest.Event{
				event(fmt.Sprint(s, "-a")),
				event(fmt.Sprint(s, "-reject")),
				pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb). // no id: fails locally
													User(pinterest.NewUserData().Email("x@example.com")),
				event(fmt.Sprint(s, "-b")).User(pinterest.NewUserData().Email("j@example.com").Phone("123")), // phone dropped
			}
			res, _ := c.Send(ctx, account, evs...)
			mu.Lock()
			defer mu.Unlock()
			attempts += res.Attempts
			processed += res.Processed
			failed += res.Failed
			for _, r := range res.Failures() {
				switch {
				case strings.Contains(r.Err.Error(), "invalid event_id"):
					causes["invalid"]++
				case strings.Contains(r.Err.Error(), "rejected by the test"):
					causes["rejected"]++
				default:
					causes["request"]++
				}
			}
		}()
	}
	wg.Wait()

	reqs := srv.Requests()
	if attempts != len(reqs) {
		t.Fatalf("the client made %d attempts, the server saw %d requests", attempts, len(reqs))
	}
	m := h.metrics(t)
	byStatus := map[string]float64{}
	for _, r := range reqs {
		byStatus[strconv.Itoa(r.Status)]++ // 0: no answer
	}
	gotByStatus := byAttr(m, "http.client.request.duration", "http.response.status_code")
	gotByStatus["0"] = gotByStatus[""] // no answer, no status
	delete(gotByStatus, "")
	if diff := cmp.Diff(byStatus, gotByStatus); diff != "" {
		t.Errorf("attempts by status: server (-) vs metrics (+):\n%s", diff)
	}
	if n := total(m, "pinterest.limiter.wait.duration"); n != float64(len(reqs)) {
		t.Errorf("%v limiter waits, want one per request: %d", n, len(reqs))
	}
	if n := total(m, "pinterest.retries"); n != float64(len(reqs)-sends) {
		t.Errorf("%v retries, want %d (requests beyond the first of each Send)", n, len(reqs)-sends)
	}
	if n := total(m, "pinterest.retry.wait.duration"); n != float64(len(reqs)-sends) {
		t.Errorf("%v retry waits recorded, want %d", n, len(reqs)-sends)
	}

	distinct := map[string]bool{}
	for _, e := range srv.Events() {
		distinct[e.EventID] = true
	}
	if processed != len(distinct) {
		t.Fatalf("the client reports %d processed, the server recorded %d distinct events", processed, len(distinct))
	}
	gotEvents := map[string]float64{
		"processed": total(m, "pinterest.events", "pinterest.outcome=processed"),
		"failed":    total(m, "pinterest.events", "pinterest.outcome=failed") + total(m, "pinterest.events", "pinterest.outcome=unknown"),
		"invalid":   total(m, "pinterest.events", "error.type=invalid"),
		"rejected":  total(m, "pinterest.events", "error.type=rejected"),
	}
	wantEvents := map[string]float64{"processed": float64(processed), "failed": float64(failed),
		"invalid": float64(causes["invalid"]), "rejected": float64(causes["rejected"])}
	if diff := cmp.Diff(wantEvents, gotEvents); diff != "" {
		t.Errorf("events: client (-) vs metrics (+):\n%s", diff)
	}
	if causes["invalid"] != sends || causes["request"] == 0 {
		t.Errorf("the faults did not bite as planned: %v", causes)
	}
	if n := total(m, "pinterest.user_data.dropped", "pinterest.user_data.field=user_data.ph", "pinterest.user_data.reason=fewer than 7 digits"); n != sends {
		t.Errorf("%v dropped phone numbers counted, want %d", n, sends)
	}

	// One client span per request, each the child of its Send's span.
	var attemptSpans int
	for _, s := range h.ended() {
		if !strings.HasPrefix(s.Name, "POST ") {
			continue
		}
		attemptSpans++
		if !strings.HasPrefix(s.Parent, "send ") {
			t.Errorf("attempt span with parent %q, want a caller's span", s.Parent)
		}
	}
	if attemptSpans != len(reqs) {
		t.Errorf("%d attempt spans, want one per request: %d", attemptSpans, len(reqs))
	}
	h.checkNoSecrets(t, "secret-token-value", "order-", "example.com", "jane")
}

// checkNoSecrets fails if a recorded attribute, metric or span event holds
// any of the strings: the token, event ids, personal data.
func (h *harness) checkNoSecrets(t *testing.T, secrets ...string) {
	t.Helper()
	var seen []string
	for k := range h.metrics(t) {
		seen = append(seen, k)
	}
	for _, s := range h.ended() {
		seen = append(seen, s.Name, s.Status)
		seen = append(seen, s.Events...)
		for k, v := range s.Attrs {
			seen = append(seen, k+"="+v)
		}
	}
	for _, s := range seen {
		for _, secret := range secrets {
			if strings.Contains(s, secret) {
				t.Errorf("recorded %q holds %q", s, secret)
			}
		}
	}
}
