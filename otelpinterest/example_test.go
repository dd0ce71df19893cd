package otelpinterest_test

import (
	"context"
	"log"
	"time"

	"go.opentelemetry.io/otel/exporters/stdout/stdoutmetric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/otelpinterest"
	"github.com/capisdk/pinterest/pinteresttest"
)

// Example sends two events through a 503 to the fake API, and prints the
// metrics with OpenTelemetry's stdout exporter. A service would give
// NewObserver the MeterProvider and TracerProvider of its OTLP exporters, or
// set them globally with otel.SetMeterProvider and otel.SetTracerProvider.
func Example() {
	srv := pinteresttest.NewServer()
	defer srv.Close()
	srv.Enqueue(pinteresttest.Fault{Status: 503}) // the first attempt is answered 503, then retried

	exp, err := stdoutmetric.New(stdoutmetric.WithoutTimestamps(), stdoutmetric.WithPrettyPrint())
	if err != nil {
		log.Fatal(err)
	}
	reader := sdkmetric.NewPeriodicReader(exp, sdkmetric.WithInterval(time.Hour)) // exports at Shutdown here
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader),
		sdkmetric.WithResource(resource.Empty()),
		sdkmetric.WithView(countersOnly)) // durations vary from run to run: keep the example's output stable

	obs, err := otelpinterest.NewObserver(otelpinterest.WithMeterProvider(mp),
		otelpinterest.WithoutAdAccountID()) // shorter output; by default each point names its ad account
	if err != nil {
		log.Fatal(err)
	}
	client, err := pinterest.NewClient("test-token",
		pinterest.WithBaseURL(srv.URL),
		pinterest.WithObserver(obs),
		pinterest.WithRetry(pinterest.RetryPolicy{InitialInterval: time.Millisecond, MaxInterval: time.Millisecond}))
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.Send(context.Background(), "549755885175",
		pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).ID("order-1001").
			User(pinterest.NewUserData().Email("jane@example.com")),
		pinterest.NewEvent(pinterest.EventAddToCart, pinterest.SourceWeb).ID("cart-77").
			User(pinterest.NewUserData().Email("joe@example.com").Phone("555")), // too short: dropped
	)
	if err != nil {
		log.Fatal(err)
	}
	if err := mp.Shutdown(context.Background()); err != nil { // flushes to stdout
		log.Fatal(err)
	}
	// Output:
	// {
	// 	"Resource": null,
	// 	"ScopeMetrics": [
	// 		{
	// 			"Scope": {
	// 				"Name": "github.com/capisdk/pinterest/otelpinterest",
	// 				"Version": "0.1.0",
	// 				"SchemaURL": "https://opentelemetry.io/schemas/1.40.0",
	// 				"Attributes": null
	// 			},
	// 			"Metrics": [
	// 				{
	// 					"Name": "pinterest.events",
	// 					"Description": "Events whose sending ended, by outcome and cause.",
	// 					"Unit": "{event}",
	// 					"Data": {
	// 						"DataPoints": [
	// 							{
	// 								"Attributes": [
	// 									{
	// 										"Key": "pinterest.outcome",
	// 										"Value": {
	// 											"Type": "STRING",
	// 											"Value": "processed"
	// 										}
	// 									}
	// 								],
	// 								"StartTime": "0001-01-01T00:00:00Z",
	// 								"Time": "0001-01-01T00:00:00Z",
	// 								"Value": 2
	// 							}
	// 						],
	// 						"Temporality": "CumulativeTemporality",
	// 						"IsMonotonic": true
	// 					}
	// 				},
	// 				{
	// 					"Name": "pinterest.retries",
	// 					"Description": "HTTP attempts retried, by the cause of the failure.",
	// 					"Unit": "{retry}",
	// 					"Data": {
	// 						"DataPoints": [
	// 							{
	// 								"Attributes": [
	// 									{
	// 										"Key": "http.response.status_code",
	// 										"Value": {
	// 											"Type": "INT64",
	// 											"Value": 503
	// 										}
	// 									},
	// 									{
	// 										"Key": "pinterest.retry.reason",
	// 										"Value": {
	// 											"Type": "STRING",
	// 											"Value": "unavailable"
	// 										}
	// 									}
	// 								],
	// 								"StartTime": "0001-01-01T00:00:00Z",
	// 								"Time": "0001-01-01T00:00:00Z",
	// 								"Value": 1
	// 							}
	// 						],
	// 						"Temporality": "CumulativeTemporality",
	// 						"IsMonotonic": true
	// 					}
	// 				},
	// 				{
	// 					"Name": "pinterest.user_data.dropped",
	// 					"Description": "User data values dropped as invalid, by field and reason.",
	// 					"Unit": "{value}",
	// 					"Data": {
	// 						"DataPoints": [
	// 							{
	// 								"Attributes": [
	// 									{
	// 										"Key": "pinterest.user_data.field",
	// 										"Value": {
	// 											"Type": "STRING",
	// 											"Value": "user_data.ph"
	// 										}
	// 									},
	// 									{
	// 										"Key": "pinterest.user_data.reason",
	// 										"Value": {
	// 											"Type": "STRING",
	// 											"Value": "fewer than 7 digits"
	// 										}
	// 									}
	// 								],
	// 								"StartTime": "0001-01-01T00:00:00Z",
	// 								"Time": "0001-01-01T00:00:00Z",
	// 								"Value": 1
	// 							}
	// 						],
	// 						"Temporality": "CumulativeTemporality",
	// 						"IsMonotonic": true
	// 					}
	// 				}
	// 			]
	// 		}
	// 	]
	// }
}

// countersOnly keeps the example's counters and drops the rest.
func countersOnly(i sdkmetric.Instrument) (sdkmetric.Stream, bool) {
	switch i.Name {
	case "pinterest.events", "pinterest.retries", "pinterest.user_data.dropped":
		return sdkmetric.Stream{}, false
	}
	return sdkmetric.Stream{Aggregation: sdkmetric.AggregationDrop{}}, true
}
