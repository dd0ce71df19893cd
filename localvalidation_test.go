package pinterest_test

// Tests of valid and invalid events in one call: local validation fails an
// event alone.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/capisdk/pinterest"
)

// ---------------------------------------------------------------------------
// 4. Valid and invalid events in one call.

func TestSendMixedValidAndInvalid(t *testing.T) {
	now := time.Now()
	user := func() *pinterest.UserData { return pinterest.NewUserData().Email("mixed@example.com") }
	ev := func(name pinterest.EventName, src pinterest.ActionSource, id string) *pinterest.Event {
		return pinterest.NewEvent(name, src).ID(id).At(now.Add(-time.Minute)).User(user())
	}
	co := pinterest.EventCheckout
	web := pinterest.SourceWeb
	// More values than a UserData holds inline, with a duplicate past that point.
	manyEmails := pinterest.NewUserData()
	var wantEm []string
	for k := range 30 {
		manyEmails.Email(fmt.Sprintf("Person%02d@Example.com", k))
		wantEm = append(wantEm, pinterest.HashValue(fmt.Sprintf("person%02d@example.com", k)))
	}
	manyEmails.Email("PERSON20@example.COM")
	cases := []struct {
		name      string
		ev        *pinterest.Event
		field     string // FieldError.Field of a local failure
		rejected  string // part of Pinterest's error_message when the fake fails it
		warning   string // part of a warning of the result
		processed bool
	}{
		{name: "valid e-mail", ev: ev(co, web, "ok-email"), processed: true},
		{name: "nil event", ev: nil, field: "event"},
		{name: "no user data", ev: pinterest.NewEvent(co, web).ID("no-user").At(now), field: "user_data"},
		{name: "only a phone", ev: ev(co, web, "phone-only").User(pinterest.NewUserData().Phone("+1 650 555 0100")), field: "user_data"},
		{name: "IP without user agent", ev: ev(co, web, "ip-only").User(pinterest.NewUserData().ClientIP("203.0.113.9")), field: "user_data"},
		{name: "only an invalid e-mail", ev: ev(co, web, "bad-email").User(pinterest.NewUserData().Email("not-an-email")), field: "user_data", warning: "user_data.em"},
		{name: "valid mobile ad id", ev: ev(co, pinterest.SourceAppAndroid, "ok-maid").User(pinterest.NewUserData().MobileAdID("38400000-8cf0-11bd-b23e-10b96e40000d")), processed: true},
		{name: "empty event name", ev: ev("", web, "no-name"), field: "event_name"},
		{name: "malformed name Checkout!", ev: ev("Checkout!", web, "bang"), field: "event_name"},
		{name: "malformed name CHECKOUT", ev: ev("CHECKOUT", web, "upper"), field: "event_name"},
		{name: "well-formed unknown name", ev: ev("future_event_name", web, "future"), rejected: "event_name", warning: "event_name"},
		{name: "valid IP and user agent", ev: ev(co, pinterest.SourceOffline, "ok-ipua").User(pinterest.NewUserData().ClientIP("203.0.113.9").UserAgent("UA/1.0")), processed: true},
		{name: "unknown action source", ev: ev(co, "email", "src"), field: "action_source"},
		{name: "empty action source", ev: ev(co, "", "nosrc"), field: "action_source"},
		{name: "empty id", ev: ev(co, web, ""), field: "event_id"},
		{name: "blank id", ev: ev(co, web, "  "), field: "event_id"},
		{name: "value -1", ev: ev(co, web, "neg").Custom(pinterest.CustomData{Value: "-1"}), field: "custom_data.value"},
		{name: "value abc", ev: ev(co, web, "abc").Custom(pinterest.CustomData{Value: "abc"}), field: "custom_data.value"},
		{name: "value NaN", ev: ev(co, web, "nan").Custom(pinterest.CustomData{Value: "NaN"}), field: "custom_data.value"},
		{name: "value 1e400", ev: ev(co, web, "inf").Custom(pinterest.CustomData{Value: "1e400"}), field: "custom_data.value"},
		{name: "predicted ltv -3", ev: ev(co, web, "ltv").Custom(pinterest.CustomData{PredictedLTV: "-3"}), field: "custom_data.predicted_ltv"},
		{name: "negative num_items", ev: ev(co, web, "items").Custom(pinterest.CustomData{NumItems: -1}), field: "custom_data.num_items"},
		{name: "currency US", ev: ev(co, web, "cur").Custom(pinterest.CustomData{Currency: "US"}), field: "custom_data.currency"},
		{name: "1001 contents", ev: ev(co, web, "contents").Custom(pinterest.CustomData{Contents: make([]pinterest.Content, 1001)}), field: "custom_data.contents"},
		{name: "1000 contents", ev: ev(co, web, "contents-1000").Custom(pinterest.CustomData{Contents: make([]pinterest.Content, 1000)}), processed: true},
		{name: "1001 content ids", ev: ev(co, web, "ids").Custom(pinterest.CustomData{ContentIDs: make([]string, 1001)}), field: "custom_data.content_ids"},
		{name: "item price abc", ev: ev(co, web, "price").Custom(pinterest.CustomData{Contents: []pinterest.Content{{ItemPrice: "abc"}}}), field: "custom_data.contents.item_price"},
		{name: "negative quantity", ev: ev(co, web, "qty").Custom(pinterest.CustomData{Contents: []pinterest.Content{{Quantity: -2}}}), field: "custom_data.contents.quantity"},
		{name: "invalid UTF-8 content name", ev: ev(co, web, "utf8-item").Custom(pinterest.CustomData{Contents: []pinterest.Content{{ItemName: "bad \xff"}}}), field: "custom_data.contents"},
		{name: "invalid UTF-8 URL", ev: ev(co, web, "utf8-url").URL("https://x.example/\xff"), field: "event_source_url"},
		{name: "event time 2 hours ahead", ev: ev(co, web, "future-time").At(now.Add(2 * time.Hour)), field: "event_time"},
		{name: "event time 30 minutes ahead", ev: ev(co, web, "soon").At(now.Add(30 * time.Minute)), processed: true},
		{name: "event time 1970", ev: ev(co, web, "epoch").At(time.Unix(0, 0)), field: "event_time"},
		{name: "event time 8 days ago", ev: ev(co, web, "old").At(now.Add(-8 * 24 * time.Hour)), field: "event_time"},
		{name: "form factor phone", ev: ev(co, web, "ff").Device(pinterest.DeviceInfo{FormFactor: "phone"}), field: "device_info.form_factor"},
		{name: "battery 101", ev: ev(co, web, "bat").Device(pinterest.DeviceInfo{BatteryLevel: 101}), field: "device_info.battery_level"},
		{name: "window width 30721", ev: ev(co, web, "win").App(pinterest.AppInfo{WindowWidth: 30721}), field: "app_info.window_width"},
		{name: "vendor id -1", ev: ev(co, web, "vendor").Custom(pinterest.CustomData{ExternalMeasurementVendorID: -1}), field: "custom_data.external_measurement_vendor_id"},
		{name: "30 e-mails, one twice", ev: ev(co, web, "many-emails").User(manyEmails), processed: true},
		{name: "valid last", ev: ev(pinterest.EventLead, pinterest.SourceAppIOS, "ok-last"), processed: true},
	}
	evs := make([]*pinterest.Event, len(cases))
	for i, tc := range cases {
		evs[i] = tc.ev
	}
	env := setup(t)
	srv, c := env.srv, env.client
	res, err := c.Send(context.Background(), testAccount, evs...)
	if res == nil || len(res.Results) != len(cases) {
		t.Fatalf("Send returned %v results, want %d (err %v)", res, len(cases), err)
	}

	failed := 0
	var wantProcessed []string
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := res.Results[i]
			if r.Index != i {
				t.Errorf("Index %d, want %d", r.Index, i)
			}
			if tc.ev != nil && r.EventID != tc.ev.EventID() {
				t.Errorf("EventID %q, want %q", r.EventID, tc.ev.EventID())
			}
			if tc.warning != "" && !slices.ContainsFunc(r.Warnings, func(w string) bool { return strings.Contains(w, tc.warning) }) {
				t.Errorf("Warnings %q, want one mentioning %q", r.Warnings, tc.warning)
			}
			switch {
			case tc.processed:
				if !r.OK() || r.Err != nil {
					t.Errorf("status %s, err %v; want processed", r.Status, r.Err)
				}
			case tc.field != "":
				var fe *pinterest.FieldError
				if r.OK() || !errors.As(r.Err, &fe) {
					t.Fatalf("status %s, err %v (%T); want failed with a *FieldError", r.Status, r.Err, r.Err)
				}
				if fe.Field != tc.field || !errors.Is(r.Err, pinterest.ErrInvalidValue) {
					t.Errorf("FieldError.Field %q (%v), want %q", fe.Field, fe, tc.field)
				}
				if r.Attempts != 0 {
					t.Errorf("Attempts %d for a locally failed event, want 0", r.Attempts)
				}
			case tc.rejected != "":
				var ee *pinterest.EventError
				if r.OK() || !errors.As(r.Err, &ee) || !errors.Is(r.Err, pinterest.ErrEventRejected) {
					t.Fatalf("status %s, err %v (%T); want failed with an *EventError", r.Status, r.Err, r.Err)
				}
				if !strings.Contains(ee.Message, tc.rejected) {
					t.Errorf("EventError.Message %q, want it to mention %q", ee.Message, tc.rejected)
				}
				if r.Attempts != 1 {
					t.Errorf("Attempts %d, want 1", r.Attempts)
				}
			}
		})
		if tc.processed {
			wantProcessed = append(wantProcessed, tc.ev.EventID())
		} else {
			failed++
		}
	}

	var se *pinterest.SendError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v (%T), want a *SendError", err, err)
	}
	if se.Failed != failed || se.Total != len(cases) || res.Failed != failed || res.Processed != len(wantProcessed) {
		t.Errorf("SendError %d of %d failed, Response %d failed %d processed; want %d of %d, %d processed",
			se.Failed, se.Total, res.Failed, res.Processed, failed, len(cases), len(wantProcessed))
	}
	if len(res.Failures()) != failed {
		t.Errorf("Failures() has %d results, want %d", len(res.Failures()), failed)
	}
	var fe *pinterest.FieldError
	var ee *pinterest.EventError
	if !errors.As(err, &fe) || !errors.As(err, &ee) || !errors.Is(err, pinterest.ErrInvalidValue) || !errors.Is(err, pinterest.ErrEventRejected) {
		t.Errorf("errors.As/Is do not reach a *FieldError and an *EventError through %v", err)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("%d of %d events failed", failed, len(cases))) {
		t.Errorf("error text %q does not count the failures", err)
	}
	// Two requests: the offline event travels apart from the web ones, and
	// both are in flight at once, so the order of arrival is not fixed.
	if res.Attempts != 2 || len(srv.Requests()) != 2 {
		t.Errorf("Response.Attempts %d, server saw %d requests, want 2", res.Attempts, len(srv.Requests()))
	}
	var got []string
	for _, e := range srv.Events() {
		got = append(got, e.EventID)
		if e.EventID == "many-emails" {
			if diff := cmp.Diff(wantEm, e.UserData.Em); diff != "" {
				t.Errorf("em of many-emails (-want +got):\n%s", diff)
			}
		}
	}
	if diff := cmp.Diff(wantProcessed, got, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("events recorded by the server (-want +got):\n%s", diff)
	}
}
