package pinterest_test

// Tests that no raw personal data leaves the builder, except the plain
// fields in the request body.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/internal/clock"
	"github.com/capisdk/pinterest/pinteresttest"
)

// ---------------------------------------------------------------------------
// 9. No raw personal data leaves the builder, except the plain fields in the
// request body.

// sendPII is a raw value handed to a UserData setter and the strings that
// must not be found where it must not go (searched case-insensitively).
type sendPII struct {
	set     func(*pinterest.UserData, string)
	raw     string
	needles []string
}

var (
	sendSetEmail    = func(u *pinterest.UserData, v string) { u.Email(v) }
	sendSetPhone    = func(u *pinterest.UserData, v string) { u.Phone(v) }
	sendSetGender   = func(u *pinterest.UserData, v string) { u.Gender(v) }
	sendSetDOB      = func(u *pinterest.UserData, v string) { u.DateOfBirthString(v) }
	sendSetFirst    = func(u *pinterest.UserData, v string) { u.FirstName(v) }
	sendSetLast     = func(u *pinterest.UserData, v string) { u.LastName(v) }
	sendSetCity     = func(u *pinterest.UserData, v string) { u.City(v) }
	sendSetState    = func(u *pinterest.UserData, v string) { u.State(v) }
	sendSetZip      = func(u *pinterest.UserData, v string) { u.Zip(v) }
	sendSetCountry  = func(u *pinterest.UserData, v string) { u.Country(v) }
	sendSetExtID    = func(u *pinterest.UserData, v string) { u.ExternalID(v) }
	sendSetMAID     = func(u *pinterest.UserData, v string) { u.MobileAdID(v) }
	sendSetIP       = func(u *pinterest.UserData, v string) { u.ClientIP(v) }
	sendSetUA       = func(u *pinterest.UserData, v string) { u.UserAgent(v) }
	sendSetClickID  = func(u *pinterest.UserData, v string) { u.ClickID(v) }
	sendSetPartner  = func(u *pinterest.UserData, v string) { u.PartnerID(v) }
	sendSetHashedEm = func(u *pinterest.UserData, v string) { u.Hashed(pinterest.FieldEmail, v) }
)

var sendHashScrub = regexp.MustCompile(`[0-9a-f]{64}|"event_time":[0-9]+`)

func TestSendNoRawPII(t *testing.T) {
	// Hashed fields: never anywhere, in any form.
	hashed := []sendPII{
		{sendSetEmail, "Jane.Doe@Example.com", []string{"jane.doe@example.com", "jane.doe", "example.com"}},
		{sendSetPhone, "+1 (650) 555-0100", []string{"+1 (650) 555-0100", "16505550100", "6505550100", "555-0100"}},
		{sendSetGender, "Female", nil}, // "f" and "female" are too common to search for
		{sendSetDOB, "1985-07-04", []string{"1985-07-04", "19850704"}},
		{sendSetFirst, "Jane", []string{"jane"}},
		{sendSetLast, "O'Brien", []string{"o'brien", "brien"}},
		{sendSetCity, "Menlo Park", []string{"menlo park", "menlopark"}},
		{sendSetState, "California", []string{"california"}},
		{sendSetZip, "94025", []string{"94025"}},
		{sendSetCountry, "United States", []string{"united states"}},
		{sendSetExtID, "Cust-42", []string{"cust-42"}},
		{sendSetMAID, "6D92078A-8246-4BA4-AE5B-76104861E7DC", []string{"6d92078a-8246-4ba4-ae5b-76104861e7dc", "76104861e7dc"}},
	}
	// Invalid values: dropped with a warning; never anywhere either.
	invalid := []sendPII{
		{sendSetEmail, "not-an-email", []string{"not-an-email"}},
		{sendSetEmail, "jane@@Example.org", []string{"@@", "example.org"}},
		{sendSetPhone, "(555) 12", []string{"(555) 12", "55512"}},
		{sendSetGender, "Robotic", []string{"robotic"}},
		{sendSetDOB, "07/04/1985", []string{"07/04/1985"}},
		{sendSetFirst, "Zelda\x00Quux", []string{"zelda", "quux"}},
		{sendSetLast, strings.Repeat("Kowalczyk", 120), []string{"kowalczyk"}},
		{sendSetCity, "Springfield\x00Gotham", []string{"springfield", "gotham"}},
		{sendSetState, "Narnia Province", []string{"narnia"}},
		{sendSetZip, "ABCDEFGHIJK1", []string{"abcdefghijk1"}},
		{sendSetCountry, "Atlantis", []string{"atlantis"}},
		{sendSetExtID, "Loyalty\x07Walrus", []string{"walrus"}},
		{sendSetMAID, "00000000-0000-0000-0000-000000000000", []string{"00000000-0000"}},
		{sendSetIP, "999.1.1.1", []string{"999.1.1.1"}},
		{sendSetUA, "Mozilla\x01Sneaky", []string{"sneaky"}},
		{sendSetClickID, "Click\x02Zebra", []string{"zebra"}},
		{sendSetPartner, "Partner\x03Narwhal", []string{"narwhal"}},
		{sendSetHashedEm, "not-a-hash-Platypus", []string{"platypus"}},
	}
	// Plain fields: sent as they are, so only in request bodies.
	plain := []sendPII{
		{sendSetIP, "203.0.113.77", []string{"203.0.113.77"}},
		{sendSetUA, "Mozilla/5.0 (PIITest) Firefox/1.0", []string{"piitest"}},
		{sendSetClickID, "epik-Click-Heron", []string{"click-heron"}},
		{sendSetPartner, "RampID-Pelican", []string{"pelican"}},
	}
	build := func(sets ...[]sendPII) *pinterest.UserData {
		u := pinterest.NewUserData()
		for _, set := range sets {
			for _, p := range set {
				p.set(u, p.raw)
			}
		}
		u.DateOfBirth(time.Date(1850, 1, 1, 0, 0, 0, 0, time.UTC)) // before 1900: a warning
		return u
	}
	users := []*pinterest.UserData{
		build(hashed, plain),          // pii-0: processed
		build(hashed, plain, invalid), // pii-1: processed with warnings
		build(invalid),                // pii-2: fails locally
		build(hashed, plain),          // pii-3: failed by the server
		build(hashed, plain, invalid), // pii-4: processed, with the server's warning
		build(hashed, invalid, plain), // pii-5: its request is answered 400
	}
	now := time.Now()
	evs := make([]*pinterest.Event, len(users))
	for i, u := range users {
		evs[i] = pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).
			ID("pii-" + strconv.Itoa(i)).At(now.Add(-time.Hour)).User(u)
	}

	srv := pinteresttest.NewServerT(t)
	srv.FailEvents(func(e pinteresttest.Event) string {
		if e.EventID == "pii-3" {
			return "bad thing"
		}
		return ""
	})
	srv.WarnEvents(func(e pinteresttest.Event) string {
		if e.EventID == "pii-4" {
			return "a warning"
		}
		return ""
	})
	srv.Enqueue(pinteresttest.Fault{}, pinteresttest.Fault{}, pinteresttest.Fault{Status: 400})
	var logs bytes.Buffer
	c := newTestClient(t, srv, pinterest.WithLogger(sendLogger(&logs)), pinterest.WithMaxEventsPerRequest(2),
		pinterest.WithConcurrency(1), pinterest.WithClock(clock.NewFake(now)))
	res, err := c.Send(context.Background(), testAccount, evs...)
	if res == nil {
		t.Fatalf("Send = nil, %v", err)
	}

	// The outcome is the one planned, so that every path was taken.
	wantStatus := []pinterest.EventStatus{"processed", "processed", "failed", "failed", "processed", "failed"}
	for i, r := range res.Results {
		if r.Status != wantStatus[i] {
			t.Errorf("Results[%d]: %s (%v), want %s", i, r.Status, r.Err, wantStatus[i])
		}
	}
	var fe *pinterest.FieldError
	var ee *pinterest.EventError
	var ae *pinterest.APIError
	if !errors.As(res.Results[2].Err, &fe) || !errors.As(res.Results[3].Err, &ee) || !errors.As(res.Results[5].Err, &ae) {
		t.Errorf("errors %v / %v / %v, want a FieldError, an EventError, an APIError", res.Results[2].Err, res.Results[3].Err, res.Results[5].Err)
	}
	wantWarnings := len(invalid) + 1 // + the date of birth of 1850
	if n := len(res.Results[1].Warnings); n != wantWarnings {
		t.Errorf("pii-1 has %d warnings, want %d: %q", n, wantWarnings, res.Results[1].Warnings)
	}
	for _, w := range res.Results[1].Warnings {
		if !strings.Contains(w, "user_data.") {
			t.Errorf("warning %q does not name a user_data field", w)
		}
	}
	if !slices.Contains(res.Results[4].Warnings, "a warning") {
		t.Errorf("pii-4 warnings %q lack the server's", res.Results[4].Warnings)
	}

	// Where personal data must not be.
	outside := sendErrTexts(res, err)
	outside = append(outside, logs.String(), c.String(), fmt.Sprintf("%v %+v %#v", c, c, c))
	for _, ev := range evs {
		outside = append(outside, ev.String(), fmt.Sprintf("%v %+v %#v %s", ev, ev, ev, ev), fmt.Sprintf("%v %+v", *ev, *ev))
	}
	var valueForms []string // print the struct fields: the plain fields are there
	for _, u := range users {
		outside = append(outside, u.String(), u.GoString(), fmt.Sprintf("%v %+v %#v %s", u, u, u, u))
		valueForms = append(valueForms, fmt.Sprintf("%v %+v", *u, *u))
		for _, w := range u.Warnings() {
			outside = append(outside, w.Error(), fmt.Sprintf("%#v", w))
		}
	}
	var bodies []string
	var allBodies string
	for _, rq := range srv.Requests() {
		allBodies += string(rq.Body)
		bodies = append(bodies, sendHashScrub.ReplaceAllString(string(rq.Body), "H"))
	}
	if logs.Len() == 0 || len(bodies) != 3 {
		t.Fatalf("%d log bytes and %d requests, want some and 3", logs.Len(), len(bodies))
	}
	// The checks below can see what they look for.
	if !strings.Contains(allBodies, pinterest.HashValue("jane.doe@example.com")) || !strings.Contains(allBodies, pinterest.HashValue("16505550100")) {
		t.Errorf("the bodies lack the expected hashes")
	}
	for _, p := range plain {
		for _, n := range p.needles {
			if !strings.Contains(strings.ToLower(allBodies), n) {
				t.Errorf("the bodies lack the plain value %q", n)
			}
		}
	}

	find := func(haystacks []string, sets ...[]sendPII) (hits []string) {
		for _, h := range haystacks {
			lh := strings.ToLower(h)
			for _, set := range sets {
				for _, p := range set {
					for _, n := range append([]string{strings.ToLower(p.raw)}, p.needles...) {
						if p.raw != "Female" && strings.Contains(lh, n) {
							hits = append(hits, fmt.Sprintf("%q in %.400s", n, h))
						}
					}
				}
			}
		}
		return hits
	}
	// The search finds what it must (a planted value, in another case).
	if hits := find([]string{"x JANE.doe@example.COM y", "pelican"}, hashed, plain); len(hits) < 2 {
		t.Fatalf("the search misses planted values: %q", hits)
	}
	for _, c := range []struct {
		kind      string
		haystacks []string
		sets      [][]sendPII
	}{
		{"a request body", bodies, [][]sendPII{hashed, invalid}},
		{"a log line, error, warning or printed value", outside, [][]sendPII{hashed, invalid, plain}},
		{"a printed UserData value", valueForms, [][]sendPII{hashed, invalid}},
	} {
		for _, hit := range find(c.haystacks, c.sets...) {
			t.Errorf("%s contains personal data: %s", c.kind, hit)
		}
	}
}
