package otelpinterest

import (
	"errors"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// Option configures NewObserver.
type Option interface{ apply(*config) error }

type optionFunc func(*config) error

func (f optionFunc) apply(c *config) error { return f(c) }

type config struct {
	meterProvider  metric.MeterProvider // nil: the global one
	tracerProvider trace.TracerProvider // nil: the global one
	noAdAccount    bool
}

// WithMeterProvider records metrics with mp instead of the global
// MeterProvider (otel.GetMeterProvider).
func WithMeterProvider(mp metric.MeterProvider) Option {
	return optionFunc(func(c *config) error {
		if mp == nil {
			return errors.New("otelpinterest: WithMeterProvider: nil provider")
		}
		c.meterProvider = mp
		return nil
	})
}

// WithTracerProvider records spans with tp instead of the global
// TracerProvider (otel.GetTracerProvider).
func WithTracerProvider(tp trace.TracerProvider) Option {
	return optionFunc(func(c *config) error {
		if tp == nil {
			return errors.New("otelpinterest: WithTracerProvider: nil provider")
		}
		c.tracerProvider = tp
		return nil
	})
}

// WithoutAdAccountID leaves the pinterest.ad_account.id attribute off every
// metric and span: one series per ad account is too many for a service that
// sends for thousands of them.
func WithoutAdAccountID() Option {
	return optionFunc(func(c *config) error { c.noAdAccount = true; return nil })
}
