package otelpinterest_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/otelpinterest"
)

// harness is an Observer recording into in-memory readers.
type harness struct {
	reader *sdkmetric.ManualReader
	spans  *tracetest.SpanRecorder
	tp     *sdktrace.TracerProvider
	mp     *sdkmetric.MeterProvider
	obs    *pinterest.Observer
}

// meterProvider returns the harness's MeterProvider, read by h.metrics.
func (h *harness) meterProvider() *sdkmetric.MeterProvider { return h.mp }

func newHarness(t testing.TB, opts ...otelpinterest.Option) *harness {
	t.Helper()
	h := &harness{reader: sdkmetric.NewManualReader(), spans: tracetest.NewSpanRecorder()}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(h.reader))
	h.mp = mp
	h.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(h.spans))
	t.Cleanup(func() {
		mp.Shutdown(context.Background())
		h.tp.Shutdown(context.Background())
	})
	obs, err := otelpinterest.NewObserver(append([]otelpinterest.Option{
		otelpinterest.WithMeterProvider(mp), otelpinterest.WithTracerProvider(h.tp)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	h.obs = obs
	return h
}

// callerSpan starts a span as an application would around Send.
func (h *harness) callerSpan(ctx context.Context, name string) (context.Context, trace.Span) {
	return h.tp.Tracer("app").Start(ctx, name)
}

// point is one data point: a counter's or gauge's value, or a histogram's
// count and sum.
type point struct {
	Value float64
	Count uint64
}

// metrics collects and flattens the data points: "name{k=v,...}" -> point.
func (h *harness) metrics(t testing.TB) map[string]point {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := h.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := make(map[string]point)
	key := func(name string, s attribute.Set) string {
		return name + "{" + s.Encoded(attribute.DefaultEncoder()) + "}"
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					out[key(m.Name, p.Attributes)] = point{Value: float64(p.Value)}
				}
			case metricdata.Gauge[int64]:
				for _, p := range d.DataPoints {
					out[key(m.Name, p.Attributes)] = point{Value: float64(p.Value)}
				}
			case metricdata.Gauge[float64]:
				for _, p := range d.DataPoints {
					out[key(m.Name, p.Attributes)] = point{Value: p.Value}
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					out[key(m.Name, p.Attributes)] = point{Value: p.Sum, Count: p.Count}
				}
			default:
				t.Fatalf("metric %s: unexpected data %T", m.Name, m.Data)
			}
		}
	}
	return out
}

// span is what the tests check of a recorded span.
type span struct {
	Name   string
	Kind   trace.SpanKind
	Parent string // the parent's name, "" for a root span
	Attrs  map[string]string
	Status string
	Events []string
	Links  int
}

// ended returns the ended spans, children named by their parent.
func (h *harness) ended() []span {
	ro := h.spans.Ended()
	names := make(map[trace.SpanID]string)
	for _, s := range h.spans.Started() {
		names[s.SpanContext().SpanID()] = s.Name()
	}
	out := make([]span, 0, len(ro))
	for _, s := range ro {
		sp := span{Name: s.Name(), Kind: s.SpanKind(), Attrs: map[string]string{}, Links: len(s.Links())}
		if s.Parent().IsValid() {
			sp.Parent = names[s.Parent().SpanID()]
			if sp.Parent == "" {
				sp.Parent = "?"
			}
		}
		for _, a := range s.Attributes() {
			sp.Attrs[string(a.Key)] = a.Value.String()
		}
		sp.Status = s.Status().Code.String()
		if s.Status().Description != "" {
			sp.Status += ": " + s.Status().Description
		}
		for _, e := range s.Events() {
			var kv []string
			for _, a := range e.Attributes {
				kv = append(kv, fmt.Sprintf("%s=%s", a.Key, a.Value.String()))
			}
			sort.Strings(kv)
			sp.Events = append(sp.Events, e.Name+"{"+strings.Join(kv, ",")+"}")
		}
		out = append(out, sp)
	}
	return out
}

// total adds the points of a metric whose attributes include every k=v
// given: a histogram's counts, a counter's values.
func total(m map[string]point, name string, kv ...string) float64 {
	var s float64
	for k, p := range m {
		attrs, ok := strings.CutPrefix(k, name+"{")
		if !ok {
			continue
		}
		set := make(map[string]bool)
		for _, a := range strings.Split(strings.TrimSuffix(attrs, "}"), ",") {
			set[a] = true
		}
		match := true
		for _, want := range kv {
			match = match && set[want]
		}
		if !match {
			continue
		}
		if strings.HasSuffix(name, ".duration") {
			s += float64(p.Count)
		} else {
			s += p.Value
		}
	}
	return s
}

// byAttr groups a metric's total by the value of attribute key ("" when a
// point lacks it).
func byAttr(m map[string]point, name string, key attribute.Key) map[string]float64 {
	out := map[string]float64{}
	for k, p := range m {
		attrs, ok := strings.CutPrefix(k, name+"{")
		if !ok {
			continue
		}
		val := ""
		for _, a := range strings.Split(strings.TrimSuffix(attrs, "}"), ",") {
			if v, ok := strings.CutPrefix(a, string(key)+"="); ok {
				val = v
			}
		}
		if strings.HasSuffix(name, ".duration") {
			out[val] += float64(p.Count)
		} else {
			out[val] += p.Value
		}
	}
	return out
}
