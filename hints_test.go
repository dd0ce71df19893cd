package pinterest_test

// Tests of the errors and warnings that point at the fix (issue 12, items 6
// and 7): base URLs with /v5, Meta-style ad account ids, other platforms'
// event names, a full queue, a zero Client, and what results carry.

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
)

func hintEvent(name pinterest.EventName, id string) *pinterest.Event {
	return pinterest.NewEvent(name, pinterest.SourceWeb).ID(id).User(pinterest.NewUserData().Email("jane@example.com"))
}

func TestBaseURLWithV5(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	for _, base := range []string{srv.URL + "/v5", srv.URL + "/v5/", srv.URL + "/"} {
		c, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(base))
		if err != nil {
			t.Fatalf("WithBaseURL(%q): %v", base, err)
		}
		if _, err := c.Send(context.Background(), "549755885175", hintEvent(pinterest.EventCheckout, "o-1")); err != nil {
			t.Errorf("WithBaseURL(%q): Send: %v", base, err)
		}
	}
	for _, r := range srv.Requests() {
		if r.Path != "/v5/ad_accounts/549755885175/events" {
			t.Errorf("request path %q, want /v5/ad_accounts/549755885175/events", r.Path)
		}
	}
}

func TestAdAccountIDHints(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	c, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ id, want string }{
		{"act_549755885175", `pinterest: invalid ad_account_id: want 1 to 18 digits: drop the "act_" prefix, which is Meta's; Pinterest's ad account ids are digits only`},
		{" 549755885175\n", "pinterest: invalid ad_account_id: want 1 to 18 digits: remove the surrounding spaces"},
		{"5497-5588", "pinterest: invalid ad_account_id: want 1 to 18 digits"},
	}
	for _, tt := range tests {
		res, _ := c.Send(context.Background(), tt.id, hintEvent(pinterest.EventCheckout, "o-1"))
		err := res.Results[0].Err
		if err == nil || err.Error() != tt.want || !errors.Is(err, pinterest.ErrInvalidValue) {
			t.Errorf("Send to %q: %v, want %q", tt.id, err, tt.want)
		}
		if _, err := c.NewBatcher(tt.id); err == nil || err.Error() != tt.want {
			t.Errorf("NewBatcher(%q): %v, want %q", tt.id, err, tt.want)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}

func TestEventNameHints(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	c, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	res, _ := c.Send(context.Background(), "549755885175",
		hintEvent("Purchase", "p"), hintEvent("AddToCart", "a"), hintEvent("CompleteRegistration", "r"), hintEvent("purchase", "lower"))
	for i, want := range []string{
		"pinterest: invalid event_name: not lowercase letters, digits and underscores, at most 64; Pinterest's name for it is checkout (see ParseEventName)",
		"pinterest: invalid event_name: not lowercase letters, digits and underscores, at most 64; Pinterest's name for it is add_to_cart (see ParseEventName)",
		"pinterest: invalid event_name: not lowercase letters, digits and underscores, at most 64; Pinterest's name for it is signup (see ParseEventName)",
	} {
		if err := res.Results[i].Err; err == nil || err.Error() != want || !errors.Is(err, pinterest.ErrInvalidValue) {
			t.Errorf("event %d: %v, want %q", i, err, want)
		}
	}
	// A well-formed name Pinterest does not know is sent, with the hint.
	want := "event_name: not one of the 22 names of API 5.28; sent as given; Pinterest's name for it is checkout (see ParseEventName)"
	if !slices.Contains(res.Results[3].Warnings, want) {
		t.Errorf("warnings %q, want %q", res.Results[3].Warnings, want)
	}
}

// An Add that waits for room until its context ends says the queue was
// full, and which event it could not queue.
func TestBatcherAddFullQueueError(t *testing.T) {
	env, _, release := batchBlocked(t)
	defer release()
	var err error
	for i := 0; i < 100 && err == nil; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		err = env.b.Add(ctx, batchEvent("x"), batchEvent("y"))
		cancel()
	}
	if !errors.Is(err, pinterest.ErrQueueFull) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Add = %v, want ErrQueueFull and context.DeadlineExceeded", err)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "pinterest: Batcher.Add: event ") || !strings.HasSuffix(msg, "pinterest: queue full until the context ended: context deadline exceeded") {
		t.Errorf("Add error %q, want the 0-based index of the event and the full queue", msg)
	}
	if err := env.b.Add(context.Background(), batchEvent("ok"), nil); err == nil || err.Error() != "pinterest: Batcher.Add: event 1 is nil; nothing was queued" {
		t.Errorf("Add with a nil event = %v", err)
	}
}

// With WithNonBlockingAdd, the error names the event too.
func TestBatcherNonBlockingAddIndex(t *testing.T) {
	env, _, release := batchBlocked(t, pinterest.WithNonBlockingAdd())
	defer release()
	var err error
	for i := 0; i < 100 && err == nil; i++ {
		err = env.b.Add(context.Background(), batchEvent("a"), batchEvent("b"), batchEvent("c"))
	}
	if !errors.Is(err, pinterest.ErrQueueFull) || !strings.Contains(err.Error(), " not queued (accepted ") ||
		!strings.HasPrefix(err.Error(), "pinterest: Batcher.Add: event ") {
		t.Errorf("non-blocking Add = %v, want ErrQueueFull with the index", err)
	}
}

func TestZeroClient(t *testing.T) {
	const want = "pinterest: the Client was not made by NewClient (zero value or nil)"
	var zero pinterest.Client
	var nilClient *pinterest.Client
	for name, c := range map[string]*pinterest.Client{"zero": &zero, "nil": nilClient} {
		res, err := c.Send(context.Background(), "549755885175", hintEvent(pinterest.EventCheckout, "o"))
		if res != nil || err == nil || err.Error() != want {
			t.Errorf("%s Client: Send = %v, %v; want %q", name, res, err, want)
		}
		if _, err := c.NewBatcher("549755885175"); err == nil || err.Error() != want {
			t.Errorf("%s Client: NewBatcher = %v; want %q", name, err, want)
		}
		if _, err := c.EventQualityScores(context.Background(), "549755885175", pinterest.EQSQuery{}); err == nil || err.Error() != want {
			t.Errorf("%s Client: EventQualityScores = %v; want %q", name, err, want)
		}
	}
	if s := zero.String(); s != "pinterest.Client{not made by NewClient}" {
		t.Errorf("String = %q", s)
	}
}

// EventResult carries its *Event, so a failure handler can keep it for a
// later retry; a Batcher makes user data with the client's defaults.
func TestResultCarriesEventAndBatcherUserData(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	srv.FailEvents(func(e pinteresttest.Event) string {
		if e.EventID == "bad" {
			return "rejected for the test"
		}
		return ""
	})
	c, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(srv.URL), pinterest.WithDefaultPhoneCountryCode("1"))
	if err != nil {
		t.Fatal(err)
	}
	good, bad := hintEvent(pinterest.EventCheckout, "good"), hintEvent(pinterest.EventCheckout, "bad")
	res, _ := c.Send(context.Background(), "549755885175", good, nil, bad)
	if res.Results[0].Event != good || res.Results[1].Event != nil || res.Results[2].Event != bad {
		t.Errorf("Send results carry %p %p %p, want %p nil %p", res.Results[0].Event, res.Results[1].Event, res.Results[2].Event, good, bad)
	}

	var mu sync.Mutex
	var retry []*pinterest.Event
	b, err := c.NewBatcher("549755885175", pinterest.WithResultHandler(func(r pinterest.EventResult) {
		if !r.OK() {
			mu.Lock()
			retry = append(retry, r.Event) // queued for a later retry
			mu.Unlock()
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	ev := pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).ID("bad").
		User(b.NewUserData().Email("jane@example.com").Phone("(650) 555-0100"))
	if err := b.Add(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(context.Background()); err == nil {
		t.Error("Close = nil, want the failure")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(retry) != 1 || retry[0] != ev {
		t.Errorf("handler kept %v, want the failed event", retry)
	}
	if n := ev.UserData().Count(pinterest.FieldPhone); n != 1 || len(ev.UserData().Warnings()) != 0 {
		t.Errorf("Batcher.NewUserData: %d phones, warnings %v; want 1 with the client's country code", n, ev.UserData().Warnings())
	}
	js, _ := ev.UserData().MarshalJSON()
	if !strings.Contains(string(js), pinterest.HashValue("16505550100")) {
		t.Errorf("user data %s lacks the hash of 16505550100", js)
	}
}

func TestDerivedEventIDs(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	c, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(srv.URL), pinterest.WithDerivedEventIDs())
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(-10 * time.Minute)
	order := func() *pinterest.Event {
		return pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceOffline).At(at).
			User(pinterest.NewUserData().Email("jane@example.com")).
			Custom(pinterest.CustomData{OrderID: "1001", Value: "10", Currency: "USD"})
	}
	want := pinterest.DeriveEventID("549755885175", pinterest.EventCheckout, at, "1001")
	first, again, own := order(), order(), order().ID("pos-318")
	noOrder := pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceOffline).At(at).User(pinterest.NewUserData().Email("jane@example.com"))
	res, _ := c.Send(context.Background(), "549755885175", first, again, own, noOrder)
	for i, id := range []string{want, want, "pos-318"} {
		if r := res.Results[i]; !r.OK() || r.EventID != id || r.Event.EventID() != id {
			t.Errorf("event %d: %s id %q, want processed with %q", i, r.Status, r.EventID, id)
		}
	}
	wantErr := "pinterest: invalid event_id: missing: Pinterest needs it to de-duplicate; give the id the Pinterest Tag sent, " +
		"or, for events only the server sees, custom_data.order_id with WithDerivedEventIDs"
	if err := res.Results[3].Err; err == nil || err.Error() != wantErr {
		t.Errorf("event without id or order id: %v, want %q", err, wantErr)
	}
	// Without the option, an event without an id still fails.
	plain, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	res, _ = plain.Send(context.Background(), "549755885175", order())
	if err := res.Results[0].Err; err == nil || err.Error() != wantErr {
		t.Errorf("without WithDerivedEventIDs: %v, want %q", err, wantErr)
	}
}
