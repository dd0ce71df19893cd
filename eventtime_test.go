package pinterest_test

// Tests of event times: stale and future events fail alone, late web and
// app events warn, and a Batcher logs the events its own delay made late.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/internal/clock"
	"github.com/capisdk/pinterest/pinteresttest"
)

func TestEventTimeStaleAndFutureFailLocally(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	c, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	ev := func(id string, at time.Time) *pinterest.Event {
		return pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceOffline).ID(id).At(at).
			User(pinterest.NewUserData().Email("jane@example.com"))
	}
	res, err := c.Send(context.Background(), "549755885175",
		ev("fresh", now.Add(-time.Hour)),
		ev("stale", now.Add(-8*24*time.Hour)),
		ev("almost-stale", now.Add(-pinterest.MaxEventAge+time.Hour)),
		ev("future", now.Add(2*time.Hour)))
	var se *pinterest.SendError
	if !errors.As(err, &se) || se.Failed != 2 {
		t.Fatalf("Send error = %v, want a *SendError with 2 failures", err)
	}
	want := map[int]string{
		1: "pinterest: invalid event_time: older than 7 days: Pinterest would refuse the whole request holding it (422); upload it in Ads Manager instead (up to 30 days)",
		3: "pinterest: invalid event_time: more than an hour in the future: check the clock and the time zone of the time given to At",
	}
	for i, r := range res.Results {
		msg, bad := want[i]
		if !bad {
			if !r.OK() {
				t.Errorf("event %d: %v, want processed", i, r.Err)
			}
			continue
		}
		var fe *pinterest.FieldError
		if !errors.As(r.Err, &fe) || fe.Field != "event_time" || !errors.Is(r.Err, pinterest.ErrInvalidValue) || r.Err.Error() != msg {
			t.Errorf("event %d: error %v, want the *FieldError %q", i, r.Err, msg)
		}
		if r.Attempts != 0 {
			t.Errorf("event %d: %d attempts, want 0 (not sent)", i, r.Attempts)
		}
	}
	// The others went in one request that Pinterest accepted.
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Status != 200 || reqs[0].NumEvents != 2 {
		t.Errorf("requests = %+v, want one 200 with the 2 valid events", reqs)
	}
}

func TestEventTimeLateWebAndAppWarn(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	c, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	const late = "event_time: more than an hour ago; Pinterest reports a web or app event received this late as offline"
	now := time.Now()
	tests := []struct {
		source pinterest.ActionSource
		age    time.Duration
		want   []string
	}{
		{pinterest.SourceWeb, 2 * time.Hour, []string{late}},
		{pinterest.SourceAppIOS, 61 * time.Minute, []string{late}},
		{pinterest.SourceAppAndroid, 3 * 24 * time.Hour, []string{late}},
		{pinterest.SourceWeb, 50 * time.Minute, nil},
		{pinterest.SourceOffline, 2 * time.Hour, nil},
	}
	for _, tt := range tests {
		ev := pinterest.NewEvent(pinterest.EventCheckout, tt.source).ID("late").At(now.Add(-tt.age)).
			User(pinterest.NewUserData().Email("jane@example.com"))
		res, err := c.Send(context.Background(), "549755885175", ev)
		if err != nil {
			t.Fatalf("%s %v old: %v", tt.source, tt.age, err)
		}
		if diff := cmp.Diff(tt.want, res.Results[0].Warnings); diff != "" {
			t.Errorf("%s %v old: warnings mismatch (-want +got):\n%s", tt.source, tt.age, diff)
		}
	}
}

// lockedBuffer is a bytes.Buffer safe for the Batcher's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// records decodes the JSON log lines whose message contains msg.
func (b *lockedBuffer) records(t *testing.T, msg string) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if m, _ := rec["msg"].(string); strings.Contains(m, msg) {
			delete(rec, "time")
			out = append(out, rec)
		}
	}
	return out
}

// Two 503s with Retry-After of 20 minutes make an event that was 40 minutes
// old when added more than an hour old when it is processed: the Batcher
// says so, of it alone: the fresh web event is still on time. The clock is fake and jumps to each timer, so nothing sleeps.
func TestBatcherLogsEventsItMadeLate(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	srv.Enqueue(pinteresttest.Fault{Status: 503, RetryAfter: "1200"}, pinteresttest.Fault{Status: 503, RetryAfter: "1200"})
	logs := &lockedBuffer{}
	start := time.Now()
	c, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(srv.URL), pinterest.WithoutRateLimit(),
		pinterest.WithClock(clock.NewAuto(start)),
		pinterest.WithRetry(pinterest.RetryPolicy{MaxAttempts: 3, MaxRetryAfter: time.Hour, MaxElapsed: 3 * time.Hour}),
		pinterest.WithLogger(slog.New(slog.NewJSONHandler(logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	var results []pinterest.EventResult
	var mu sync.Mutex
	// One sender: the batch holding the first event takes the two 503s,
	// however the fake clock's instant flush timer cuts the batches.
	b, err := c.NewBatcher("549755885175", pinterest.WithSenders(1), pinterest.WithResultHandler(func(r pinterest.EventResult) {
		mu.Lock()
		defer mu.Unlock()
		results = append(results, r)
	}))
	if err != nil {
		t.Fatal(err)
	}
	user := pinterest.NewUserData().Email("jane@example.com")
	evs := []*pinterest.Event{
		pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).ID("web-40m").At(start.Add(-40 * time.Minute)).User(user),
		pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).ID("web-now").At(start).User(user),
	}
	if err := b.Add(context.Background(), evs...); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := b.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, r := range results {
		if !r.OK() || (r.EventID == "web-40m" && r.Attempts != 3) {
			t.Errorf("result %s: %v after %d attempts, want processed (web-40m after 3)", r.EventID, r.Err, r.Attempts)
		}
	}
	got := logs.records(t, "more than an hour late")
	if len(got) != 1 {
		t.Fatalf("%d late-event records, want 1: %v", len(got), got)
	}
	rec := got[0]
	if rec["level"] != "WARN" || rec["events"] != float64(1) || rec["ad_account_id"] != "549755885175" || rec["attempts"] != float64(3) {
		t.Errorf("record = %v, want WARN, 1 event of 549755885175, 3 attempts", rec)
	}
	if wait, _ := rec["longest_wait"].(float64); time.Duration(wait) < 40*time.Minute {
		t.Errorf("longest_wait = %v, want at least the two 20-minute waits", time.Duration(wait))
	}
}
