package pinteresthttp

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
)

const chromeUA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"

// wire decodes user data as it is sent.
func wire(t *testing.T, u *pinterest.UserData) pinteresttest.UserData {
	t.Helper()
	b, err := u.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var w pinteresttest.UserData
	if err := json.Unmarshal(b, &w); err != nil {
		t.Fatal(err)
	}
	return w
}

// noBody fails the test when read.
type noBody struct{ t testing.TB }

func (b noBody) Read([]byte) (int, error) {
	b.t.Error("the request body was read")
	return 0, io.EOF
}

func checkoutRequest(t testing.TB) *http.Request {
	r := httptest.NewRequest("POST", "/checkout?epik="+epik, noBody{t})
	r.RemoteAddr = "10.0.0.2:33000"
	r.Host = "backend:8080"
	r.Header.Set("User-Agent", chromeUA)
	r.Header.Set("X-Forwarded-For", "198.51.100.1, 203.0.113.7")
	r.Header.Set("X-Forwarded-Proto", "https")
	r.Header.Set("X-Forwarded-Host", "shop.example")
	r.Header.Set("Accept-Language", "de-CH,de;q=0.9,en;q=0.8")
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

func TestFillUserData(t *testing.T) {
	x := &Extractor{Proxies: lb}
	r := checkoutRequest(t)
	u := x.FillUserData(pinterest.NewUserData().Email("jane@example.com"), r)
	got := wire(t, u)
	want := pinteresttest.UserData{
		Em:              wire(t, pinterest.NewUserData().Email("jane@example.com")).Em,
		ClientIPAddress: "203.0.113.7",
		ClientUserAgent: chromeUA,
		ClickID:         epik,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("user data (-want +got):\n%s", diff)
	}
	if ws := u.Warnings(); ws != nil {
		t.Errorf("Warnings = %v, want none", ws)
	}
	if !u.MeetsMinimum() {
		t.Error("IP and user agent do not meet the minimum")
	}
}

func TestFillUserDataNil(t *testing.T) {
	u := (&Extractor{}).FillUserData(nil, checkoutRequest(t))
	if diff := cmp.Diff(pinteresttest.UserData{ClientIPAddress: "10.0.0.2", ClientUserAgent: chromeUA, ClickID: epik}, wire(t, u)); diff != "" {
		t.Errorf("untrusted peer: user data (-want +got):\n%s", diff)
	}
}

func TestFillUserDataBadClickID(t *testing.T) {
	for _, tt := range badEpiks {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			q := r.URL.Query()
			q.Set(QueryParam, tt.value)
			r.URL.RawQuery = q.Encode()
			r.Header.Set("User-Agent", chromeUA)
			u := (&Extractor{}).FillUserData(nil, r)
			if got := wire(t, u).ClickID; got != "" {
				t.Errorf("click_id = %.40q, want none", got)
			}
			want := []error{&pinterest.FieldError{Field: "user_data.click_id", Reason: "epik query parameter " + tt.reason}}
			if diff := cmp.Diff(want, u.Warnings()); diff != "" {
				t.Errorf("Warnings (-want +got):\n%s", diff)
			}
			for _, w := range u.Warnings() {
				if !errors.Is(w, pinterest.ErrInvalidValue) {
					t.Errorf("warning %v does not match ErrInvalidValue", w)
				}
				if len(tt.value) > 3 && strings.Contains(w.Error(), tt.value) {
					t.Errorf("warning %q shows the value", w)
				}
			}
		})
	}
}

func TestFillUserDataNoAddress(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.2:1"
	r.Header.Set("X-Forwarded-For", "garbage")
	r.Header.Set("User-Agent", chromeUA)
	u := (&Extractor{Proxies: lb}).FillUserData(nil, r)
	if diff := cmp.Diff(pinteresttest.UserData{ClientUserAgent: chromeUA}, wire(t, u)); diff != "" {
		t.Errorf("user data (-want +got):\n%s", diff)
	}
	if ws := u.Warnings(); ws != nil {
		t.Errorf("Warnings = %v, want none", ws)
	}
}

func TestEvent(t *testing.T) {
	x := &Extractor{Proxies: lb}
	r := checkoutRequest(t)
	ev := x.Event(r, pinterest.EventCheckout).ID("order-1001")
	ev.UserData().Email("jane@example.com")
	b, err := ev.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var got pinteresttest.Event
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := pinteresttest.Event{
		EventName:      "checkout",
		ActionSource:   "web",
		EventTime:      ev.EventTime().Unix(),
		EventID:        "order-1001",
		EventSourceURL: "https://shop.example/checkout",
		Language:       "de",
		UserData: pinteresttest.UserData{
			Em:              wire(t, pinterest.NewUserData().Email("jane@example.com")).Em,
			ClientIPAddress: "203.0.113.7",
			ClientUserAgent: chromeUA,
			ClickID:         epik,
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("event (-want +got):\n%s", diff)
	}
	if r.Form != nil || r.PostForm != nil {
		t.Error("the form was parsed")
	}
}

func TestEventWithoutLanguageOrHost(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.Host = ""
	ev := (&Extractor{}).Event(r, pinterest.EventPageVisit)
	b, _ := ev.MarshalJSON()
	var got pinteresttest.Event
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.EventSourceURL != "" || got.Language != "" {
		t.Errorf("url %q, language %q: want both left out", got.EventSourceURL, got.Language)
	}
}

func TestEventUsesClientDefaults(t *testing.T) {
	c, err := pinterest.NewClient("token", pinterest.WithDefaultPhoneCountryCode("1"))
	if err != nil {
		t.Fatal(err)
	}
	x := &Extractor{Client: c}
	ev := x.Event(checkoutRequest(t), pinterest.EventCheckout)
	ev.UserData().Phone("(650) 555-0100")
	want := wire(t, pinterest.NewUserData().Phone("+1 650 555 0100")).Ph
	if diff := cmp.Diff(want, wire(t, ev.UserData()).Ph); diff != "" {
		t.Errorf("Event: phone hashes (-want +got):\n%s", diff)
	}
	u := x.FillUserData(nil, checkoutRequest(t)).Phone("(650) 555-0100")
	if diff := cmp.Diff(want, wire(t, u).Ph); diff != "" {
		t.Errorf("FillUserData(nil): phone hashes (-want +got):\n%s", diff)
	}
}
