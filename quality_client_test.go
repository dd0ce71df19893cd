package pinterest_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/internal/clock"
	"github.com/capisdk/pinterest/pinteresttest"
)

func qualityClient(t *testing.T, opts ...pinterest.Option) *pinterest.Client {
	t.Helper()
	srv := pinteresttest.NewServerT(t)
	c, err := pinterest.NewClient("test-token", append([]pinterest.Option{pinterest.WithBaseURL(srv.URL), pinterest.WithoutRateLimit()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestClientQualityCountsWhatIsSent checks what Send counts: events that
// passed local validation, whatever Pinterest answers; the dropped values of
// every event; nothing when the call itself is refused.
func TestClientQualityCountsWhatIsSent(t *testing.T) {
	start := time.Now().Truncate(time.Second) // the fake checks event times on the wall clock
	c := qualityClient(t, pinterest.WithClock(clock.NewFake(start)))
	if r := c.Quality(); r.Rating != pinterest.RatingUnrated || r.Events != 0 {
		t.Fatalf("new client: %v", r)
	}
	ok := func(id string) *pinterest.Event {
		return pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).ID(id).At(start).
			User(pinterest.NewUserData().Email("jane@example.com").ClientIP("203.0.113.7").UserAgent("ua"))
	}
	evs := []*pinterest.Event{
		ok("1"),
		ok("2").At(start.Add(-90 * time.Minute)), // late
		pinterest.NewEvent("purchase_v2", pinterest.SourceWeb).ID("3").At(start).
			User(pinterest.NewUserData().Email("jane@example.com", "not-an-email")), // unknown name: sent, counted under it
		pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).At(start).
			User(pinterest.NewUserData().Email("x@example.com", "bad")), // no id: fails locally
		nil,
	}
	res, _ := c.Send(context.Background(), "549755885175", evs...)
	if res.Results[3].Err == nil || res.Results[4].Err == nil {
		t.Fatalf("results %+v", res.Results)
	}
	r := c.Quality()
	if r.Events != 3 || r.Late != 1 {
		t.Errorf("events %d late %d, want 3 and 1", r.Events, r.Late)
	}
	var names []pinterest.EventName
	for _, row := range r.Coverage {
		names = append(names, row.EventName)
	}
	if diff := cmp.Diff([]pinterest.EventName{pinterest.EventCheckout, "purchase_v2"}, names); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if len(r.Dropped) != 1 || r.Dropped[0].Count != 2 || r.Dropped[0].Field != "user_data.em" {
		t.Errorf("dropped %+v, want 2 e-mails", r.Dropped)
	}
	// A refused call (bad ad account) sends nothing and counts no event.
	if _, err := c.Send(context.Background(), "act_1", ok("4")); err == nil {
		t.Fatal("bad ad account accepted")
	}
	if got := c.Quality().Events; got != 3 {
		t.Errorf("events %d after a refused call, want 3", got)
	}
	// Interval and Reset through the client's meter.
	if got := c.QualityMeter().Interval().Events; got != 3 {
		t.Errorf("interval %d", got)
	}
	if _, err := c.Send(context.Background(), "549755885175", ok("5")); err != nil {
		t.Fatal(err)
	}
	if got := c.QualityMeter().Interval().Events; got != 1 {
		t.Errorf("second interval %d, want 1", got)
	}
	c.QualityMeter().Reset()
	if got := c.Quality().Events; got != 0 {
		t.Errorf("after Reset: %d", got)
	}
}

// TestClientQualityConcurrent sends from many goroutines and two Batchers at
// once: the totals are exact, and the client's report is the one a
// QualityMeter observing the same events gives.
func TestClientQualityConcurrent(t *testing.T) {
	c := qualityClient(t, pinterest.WithMaxEventsPerRequest(50))
	const senders, perSender, batchers, perBatcher = 6, 120, 2, 300
	names := []pinterest.EventName{pinterest.EventCheckout, pinterest.EventAddToCart, pinterest.EventPageVisit, "made_up_name"}
	mk := func(g, i int) *pinterest.Event {
		u := pinterest.NewUserData().ClientIP("203.0.113.7").UserAgent("ua")
		if i%3 != 0 {
			u.Email(fmt.Sprintf("u%d-%d@example.com", g, i))
		}
		if i%5 == 0 {
			u.Phone("123") // dropped
			u.Email("jane@example.com")
		}
		if i%7 == 0 {
			u.FirstName("Jane").LastName("Doe")
		}
		return pinterest.NewEvent(names[(g+i)%len(names)], pinterest.SourceWeb).ID(fmt.Sprint(g, "-", i)).User(u)
	}
	ref := pinterest.NewQualityMeter()
	var all [][]*pinterest.Event
	for g := range senders + batchers {
		n := perSender
		if g >= senders {
			n = perBatcher
		}
		evs := make([]*pinterest.Event, n)
		for i := range evs {
			evs[i] = mk(g, i)
			if err := ref.Observe(evs[i]); err != nil {
				t.Fatal(err)
			}
		}
		all = append(all, evs)
	}
	var wg sync.WaitGroup
	for g := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			evs := all[g]
			for i := 0; i < len(evs); i += 40 {
				// The fake fails made_up_name events; they were sent, and count.
				if res, _ := c.Send(context.Background(), "549755885175", evs[i:min(i+40, len(evs))]...); res == nil {
					t.Error("no response")
				}
			}
		}()
	}
	for g := senders; g < senders+batchers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, err := c.NewBatcher("549755885175", pinterest.WithBatchSize(25))
			if err != nil {
				t.Error(err)
				return
			}
			for _, ev := range all[g] {
				if err := b.Add(context.Background(), ev); err != nil {
					t.Error(err)
				}
			}
			// The made_up_name events fail, so Close reports them.
			var se *pinterest.SendError
			if err := b.Close(context.Background()); err != nil && !errors.As(err, &se) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got, want := c.Quality(), ref.Report()
	if total := int64(senders*perSender + batchers*perBatcher); got.Events != total {
		t.Errorf("events %d, want %d", got.Events, total)
	}
	if diff := cmp.Diff(want.Coverage, got.Coverage); diff != "" {
		t.Errorf("coverage (-observed +sent):\n%s", diff)
	}
	if diff := cmp.Diff(want.Dropped, got.Dropped); diff != "" {
		t.Errorf("dropped (-observed +sent):\n%s", diff)
	}
	if diff := cmp.Diff(want.Reasons, got.Reasons); diff != "" || got.Rating != want.Rating {
		t.Errorf("rating %q, want %q; reasons (-observed +sent):\n%s", got.Rating, want.Rating, diff)
	}
}
