package pinterest_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/capisdk/pinterest"
)

// reuseRow is one event's data in the reuse tests: rows of different sizes
// follow each other, so that a reused event shrinks and grows.
type reuseRow struct {
	raw      perfRaw
	emails   []string // beyond the inline entries when long
	contents []pinterest.Content
	custom   bool // Custom before AddContents
	bad      bool // an invalid e-mail: a warning
}

func reuseRows(n int, round int) []reuseRow {
	data := perfDataMix(n+round, 0.3)[round:]
	rows := make([]reuseRow, n)
	for i := range rows {
		r := reuseRow{raw: data[i], custom: (i+round)%2 == 0, bad: (i+round)%5 == 0}
		for k := 0; k < (i*7+round)%16; k++ {
			r.emails = append(r.emails, "user"+strconv.Itoa(k)+"."+strconv.Itoa(i)+"@example.com")
		}
		for k := 0; k < (i+round)%4; k++ {
			r.contents = append(r.contents, pinterest.Content{ID: "sku-" + strconv.Itoa(k), ItemPrice: "1.50", Quantity: int64(k + 1), ItemName: strings.Repeat("n", round)})
		}
		rows[i] = r
	}
	return rows
}

// fill sets a row's data on ev and its user data u, with AddContents.
func (r *reuseRow) fill(ev *pinterest.Event, u *pinterest.UserData) {
	d := &r.raw
	ev.ID(d.orderID).At(perfNow)
	u.Email(d.email).Phone(d.phone).FirstName(d.first).LastName(d.last).City(d.city).ClientIP(d.ip).UserAgent(d.ua)
	u.Email(r.emails...)
	if r.bad {
		u.Email("not-an-email")
	}
	if r.custom {
		ev.Custom(pinterest.CustomData{Currency: "usd", Value: d.value, OrderID: d.orderID})
	}
	ev.AddContents(r.contents...)
}

// fresh builds a row's event in new memory, with Contents given to Custom.
func (r *reuseRow) fresh() *pinterest.Event {
	ev := pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceOffline)
	u := pinterest.NewUserData()
	r.fill(ev, u)
	return ev.User(u)
}

// TestEventBufferBuildsWhatNewEventBuilds reuses one buffer for rounds of
// events that grow and shrink (user data beyond the inline entries, warnings,
// contents) and checks that each event encodes, and warns, exactly as one
// built anew.
func TestEventBufferBuildsWhatNewEventBuilds(t *testing.T) {
	c, err := pinterest.NewClient("test-token")
	if err != nil {
		t.Fatal(err)
	}
	buf := c.NewEventBuffer()
	for round := 0; round < 6; round++ {
		rows := reuseRows(20-round*3, round)
		for i := range rows {
			ev := buf.Event(pinterest.EventCheckout, pinterest.SourceOffline)
			rows[i].fill(ev, ev.UserData())
		}
		if buf.Len() != len(rows) {
			t.Fatalf("round %d: Len %d, want %d", round, buf.Len(), len(rows))
		}
		for i, ev := range buf.Events() {
			want := rows[i].fresh()
			if diff := cmp.Diff(string(want.AppendJSON(nil)), string(ev.AppendJSON(nil))); diff != "" {
				t.Fatalf("round %d, event %d (-new +reused):\n%s", round, i, diff)
			}
			if diff := cmp.Diff(errTexts(want.UserData().Warnings()), errTexts(ev.UserData().Warnings())); diff != "" {
				t.Fatalf("round %d, event %d: warnings (-new +reused):\n%s", round, i, diff)
			}
		}
		buf.Reset()
		if buf.Len() != 0 || len(buf.Events()) != 0 {
			t.Fatalf("after Reset: Len %d, %d events", buf.Len(), len(buf.Events()))
		}
	}
}

func errTexts(errs []error) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

// TestEventResetIsNewEvent checks that Reset clears every field.
func TestEventResetIsNewEvent(t *testing.T) {
	ev := pinterest.NewEvent(pinterest.EventLead, pinterest.SourceWeb).ID("x").URL("https://example.com").
		OptOut(true).PartnerName("ss-p").Language("en").Wifi(true).
		App(pinterest.AppInfo{AppName: "a"}).Device(pinterest.DeviceInfo{Model: "m"}).
		User(pinterest.NewUserData().Email("jane@example.com")).
		Custom(pinterest.CustomData{Value: "1", Contents: []pinterest.Content{{ID: "a"}}}).AddContents(pinterest.Content{ID: "b"})
	ev.AppID("1") // the legacy fields must be cleared too
	ev.Reset(pinterest.EventSignup, pinterest.SourceAppIOS)
	want := pinterest.NewEvent(pinterest.EventSignup, pinterest.SourceAppIOS)
	if diff := cmp.Diff(string(want.AppendJSON(nil)), string(ev.AppendJSON(nil))); diff != "" {
		t.Errorf("reset event (-new +reset):\n%s", diff)
	}
	if ev.UserData() != nil {
		t.Errorf("reset event keeps its user data")
	}
}

// TestAddContentsNeverWritesCallersSlice: Contents given to Custom are the
// caller's; AddContents copies them before appending.
func TestAddContentsNeverWritesCallersSlice(t *testing.T) {
	mine := make([]pinterest.Content, 1, 4)
	mine[0] = pinterest.Content{ID: "a"}
	ev := pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).ID("1").
		User(pinterest.NewUserData().Email("jane@example.com")).
		Custom(pinterest.CustomData{Contents: mine}).AddContents(pinterest.Content{ID: "b"})
	if extra := mine[:2][1]; extra.ID != "" {
		t.Errorf("AddContents wrote %q into the caller's slice", extra.ID)
	}
	ev.Reset(pinterest.EventCheckout, pinterest.SourceWeb).AddContents(pinterest.Content{ID: "c"})
	if mine[0].ID != "a" {
		t.Errorf("Reset changed the caller's contents: %q", mine[0].ID)
	}
	if got := string(ev.AppendJSON(nil)); !strings.Contains(got, `"contents":[{"id":"c"}]`) {
		t.Errorf("after Reset and AddContents: %s", got)
	}
}

// gateTransport answers like Pinterest once its gate is open.
type gateTransport struct {
	perfTransport
	gate    chan struct{}
	entered chan struct{} // a request arrived
}

func newGateTransport() *gateTransport {
	return &gateTransport{gate: make(chan struct{}), entered: make(chan struct{}, 100)}
}

func (t *gateTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.entered <- struct{}{}
	<-t.gate
	return t.perfTransport.RoundTrip(req)
}

func gateClient(t *testing.T) (*pinterest.Client, *gateTransport) {
	gt := newGateTransport()
	c, err := pinterest.NewClient("test-token", pinterest.WithHTTPClient(&http.Client{Transport: gt}), pinterest.WithoutRateLimit())
	if err != nil {
		t.Fatal(err)
	}
	return c, gt
}

// mustPanic runs f and returns what it panicked with.
func mustPanic(t *testing.T, what string, f func()) (p any) {
	t.Helper()
	defer func() {
		p = recover()
		if p == nil {
			t.Errorf("%s did not panic", what)
		}
	}()
	f()
	return nil
}

func reuseEvent(id string) *pinterest.Event {
	return pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).ID(id).
		User(pinterest.NewUserData().Email("jane@example.com"))
}

// TestResetWhileSendHoldsPanics: an event being sent cannot be reset; once
// Send returned, it can.
func TestResetWhileSendHoldsPanics(t *testing.T) {
	c, gt := gateClient(t)
	ev := reuseEvent("order-1")
	done := make(chan error)
	go func() {
		_, err := c.Send(context.Background(), "549755885175", ev)
		done <- err
	}()
	<-gt.entered
	p := mustPanic(t, "Reset during Send", func() { ev.Reset(pinterest.EventLead, pinterest.SourceWeb) })
	if s, _ := p.(string); !strings.Contains(s, "still holds") {
		t.Errorf("panic %v, want one saying the event is held", p)
	}
	close(gt.gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ev.Reset(pinterest.EventLead, pinterest.SourceWeb) // free again
}

// TestResetWhileBatcherHoldsPanics: a Batcher holds an event from Add to
// its result, queued or in flight; its result handler may reset it; and an
// EventBuffer cannot be reset while a Batcher holds its events.
func TestResetWhileBatcherHoldsPanics(t *testing.T) {
	c, gt := gateClient(t)
	var mu sync.Mutex
	var reset []string
	b, err := c.NewBatcher("549755885175", pinterest.WithBatchSize(2), pinterest.WithFlushInterval(time.Hour),
		pinterest.WithResultHandler(func(r pinterest.EventResult) {
			// The event of a delivered result is free: reset it here.
			mu.Lock()
			defer mu.Unlock()
			reset = append(reset, r.EventID)
		}))
	if err != nil {
		t.Fatal(err)
	}
	buf := c.NewEventBuffer()
	for i := 0; i < 3; i++ {
		buf.Event(pinterest.EventCheckout, pinterest.SourceWeb).ID("order-" + strconv.Itoa(i)).UserData().Email("jane@example.com")
	}
	evs := buf.Events()
	if err := b.Add(context.Background(), evs...); err != nil {
		t.Fatal(err)
	}
	<-gt.entered // the first batch of 2 is in flight, the third event queued
	mustPanic(t, "Reset of an event in flight", func() { evs[0].Reset(pinterest.EventLead, pinterest.SourceWeb) })
	mustPanic(t, "Reset of a queued event", func() { evs[2].Reset(pinterest.EventLead, pinterest.SourceWeb) })
	p := mustPanic(t, "EventBuffer.Reset", buf.Reset)
	if s, _ := p.(string); !strings.Contains(s, "holds 3 of its events") {
		t.Errorf("panic %v, want one counting 3 held events", p)
	}
	if buf.Len() != 3 {
		t.Errorf("a refused Reset changed the buffer: Len %d", buf.Len())
	}
	close(gt.gate)
	if err := b.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(reset) != 3 {
		t.Fatalf("%d results, want 3", len(reset))
	}
	buf.Reset() // every result is out: free
	evs[0].Reset(pinterest.EventLead, pinterest.SourceWeb)
}

// TestResultHandlerMayResetItsEvent: a Batcher releases an event before it
// delivers its result.
func TestResultHandlerMayResetItsEvent(t *testing.T) {
	c := perfInProcessClient(t)
	evs := map[string]*pinterest.Event{}
	for i := 0; i < 5; i++ {
		id := "order-" + strconv.Itoa(i)
		evs[id] = reuseEvent(id)
	}
	var panics []any
	b, err := c.NewBatcher("549755885175", pinterest.WithBatchSize(2), pinterest.WithResultHandler(func(r pinterest.EventResult) {
		defer func() {
			if p := recover(); p != nil {
				panics = append(panics, p)
			}
		}()
		evs[r.EventID].Reset(pinterest.EventLead, pinterest.SourceWeb)
	}))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		if err := b.Add(context.Background(), evs["order-"+strconv.Itoa(i)]); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(panics) > 0 {
		t.Errorf("Reset in the result handler panicked: %v", panics)
	}
}

// TestRefusedAddReleases: an event that Add could not queue is not held.
func TestRefusedAddReleases(t *testing.T) {
	c, gt := gateClient(t)
	b, err := c.NewBatcher("549755885175", pinterest.WithBatchSize(1), pinterest.WithQueueSize(1), pinterest.WithSenders(1), pinterest.WithNonBlockingAdd())
	if err != nil {
		t.Fatal(err)
	}
	var refused *pinterest.Event
	for i := 0; refused == nil && i < 100; i++ {
		ev := reuseEvent("order-" + strconv.Itoa(i))
		if err := b.Add(context.Background(), ev); err != nil {
			refused = ev
		}
	}
	if refused == nil {
		t.Fatal("the queue never filled")
	}
	refused.Reset(pinterest.EventLead, pinterest.SourceWeb) // must not panic
	close(gt.gate)
	if err := b.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestEventReusedElsewhereAfterItsResult: once its result is delivered, an
// event may be reset by another goroutine (as a bulk loader does when the
// handler hands the event back); the Batcher reads nothing of it afterwards.
// Under -race, a read after delivery is reported.
func TestEventReusedElsewhereAfterItsResult(t *testing.T) {
	c := perfInProcessClient(t)
	const n = 20
	back := make(chan *pinterest.Event, n)
	b, err := c.NewBatcher("549755885175", pinterest.WithBatchSize(4), pinterest.WithResultHandler(func(r pinterest.EventResult) {
		back <- r.Event
	}))
	if err != nil {
		t.Fatal(err)
	}
	reset := make(chan struct{})
	go func() {
		defer close(reset)
		for i := 0; i < n; i++ {
			(<-back).Reset(pinterest.EventLead, pinterest.SourceOffline)
		}
	}()
	for i := 0; i < n; i++ {
		if err := b.Add(context.Background(), reuseEvent("order-"+strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-reset:
	case <-time.After(10 * time.Second):
		t.Fatal("results did not all reach the handler")
	}
}
