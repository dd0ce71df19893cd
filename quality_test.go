package pinterest_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/capisdk/pinterest"
)

// qev describes events for the rating tests: n events of a name and source
// carrying the signals of user and custom.
type qev struct {
	n      int
	name   pinterest.EventName
	source pinterest.ActionSource
	user   func(*pinterest.UserData)
	custom *pinterest.CustomData
}

// fullUser sets every signal the rating looks at.
func fullUser(u *pinterest.UserData) {
	u.Email("jane@example.com").MobileAdID("38400000-8cf0-11bd-b23e-10b96e40000d").
		ClientIP("203.0.113.7").UserAgent("Mozilla/5.0").ExternalID("cust-1").
		FirstName("Jane").LastName("Doe").ClickID("dj0yJnU9").Phone("+16505550100").
		Gender("f").DateOfBirthString("1990-07-04").City("Menlo Park").State("CA").
		Zip("94025").Country("US")
}

// without returns fullUser less the user_data fields given.
func without(fields ...pinterest.UserField) func(*pinterest.UserData) {
	skip := map[pinterest.UserField]bool{}
	for _, f := range fields {
		skip[f] = true
	}
	return func(u *pinterest.UserData) {
		for _, p := range []struct {
			f pinterest.UserField
			v string
		}{
			{pinterest.FieldEmail, "jane@example.com"}, {pinterest.FieldMobileAdID, "38400000-8cf0-11bd-b23e-10b96e40000d"},
			{pinterest.FieldClientIP, "203.0.113.7"}, {pinterest.FieldUserAgent, "Mozilla/5.0"},
			{pinterest.FieldExternalID, "cust-1"}, {pinterest.FieldFirstName, "Jane"}, {pinterest.FieldLastName, "Doe"},
			{pinterest.FieldClickID, "dj0yJnU9"}, {pinterest.FieldPhone, "+16505550100"}, {pinterest.FieldGender, "f"},
			{pinterest.FieldDateOfBirth, "1990-07-04"}, {pinterest.FieldCity, "Menlo Park"}, {pinterest.FieldState, "CA"},
			{pinterest.FieldZip, "94025"}, {pinterest.FieldCountry, "US"},
		} {
			if !skip[p.f] {
				u.Add(p.f, p.v)
			}
		}
	}
}

func observeAll(t *testing.T, q *pinterest.QualityMeter, spec []qev) {
	t.Helper()
	id := 0
	for _, s := range spec {
		for range s.n {
			id++
			u := pinterest.NewUserData()
			s.user(u)
			ev := pinterest.NewEvent(s.name, s.source).ID(fmt.Sprint("ev-", id)).User(u)
			if s.custom != nil {
				ev.Custom(*s.custom)
			}
			if err := q.Observe(ev); err != nil {
				t.Fatalf("Observe: %v", err)
			}
		}
	}
}

type reasonSummary struct {
	Code      pinterest.ReasonCode
	Blocks    pinterest.Rating
	EventName pinterest.EventName
	Signal    pinterest.Signal
	Lacking   int64
	Of        int64
}

func summarize(rs []pinterest.QualityReason) []reasonSummary {
	out := []reasonSummary{}
	for _, r := range rs {
		out = append(out, reasonSummary{r.Code, r.Blocks, r.EventName, r.Signal, r.Lacking, r.Of})
	}
	return out
}

const (
	checkout = pinterest.EventCheckout
	web      = pinterest.SourceWeb
)

// greatOK is a checkout setup that is Great on its own.
var greatOK = qev{n: 3, name: checkout, source: web, user: fullUser}

// TestQualityRating checks the rating and its reasons against the rules of
// normalization.md, "Quality of the match": one case per reason, and the
// cases where a rule holds.
func TestQualityRating(t *testing.T) {
	const (
		poor  = pinterest.RatingPoor
		good  = pinterest.RatingGoodFair
		great = pinterest.RatingGreat
	)
	missing := func(s pinterest.Signal, of int64) reasonSummary {
		return reasonSummary{pinterest.ReasonMissingID, great, "", s, of, of}
	}
	tests := []struct {
		name    string
		events  []qev
		rating  pinterest.Rating
		reasons []reasonSummary
		texts   []string // if set, the reasons' texts
	}{
		{
			name:    "no events",
			rating:  pinterest.RatingUnrated,
			reasons: []reasonSummary{{Code: pinterest.ReasonNoEvents}},
			texts:   []string{"no events observed yet"},
		},
		{name: "every rule holds", events: []qev{greatOK}, rating: great, reasons: []reasonSummary{}},
		{
			name:   "a mobile ad id alone satisfies the checkout rule",
			events: []qev{{n: 2, name: checkout, source: pinterest.SourceAppIOS, user: without(pinterest.FieldEmail)}},
			rating: great, reasons: []reasonSummary{},
		},
		{
			name:   "an e-mail alone satisfies the checkout rule",
			events: []qev{{n: 2, name: checkout, source: web, user: without(pinterest.FieldMobileAdID)}},
			rating: great, reasons: []reasonSummary{},
		},
		{
			name: "IP and user agent lacking on some events makes Poor",
			events: []qev{greatOK,
				{n: 1, name: pinterest.EventPageVisit, source: web, user: without(pinterest.FieldUserAgent)},
				{n: 3, name: pinterest.EventPageVisit, source: web, user: fullUser}},
			rating:  poor,
			reasons: []reasonSummary{{pinterest.ReasonIPUserAgent, good, pinterest.EventPageVisit, pinterest.SignalIPAndUserAgent, 1, 4}},
			texts:   []string{"page_visit: 25% of 4 events lack the client IP address with the user agent"},
		},
		{
			name: "an IP address without user agent does not count",
			events: []qev{greatOK,
				{n: 1, name: checkout, source: pinterest.SourceOffline, user: without(pinterest.FieldUserAgent)},
				{n: 1, name: pinterest.EventLead, source: web, user: without(pinterest.FieldClientIP)}},
			rating: poor,
			reasons: []reasonSummary{
				{pinterest.ReasonIPUserAgent, good, checkout, pinterest.SignalIPAndUserAgent, 1, 4},
				{pinterest.ReasonIPUserAgent, good, pinterest.EventLead, pinterest.SignalIPAndUserAgent, 1, 1},
			},
			texts: []string{
				"checkout: 25% of 4 events lack the client IP address with the user agent",
				"lead: 100% of 1 event lacks the client IP address with the user agent",
			},
		},
		{
			name: "checkout events without e-mail or mobile ad id make Poor",
			events: []qev{
				{n: 4031 - 484, name: checkout, source: web, user: fullUser},
				{n: 484, name: checkout, source: web, user: without(pinterest.FieldEmail, pinterest.FieldMobileAdID)}},
			rating:  poor,
			reasons: []reasonSummary{{pinterest.ReasonCheckoutEmailOrMAID, good, checkout, pinterest.SignalEmailOrMAID, 484, 4031}},
			texts:   []string{"checkout: 12% of 4,031 events lack an e-mail or mobile ad id"},
		},
		{
			name: "the checkout rule counts every action source",
			events: []qev{greatOK,
				{n: 1, name: checkout, source: pinterest.SourceOffline, user: without(pinterest.FieldEmail, pinterest.FieldMobileAdID)}},
			rating:  poor,
			reasons: []reasonSummary{{pinterest.ReasonCheckoutEmailOrMAID, good, checkout, pinterest.SignalEmailOrMAID, 1, 4}},
		},
		{
			name: "e-mail lacking on other events than checkout is no reason",
			events: []qev{greatOK,
				{n: 5, name: pinterest.EventAddToCart, source: web, user: without(pinterest.FieldEmail, pinterest.FieldMobileAdID)}},
			rating: great, reasons: []reasonSummary{},
		},
		{
			name:    "no checkout event: the rule cannot be judged, at most Good/Fair",
			events:  []qev{{n: 2, name: pinterest.EventAddToCart, source: web, user: fullUser}},
			rating:  good,
			reasons: []reasonSummary{{pinterest.ReasonNoCheckout, great, checkout, pinterest.SignalEmailOrMAID, 0, 0}},
			texts: []string{"no checkout event observed: the rule that checkout events carry an e-mail or mobile ad id " +
				"cannot be judged, so the rating is at most Good/Fair"},
		},
		{
			name: "one event with an id is enough for Great",
			events: []qev{
				{n: 1, name: checkout, source: web, user: fullUser},
				{n: 99, name: checkout, source: web, user: without(pinterest.FieldExternalID, pinterest.FieldPhone, pinterest.FieldCountry)}},
			rating: great, reasons: []reasonSummary{},
		},
		{
			name:    "fn without ln does not count",
			events:  []qev{{n: 2, name: checkout, source: web, user: without(pinterest.FieldLastName)}},
			rating:  good,
			reasons: []reasonSummary{missing(pinterest.SignalName, 2)},
			texts:   []string{"no event carried fn together with ln (medium priority)"},
		},
		{
			name: "fn and ln on different events do not count",
			events: []qev{
				{n: 1, name: checkout, source: web, user: without(pinterest.FieldLastName)},
				{n: 1, name: checkout, source: web, user: without(pinterest.FieldFirstName)}},
			rating:  good,
			reasons: []reasonSummary{missing(pinterest.SignalName, 2)},
		},
		{
			name: "Poor reasons come first, Great ones after",
			events: []qev{
				{n: 10, name: pinterest.EventPageVisit, source: web, user: without(pinterest.FieldClientIP, pinterest.FieldGender)},
				{n: 1, name: checkout, source: web, user: without(pinterest.FieldEmail, pinterest.FieldMobileAdID, pinterest.FieldGender)}},
			rating: poor,
			reasons: []reasonSummary{
				{pinterest.ReasonIPUserAgent, good, pinterest.EventPageVisit, pinterest.SignalIPAndUserAgent, 10, 10},
				{pinterest.ReasonCheckoutEmailOrMAID, good, checkout, pinterest.SignalEmailOrMAID, 1, 1},
				missing(pinterest.SignalGender, 11),
			},
		},
		{
			name:   "IP reasons are ordered by how many events lack them",
			events: []qev{greatOK, {n: 1, name: pinterest.EventLead, source: web, user: without(pinterest.FieldUserAgent)}, {n: 2, name: pinterest.EventSignup, source: web, user: without(pinterest.FieldUserAgent)}},
			rating: poor,
			reasons: []reasonSummary{
				{pinterest.ReasonIPUserAgent, good, pinterest.EventSignup, pinterest.SignalIPAndUserAgent, 2, 2},
				{pinterest.ReasonIPUserAgent, good, pinterest.EventLead, pinterest.SignalIPAndUserAgent, 1, 1},
			},
		},
	}
	// One case per medium and low priority id.
	for _, m := range []struct {
		f    pinterest.UserField
		s    pinterest.Signal
		text string
	}{
		{pinterest.FieldExternalID, pinterest.SignalExternalID, "external_id (medium priority)"},
		{pinterest.FieldFirstName, pinterest.SignalName, "fn together with ln (medium priority)"},
		{pinterest.FieldClickID, pinterest.SignalClickID, "click_id (low priority)"},
		{pinterest.FieldPhone, pinterest.SignalPhone, "ph (low priority)"},
		{pinterest.FieldGender, pinterest.SignalGender, "ge (low priority)"},
		{pinterest.FieldDateOfBirth, pinterest.SignalDateOfBirth, "db (low priority)"},
		{pinterest.FieldCity, pinterest.SignalCity, "ct (low priority)"},
		{pinterest.FieldState, pinterest.SignalState, "st (low priority)"},
		{pinterest.FieldZip, pinterest.SignalZip, "zp (low priority)"},
		{pinterest.FieldCountry, pinterest.SignalCountry, "country (low priority)"},
	} {
		tests = append(tests, struct {
			name    string
			events  []qev
			rating  pinterest.Rating
			reasons []reasonSummary
			texts   []string
		}{
			name:    "no event carries " + string(m.s),
			events:  []qev{{n: 3, name: checkout, source: web, user: without(m.f)}},
			rating:  good,
			reasons: []reasonSummary{missing(m.s, 3)},
			texts:   []string{"no event carried " + m.text},
		})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := pinterest.NewQualityMeter()
			observeAll(t, q, tt.events)
			r := q.Report()
			if r.Rating != tt.rating {
				t.Errorf("rating %q, want %q", r.Rating, tt.rating)
			}
			if diff := cmp.Diff(tt.reasons, summarize(r.Reasons)); diff != "" {
				t.Errorf("reasons (-want +got):\n%s", diff)
			}
			if tt.texts != nil {
				var got []string
				for _, x := range r.Reasons {
					got = append(got, x.Text)
				}
				if diff := cmp.Diff(tt.texts, got); diff != "" {
					t.Errorf("texts (-want +got):\n%s", diff)
				}
			}
			// The text form states the rating and every reason.
			s := r.String()
			if !strings.HasPrefix(s, "Match quality: "+string(tt.rating)) {
				t.Errorf("String starts %q", s[:min(len(s), 40)])
			}
			for _, x := range r.Reasons {
				if !strings.Contains(s, x.Text) {
					t.Errorf("String lacks reason %q", x.Text)
				}
			}
		})
	}
}

func TestQualityNoEvents(t *testing.T) {
	r := pinterest.NewQualityMeter().Report()
	if r.Events != 0 || len(r.Coverage) != 0 || len(r.Dropped) != 0 {
		t.Errorf("empty report counts something: %+v", r)
	}
	if got := r.Totals().Coverage(pinterest.SignalEmail); got != 0 {
		t.Errorf("coverage of no events = %v, want 0", got)
	}
	want := "Match quality: Unrated\nHeld back by:\n  - no events observed yet\n"
	if s := r.String(); !strings.HasPrefix(s, want) || strings.Contains(s, "NaN") {
		t.Errorf("String:\n%s\nwant prefix\n%s", s, want)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`"rating":"Unrated"`, `"coverage":[]`, `"dropped":[]`, `"code":"no_events"`} {
		if !strings.Contains(string(b), w) {
			t.Errorf("JSON %s lacks %s", b, w)
		}
	}
}

// TestQualityCoverage checks the table: every signal counted per event name
// and action source, unknown names under their own name, late events.
func TestQualityCoverage(t *testing.T) {
	q := pinterest.NewQualityMeter()
	now := time.Now()
	evs := []*pinterest.Event{
		pinterest.NewEvent(checkout, web).ID("1").URL("https://shop.example/c").
			User(pinterest.NewUserData().Email("jane@example.com").ClientIP("203.0.113.7").UserAgent("ua")).
			Custom(pinterest.CustomData{OrderID: "o-1", Value: "10.00", ContentIDs: []string{"sku-1"}}),
		pinterest.NewEvent(checkout, web).ID("2").
			User(pinterest.NewUserData().MobileAdID("38400000-8cf0-11bd-b23e-10b96e40000d").FirstName("Jane").LastName("Doe")).
			Custom(pinterest.CustomData{Contents: []pinterest.Content{{ID: "sku-2", Quantity: 1}}}),
		pinterest.NewEvent("purchase_v2", pinterest.SourceOffline).ID("3").At(now.Add(-2 * time.Hour)).
			User(pinterest.NewUserData().Email("a@example.com").Phone("+16505550100").ExternalID("c-9").
				Gender("m").DateOfBirthString("1980-01-02").City("Paris").State("CA").Zip("75001").Country("FR").ClickID("epik")),
		pinterest.NewEvent("purchase_v2", pinterest.SourceOffline).ID("4").At(now.Add(-50 * time.Minute)).
			User(pinterest.NewUserData().Email("b@example.com")).Custom(pinterest.CustomData{Contents: []pinterest.Content{{ItemName: "no id"}}}),
	}
	for _, ev := range evs {
		if err := q.Observe(ev); err != nil {
			t.Fatal(err)
		}
	}
	r := q.Report()
	want := []pinterest.QualityRow{
		{EventName: checkout, ActionSource: web, Events: 2, Signals: map[pinterest.Signal]int64{
			"em": 1, "hashed_maids": 1, "em_or_maid": 2, "ip_ua": 1, "fn_ln": 1, "order_id": 1, "value": 1,
			"product_id": 2, "event_source_url": 1}},
		{EventName: "purchase_v2", ActionSource: pinterest.SourceOffline, Events: 2, Late: 1, Signals: map[pinterest.Signal]int64{
			"em": 2, "em_or_maid": 2, "ph": 1, "external_id": 1, "ge": 1, "db": 1, "ct": 1, "st": 1, "zp": 1,
			"country": 1, "click_id": 1}},
	}
	if diff := cmp.Diff(want, r.Coverage); diff != "" {
		t.Errorf("coverage (-want +got):\n%s", diff)
	}
	if r.Events != 4 || r.Late != 1 {
		t.Errorf("events %d late %d, want 4 and 1", r.Events, r.Late)
	}
	if got := r.Coverage[0].Coverage(pinterest.SignalEmail); got != 0.5 {
		t.Errorf("checkout em coverage %v, want 0.5", got)
	}
	tot := r.Totals()
	if tot.Events != 4 || tot.Signals[pinterest.SignalEmailOrMAID] != 4 || tot.Late != 1 {
		t.Errorf("totals %+v", tot)
	}
	s := r.String()
	for _, w := range []string{"purchase_v2  offline", "Late: 25% of 4 events were sent more than an hour after they happened", "Not seen: the Pinterest Tag rule"} {
		if !strings.Contains(s, w) {
			t.Errorf("String lacks %q:\n%s", w, s)
		}
	}
}

func TestQualityString(t *testing.T) {
	q := pinterest.NewQualityMeter()
	observeAll(t, q, []qev{
		{n: 1999, name: checkout, source: web, user: fullUser},
		{n: 1, name: checkout, source: web, user: without(pinterest.FieldEmail, pinterest.FieldMobileAdID, pinterest.FieldGender)},
	})
	if err := q.Observe(pinterest.NewEvent(pinterest.EventLead, web).ID("x").User(pinterest.NewUserData().Email("nope"))); err == nil {
		t.Fatal("event with only an invalid e-mail observed without error")
	}
	want := `Match quality: Poor (2,000 events)
Held back by:
  - checkout: <1% of 2,000 events lack an e-mail or mobile ad id
Events carrying each signal (%):
  event     source  events  late   em  maid  em|maid  ip+ua  ext_id  fn+ln  click   ph   ge   db   ct   st   zp  country  order  value  product  url
  checkout  web      2,000     0  >99   >99      >99    100     100    100    100  100  >99  100  100  100  100      100      0      0        0    0
Values dropped locally:
  1  user_data.em  not an e-mail address: needs exactly one @
Not seen: the Pinterest Tag rule: with the Tag installed, every lower-funnel Tag event (add to cart, checkout, lead, signup) must also be sent through the API; this cannot be seen from the server and is assumed to hold
`
	if diff := cmp.Diff(want, q.Report().String()); diff != "" {
		t.Errorf("String (-want +got):\n%s", diff)
	}
}

func TestQualityJSON(t *testing.T) {
	q := pinterest.NewQualityMeter()
	observeAll(t, q, []qev{{n: 2, name: checkout, source: web, user: without(pinterest.FieldZip)}})
	r := q.Report()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back pinterest.QualityReport
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r, &back, cmpopts.EquateApproxTime(0)); diff != "" {
		t.Errorf("JSON round trip (-want +got):\n%s", diff)
	}
	for _, w := range []string{`"rating":"Good/Fair"`, `"code":"missing_id"`, `"signal":"zp"`, `"signals":{`, `"em":2`} {
		if !strings.Contains(string(b), w) {
			t.Errorf("JSON lacks %s: %s", w, b)
		}
	}
}

func TestQualityDropped(t *testing.T) {
	q := pinterest.NewQualityMeter()
	// A national-looking phone number is kept (with a warning): it is not
	// a dropped value.
	u := pinterest.NewUserData().Email("jane@example.com", "no-at-sign", "also-bad").Phone("12", "650 555 0100").Gender("x").
		MobileAdID("00000000-0000-0000-0000-000000000000")
	var phoneWarnings int
	for _, w := range u.Warnings() {
		var fe *pinterest.FieldError
		if errors.As(w, &fe) && fe.Field == "user_data.ph" {
			phoneWarnings++
		}
	}
	if phoneWarnings != 2 {
		t.Fatalf("%d phone warnings, want 2 (one drop, one kept national number)", phoneWarnings)
	}
	if err := q.Observe(pinterest.NewEvent(checkout, web).ID("1").User(u)); err != nil {
		t.Fatal(err)
	}
	// An event failing validation is not counted as sent, but its dropped
	// values are.
	if err := q.Observe(pinterest.NewEvent(checkout, web).User(pinterest.NewUserData().Email("bad"))); err == nil {
		t.Fatal("want a validation error")
	}
	if err := q.Observe(nil); err == nil {
		t.Fatal("want an error for a nil event")
	}
	r := q.Report()
	want := []pinterest.DroppedValues{
		{Field: "user_data.em", Reason: "not an e-mail address: needs exactly one @", Count: 3},
		{Field: "user_data.ge", Reason: "unknown gender: want f, m or n (or female, male, non-binary)", Count: 1},
		{Field: "user_data.hashed_maids", Reason: "all-zero advertising id (limited ad tracking) carries no signal", Count: 1},
		{Field: "user_data.ph", Reason: "fewer than 7 digits", Count: 1},
	}
	if diff := cmp.Diff(want, r.Dropped); diff != "" {
		t.Errorf("dropped (-want +got):\n%s", diff)
	}
	if r.Events != 1 {
		t.Errorf("events %d, want 1 (the invalid one is not sent)", r.Events)
	}
	if s := r.String(); strings.Contains(s, "no-at-sign") || strings.Contains(s, "also-bad") {
		t.Errorf("String shows a raw value:\n%s", s)
	}
}

func TestQualityIntervalAndReset(t *testing.T) {
	q := pinterest.NewQualityMeter()
	observeAll(t, q, []qev{{n: 3, name: checkout, source: web, user: fullUser}})
	first := q.Interval()
	observeAll(t, q, []qev{{n: 2, name: pinterest.EventLead, source: web, user: fullUser}})
	second := q.Interval()
	third := q.Interval()
	if first.Events != 3 || second.Events != 2 || third.Events != 0 {
		t.Fatalf("intervals counted %d, %d, %d events; want 3, 2, 0", first.Events, second.Events, third.Events)
	}
	if second.Coverage[0].EventName != pinterest.EventLead || second.Rating != pinterest.RatingGoodFair {
		t.Errorf("second interval: %v", second)
	}
	if third.Rating != pinterest.RatingUnrated {
		t.Errorf("empty interval rated %q", third.Rating)
	}
	if !second.From.Equal(first.To) || second.To.Before(second.From) {
		t.Errorf("intervals do not follow each other: %v-%v then %v-%v", first.From, first.To, second.From, second.To)
	}
	observeAll(t, q, []qev{{n: 4, name: checkout, source: web, user: fullUser}})
	if r := q.Report(); r.Events != 4 {
		t.Errorf("Report after intervals: %d events, want 4", r.Events)
	}
	q.Reset()
	if r := q.Report(); r.Events != 0 || r.Rating != pinterest.RatingUnrated {
		t.Errorf("after Reset: %d events, rating %q", r.Events, r.Rating)
	}
	observeAll(t, q, []qev{{n: 1, name: checkout, source: web, user: fullUser}})
	if r := q.Report(); r.Events != 1 {
		t.Errorf("after Reset and one event: %d events", r.Events)
	}
}

// TestQualityUnknownNamesBounded checks that made-up names are counted under
// their own name, up to a bound, and beyond it together, with exact totals.
func TestQualityUnknownNamesBounded(t *testing.T) {
	q := pinterest.NewQualityMeter()
	for i := range 300 {
		ev := pinterest.NewEvent(pinterest.EventName(fmt.Sprintf("made_up_%03d", i)), web).ID("x").
			User(pinterest.NewUserData().Email("jane@example.com"))
		if err := q.Observe(ev); err != nil {
			t.Fatal(err)
		}
	}
	r := q.Report()
	if r.Events != 300 {
		t.Fatalf("events %d, want 300", r.Events)
	}
	named, other := 0, int64(0)
	for _, row := range r.Coverage {
		if row.EventName == "(other names)" {
			other = row.Events
			continue
		}
		named++
		if !strings.HasPrefix(string(row.EventName), "made_up_") || row.Events != 1 {
			t.Errorf("row %+v", row)
		}
	}
	if named != 256 || other != 44 {
		t.Errorf("%d named rows and %d other events, want 256 and 44", named, other)
	}
}

// TestQualityConcurrent observes from many goroutines, with intervals taken
// meanwhile: every event is counted exactly once (run with -race).
func TestQualityConcurrent(t *testing.T) {
	q := pinterest.NewQualityMeter()
	const workers, per = 8, 500
	var wg sync.WaitGroup
	var mu sync.Mutex
	var intervals int64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				r := q.Interval()
				mu.Lock()
				intervals += r.Events
				mu.Unlock()
			}
		}
	}()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			names := []pinterest.EventName{checkout, pinterest.EventLead, pinterest.EventName(fmt.Sprintf("custom_%d", w))}
			for i := range per {
				u := pinterest.NewUserData().Email("jane@example.com", "bad").ClientIP("203.0.113.7").UserAgent("ua")
				ev := pinterest.NewEvent(names[i%3], web).ID(fmt.Sprint(w, "-", i)).User(u)
				if err := q.Observe(ev); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-done
	last := q.Interval()
	if got := intervals + last.Events; got != workers*per {
		t.Errorf("intervals counted %d events, want %d", got, workers*per)
	}
	q.Reset()
	// Counting again from zero, all at once.
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range per {
				ev := pinterest.NewEvent(checkout, web).ID(fmt.Sprint(w, "-", i)).User(pinterest.NewUserData().Email("jane@example.com", "bad"))
				_ = q.Observe(ev)
			}
		}()
	}
	wg.Wait()
	r := q.Report()
	if r.Events != workers*per || r.Coverage[0].Signals[pinterest.SignalEmail] != workers*per {
		t.Errorf("events %d, em %d; want %d", r.Events, r.Coverage[0].Signals[pinterest.SignalEmail], workers*per)
	}
	if len(r.Dropped) != 1 || r.Dropped[0].Count != workers*per {
		t.Errorf("dropped %+v, want %d", r.Dropped, workers*per)
	}
}
