package pinterest_test

// Size budgets: requests are cut by encoded size, an event too large alone
// fails locally, and a 413 answer is halved until what fits is sent: every
// normal event is processed exactly once. Helpers are prefixed with "size".

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
)

const sizeAcct = "549755885175"

// sizeEvent is a valid event whose encoded size grows with contents items
// of nameLen-byte names.
func sizeEvent(id string, contents, nameLen int) *pinterest.Event {
	cd := pinterest.CustomData{Currency: "USD", Value: "10"}
	for k := range contents {
		cd.Contents = append(cd.Contents, pinterest.Content{ID: fmt.Sprint("sku-", k), ItemPrice: "1", Quantity: 1, ItemName: strings.Repeat("n", nameLen)})
	}
	return pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).ID(id).At(time.Now().Add(-time.Minute)).
		User(pinterest.NewUserData().Email(id + "@example.com")).Custom(cd)
}

// sizeMix returns normal events interleaved with oversized ones, and the ids
// of each kind.
func sizeMix(normal, big, bigContents, bigName int) (evs []*pinterest.Event, normalIDs, bigIDs []string) {
	for i := range normal {
		id := fmt.Sprint("n-", i)
		evs = append(evs, sizeEvent(id, 1, 10))
		normalIDs = append(normalIDs, id)
		if i%(normal/big+1) == 0 && len(bigIDs) < big {
			id := fmt.Sprint("big-", len(bigIDs))
			evs = append(evs, sizeEvent(id, bigContents, bigName))
			bigIDs = append(bigIDs, id)
		}
	}
	return evs, normalIDs, bigIDs
}

func sizeClient(t *testing.T, srv *pinteresttest.Server, opts ...pinterest.Option) *pinterest.Client {
	t.Helper()
	c, err := pinterest.NewClient("size-token", append([]pinterest.Option{pinterest.WithBaseURL(srv.URL), pinterest.WithoutRateLimit()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sizeCheck checks that every normal event was processed exactly once and
// that each big one failed as isBig says.
func sizeCheck(t *testing.T, srv *pinteresttest.Server, res *pinterest.Response, normalIDs, bigIDs []string, isBig func(pinterest.EventResult) bool) {
	t.Helper()
	seen := map[string]int{}
	for _, e := range srv.Events() {
		seen[e.EventID]++
	}
	for _, id := range normalIDs {
		if seen[id] != 1 {
			t.Errorf("%s processed %d times by the server, want once", id, seen[id])
		}
	}
	for _, id := range bigIDs {
		if seen[id] != 0 {
			t.Errorf("%s, too large, was processed", id)
		}
	}
	big := map[string]bool{}
	for _, id := range bigIDs {
		big[id] = true
	}
	for _, r := range res.Results {
		switch {
		case big[r.EventID]:
			if r.OK() || !isBig(r) {
				t.Errorf("%s: status %s, err %v", r.EventID, r.Status, r.Err)
			}
		case !r.OK():
			t.Errorf("%s failed: %v", r.EventID, r.Err)
		}
	}
	if res.Processed != len(normalIDs) || res.Failed != len(bigIDs) {
		t.Errorf("Processed %d Failed %d, want %d %d", res.Processed, res.Failed, len(normalIDs), len(bigIDs))
	}
}

// A server with a small body limit answers 413; the client halves the
// request until the normal events get through, and only the events that
// cannot fit fail, with the 413.
func TestSizeBudget413Halving(t *testing.T) {
	srv := pinteresttest.NewServerT(t, pinteresttest.WithMaxBodyBytes(16<<10))
	c := sizeClient(t, srv)
	evs, normalIDs, bigIDs := sizeMix(60, 3, 40, 1000) // a big event is about 44 KB
	res, err := c.Send(context.Background(), sizeAcct, evs...)
	if err == nil {
		t.Fatal("Send succeeded with events too large for the server")
	}
	sizeCheck(t, srv, res, normalIDs, bigIDs, func(r pinterest.EventResult) bool {
		var apiErr *pinterest.APIError
		return errors.As(r.Err, &apiErr) && apiErr.StatusCode == http.StatusRequestEntityTooLarge &&
			!errors.Is(r.Err, pinterest.ErrOutcomeUnknown) && r.Attempts > 1
	})
	for _, rq := range srv.Requests() {
		if rq.Status != http.StatusOK && rq.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("a request was answered %d", rq.Status)
		}
	}
}

// With WithMaxRequestBytes the client cuts requests to fit before sending:
// the server never sees one over the budget, and an event too large on its
// own fails locally with a *FieldError.
func TestSizeBudgetLocal(t *testing.T) {
	const budget = 16 << 10
	srv := pinteresttest.NewServerT(t, pinteresttest.WithMaxBodyBytes(budget))
	c := sizeClient(t, srv, pinterest.WithMaxRequestBytes(budget))
	evs, normalIDs, bigIDs := sizeMix(200, 4, 40, 1000)
	res, _ := c.Send(context.Background(), sizeAcct, evs...)
	sizeCheck(t, srv, res, normalIDs, bigIDs, func(r pinterest.EventResult) bool {
		var fe *pinterest.FieldError
		return errors.As(r.Err, &fe) && fe.Field == "event" && r.Attempts == 0
	})
	reqs := srv.Requests()
	for _, rq := range reqs {
		if len(rq.Body) > budget || rq.Status != http.StatusOK {
			t.Errorf("the server got a request of %d bytes, answered %d", len(rq.Body), rq.Status)
		}
	}
	if res.Attempts != len(reqs) {
		t.Errorf("Response.Attempts %d, server saw %d requests", res.Attempts, len(reqs))
	}
	if len(reqs) > 4 { // 200 events of about 290 bytes: 58 KB in 16 KB requests
		t.Errorf("%d requests: the events were not packed", len(reqs))
	}
}

// The default budget is 2 MiB: an event of 2.4 MB fails locally and the
// event beside it is sent.
func TestSizeBudgetDefault(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	c := sizeClient(t, srv)
	res, _ := c.Send(context.Background(), sizeAcct, sizeEvent("small", 1, 10), sizeEvent("huge", 1000, 2400))
	var fe *pinterest.FieldError
	if r := res.Results[1]; r.OK() || !errors.As(r.Err, &fe) || !errors.Is(r.Err, pinterest.ErrInvalidValue) {
		t.Errorf("huge: status %s, err %v; want a *FieldError", r.Status, r.Err)
	}
	if r := res.Results[0]; !r.OK() {
		t.Errorf("small: %v", r.Err)
	}
	for _, rq := range srv.Requests() {
		if len(rq.Body) > pinterest.DefaultMaxRequestBytes {
			t.Errorf("a request of %d bytes was sent", len(rq.Body))
		}
	}
}

func TestSizeBudgetOption(t *testing.T) {
	for _, n := range []int{-1, 0, 100, 4095} {
		if _, err := pinterest.NewClient("t", pinterest.WithMaxRequestBytes(n)); err == nil {
			t.Errorf("WithMaxRequestBytes(%d) accepted", n)
		}
	}
	if _, err := pinterest.NewClient("t", pinterest.WithMaxRequestBytes(4096)); err != nil {
		t.Errorf("WithMaxRequestBytes(4096): %v", err)
	}
}
