package pinterest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
)

// An event whose request was written but never answered matches
// ErrOutcomeUnknown: Pinterest may have processed it. Web and app events can
// be sent again with the same event id (Pinterest de-duplicates them within
// 48 hours); offline events, which it does not de-duplicate, are not retried
// after such a failure and should be held for review.
func ExampleErrOutcomeUnknown() {
	srv := pinteresttest.NewServer()
	defer srv.Close()
	// The server records the events, then drops the connection unanswered.
	srv.Enqueue(pinteresttest.Fault{Process: true, Drop: true})

	client, err := pinterest.NewClient("token", pinterest.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	sale := pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceOffline).ID("store-sale-42").
		User(pinterest.NewUserData().Email("jane@example.com"))
	res, _ := client.Send(context.Background(), "549755885175", sale)

	for _, r := range res.Failures() {
		switch {
		case errors.Is(r.Err, pinterest.ErrOutcomeUnknown):
			fmt.Println(r.EventID, "may have been processed: hold for review, do not re-send")
		default:
			fmt.Println(r.EventID, "was not processed: safe to send again")
		}
	}
	fmt.Println("recorded by the server:", len(srv.Events()))
	// Output:
	// store-sale-42 may have been processed: hold for review, do not re-send
	// recorded by the server: 1
}
