package convert

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/cmd/pinconv/internal/columns"
	"github.com/capisdk/pinterest/cmd/pinconv/internal/input"
)

var now = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

func testConfig() Config {
	return Config{AdAccountID: "549755885175", Now: func() time.Time { return now }}
}

// wire is the part of an event's JSON the tests look at.
type wire struct {
	EventName    string              `json:"event_name"`
	ActionSource string              `json:"action_source"`
	EventTime    int64               `json:"event_time"`
	EventID      string              `json:"event_id"`
	UserData     map[string]any      `json:"user_data"`
	CustomData   *pinterestCustomish `json:"custom_data"`
}

type pinterestCustomish struct {
	Currency   string   `json:"currency"`
	Value      string   `json:"value"`
	OrderID    string   `json:"order_id"`
	ContentIDs []string `json:"content_ids"`
	NumItems   int64    `json:"num_items"`
}

func convertCSV(t *testing.T, cfg Config, header []string, values ...string) Result {
	t.Helper()
	m, err := columns.Map(header, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := NewCSV(cfg, header, m)
	return c.Convert(&input.Record{Row: 2, Line: 2, Values: values})
}

func decode(t *testing.T, ev *pinterest.Event) wire {
	t.Helper()
	b, err := ev.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var w wire
	if err := json.Unmarshal(b, &w); err != nil {
		t.Fatal(err)
	}
	return w
}

// count returns how many hashes a user_data field holds.
func count(w wire, field string) int {
	v, _ := w.UserData[field].([]any)
	return len(v)
}

func TestConvertMetaRow(t *testing.T) {
	header := []string{"email", "phone", "fn", "ln", "zip", "ct", "st", "country", "dob", "gen", "madid", "extern_id", "event_name", "event_time", "value", "currency", "order_id"}
	res := convertCSV(t, testConfig(), header,
		"Jane.Doe@Example.com", "(650) 555-0100", "Jane", "Doe", "94107", "San Francisco", "CA", "US", "1990-07-04", "F", "", "cust-1",
		"Purchase", "2026-11-30T10:00:00Z", "$1,234.50", "usd", "A-1001")
	if res.Reject != nil {
		t.Fatalf("rejected: %+v", res.Reject)
	}
	w := decode(t, res.Event)
	at := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	if w.EventName != "checkout" || w.ActionSource != "offline" || w.EventTime != at.Unix() {
		t.Errorf("event: %+v", w)
	}
	if want := pinterest.DeriveEventID("549755885175", pinterest.EventCheckout, at, "A-1001"); w.EventID != want {
		t.Errorf("event id %s, want %s (derived from the order id)", w.EventID, want)
	}
	for _, f := range []string{"em", "ph", "fn", "ln", "zp", "ct", "st", "country", "db", "ge", "external_id"} {
		if count(w, f) != 1 {
			t.Errorf("user_data.%s: %d values, want 1", f, count(w, f))
		}
	}
	want := &pinterestCustomish{Currency: "USD", Value: "1234.50", OrderID: "A-1001"}
	if diff := cmp.Diff(want, w.CustomData); diff != "" {
		t.Errorf("custom_data (-want +got):\n%s", diff)
	}
	// The e-mail is the SDK's normalized hash.
	em := w.UserData["em"].([]any)[0]
	if em != pinterest.HashValue("jane.doe@example.com") {
		t.Errorf("em hash %v", em)
	}
}

func TestConvertOutcomes(t *testing.T) {
	recent := "2026-11-30 10:00:00"
	md5 := "5d41402abc4b2a76b9719d911017c592"
	sha1 := "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"
	tests := []struct {
		name    string
		header  []string
		values  []string
		reject  *Problem
		stale   bool
		dropped []Problem
		check   func(t *testing.T, w wire)
	}{
		{
			name:   "several e-mail and phone columns go into one event",
			header: []string{"email_1", "email_2", "Email 3", "phone", "phone_2", "timestamp"},
			values: []string{"a@x.com", "b@x.com", "A@X.com", "+16505550100", "+16505550199", recent},
			check: func(t *testing.T, w wire) {
				if count(w, "em") != 2 || count(w, "ph") != 2 {
					t.Errorf("em %d ph %d, want 2 and 2", count(w, "em"), count(w, "ph"))
				}
			},
		},
		{
			name:    "MD5 e-mail only: rejected, saying why",
			header:  []string{"email", "event_time"},
			values:  []string{md5, recent},
			reject:  &Problem{Field: "user_data", Reason: "no e-mail, mobile ad id, or IP address with user agent (dropped: user_data.em: an MD5 hash: this API takes only SHA-256 hashes or plain values)"},
			dropped: []Problem{{Field: "user_data.em", Reason: "an MD5 hash: this API takes only SHA-256 hashes or plain values"}},
		},
		{
			name:    "SHA-1 e-mail with a mobile ad id: kept, the hash dropped",
			header:  []string{"email", "madid", "event_time"},
			values:  []string{sha1, "AEBE52E7-03EE-455A-B3C4-E57283966239", recent},
			dropped: []Problem{{Field: "user_data.em", Reason: "a SHA-1 hash: this API takes only SHA-256 hashes or plain values"}},
			check: func(t *testing.T, w wire) {
				if count(w, "em") != 0 || count(w, "hashed_maids") != 1 {
					t.Errorf("em %d maids %d", count(w, "em"), count(w, "hashed_maids"))
				}
			},
		},
		{
			name:   "SHA-256 e-mail is sent as it is",
			header: []string{"email", "event_time"},
			values: []string{strings.ToUpper(pinterest.HashValue("a@x.com")), recent},
			check: func(t *testing.T, w wire) {
				if got := w.UserData["em"].([]any)[0]; got != pinterest.HashValue("a@x.com") {
					t.Errorf("em %v", got)
				}
			},
		},
		{
			name:    "a bad phone is dropped and counted, the row kept",
			header:  []string{"email", "phone", "event_time"},
			values:  []string{"a@x.com", "555", recent},
			dropped: []Problem{{Field: "user_data.ph", Reason: "fewer than 7 digits"}},
			check:   func(t *testing.T, w wire) {},
		},
		{
			name:   "IP and user agent are enough",
			header: []string{"ip", "user agent", "event_time"},
			values: []string{"203.0.113.7", "Mozilla/5.0", recent},
			check:  func(t *testing.T, w wire) {},
		},
		{
			name:   "no identifier",
			header: []string{"fn", "event_time"},
			values: []string{"Jane", recent},
			reject: &Problem{Field: "user_data", Reason: "no e-mail, mobile ad id, or IP address with user agent"},
		},
		{
			name:   "bad time names its column",
			header: []string{"email", "Order Date"},
			values: []string{"a@x.com", "last tuesday"},
			reject: &Problem{Field: "Order Date", Reason: errTimeForm.Error()},
		},
		{
			name:   "missing time",
			header: []string{"email", "event_time"},
			values: []string{"a@x.com", ""},
			reject: &Problem{Field: "event_time", Reason: "missing"},
		},
		{
			name:   "older than 7 days",
			header: []string{"email", "event_time"},
			values: []string{"a@x.com", "11/20/2026"},
			reject: &Problem{Field: "event_time", Reason: "older than 7 days: the API refuses it (Ads Manager's file upload takes up to 30 days: see --stale-out)"},
			stale:  true,
		},
		{
			name:   "in the future",
			header: []string{"email", "event_time"},
			values: []string{"a@x.com", "2026-12-01T14:00:00Z"},
			reject: &Problem{Field: "event_time", Reason: "more than 1 hour in the future"},
		},
		{
			name:   "unknown event name",
			header: []string{"email", "event_time", "Event Type"},
			values: []string{"a@x.com", recent, "Donate"},
			reject: &Problem{Field: "Event Type", Reason: "unknown event name (pinconv --help lists the names recognized)"},
		},
		{
			name:   "event names and sources as files write them",
			header: []string{"email", "event_time", "event_type", "source_type"},
			values: []string{"a@x.com", recent, "CompleteRegistration", "physical_store"},
			check: func(t *testing.T, w wire) {
				if w.EventName != "signup" || w.ActionSource != "offline" {
					t.Errorf("%s %s", w.EventName, w.ActionSource)
				}
			},
		},
		{
			name:   "unknown source",
			header: []string{"email", "event_time", "source"},
			values: []string{"a@x.com", recent, "app"},
			reject: &Problem{Field: "source", Reason: "unknown action source: want offline, web, app_android or app_ios"},
		},
		{
			name:   "bad value",
			header: []string{"email", "event_time", "Order Total"},
			values: []string{"a@x.com", recent, "twelve"},
			reject: &Problem{Field: "Order Total", Reason: "not an amount"},
		},
		{
			name:   "negative value",
			header: []string{"email", "event_time", "value"},
			values: []string{"a@x.com", recent, "-5.00"},
			reject: &Problem{Field: "value", Reason: "negative amount (refunds cannot be sent as conversions)"},
		},
		{
			name:   "bad currency",
			header: []string{"email", "event_time", "value", "currency"},
			values: []string{"a@x.com", recent, "5", "dollars"},
			reject: &Problem{Field: "currency", Reason: "not a 3-letter ISO 4217 currency code"},
		},
		{
			name:   "Meta's split date of birth",
			header: []string{"email", "event_time", "doby", "dobm", "dobd"},
			values: []string{"a@x.com", recent, "1990", "7", "4"},
			check: func(t *testing.T, w wire) {
				if got := w.UserData["db"].([]any)[0]; got != pinterest.HashValue("19900704") {
					t.Errorf("db %v", got)
				}
			},
		},
		{
			name:    "a year of birth alone is dropped",
			header:  []string{"email", "event_time", "doby"},
			values:  []string{"a@x.com", recent, "1990"},
			dropped: []Problem{{Field: "user_data.db", Reason: "year, month and day of birth are all needed"}},
			check:   func(t *testing.T, w wire) {},
		},
		{
			name:   "an event id column is used as is",
			header: []string{"email", "event_time", "event_id"},
			values: []string{"a@x.com", recent, "pos-77"},
			check: func(t *testing.T, w wire) {
				if w.EventID != "pos-77" {
					t.Errorf("id %s", w.EventID)
				}
			},
		},
		{
			name:   "content ids and quantity",
			header: []string{"email", "event_time", "SKU", "sku_2", "qty"},
			values: []string{"a@x.com", recent, "A1|A2", "[\"B1\"]", "3"},
			check: func(t *testing.T, w wire) {
				if diff := cmp.Diff([]string{"A1", "A2", "B1"}, w.CustomData.ContentIDs); diff != "" || w.CustomData.NumItems != 3 {
					t.Errorf("content ids (-want +got):\n%s num_items %d", diff, w.CustomData.NumItems)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := convertCSV(t, testConfig(), tt.header, tt.values...)
			if diff := cmp.Diff(tt.reject, res.Reject); diff != "" {
				t.Errorf("reject (-want +got):\n%s", diff)
			}
			if res.Stale != tt.stale {
				t.Errorf("stale %v, want %v", res.Stale, tt.stale)
			}
			if diff := cmp.Diff(tt.dropped, res.Dropped, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("dropped (-want +got):\n%s", diff)
			}
			if tt.check != nil {
				if res.Event == nil {
					t.Fatal("no event")
				}
				tt.check(t, decode(t, res.Event))
			}
			for _, v := range tt.values {
				if len(v) < 4 {
					continue
				}
				for _, p := range append(res.Dropped, ptrs(res.Reject)...) {
					if strings.Contains(p.Reason, v) || strings.Contains(p.Field, v) && p.Field != "user_data" {
						t.Errorf("problem %+v holds the value %q", p, v)
					}
				}
			}
		})
	}
}

func ptrs(p *Problem) []Problem {
	if p == nil {
		return nil
	}
	return []Problem{*p}
}

// Without an id or order id, the id comes from the whole row: the same row
// gives the same id again, another row another id.
func TestDerivedIDFromRow(t *testing.T) {
	header := []string{"email", "event_time", "value"}
	id := func(values ...string) string {
		res := convertCSV(t, testConfig(), header, values...)
		if res.Event == nil {
			t.Fatalf("rejected: %+v", res.Reject)
		}
		return res.Event.EventID()
	}
	a := id("a@x.com", "2026-11-30 10:00:00", "5")
	if b := id("a@x.com", "2026-11-30 10:00:00", "5"); a != b {
		t.Errorf("same row, ids %s and %s", a, b)
	}
	if c := id("a@x.com", "2026-11-30 10:00:00", "6"); a == c {
		t.Errorf("other row, same id %s", a)
	}
}

func TestDefaults(t *testing.T) {
	cfg := testConfig()
	cfg.Event, cfg.Source, cfg.Currency, cfg.PhoneCountryCode = pinterest.EventLead, pinterest.SourceWeb, "eur", "44"
	ny, _ := time.LoadLocation("America/New_York")
	cfg.Location = ny
	res := convertCSV(t, cfg, []string{"phone", "email", "event_time", "value"}, "07700 900123", "a@x.com", "2026-11-30 10:00:00", "5")
	w := decode(t, res.Event)
	if w.EventName != "lead" || w.ActionSource != "web" || w.CustomData.Currency != "EUR" {
		t.Errorf("%+v", w)
	}
	if want := time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC).Unix(); w.EventTime != want {
		t.Errorf("time %d, want %d (New York)", w.EventTime, want)
	}
	if got := w.UserData["ph"].([]any)[0]; got != pinterest.HashValue("447700900123") {
		t.Errorf("ph %v, want the hash of 447700900123", got)
	}
}

func TestParseMoney(t *testing.T) {
	for in, want := range map[string]string{
		"72.39": "72.39", "$72.39": "72.39", "72,39 €": "72.39", "1,234.56": "1234.56", "1.234,56": "1234.56",
		"USD 10": "10", "1,234": "1234", "1.234.567": "1234567", "0.5": "0.5", "1 234,50": "1234.50", "10": "10",
	} {
		got, reason := ParseMoney(in)
		if reason != "" || got != want {
			t.Errorf("ParseMoney(%q) = %q, %q; want %q", in, got, reason, want)
		}
	}
	for _, in := range []string{"", "abc", "-1", "1.2.3,4,5", "."} {
		if got, reason := ParseMoney(in); reason == "" {
			t.Errorf("ParseMoney(%q) = %q, want a reason", in, got)
		}
	}
}

func TestJSONRow(t *testing.T) {
	c := NewJSON(testConfig(), columns.NewKeyMapper(nil))
	rec := &input.Record{Row: 1, Line: 1,
		Keys:   []string{"event_name", "event_time", "user_data.em", "user_data.em", "custom_data.value"},
		Values: []string{"add_to_cart", strconv.FormatInt(now.Add(-24*time.Hour).Unix(), 10), "a@x.com", "b@x.com", "3.5"},
		Raw:    `{...}`}
	res := c.Convert(rec)
	if res.Reject != nil {
		t.Fatalf("%+v", res.Reject)
	}
	w := decode(t, res.Event)
	if w.EventName != "add_to_cart" || count(w, "em") != 2 || w.CustomData.Value != "3.5" {
		t.Errorf("%+v", w)
	}
}

func TestReadErrorRejects(t *testing.T) {
	c := NewJSON(testConfig(), columns.NewKeyMapper(nil))
	res := c.Convert(&input.Record{Row: 3, Err: &input.RowError{Reason: "not a JSON object"}})
	if diff := cmp.Diff(&Problem{Field: "row", Reason: "not a JSON object"}, res.Reject); diff != "" {
		t.Error(diff)
	}
}
