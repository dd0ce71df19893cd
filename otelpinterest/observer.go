package otelpinterest

import (
	"context"
	"strconv"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/capisdk/pinterest"
)

// ScopeName is the instrumentation scope of the meter and the tracer.
const ScopeName = "github.com/capisdk/pinterest/otelpinterest"

// Attribute keys of the metrics and spans that no semantic convention names.
const (
	AdAccountIDKey  = attribute.Key("pinterest.ad_account.id")
	OutcomeKey      = attribute.Key("pinterest.outcome")
	EventsCountKey  = attribute.Key("pinterest.events.count")
	RetryReasonKey  = attribute.Key("pinterest.retry.reason")
	RetryGiveUpKey  = attribute.Key("pinterest.retry.give_up")
	FieldKey        = attribute.Key("pinterest.user_data.field")
	DropReasonKey   = attribute.Key("pinterest.user_data.reason")
	ProcessedKey    = attribute.Key("pinterest.events.processed")
	FailedKey       = attribute.Key("pinterest.events.failed")
	urlTemplate     = "/v5/ad_accounts/{ad_account_id}/events"
	attemptSpanName = "POST " + urlTemplate
	batchSpanName   = "pinterest.batch"
	maxLinks        = 128 // the SDK's default limit of links per span
)

// durationBuckets are the boundaries the semantic conventions advise for
// http.client.request.duration.
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

// waitBuckets suit waits for the limiter and before retries: from nothing to
// the minute of a rate-limit window.
var waitBuckets = []float64{0, 0.001, 0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60}

// observer holds the instruments behind the hooks.
type observer struct {
	tracer      trace.Tracer
	noAdAccount bool

	reqDuration metric.Float64Histogram
	events      metric.Int64Counter
	retries     metric.Int64Counter
	retryWait   metric.Float64Histogram
	giveUps     metric.Int64Counter
	limiterWait metric.Float64Histogram
	dropped     metric.Int64Counter

	mu       sync.Mutex
	batchers map[*pinterest.Batcher]struct{}
}

// NewObserver returns hooks that record the work of a pinterest.Client and of
// its Batchers as OpenTelemetry metrics and spans (listed in the package
// documentation). Give them to pinterest.WithObserver. One Observer may serve
// several clients. It fails only when an instrument cannot be created.
func NewObserver(opts ...Option) (*pinterest.Observer, error) {
	var cfg config
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt.apply(&cfg); err != nil {
			return nil, err
		}
	}
	mp, tp := cfg.meterProvider, cfg.tracerProvider
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	scope := []metric.MeterOption{metric.WithInstrumentationVersion(pinterest.Version), metric.WithSchemaURL(semconv.SchemaURL)}
	m := mp.Meter(ScopeName, scope...)
	o := &observer{
		tracer:      tp.Tracer(ScopeName, trace.WithInstrumentationVersion(pinterest.Version), trace.WithSchemaURL(semconv.SchemaURL)),
		noAdAccount: cfg.noAdAccount,
		batchers:    make(map[*pinterest.Batcher]struct{}),
	}
	var errs []error
	check := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	var err error
	o.reqDuration, err = m.Float64Histogram("http.client.request.duration",
		metric.WithUnit("s"), metric.WithDescription("Duration of HTTP client requests."),
		metric.WithExplicitBucketBoundaries(durationBuckets...))
	check(err)
	o.events, err = m.Int64Counter("pinterest.events",
		metric.WithUnit("{event}"), metric.WithDescription("Events whose sending ended, by outcome and cause."))
	check(err)
	o.retries, err = m.Int64Counter("pinterest.retries",
		metric.WithUnit("{retry}"), metric.WithDescription("HTTP attempts retried, by the cause of the failure."))
	check(err)
	o.retryWait, err = m.Float64Histogram("pinterest.retry.wait.duration",
		metric.WithUnit("s"), metric.WithDescription("Waits before retries."),
		metric.WithExplicitBucketBoundaries(waitBuckets...))
	check(err)
	o.giveUps, err = m.Int64Counter("pinterest.retry.give_ups",
		metric.WithUnit("{request}"), metric.WithDescription("Requests whose retryable failure was not retried, by why."))
	check(err)
	o.limiterWait, err = m.Float64Histogram("pinterest.limiter.wait.duration",
		metric.WithUnit("s"), metric.WithDescription("Waits for the rate limiter."),
		metric.WithExplicitBucketBoundaries(waitBuckets...))
	check(err)
	o.dropped, err = m.Int64Counter("pinterest.user_data.dropped",
		metric.WithUnit("{value}"), metric.WithDescription("User data values dropped as invalid, by field and reason."))
	check(err)
	check(o.registerBatcherGauges(m))
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return &pinterest.Observer{
		RequestStart: o.requestStart,
		RequestEnd:   o.requestEnd,
		Retry:        o.retry,
		LimiterWait:  o.limiterWaited,
		Events:       o.eventsDone,
		ValueDropped: o.valueDropped,
		BatchAdd:     o.batchAdd,
		BatchStart:   o.batchStart,
		BatchEnd:     o.batchEnd,
		BatcherStart: o.batcherStart,
		BatcherStop:  o.batcherStop,
	}, nil
}

// account returns the ad account attribute, or nothing.
func (o *observer) account(attrs []attribute.KeyValue, id string) []attribute.KeyValue {
	if o.noAdAccount {
		return attrs
	}
	return append(attrs, AdAccountIDKey.String(id))
}

func (o *observer) requestStart(ctx context.Context, info pinterest.RequestStartInfo) context.Context {
	attrs := make([]attribute.KeyValue, 0, 8)
	attrs = append(attrs,
		semconv.HTTPRequestMethodPost,
		semconv.ServerAddress(info.ServerAddress),
		semconv.ServerPort(info.ServerPort),
		semconv.URLTemplate(urlTemplate),
		EventsCountKey.Int(info.Events))
	if info.Attempt > 1 {
		attrs = append(attrs, semconv.HTTPRequestResendCount(info.Attempt-1))
	}
	attrs = o.account(attrs, info.AdAccountID)
	ctx, _ = o.tracer.Start(ctx, attemptSpanName, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	return ctx
}

// errorType is the error.type of an attempt: the status code of an error
// answer, else the cause of the failure ("" when there is none).
func errorType(status int, cause string) string {
	if status >= 400 {
		return strconv.Itoa(status)
	}
	return cause
}

func (o *observer) requestEnd(ctx context.Context, info pinterest.RequestEndInfo) {
	attrs := make([]attribute.KeyValue, 0, 7)
	attrs = append(attrs,
		semconv.HTTPRequestMethodPost,
		semconv.ServerAddress(info.ServerAddress),
		semconv.ServerPort(info.ServerPort))
	if info.StatusCode != 0 {
		attrs = append(attrs, semconv.HTTPResponseStatusCode(info.StatusCode))
	}
	et := errorType(info.StatusCode, info.Cause)
	if et != "" {
		attrs = append(attrs, semconv.ErrorTypeKey.String(et))
	}
	attrs = o.account(attrs, info.AdAccountID)
	o.reqDuration.Record(ctx, info.Duration.Seconds(), metric.WithAttributes(attrs...))

	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	if info.StatusCode != 0 {
		span.SetAttributes(semconv.HTTPResponseStatusCode(info.StatusCode))
	}
	span.SetAttributes(OutcomeKey.String(string(info.Outcome)))
	if et != "" {
		span.SetAttributes(semconv.ErrorTypeKey.String(et))
		span.SetStatus(codes.Error, et)
	}
	span.End()
}

func (o *observer) retry(ctx context.Context, info pinterest.RetryInfo) {
	attrs := make([]attribute.KeyValue, 0, 4)
	attrs = append(attrs, RetryReasonKey.String(info.Reason))
	if info.StatusCode != 0 {
		attrs = append(attrs, semconv.HTTPResponseStatusCode(info.StatusCode))
	}
	attrs = o.account(attrs, info.AdAccountID)
	span := trace.SpanFromContext(ctx)
	if info.Retry {
		set := metric.WithAttributes(attrs...)
		o.retries.Add(ctx, 1, set)
		o.retryWait.Record(ctx, info.Wait.Seconds(), set)
		if span.IsRecording() {
			span.AddEvent("pinterest.retry", trace.WithAttributes(
				RetryReasonKey.String(info.Reason),
				attribute.Int("pinterest.retry.attempt", info.Attempt),
				attribute.Float64("pinterest.retry.wait", info.Wait.Seconds())))
		}
		return
	}
	attrs = append(attrs, RetryGiveUpKey.String(info.GiveUp))
	o.giveUps.Add(ctx, 1, metric.WithAttributes(attrs...))
	if span.IsRecording() {
		span.AddEvent("pinterest.retry.give_up", trace.WithAttributes(
			RetryReasonKey.String(info.Reason),
			RetryGiveUpKey.String(info.GiveUp),
			attribute.Int("pinterest.retry.attempt", info.Attempt)))
	}
}

func (o *observer) limiterWaited(ctx context.Context, info pinterest.LimiterWaitInfo) {
	attrs := make([]attribute.KeyValue, 0, 2)
	if info.Cause != "" {
		attrs = append(attrs, semconv.ErrorTypeKey.String(info.Cause))
	}
	attrs = o.account(attrs, info.AdAccountID)
	o.limiterWait.Record(ctx, info.Wait.Seconds(), metric.WithAttributes(attrs...))
	if info.Wait < time.Millisecond && info.Cause == "" {
		return
	}
	if span := trace.SpanFromContext(ctx); span.IsRecording() {
		ev := []attribute.KeyValue{attribute.Float64("pinterest.limiter.wait", info.Wait.Seconds())}
		if info.Cause != "" {
			ev = append(ev, semconv.ErrorTypeKey.String(info.Cause))
		}
		span.AddEvent("pinterest.limiter.wait", trace.WithAttributes(ev...))
	}
}

func (o *observer) eventsDone(ctx context.Context, info pinterest.EventsInfo) {
	attrs := make([]attribute.KeyValue, 0, 3)
	attrs = append(attrs, OutcomeKey.String(string(info.Outcome)))
	if info.Cause != "" {
		attrs = append(attrs, semconv.ErrorTypeKey.String(info.Cause))
	}
	attrs = o.account(attrs, info.AdAccountID)
	o.events.Add(ctx, int64(info.Count), metric.WithAttributes(attrs...))
}

func (o *observer) valueDropped(ctx context.Context, info pinterest.ValueDroppedInfo) {
	attrs := make([]attribute.KeyValue, 0, 3)
	attrs = append(attrs, FieldKey.String(info.Field), DropReasonKey.String(info.Reason))
	attrs = o.account(attrs, info.AdAccountID)
	o.dropped.Add(ctx, 1, metric.WithAttributes(attrs...))
}

// batchAdd keeps the span context of an Add call, for the batch's links.
func (o *observer) batchAdd(ctx context.Context, _ pinterest.BatchAddInfo) any {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return nil
	}
	return sc
}

// spanKey identifies a span among a batch's links.
type spanKey struct {
	trace trace.TraceID
	span  trace.SpanID
}

func (o *observer) batchStart(ctx context.Context, info pinterest.BatchStartInfo) context.Context {
	var links []trace.Link
	seen := make(map[spanKey]bool)
	for _, l := range info.Links {
		sc, ok := l.(trace.SpanContext)
		if !ok || !sc.IsValid() {
			continue
		}
		key := spanKey{sc.TraceID(), sc.SpanID()}
		if seen[key] {
			continue
		}
		seen[key] = true
		if len(links) < maxLinks {
			links = append(links, trace.Link{SpanContext: sc})
		}
	}
	attrs := make([]attribute.KeyValue, 0, 3)
	attrs = append(attrs, EventsCountKey.Int(info.Events), attribute.Int("pinterest.batch.add_spans", len(seen)))
	attrs = o.account(attrs, info.AdAccountID)
	ctx, _ = o.tracer.Start(ctx, batchSpanName,
		trace.WithNewRoot(), trace.WithLinks(links...), trace.WithAttributes(attrs...))
	return ctx
}

func (o *observer) batchEnd(ctx context.Context, info pinterest.BatchEndInfo) {
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	span.SetAttributes(ProcessedKey.Int(info.Processed), FailedKey.Int(info.Failed))
	if info.Failed > 0 {
		span.SetStatus(codes.Error, strconv.Itoa(info.Failed)+" of "+strconv.Itoa(info.Events)+" events failed")
	}
	span.End()
}
