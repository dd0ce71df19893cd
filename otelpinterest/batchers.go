package otelpinterest

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/capisdk/pinterest"
)

// registerBatcherGauges reports the queues of the Batchers between their
// BatcherStart and BatcherStop, read when the metrics are collected: a push
// from the Batcher would go stale exactly when its goroutines are stuck.
func (o *observer) registerBatcherGauges(m metric.Meter) error {
	depth, err := m.Int64ObservableUpDownCounter("pinterest.batcher.queue.depth",
		metric.WithUnit("{event}"), metric.WithDescription("Events accepted by a Batcher and not yet being sent."))
	if err != nil {
		return err
	}
	inFlight, err := m.Int64ObservableUpDownCounter("pinterest.batcher.in_flight",
		metric.WithUnit("{event}"), metric.WithDescription("Events being sent by a Batcher."))
	if err != nil {
		return err
	}
	age, err := m.Float64ObservableGauge("pinterest.batcher.queue.oldest_age",
		metric.WithUnit("s"), metric.WithDescription("How long the oldest event accepted by a Batcher has waited for its result."))
	if err != nil {
		return err
	}
	_, err = m.RegisterCallback(func(_ context.Context, ob metric.Observer) error {
		o.mu.Lock()
		defer o.mu.Unlock()
		for b := range o.batchers {
			st := b.Stats()
			set := metric.WithAttributes(o.account(make([]attribute.KeyValue, 0, 1), b.AdAccountID())...)
			ob.ObserveInt64(depth, int64(st.Queued), set)
			ob.ObserveInt64(inFlight, int64(st.InFlight), set)
			ob.ObserveFloat64(age, st.OldestAge.Seconds(), set)
		}
		return nil
	}, depth, inFlight, age)
	return err
}

func (o *observer) batcherStart(b *pinterest.Batcher) {
	o.mu.Lock()
	o.batchers[b] = struct{}{}
	o.mu.Unlock()
}

func (o *observer) batcherStop(b *pinterest.Batcher) {
	o.mu.Lock()
	delete(o.batchers, b)
	o.mu.Unlock()
}
