package pinteresttest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/capisdk/pinterest/pinteresttest"
)

const (
	account = "549755885175"
	token   = "test-token"
	// hash is a valid SHA-256 hex value (of "jane.doe@example.com" or
	// whatever: the server only checks the shape).
	hash  = "8c87b489ce35cf2e2f39f80e282cb2e804932a56a213983eeeb428407d43b52d"
	hash2 = "0192518eb84137ccfe82c8b6322d29631dae7e28ed9d0f6dd5f245d73a58c5f1"
)

// testNow is the server clock of most tests.
var testNow = time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)

func fixedClock() pinteresttest.Option {
	return pinteresttest.WithClock(func() time.Time { return testNow })
}

// manualClock is a clock that tests move by hand.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// validEvent returns a minimal valid event as a JSON-ready map.
func validEvent(id string) map[string]any {
	return map[string]any{
		"event_name":    "checkout",
		"action_source": "web",
		"event_time":    testNow.Unix(),
		"event_id":      id,
		"user_data":     map[string]any{"em": []any{hash}},
	}
}

// fullEvent returns a valid event with every object present.
func fullEvent(id string) map[string]any {
	ev := validEvent(id)
	ev["event_source_url"] = "https://shop.example/checkout"
	ev["opt_out"] = false
	ev["wifi"] = true
	ev["partner_name"] = "ss-partner"
	ev["language"] = "en"
	ev["user_data"] = map[string]any{
		"em": []any{hash}, "ph": []any{hash}, "ge": []any{hash}, "db": []any{hash},
		"ln": []any{hash}, "fn": []any{hash}, "ct": []any{hash}, "st": []any{hash},
		"zp": []any{hash}, "country": []any{hash}, "external_id": []any{hash},
		"hashed_maids": []any{hash2}, "client_ip_address": "216.3.128.12",
		"client_user_agent": "Mozilla/5.0", "click_id": "dj0yJnU9b2", "partner_id": "BUJrTlRR",
	}
	ev["custom_data"] = map[string]any{
		"currency": "USD", "value": "72.39", "content_ids": []any{"p1", "p2"},
		"content_name": "shirt", "content_category": "shirts", "content_brand": "brand",
		"num_items": 5, "order_id": "1001", "search_string": "shirt", "opt_out_type": "LDP",
		"np": "ss-company", "predicted_ltv": "2794.82", "external_measurement_id": "rbos-1",
		"external_measurement_vendor_id": 1,
		"contents": []any{map[string]any{
			"id": "p1", "item_price": "14.99", "quantity": 3, "item_name": "shirt",
			"item_category": "shirts", "item_brand": "brand", "item_brand_id": "b1",
		}},
	}
	ev["app_info"] = map[string]any{
		"app_id": "429047995", "app_name": "App", "app_package_name": "com.example.app",
		"app_store": "Google Play Store", "app_version": "7.9", "install_time": 1739222269,
		"user_agent": "Mozilla/5.0", "window_height": 900, "window_width": 1678,
	}
	ev["device_info"] = map[string]any{
		"battery_level": 78, "brand": "Apple", "carrier": "T-Mobile", "cpu_cores": 8,
		"external_storage_free_space": 126, "external_storage_size": 512,
		"form_factor": "cellphone", "kernel_version": "6.15", "languages": []any{"en", "de"},
		"locale": "en-us", "model": "16 Pro", "network_type": "wifi", "os_family": "ios",
		"os_name": "18", "os_release_name": "Dawn", "os_version": "18.3",
		"screen_density": 460, "screen_height": 2868, "screen_width": 1320,
		"storage_free_space": 184, "storage_size": 256, "timezone": "America/New_York",
		"timezone_abbr": "EST", "type": "iPhone",
	}
	return ev
}

// body marshals events into a request body.
func body(t testing.TB, events ...map[string]any) []byte {
	t.Helper()
	data := make([]any, len(events))
	for i, e := range events {
		data[i] = e
	}
	b, err := json.Marshal(map[string]any{"data": data})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// answer is what a client got.
type answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// apiResponse is the 200 body.
type apiResponse struct {
	NumEventsReceived  int           `json:"num_events_received"`
	NumEventsProcessed int           `json:"num_events_processed"`
	Events             []eventResult `json:"events"`
}

type eventResult struct {
	Status         string `json:"status"`
	ErrorMessage   string `json:"error_message"`
	WarningMessage string `json:"warning_message"`
}

// apiError is the Error / DetailedError body.
type apiError struct {
	Code    int          `json:"code"`
	Message string       `json:"message"`
	Details *apiResponse `json:"details,omitempty"`
}

type request struct {
	method string // default POST
	path   string // default the events path of account
	query  string
	auth   *string // default "Bearer test-token"
	ctype  *string // default application/json
	body   []byte
}

func strp(s string) *string { return &s }

// do sends r to srv and reads the whole answer; transport errors fail t.
func do(t testing.TB, srv *pinteresttest.Server, r request) answer {
	t.Helper()
	a, err := doErr(context.Background(), srv, r)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func doErr(ctx context.Context, srv *pinteresttest.Server, r request) (answer, error) {
	if r.method == "" {
		r.method = http.MethodPost
	}
	if r.path == "" {
		r.path = "/v5/ad_accounts/" + account + "/events"
	}
	url := srv.URL + r.path
	if r.query != "" {
		url += "?" + r.query
	}
	req, err := http.NewRequestWithContext(ctx, r.method, url, bytes.NewReader(r.body))
	if err != nil {
		return answer{}, err
	}
	auth := "Bearer " + token
	if r.auth != nil {
		auth = *r.auth
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	ctype := "application/json"
	if r.ctype != nil {
		ctype = *r.ctype
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("User-Agent", "pinteresttest-test/1.0")
	resp, err := srv.Client().Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{Status: resp.StatusCode, Header: resp.Header, Body: b}, err
	}
	return answer{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// post sends events to the default account.
func post(t testing.TB, srv *pinteresttest.Server, events ...map[string]any) answer {
	t.Helper()
	return do(t, srv, request{body: body(t, events...)})
}

func decodeOK(t testing.TB, a answer) apiResponse {
	t.Helper()
	if a.Status != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", a.Status, a.Body)
	}
	var r apiResponse
	if err := json.Unmarshal(a.Body, &r); err != nil {
		t.Fatalf("decoding %s: %v", a.Body, err)
	}
	return r
}

func decodeErr(t testing.TB, a answer) apiError {
	t.Helper()
	var e apiError
	if err := json.Unmarshal(a.Body, &e); err != nil {
		t.Fatalf("decoding %s: %v", a.Body, err)
	}
	return e
}

func eventIDs(events []pinteresttest.Event) []string {
	ids := make([]string, len(events))
	for i, e := range events {
		ids[i] = e.EventID
	}
	return ids
}

func processed() eventResult { return eventResult{Status: "processed"} }

func failed(msg string) eventResult { return eventResult{Status: "failed", ErrorMessage: msg} }
