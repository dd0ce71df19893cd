package pinterest_test

// Tests of the fields the live API has beyond the spec: the
// advertiser_tracking_enabled flag, and the limits on item_brand_id and
// device_info.languages (api-reference.md 7.1 and 9.10).

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
)

func TestAdvertiserTrackingEnabled(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	c, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	user := pinterest.NewUserData().MobileAdID("6D92078A-8246-4BA4-AE5B-76104861E7DC")
	evs := []*pinterest.Event{
		pinterest.NewEvent(pinterest.EventAppInstall, pinterest.SourceAppIOS).ID("att-on").User(user).AdvertiserTrackingEnabled(true),
		pinterest.NewEvent(pinterest.EventAppInstall, pinterest.SourceAppIOS).ID("att-off").User(user).AdvertiserTrackingEnabled(false),
		pinterest.NewEvent(pinterest.EventAppInstall, pinterest.SourceAppIOS).ID("att-unset").User(user),
	}
	if _, err := c.Send(context.Background(), "549755885175", evs...); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := map[string]string{}
	for _, e := range srv.Events() {
		switch {
		case e.AdvertiserTrackingEnabled == nil:
			got[e.EventID] = "absent"
		case *e.AdvertiserTrackingEnabled:
			got[e.EventID] = "true"
		default:
			got[e.EventID] = "false"
		}
	}
	want := map[string]string{"att-on": "true", "att-off": "false", "att-unset": "absent"}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: advertiser_tracking_enabled %s, want %s", id, got[id], w)
		}
	}
	js, _ := evs[1].MarshalJSON()
	if !strings.Contains(string(js), `"advertiser_tracking_enabled":false`) {
		t.Errorf("wire JSON %s lacks advertiser_tracking_enabled:false", js)
	}
}

func TestLiveFieldLimits(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	c, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	ev := func(id string) *pinterest.Event {
		return pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).ID(id).
			User(pinterest.NewUserData().Email("jane@example.com"))
	}
	brand := func(s string) pinterest.CustomData {
		return pinterest.CustomData{Contents: []pinterest.Content{{ID: "sku-1", ItemBrandID: s}}}
	}
	tests := []struct {
		ev      *pinterest.Event
		wantErr string // "" for processed
	}{
		{ev("brand-64").Custom(brand(strings.Repeat("é", 64))), ""},
		{ev("brand-65").Custom(brand(strings.Repeat("b", 65))), "pinterest: invalid custom_data.contents.item_brand_id: longer than 64 characters"},
		{ev("lang-ok").Device(pinterest.DeviceInfo{Languages: []string{"en", "FR"}}), ""},
		{ev("lang-region").Device(pinterest.DeviceInfo{Languages: []string{"en", "en-US"}}),
			`pinterest: invalid device_info.languages: each entry must be a 2-letter ISO 639-1 code such as "en"`},
		{ev("lang-3").Device(pinterest.DeviceInfo{Languages: []string{"eng"}}),
			`pinterest: invalid device_info.languages: each entry must be a 2-letter ISO 639-1 code such as "en"`},
	}
	evs := make([]*pinterest.Event, len(tests))
	for i, tt := range tests {
		evs[i] = tt.ev
	}
	res, _ := c.Send(context.Background(), "549755885175", evs...)
	for i, tt := range tests {
		r := res.Results[i]
		if tt.wantErr == "" {
			if !r.OK() {
				t.Errorf("%s: %v, want processed", r.EventID, r.Err)
			}
			continue
		}
		var fe *pinterest.FieldError
		if r.Err == nil || r.Err.Error() != tt.wantErr || !errors.As(r.Err, &fe) || !errors.Is(r.Err, pinterest.ErrInvalidValue) {
			t.Errorf("%s: error %v, want the *FieldError %q", r.EventID, r.Err, tt.wantErr)
		}
	}
}
