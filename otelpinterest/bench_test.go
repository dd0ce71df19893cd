package otelpinterest_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/otelpinterest"
)

// memTransport answers every request in memory that all its events were
// processed, so that the benchmarks measure the client and its observer.
type memTransport struct{}

func (memTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, err
	}
	n := bytes.Count(body, []byte(`{"event_name":`))
	var b bytes.Buffer
	b.WriteString(`{"num_events_received":` + strconv.Itoa(n) + `,"num_events_processed":` + strconv.Itoa(n) + `,"events":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"status":"processed","error_message":"","warning_message":""}`)
	}
	b.WriteString("]}")
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(&b), ContentLength: int64(b.Len()), Request: r}, nil
}

// BenchmarkSend1000Observed is Send of 1,000 events, answered in memory, with
// no Observer and with otelpinterest recording into the OpenTelemetry SDK:
// metrics only, and metrics with every span sampled.
func BenchmarkSend1000Observed(b *testing.B) {
	evs := make([]*pinterest.Event, 1000)
	for i := range evs {
		evs[i] = event(strconv.Itoa(i))
	}
	for _, bc := range []struct {
		name   string
		traces bool
		obs    bool
	}{{"none", false, false}, {"metrics", false, true}, {"metrics+traces", true, true}} {
		b.Run(bc.name, func(b *testing.B) {
			opts := []pinterest.Option{pinterest.WithBaseURL("https://api.pinterest.invalid"),
				pinterest.WithHTTPClient(&http.Client{Transport: memTransport{}}), pinterest.WithoutRateLimit()}
			ctx := context.Background()
			if bc.obs {
				mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
				oo := []otelpinterest.Option{otelpinterest.WithMeterProvider(mp)}
				if bc.traces {
					tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample()))
					defer tp.Shutdown(ctx)
					oo = append(oo, otelpinterest.WithTracerProvider(tp))
					ctx, _ = tp.Tracer("bench").Start(ctx, "caller")
				}
				obs, err := otelpinterest.NewObserver(oo...)
				if err != nil {
					b.Fatal(err)
				}
				opts = append(opts, pinterest.WithObserver(obs))
			}
			c, err := pinterest.NewClient("bench-token", opts...)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if res, err := c.Send(ctx, account, evs...); err != nil || res.Processed != len(evs) {
					b.Fatalf("%v", err)
				}
			}
		})
	}
}
