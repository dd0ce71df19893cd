package pinterest_test

import (
	"context"
	"fmt"
	"log"
	"sync"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
)

// ExampleWithObserver counts events by outcome and cause with hooks of its
// own; package otelpinterest sets every hook, for OpenTelemetry.
func ExampleWithObserver() {
	srv := pinteresttest.NewServer()
	defer srv.Close()

	var mu sync.Mutex // hooks run on the goroutines doing the work
	counts := map[string]int{}
	obs := &pinterest.Observer{
		Events: func(_ context.Context, info pinterest.EventsInfo) {
			mu.Lock()
			counts[string(info.Outcome)+" "+info.Cause] += info.Count
			mu.Unlock()
		},
		ValueDropped: func(_ context.Context, info pinterest.ValueDroppedInfo) {
			fmt.Printf("dropped %s: %s\n", info.Field, info.Reason) // never the value
		},
	}
	client, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(srv.URL), pinterest.WithObserver(obs))
	if err != nil {
		log.Fatal(err)
	}
	client.Send(context.Background(), "549755885175",
		pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).ID("order-1").
			User(pinterest.NewUserData().Email("jane@example.com").Phone("555")),
		pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb). // no id: fails locally
											User(pinterest.NewUserData().Email("joe@example.com")))
	fmt.Println(counts["processed "], "processed,", counts["failed invalid"], "failed locally")
	// Output:
	// dropped user_data.ph: fewer than 7 digits
	// 1 processed, 1 failed locally
}
