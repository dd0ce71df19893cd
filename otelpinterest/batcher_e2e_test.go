package otelpinterest_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
)

// TestBatcherSpansAndCounts adds events to a Batcher from three "handlers",
// two with a span, and checks that each batch is a root span linked to the
// spans of its Add calls, that its attempts are its children, and that the
// events counted equal what the fake server recorded, under faults.
func TestBatcherSpansAndCounts(t *testing.T) {
	h := newHarness(t)
	srv := pinteresttest.NewServerT(t)
	srv.Enqueue(pinteresttest.Fault{Status: 503}, pinteresttest.Fault{Drop: true})
	c := h.client(t, srv)
	var results atomic.Int64
	b, err := c.NewBatcher(account, pinterest.WithBatchSize(4), pinterest.WithFlushInterval(time.Hour),
		pinterest.WithResultHandler(func(pinterest.EventResult) { results.Add(1) }))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var addSpans []trace.SpanContext
	for i := range 3 {
		actx := ctx
		if i < 2 {
			var s trace.Span
			actx, s = h.callerSpan(ctx, fmt.Sprint("handler ", i))
			addSpans = append(addSpans, s.SpanContext())
			defer s.End()
		}
		// Two events per Add: the batch of four holds two Add calls.
		if err := b.Add(actx, event(fmt.Sprint(i, "-1")), event(fmt.Sprint(i, "-2"))); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Close(ctx); err != nil {
		t.Fatal(err)
	}

	var batches, attempts []span
	var batchRO []sdktrace.Link
	for i, s := range h.ended() {
		switch s.Name {
		case "pinterest.batch":
			batches = append(batches, s)
			batchRO = append(batchRO, h.spans.Ended()[i].Links()...)
			if s.Parent != "" {
				t.Errorf("batch span has parent %q, want a root span", s.Parent)
			}
		case "POST /v5/ad_accounts/{ad_account_id}/events":
			attempts = append(attempts, s)
			if s.Parent != "pinterest.batch" {
				t.Errorf("attempt span has parent %q, want its batch", s.Parent)
			}
		}
	}
	if len(batches) != 2 || len(attempts) != len(srv.Requests()) {
		t.Fatalf("%d batch spans and %d attempt spans for %d requests, want 2 batches and one span per request", len(batches), len(attempts), len(srv.Requests()))
	}
	// Batch 1 holds the events of handlers 0 and 1 (two links); batch 2 those
	// of the Add without a span (none).
	if len(batchRO) != 2 || !batchRO[0].SpanContext.Equal(addSpans[0]) || !batchRO[1].SpanContext.Equal(addSpans[1]) {
		t.Errorf("batch links %+v, want the spans of the two Add calls that had one", batchRO)
	}

	m := h.metrics(t)
	distinct := map[string]bool{}
	for _, e := range srv.Events() {
		distinct[e.EventID] = true
	}
	st := b.Stats()
	if got := total(m, "pinterest.events", "pinterest.outcome=processed"); got != float64(len(distinct)) || got != float64(st.Processed) {
		t.Errorf("pinterest.events processed = %v; the server recorded %d distinct events, Stats says %d", got, len(distinct), st.Processed)
	}
	if got := total(m, "pinterest.events"); got != 6 || results.Load() != 6 {
		t.Errorf("pinterest.events counts %v events and the handler got %d results, want 6 each", got, results.Load())
	}
	if got := total(m, "pinterest.retries"); got != float64(st.Retried) || got != 2 {
		t.Errorf("pinterest.retries = %v, Stats().Retried = %d; want 2 (the 503 and the drop)", got, st.Retried)
	}
	// Closed: the Batcher's queue is no longer reported.
	if got := byAttr(m, "pinterest.batcher.queue.depth", "pinterest.ad_account.id"); len(got) != 0 {
		t.Errorf("a closed Batcher's queue is still reported: %v", got)
	}
	h.checkNoSecrets(t, "secret-token-value", "order-", "example.com", "jane")
}

// TestBatcherGauges holds a batch in flight at the fake server and checks the
// queue depth, the events in flight and the oldest event's age, read when the
// metrics are collected.
func TestBatcherGauges(t *testing.T) {
	h := newHarness(t)
	srv := pinteresttest.NewServerT(t)
	srv.Enqueue(pinteresttest.Fault{Delay: 300 * time.Millisecond})
	c := h.client(t, srv)
	b, err := c.NewBatcher(account, pinterest.WithBatchSize(2), pinterest.WithSenders(1), pinterest.WithFlushInterval(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	t0 := time.Now()
	// The first two events leave as a batch, held by the server; the third
	// waits in the queue behind them.
	if err := b.Add(ctx, event("1"), event("2"), event("3")); err != nil {
		t.Fatal(err)
	}
	t1 := time.Now()
	for len(srv.Requests()) == 0 {
		time.Sleep(time.Millisecond)
	}
	t2 := time.Now()
	m := h.metrics(t)
	t3 := time.Now()
	key := "{pinterest.ad_account.id=" + account + "}"
	if got := m["pinterest.batcher.queue.depth"+key].Value; got != 1 {
		t.Errorf("queue depth %v, want 1", got)
	}
	if got := m["pinterest.batcher.in_flight"+key].Value; got != 2 {
		t.Errorf("in flight %v, want 2", got)
	}
	age := time.Duration(m["pinterest.batcher.queue.oldest_age"+key].Value * float64(time.Second))
	if lo, hi := t2.Sub(t1), t3.Sub(t0); age < lo || age > hi {
		t.Errorf("oldest age %v, want between %v and %v", age, lo, hi)
	}
	if err := b.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if st := b.Stats(); st.OldestAge != 0 || st.Processed != 3 {
		t.Errorf("after Close: %+v, want 3 processed and no age", st)
	}
}
