package otelpinterest_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.opentelemetry.io/otel/trace"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/otelpinterest"
)

const account = "549755885175"

func start(attempt, events int) pinterest.RequestStartInfo {
	return pinterest.RequestStartInfo{AdAccountID: account, Events: events, Attempt: attempt,
		ServerAddress: "api.pinterest.com", ServerPort: 443}
}

// TestRequestHooks drives RequestStart and RequestEnd as the client does for
// a request answered 429 once, then 200, and for one that got no answer.
func TestRequestHooks(t *testing.T) {
	h := newHarness(t)
	ctx, caller := h.callerSpan(context.Background(), "checkout")
	attempts := []pinterest.RequestEndInfo{
		{RequestStartInfo: start(1, 3), StatusCode: 429, Duration: 20 * time.Millisecond, Outcome: pinterest.OutcomeFailed, Cause: "rate_limited"},
		{RequestStartInfo: start(2, 3), StatusCode: 200, Duration: 30 * time.Millisecond, Outcome: pinterest.OutcomeProcessed},
		{RequestStartInfo: start(1, 2), Duration: 5 * time.Second, Outcome: pinterest.OutcomeUnknown, Cause: "timeout"},
	}
	for _, a := range attempts {
		actx := h.obs.RequestStart(ctx, a.RequestStartInfo)
		if trace.SpanFromContext(actx) == caller {
			t.Fatal("RequestStart returned a context without a span of its own")
		}
		h.obs.RequestEnd(actx, a)
	}
	caller.End()

	const (
		name = "http.client.request.duration"
		tail = ",pinterest.ad_account.id=549755885175,server.address=api.pinterest.com,server.port=443}"
	)
	want := map[string]point{
		name + "{error.type=429,http.request.method=POST,http.response.status_code=429" + tail: {Count: 1, Value: 0.02},
		name + "{http.request.method=POST,http.response.status_code=200" + tail:                {Count: 1, Value: 0.03},
		name + "{error.type=timeout,http.request.method=POST" + tail:                           {Count: 1, Value: 5},
	}
	if diff := cmp.Diff(want, h.metrics(t)); diff != "" {
		t.Errorf("metrics (-want +got):\n%s", diff)
	}

	attempt := func(resend string, extra map[string]string) map[string]string {
		m := map[string]string{
			"http.request.method": "POST", "server.address": "api.pinterest.com", "server.port": "443",
			"url.template": "/v5/ad_accounts/{ad_account_id}/events", "pinterest.ad_account.id": account,
		}
		if resend != "" {
			m["http.request.resend_count"] = resend
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	spanName := "POST /v5/ad_accounts/{ad_account_id}/events"
	wantSpans := []span{
		{Name: spanName, Kind: trace.SpanKindClient, Parent: "checkout", Status: "Error: 429",
			Attrs: attempt("", map[string]string{"pinterest.events.count": "3", "http.response.status_code": "429", "error.type": "429", "pinterest.outcome": "failed"})},
		{Name: spanName, Kind: trace.SpanKindClient, Parent: "checkout", Status: "Unset",
			Attrs: attempt("1", map[string]string{"pinterest.events.count": "3", "http.response.status_code": "200", "pinterest.outcome": "processed"})},
		{Name: spanName, Kind: trace.SpanKindClient, Parent: "checkout", Status: "Error: timeout",
			Attrs: attempt("", map[string]string{"pinterest.events.count": "2", "error.type": "timeout", "pinterest.outcome": "unknown"})},
		{Name: "checkout", Kind: trace.SpanKindInternal, Attrs: map[string]string{}, Status: "Unset"},
	}
	if diff := cmp.Diff(wantSpans, h.ended()); diff != "" {
		t.Errorf("spans (-want +got):\n%s", diff)
	}
}

// TestCountHooks drives the hooks that only count: events by outcome and
// cause, retries, give-ups, limiter waits and dropped values.
func TestCountHooks(t *testing.T) {
	h := newHarness(t)
	ctx, caller := h.callerSpan(context.Background(), "send")
	o := h.obs
	o.Events(ctx, pinterest.EventsInfo{AdAccountID: account, Outcome: pinterest.OutcomeProcessed, Count: 7})
	o.Events(ctx, pinterest.EventsInfo{AdAccountID: account, Outcome: pinterest.OutcomeFailed, Cause: "invalid", Count: 2})
	o.Events(ctx, pinterest.EventsInfo{AdAccountID: account, Outcome: pinterest.OutcomeUnknown, Cause: "outcome_unknown", Count: 1})
	o.Events(ctx, pinterest.EventsInfo{AdAccountID: account, Outcome: pinterest.OutcomeProcessed, Count: 3})
	o.Retry(ctx, pinterest.RetryInfo{AdAccountID: account, Attempt: 1, Reason: "rate_limited", StatusCode: 429, Retry: true, Wait: 2 * time.Second})
	o.Retry(ctx, pinterest.RetryInfo{AdAccountID: account, Attempt: 2, Reason: "rate_limited", StatusCode: 429, Retry: true, Wait: 4 * time.Second})
	o.Retry(ctx, pinterest.RetryInfo{AdAccountID: account, Attempt: 3, Reason: "transport", GiveUp: "max_attempts"})
	o.LimiterWait(ctx, pinterest.LimiterWaitInfo{AdAccountID: account, Wait: 0})
	o.LimiterWait(ctx, pinterest.LimiterWaitInfo{AdAccountID: account, Wait: 1500 * time.Millisecond})
	o.LimiterWait(ctx, pinterest.LimiterWaitInfo{AdAccountID: account, Wait: time.Second, Cause: "deadline_exceeded"})
	o.ValueDropped(ctx, pinterest.ValueDroppedInfo{AdAccountID: account, Field: "user_data.ph", Reason: "fewer than 7 digits"})
	o.ValueDropped(ctx, pinterest.ValueDroppedInfo{AdAccountID: account, Field: "user_data.ph", Reason: "fewer than 7 digits"})
	o.ValueDropped(ctx, pinterest.ValueDroppedInfo{AdAccountID: account, Field: "user_data.em", Reason: "value too long"})
	caller.End()

	acct := "pinterest.ad_account.id=549755885175"
	want := map[string]point{
		"pinterest.events{" + acct + ",pinterest.outcome=processed}":                                                                      {Value: 10},
		"pinterest.events{error.type=invalid," + acct + ",pinterest.outcome=failed}":                                                      {Value: 2},
		"pinterest.events{error.type=outcome_unknown," + acct + ",pinterest.outcome=unknown}":                                             {Value: 1},
		"pinterest.retries{http.response.status_code=429," + acct + ",pinterest.retry.reason=rate_limited}":                               {Value: 2},
		"pinterest.retry.wait.duration{http.response.status_code=429," + acct + ",pinterest.retry.reason=rate_limited}":                   {Count: 2, Value: 6},
		"pinterest.retry.give_ups{" + acct + ",pinterest.retry.give_up=max_attempts,pinterest.retry.reason=transport}":                    {Value: 1},
		"pinterest.limiter.wait.duration{" + acct + "}":                                                                                   {Count: 2, Value: 1.5},
		"pinterest.limiter.wait.duration{error.type=deadline_exceeded," + acct + "}":                                                      {Count: 1, Value: 1},
		"pinterest.user_data.dropped{" + acct + ",pinterest.user_data.field=user_data.ph,pinterest.user_data.reason=fewer than 7 digits}": {Value: 2},
		"pinterest.user_data.dropped{" + acct + ",pinterest.user_data.field=user_data.em,pinterest.user_data.reason=value too long}":      {Value: 1},
	}
	if diff := cmp.Diff(want, h.metrics(t)); diff != "" {
		t.Errorf("metrics (-want +got):\n%s", diff)
	}
	wantSpans := []span{{Name: "send", Kind: trace.SpanKindInternal, Attrs: map[string]string{}, Status: "Unset", Events: []string{
		"pinterest.retry{pinterest.retry.attempt=1,pinterest.retry.reason=rate_limited,pinterest.retry.wait=2}",
		"pinterest.retry{pinterest.retry.attempt=2,pinterest.retry.reason=rate_limited,pinterest.retry.wait=4}",
		"pinterest.retry.give_up{pinterest.retry.attempt=3,pinterest.retry.give_up=max_attempts,pinterest.retry.reason=transport}",
		"pinterest.limiter.wait{pinterest.limiter.wait=1.5}",
		"pinterest.limiter.wait{error.type=deadline_exceeded,pinterest.limiter.wait=1}",
	}}}
	if diff := cmp.Diff(wantSpans, h.ended()); diff != "" {
		t.Errorf("spans (-want +got):\n%s", diff)
	}
}

// TestBatchHooks drives a Batcher's hooks: three Add calls, two of them with
// a span (one adding two events), then the batch and its attempt. The batch
// is a root span linked once to each Add span; the attempt is its child.
func TestBatchHooks(t *testing.T) {
	h := newHarness(t)
	o := h.obs
	add1, span1 := h.callerSpan(context.Background(), "handler 1")
	add2, span2 := h.callerSpan(context.Background(), "handler 2")
	var links []any
	for _, a := range []struct {
		ctx context.Context
		n   int
	}{{add1, 2}, {context.Background(), 1}, {add2, 1}} {
		l := o.BatchAdd(a.ctx, pinterest.BatchAddInfo{AdAccountID: account, Events: a.n})
		for range a.n {
			if l != nil {
				links = append(links, l)
			}
		}
	}
	span1.End()
	span2.End()
	if len(links) != 3 {
		t.Fatalf("BatchAdd returned %d links for the 3 events added with a span, want 3", len(links))
	}

	// The batch's own context carries no span, as a Batcher's does not.
	bctx := o.BatchStart(context.Background(), pinterest.BatchStartInfo{AdAccountID: account, Events: 4, Links: links})
	actx := o.RequestStart(bctx, start(1, 4))
	o.RequestEnd(actx, pinterest.RequestEndInfo{RequestStartInfo: start(1, 4), StatusCode: 200, Outcome: pinterest.OutcomeProcessed})
	o.BatchEnd(bctx, pinterest.BatchEndInfo{AdAccountID: account, Events: 4, Processed: 3, Failed: 1})

	got := h.ended()
	if len(got) != 4 {
		t.Fatalf("%d spans ended, want 4: %+v", len(got), got)
	}
	batch, attempt := got[3], got[2]
	wantBatch := span{Name: "pinterest.batch", Kind: trace.SpanKindInternal, Links: 2, Status: "Error: 1 of 4 events failed",
		Attrs: map[string]string{"pinterest.ad_account.id": account, "pinterest.events.count": "4", "pinterest.batch.add_spans": "2",
			"pinterest.events.processed": "3", "pinterest.events.failed": "1"}}
	if diff := cmp.Diff(wantBatch, batch); diff != "" {
		t.Errorf("batch span (-want +got):\n%s", diff)
	}
	if attempt.Parent != "pinterest.batch" {
		t.Errorf("attempt span's parent is %q, want the batch", attempt.Parent)
	}
	ro := h.spans.Ended()[3]
	for i, want := range []trace.SpanContext{span1.SpanContext(), span2.SpanContext()} {
		if l := ro.Links()[i].SpanContext; !l.Equal(want) {
			t.Errorf("link %d is %v, want the span of Add call %d", i, l, i+1)
		}
	}
	if ro.Parent().IsValid() || ro.SpanContext().TraceID() == span1.SpanContext().TraceID() {
		t.Error("the batch span is not a new root")
	}
}

// TestBatchLinksCapped checks that a batch of events from many Add calls
// keeps at most 128 links.
func TestBatchLinksCapped(t *testing.T) {
	h := newHarness(t)
	var links []any
	for range 300 {
		ctx, s := h.callerSpan(context.Background(), "add")
		links = append(links, h.obs.BatchAdd(ctx, pinterest.BatchAddInfo{AdAccountID: account, Events: 1}))
		s.End()
	}
	bctx := h.obs.BatchStart(context.Background(), pinterest.BatchStartInfo{AdAccountID: account, Events: 300, Links: links})
	h.obs.BatchEnd(bctx, pinterest.BatchEndInfo{AdAccountID: account, Events: 300, Processed: 300})
	ended := h.spans.Ended()
	b := ended[len(ended)-1]
	if len(b.Links()) != 128 || b.Name() != "pinterest.batch" {
		t.Errorf("%s has %d links, want 128", b.Name(), len(b.Links()))
	}
}

// TestWithoutAdAccountID checks that the option leaves the ad account out of
// metrics and spans.
func TestWithoutAdAccountID(t *testing.T) {
	h := newHarness(t, otelpinterest.WithoutAdAccountID())
	ctx := h.obs.RequestStart(context.Background(), start(1, 1))
	h.obs.RequestEnd(ctx, pinterest.RequestEndInfo{RequestStartInfo: start(1, 1), StatusCode: 200, Outcome: pinterest.OutcomeProcessed})
	h.obs.Events(ctx, pinterest.EventsInfo{AdAccountID: account, Outcome: pinterest.OutcomeProcessed, Count: 1})
	want := map[string]point{
		"http.client.request.duration{http.request.method=POST,http.response.status_code=200,server.address=api.pinterest.com,server.port=443}": {Count: 1},
		"pinterest.events{pinterest.outcome=processed}": {Value: 1},
	}
	if diff := cmp.Diff(want, h.metrics(t)); diff != "" {
		t.Errorf("metrics (-want +got):\n%s", diff)
	}
	if _, ok := h.ended()[0].Attrs["pinterest.ad_account.id"]; ok {
		t.Error("the span has the ad account")
	}
}

// TestNewObserverOptions checks the options' argument checks.
func TestNewObserverOptions(t *testing.T) {
	for _, opt := range []otelpinterest.Option{otelpinterest.WithMeterProvider(nil), otelpinterest.WithTracerProvider(nil)} {
		if _, err := otelpinterest.NewObserver(opt); err == nil {
			t.Error("a nil provider was accepted")
		}
	}
	obs, err := otelpinterest.NewObserver() // the global no-op providers
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pinterest.NewClient("token", pinterest.WithObserver(obs)); err != nil {
		t.Fatal(err)
	}
}
