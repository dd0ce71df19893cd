package otelpinterest

import (
	"context"
	"errors"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"

	"github.com/capisdk/pinterest"
)

// Attribute keys of the match-quality metrics.
const (
	EventNameKey    = attribute.Key("pinterest.event_name")
	ActionSourceKey = attribute.Key("pinterest.action_source")
	SignalKey       = attribute.Key("pinterest.quality.signal")
	RatingKey       = attribute.Key("pinterest.quality.rating")
)

// ratingValue orders the ratings for the pinterest.quality.rating gauge.
var ratingValue = map[pinterest.Rating]int64{
	pinterest.RatingUnrated:  0,
	pinterest.RatingPoor:     1,
	pinterest.RatingGoodFair: 2,
	pinterest.RatingGreat:    3,
}

// ObserveQuality reports the counts of a pinterest.QualityMeter as metrics,
// read from its Report each time the metrics are collected, until stop is
// called:
//
//   - pinterest.quality.events (counter, {event}): events counted, with
//     pinterest.event_name and pinterest.action_source;
//   - pinterest.quality.signal.events (counter, {event}): of those, the
//     events carrying each signal, with pinterest.quality.signal ("em",
//     "ip_ua", "click_id"... see pinterest.Signal) too;
//   - pinterest.quality.late (counter, {event}): of those, the events sent
//     more than pinterest.LateAfter after they happened;
//   - pinterest.quality.rating (gauge, 1): the meter's rating, 0 Unrated,
//     1 Poor, 2 Good/Fair, 3 Great, with pinterest.quality.rating naming it.
//
// The counters start again from 0 after the meter's Reset, which backends
// read as a counter reset. Only WithMeterProvider of the options applies.
func ObserveQuality(m *pinterest.QualityMeter, opts ...Option) (stop func() error, err error) {
	if m == nil {
		return nil, errors.New("otelpinterest: ObserveQuality: nil meter")
	}
	var cfg config
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt.apply(&cfg); err != nil {
			return nil, err
		}
	}
	mp := cfg.meterProvider
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	meter := mp.Meter(ScopeName, metric.WithInstrumentationVersion(pinterest.Version), metric.WithSchemaURL(semconv.SchemaURL))
	events, err1 := meter.Int64ObservableCounter("pinterest.quality.events",
		metric.WithUnit("{event}"), metric.WithDescription("Events counted by the match-quality meter."))
	signals, err2 := meter.Int64ObservableCounter("pinterest.quality.signal.events",
		metric.WithUnit("{event}"), metric.WithDescription("Events counted by the match-quality meter that carry the signal."))
	late, err3 := meter.Int64ObservableCounter("pinterest.quality.late",
		metric.WithUnit("{event}"), metric.WithDescription("Events sent more than an hour after they happened."))
	rating, err4 := meter.Int64ObservableGauge("pinterest.quality.rating",
		metric.WithUnit("1"), metric.WithDescription("Match-quality rating: 0 Unrated, 1 Poor, 2 Good/Fair, 3 Great."))
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return nil, err
	}
	reg, err := meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		r := m.Report()
		for _, row := range r.Coverage {
			base := []attribute.KeyValue{EventNameKey.String(string(row.EventName)), ActionSourceKey.String(string(row.ActionSource))}
			o.ObserveInt64(events, row.Events, metric.WithAttributes(base...))
			o.ObserveInt64(late, row.Late, metric.WithAttributes(base...))
			for sig, n := range row.Signals {
				o.ObserveInt64(signals, n, metric.WithAttributes(append(base[:2:2], SignalKey.String(string(sig)))...))
			}
		}
		o.ObserveInt64(rating, ratingValue[r.Rating], metric.WithAttributes(RatingKey.String(string(r.Rating))))
		return nil
	}, events, signals, late, rating)
	if err != nil {
		return nil, err
	}
	return reg.Unregister, nil
}
