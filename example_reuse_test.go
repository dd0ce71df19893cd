package pinterest_test

import (
	"context"
	"fmt"
	"log"
	"strconv"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
)

// A bulk upload builds each request's events in the memory of the last one:
// after Send returns, its events are free, and EventBuffer.Reset makes them
// available again.
func ExampleEventBuffer() {
	srv := pinteresttest.NewServer()
	defer srv.Close()
	c, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	orders := []struct{ id, email, sku, price string }{
		{"order-1", "jane@example.com", "sku-1", "19.99"},
		{"order-2", "john@example.com", "sku-2", "5.00"},
		{"order-3", "mary@example.com", "sku-1", "19.99"},
	}
	buf := c.NewEventBuffer()
	const perRequest = 2
	for start := 0; start < len(orders); start += perRequest {
		buf.Reset() // panics if a Send or Batcher still held one of the events
		for _, o := range orders[start:min(start+perRequest, len(orders))] {
			ev := buf.Event(pinterest.EventCheckout, pinterest.SourceOffline).ID(o.id)
			ev.UserData().Email(o.email)
			ev.Custom(pinterest.CustomData{Currency: "USD", Value: o.price}).
				AddContents(pinterest.Content{ID: o.sku, ItemPrice: o.price, Quantity: 1})
		}
		res, err := c.Send(context.Background(), "549755885175", buf.Events()...)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("request of", strconv.Itoa(len(res.Results)), "events:", res.Processed, "processed")
	}
	for _, ev := range srv.Events() {
		fmt.Println(ev.EventID, ev.CustomData.Contents[0].ID)
	}
	// Output:
	// request of 2 events: 2 processed
	// request of 1 events: 1 processed
	// order-1 sku-1
	// order-2 sku-2
	// order-3 sku-1
}
