package pinteresttest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/capisdk/pinterest/pinteresttest"
)

// set returns an edit that sets the value at a dotted path of an event,
// creating objects on the way.
func set(path string, v any) func(map[string]any) {
	return func(ev map[string]any) {
		keys := strings.Split(path, ".")
		m := ev
		for _, k := range keys[:len(keys)-1] {
			next, ok := m[k].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[k] = next
			}
			m = next
		}
		m[keys[len(keys)-1]] = v
	}
}

// del returns an edit that deletes the key at a dotted path of an event.
func del(path string) func(map[string]any) {
	return func(ev map[string]any) {
		keys := strings.Split(path, ".")
		m := ev
		for _, k := range keys[:len(keys)-1] {
			m = m[k].(map[string]any)
		}
		delete(m, keys[len(keys)-1])
	}
}

// edited returns validEvent edited by edits.
func edited(edits ...func(map[string]any)) map[string]any {
	ev := validEvent("e1")
	for _, e := range edits {
		e(ev)
	}
	return ev
}

func invalid(msg string) *apiError {
	return &apiError{Code: 4196, Message: "Invalid request: " + msg}
}

func repeat(n int, v any) []any {
	s := make([]any, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func manyEvents(n int) []map[string]any {
	evs := make([]map[string]any, n)
	for i := range evs {
		evs[i] = validEvent(fmt.Sprintf("e%d", i))
	}
	return evs
}

// TestRequestValidation covers the whole-request checks: path, method,
// token, headers and the JSON Schema of the body.
func TestRequestValidation(t *testing.T) {
	t.Parallel()
	type tc struct {
		name    string
		req     request
		events  []map[string]any // body, unless req.body is set
		wantErr *apiError        // nil: want 200 with every event processed
		status  int              // status of wantErr
	}
	one := func(edits ...func(map[string]any)) []map[string]any {
		return []map[string]any{edited(edits...)}
	}
	rawReq := func(s string) request { return request{body: []byte(s)} }
	validJSON := string(body(t, validEvent("e1")))
	long := strings.Repeat("é", 200) // 200 characters, 400 bytes

	tests := []tc{
		// Endpoint, method, token.
		{name: "valid minimal event", events: one()},
		{name: "valid event with every field", events: []map[string]any{fullEvent("e1")}},
		{name: "ad account id of 18 digits", req: request{path: "/v5/ad_accounts/123456789012345678/events"}, events: one()},
		{name: "ad account id of 19 digits", req: request{path: "/v5/ad_accounts/1234567890123456789/events"}, events: one(),
			status: 404, wantErr: &apiError{Code: 404, Message: "Invalid ad account id."}},
		{name: "ad account id not digits", req: request{path: "/v5/ad_accounts/abc/events"}, events: one(),
			status: 404, wantErr: &apiError{Code: 404, Message: "Invalid ad account id."}},
		{name: "empty ad account id", req: request{path: "/v5/ad_accounts//events"}, events: one(),
			status: 404, wantErr: &apiError{Code: 404, Message: "Invalid ad account id."}},
		{name: "other path", req: request{path: "/v5/ad_accounts/" + account + "/event"}, events: one(),
			status: 404, wantErr: &apiError{Code: 404, Message: "Not found."}},
		{name: "path without v5", req: request{path: "/ad_accounts/" + account + "/events"}, events: one(),
			status: 404, wantErr: &apiError{Code: 404, Message: "Not found."}},
		{name: "GET", req: request{method: http.MethodGet}, events: one(),
			status: 405, wantErr: &apiError{Code: 5, Message: "Method not allowed"}},
		{name: "PUT", req: request{method: http.MethodPut}, events: one(),
			status: 405, wantErr: &apiError{Code: 5, Message: "Method not allowed"}},
		{name: "no Authorization", req: request{auth: strp("")}, events: one(),
			status: 401, wantErr: &apiError{Code: 2, Message: "Authentication failed."}},
		{name: "empty bearer token", req: request{auth: strp("Bearer ")}, events: one(),
			status: 401, wantErr: &apiError{Code: 2, Message: "Authentication failed."}},
		{name: "Basic scheme", req: request{auth: strp("Basic dXNlcjpwYXNz")}, events: one(),
			status: 401, wantErr: &apiError{Code: 2, Message: "Authentication failed."}},
		{name: "lowercase bearer scheme", req: request{auth: strp("bearer any-token")}, events: one()},
		{name: "Content-Type with charset", req: request{ctype: strp("application/json; charset=utf-8")}, events: one()},
		{name: "Content-Type text/plain", req: request{ctype: strp("text/plain")}, events: one(),
			status: 400, wantErr: invalid("Content-Type must be application/json")},
		{name: "no Content-Type", req: request{ctype: strp("")}, events: one(),
			status: 400, wantErr: invalid("Content-Type must be application/json")},

		// Body syntax and top level.
		{name: "empty body", req: rawReq(""), status: 400, wantErr: invalid("the request body is empty")},
		{name: "malformed JSON", req: rawReq(`{"data":[`), status: 400, wantErr: invalid("malformed JSON: unexpected EOF")},
		{name: "HTML body", req: rawReq(`<html>`), status: 400,
			wantErr: invalid("malformed JSON: invalid character '<' looking for beginning of value")},
		{name: "data after the object", req: rawReq(validJSON + ` {}`), status: 400,
			wantErr: invalid("malformed JSON: unexpected data after the top-level object")},
		{name: "body is an array", req: rawReq(`[]`), status: 400,
			wantErr: invalid("the request body is not of type 'object' (got array)")},
		{name: "unknown top-level key", req: rawReq(strings.Replace(validJSON, `{"data"`, `{"extra":1,"data"`, 1)), status: 400,
			wantErr: invalid("Additional properties are not allowed ('extra' was unexpected)")},
		{name: "no data", req: rawReq(`{}`), status: 400, wantErr: invalid("'data' is a required property")},
		{name: "data not an array", req: rawReq(`{"data":{}}`), status: 400,
			wantErr: invalid("data is not of type 'array' (got object)")},
		{name: "data empty", req: rawReq(`{"data":[]}`), status: 400, wantErr: invalid("data is too short (minItems 1)")},
		{name: "1000 events", events: manyEvents(1000)},
		{name: "1001 events", events: manyEvents(1001), status: 400, wantErr: invalid("data is too long (maxItems 1000)")},
		{name: "event is null", req: rawReq(`{"data":[null]}`), status: 400,
			wantErr: invalid("data[0] is not of type 'object' (got null)")},
		{name: "duplicate key", req: rawReq(strings.Replace(validJSON, `"event_id":"e1"`, `"event_id":"e1","event_id":"e2"`, 1)),
			status: 400, wantErr: invalid("Duplicate key 'event_id' at data[0]")},

		// Unknown keys at every level.
		{name: "unknown event key", events: one(set("advertising_tracking_enabled", true)), status: 400,
			wantErr: invalid("Additional properties are not allowed ('advertising_tracking_enabled' was unexpected) at data[0]")},
		{name: "advertiser_tracking_enabled, accepted live", events: one(set("advertiser_tracking_enabled", false)), status: 200},
		{name: "advertiser_tracking_enabled not a boolean", events: one(set("advertiser_tracking_enabled", "yes")), status: 400,
			wantErr: invalid("data[0].advertiser_tracking_enabled is not of type 'boolean' (got string)")},
		{name: "item_brand_id of 65 characters", events: one(set("custom_data.contents", []any{map[string]any{"id": "p1", "item_brand_id": strings.Repeat("é", 65)}})), status: 400,
			wantErr: invalid("data[0].custom_data.contents[0].item_brand_id is too long (maxLength 64)")},
		{name: "event key in another case", events: one(set("Event_Name", "checkout")), status: 400,
			wantErr: invalid("Additional properties are not allowed ('Event_Name' was unexpected) at data[0]")},
		{name: "unknown custom_data key", events: one(set("custom_data.category_name", "shirts")), status: 400,
			wantErr: invalid("Additional properties are not allowed ('category_name' was unexpected) at data[0].custom_data")},
		{name: "unknown contents key", events: one(set("custom_data.contents", []any{map[string]any{"sku": "1"}})), status: 400,
			wantErr: invalid("Additional properties are not allowed ('sku' was unexpected) at data[0].custom_data.contents[0]")},
		{name: "contents item_brand_id (5.28)", events: one(set("custom_data.contents", []any{map[string]any{"item_brand_id": "b1"}}))},
		{name: "unknown app_info key", events: one(set("app_info.bundle_id", "x")), status: 400,
			wantErr: invalid("Additional properties are not allowed ('bundle_id' was unexpected) at data[0].app_info")},
		{name: "unknown device_info key", events: one(set("device_info.ram", 8)), status: 400,
			wantErr: invalid("Additional properties are not allowed ('ram' was unexpected) at data[0].device_info")},
		{name: "unknown user_data key (stricter than the spec)", events: one(set("user_data.email", []any{hash})), status: 400,
			wantErr: invalid("Additional properties are not allowed ('email' was unexpected) at data[0].user_data")},

		// Required event keys.
		{name: "no event_name", events: one(del("event_name")), status: 400, wantErr: invalid("'event_name' is a required property at data[0]")},
		{name: "no action_source", events: one(del("action_source")), status: 400, wantErr: invalid("'action_source' is a required property at data[0]")},
		{name: "no event_time", events: one(del("event_time")), status: 400, wantErr: invalid("'event_time' is a required property at data[0]")},
		{name: "no event_id", events: one(del("event_id")), status: 400, wantErr: invalid("'event_id' is a required property at data[0]")},
		{name: "no user_data", events: one(del("user_data")), status: 400, wantErr: invalid("'user_data' is a required property at data[0]")},

		// JSON types.
		{name: "event_time a string", events: one(set("event_time", "1769947200")), status: 400,
			wantErr: invalid("data[0].event_time is not of type 'integer' (got string)")},
		{name: "event_time a fraction", events: one(set("event_time", 1769947200.5)), status: 400,
			wantErr: invalid("data[0].event_time is not of type 'integer' (got number)")},
		{name: "event_time in exponent form", req: rawReq(strings.Replace(validJSON, fmt.Sprint(testNow.Unix()), "1.7699472e9", 1)), status: 400,
			wantErr: invalid("data[0].event_time is not of type 'integer' (got number)")},
		{name: "event_time beyond int64", req: rawReq(strings.Replace(validJSON, fmt.Sprint(testNow.Unix()), "9223372036854775808", 1)), status: 400,
			wantErr: invalid("data[0].event_time is not of type 'integer' (out of the int64 range)")},
		{name: "event_name a number", events: one(set("event_name", 5)), status: 400,
			wantErr: invalid("data[0].event_name is not of type 'string' (got number)")},
		{name: "event_id null", events: one(set("event_id", nil)), status: 400,
			wantErr: invalid("data[0].event_id is not of type 'string' (got null)")},
		{name: "user_data null", events: one(set("user_data", nil)), status: 400,
			wantErr: invalid("data[0].user_data is not of type 'object' (got null)")},
		{name: "user_data.em a string", events: one(set("user_data.em", hash)), status: 400,
			wantErr: invalid("data[0].user_data.em is not of type 'array' (got string)")},
		{name: "user_data.em item a number", events: one(set("user_data.em", []any{1})), status: 400,
			wantErr: invalid("data[0].user_data.em[0] is not of type 'string' (got number)")},
		{name: "opt_out a string", events: one(set("opt_out", "yes")), status: 400,
			wantErr: invalid("data[0].opt_out is not of type 'boolean' (got string)")},
		{name: "custom_data null", events: one(set("custom_data", nil)), status: 400,
			wantErr: invalid("data[0].custom_data is not of type 'object' (got null)")},
		{name: "custom_data.value a number", events: one(set("custom_data.value", 72.39)), status: 400,
			wantErr: invalid("data[0].custom_data.value is not of type 'string' (got number)")},
		{name: "custom_data.num_items a string", events: one(set("custom_data.num_items", "3")), status: 400,
			wantErr: invalid("data[0].custom_data.num_items is not of type 'integer' (got string)")},
		{name: "contents quantity a fraction", events: one(set("custom_data.contents", []any{map[string]any{"quantity": 1.5}})), status: 400,
			wantErr: invalid("data[0].custom_data.contents[0].quantity is not of type 'integer' (got number)")},
		{name: "nullable fields null", events: one(set("event_source_url", nil), set("custom_data.value", nil),
			set("custom_data.external_measurement_vendor_id", nil), set("user_data.click_id", nil))},

		// app_info and device_info constraints.
		{name: "app_info.app_id of 200 characters", events: one(set("app_info.app_id", long))},
		{name: "app_info.app_id of 201 characters", events: one(set("app_info.app_id", long+"x")), status: 400,
			wantErr: invalid("data[0].app_info.app_id is too long (maxLength 200)")},
		{name: "app_info.install_time 0", events: one(set("app_info.install_time", 0))},
		{name: "app_info.install_time negative", events: one(set("app_info.install_time", -1)), status: 400,
			wantErr: invalid("data[0].app_info.install_time is less than the minimum of 0")},
		{name: "app_info.window_width at maximum", events: one(set("app_info.window_width", 30720))},
		{name: "app_info.window_width above maximum", events: one(set("app_info.window_width", 30721)), status: 400,
			wantErr: invalid("data[0].app_info.window_width is greater than the maximum of 30720")},
		{name: "device_info.battery_level 100", events: one(set("device_info.battery_level", 100))},
		{name: "device_info.battery_level 101", events: one(set("device_info.battery_level", 101)), status: 400,
			wantErr: invalid("data[0].device_info.battery_level is greater than the maximum of 100")},
		{name: "device_info.timezone_abbr of 6 characters", events: one(set("device_info.timezone_abbr", "ABCDEF")), status: 400,
			wantErr: invalid("data[0].device_info.timezone_abbr is too long (maxLength 5)")},
		{name: "device_info.languages of 100", events: one(set("device_info.languages", repeat(100, "en")))},
		{name: "device_info.languages of 101", events: one(set("device_info.languages", repeat(101, "en"))), status: 400,
			wantErr: invalid("data[0].device_info.languages is too long (maxItems 100)")},
		{name: "every device_info enum value", events: enumEvents()},
		{name: "device_info.form_factor not in enum", events: one(set("device_info.form_factor", "phone")), status: 400,
			wantErr: invalid("data[0].device_info.form_factor is not one of ['desktop', 'laptop', 'cellphone', 'tablet', 'smartwatch', 'tv', 'vr', 'console', 'other']")},
		{name: "device_info.network_type not in enum", events: one(set("device_info.network_type", "5g")), status: 400,
			wantErr: invalid("data[0].device_info.network_type is not one of ['wifi', 'cellular_2g', 'cellular_3g', 'cellular_4g', 'cellular_5g', 'cellular_6g', 'ethernet', 'unknown']")},
		{name: "device_info.os_family not in enum", events: one(set("device_info.os_family", "iOS")), status: 400,
			wantErr: invalid("data[0].device_info.os_family is not one of ['ios', 'android', 'macos', 'windows', 'linux', 'bsd', 'other']")},
		{name: "second event invalid", events: []map[string]any{validEvent("e1"), edited(del("user_data"))}, status: 400,
			wantErr: invalid("'user_data' is a required property at data[1]")},
	}

	srv := pinteresttest.NewServerT(t, fixedClock())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := tt.req
			if r.body == nil && tt.events != nil {
				r.body = body(t, tt.events...)
			}
			got := do(t, srv, r)
			if ct := got.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			if tt.wantErr == nil {
				res := decodeOK(t, got)
				want := apiResponse{NumEventsReceived: len(tt.events), NumEventsProcessed: len(tt.events)}
				for range tt.events {
					want.Events = append(want.Events, processed())
				}
				if diff := cmp.Diff(want, res); diff != "" {
					t.Errorf("answer mismatch (-want +got):\n%s", diff)
				}
				return
			}
			if got.Status != tt.status {
				t.Errorf("status = %d, want %d; body %s", got.Status, tt.status, got.Body)
			}
			if diff := cmp.Diff(*tt.wantErr, decodeErr(t, got)); diff != "" {
				t.Errorf("error body mismatch (-want +got):\n%s", diff)
			}
			if tt.status == http.StatusMethodNotAllowed && got.Header.Get("Allow") != "POST" {
				t.Errorf("Allow = %q, want POST", got.Header.Get("Allow"))
			}
		})
	}
}

// enumEvents returns events that together use every value of the
// device_info enums.
func enumEvents() []map[string]any {
	ff := []string{"desktop", "laptop", "cellphone", "tablet", "smartwatch", "tv", "vr", "console", "other"}
	nt := []string{"wifi", "cellular_2g", "cellular_3g", "cellular_4g", "cellular_5g", "cellular_6g", "ethernet", "unknown"}
	os := []string{"ios", "android", "macos", "windows", "linux", "bsd", "other"}
	var evs []map[string]any
	for i, f := range ff {
		ev := validEvent(fmt.Sprint("e", i))
		di := map[string]any{"form_factor": f}
		if i < len(nt) {
			di["network_type"] = nt[i]
		}
		if i < len(os) {
			di["os_family"] = os[i]
		}
		ev["device_info"] = di
		evs = append(evs, ev)
	}
	return evs
}

// TestEventValidation covers the per-event checks: a failing event gets
// status "failed" and a message, and the request is still answered 200.
func TestEventValidation(t *testing.T) {
	t.Parallel()
	at := func(d time.Duration) func(map[string]any) { return set("event_time", testNow.Add(d).Unix()) }
	const day = 24 * time.Hour
	notHash := "user_data.em[0] is not a SHA-256 hash (64 lowercase hex characters)"
	noMinimum := "user_data must contain em, hashed_maids, or both client_ip_address and client_user_agent"
	ipUA := func(ip, ua string) func(map[string]any) {
		return set("user_data", map[string]any{"client_ip_address": ip, "client_user_agent": ua})
	}

	tests := []struct {
		name   string
		events []map[string]any
		want   []eventResult
	}{
		{"every event name of 5.28", namedEvents(), nil},
		{"unknown event_name", []map[string]any{edited(set("event_name", "purchase"))},
			[]eventResult{failed("event_name is not one of the supported event names")}},
		{"event_name in upper case", []map[string]any{edited(set("event_name", "CHECKOUT"))},
			[]eventResult{failed("event_name is not one of the supported event names")}},
		{"every action_source", []map[string]any{edited(set("action_source", "web")), edited(set("action_source", "app_android")),
			edited(set("action_source", "app_ios")), edited(set("action_source", "offline"))}, nil},
		{"unknown action_source", []map[string]any{edited(set("action_source", "email"))},
			[]eventResult{failed("action_source must be one of web, app_android, app_ios, offline")}},
		{"empty event_id", []map[string]any{edited(set("event_id", ""))}, []eventResult{failed("event_id must not be empty")}},
		{"event_time 7 days ago", []map[string]any{edited(at(-7 * day))}, nil},
		// An event older than 7 days gets the whole request a 422: stale_test.go.
		{"device_info.languages of 2 letters", []map[string]any{edited(set("device_info.languages", []any{"en", "FR"}))}, nil},
		{"device_info.languages not 2 letters", []map[string]any{edited(set("device_info.languages", []any{"en", "en-US", "eng"}))},
			[]eventResult{failed("device_info.languages[1] is not a 2-letter language code; device_info.languages[2] is not a 2-letter language code")}},
		{"event_time in 1 hour", []map[string]any{edited(at(time.Hour))}, nil},
		{"event_time in 1 hour and 1 s", []map[string]any{edited(at(time.Hour + time.Second))},
			[]eventResult{failed("event_time is more than 1 hour in the future (it is a Unix time in seconds)")}},
		{"event_time in milliseconds", []map[string]any{edited(set("event_time", testNow.UnixMilli()))},
			[]eventResult{failed("event_time is more than 1 hour in the future (it is a Unix time in seconds)")}},
		{"em not hashed", []map[string]any{edited(set("user_data.em", []any{"jane@example.com"}))}, []eventResult{failed(notHash)}},
		{"em in upper-case hex", []map[string]any{edited(set("user_data.em", []any{strings.ToUpper(hash)}))}, []eventResult{failed(notHash)}},
		{"em of 63 hex digits", []map[string]any{edited(set("user_data.em", []any{hash[1:]}))}, []eventResult{failed(notHash)}},
		{"second em value bad", []map[string]any{edited(set("user_data.em", []any{hash, ""}))},
			[]eventResult{failed("user_data.em[1] is not a SHA-256 hash (64 lowercase hex characters)")}},
		{"only hashed_maids", []map[string]any{edited(set("user_data", map[string]any{"hashed_maids": []any{hash2}}))}, nil},
		{"client_ip_address and client_user_agent", []map[string]any{edited(ipUA("216.3.128.12", "Mozilla/5.0"))}, nil},
		{"client_ip_address alone", []map[string]any{edited(set("user_data", map[string]any{"client_ip_address": "216.3.128.12"}))},
			[]eventResult{failed(noMinimum)}},
		{"client_user_agent alone", []map[string]any{edited(set("user_data", map[string]any{"client_user_agent": "Mozilla/5.0"}))},
			[]eventResult{failed(noMinimum)}},
		{"empty client_ip_address", []map[string]any{edited(ipUA("", "Mozilla/5.0"))}, []eventResult{failed(noMinimum)}},
		{"empty em array", []map[string]any{edited(set("user_data.em", []any{}))}, []eventResult{failed(noMinimum)}},
		{"other hashed fields only", []map[string]any{edited(set("user_data", map[string]any{
			"ph": []any{hash}, "fn": []any{hash}, "ln": []any{hash}, "external_id": []any{hash}}))}, []eventResult{failed(noMinimum)}},
		{"custom_data.value a decimal", []map[string]any{edited(set("custom_data.value", "-5.50")), edited(set("custom_data.value", ""))}, nil},
		{"custom_data.value not a number", []map[string]any{edited(set("custom_data.value", "72,39"))},
			[]eventResult{failed("custom_data.value is not a finite decimal number")}},
		{"custom_data.value NaN", []map[string]any{edited(set("custom_data.value", "NaN"))},
			[]eventResult{failed("custom_data.value is not a finite decimal number")}},
		{"custom_data.value overflows", []map[string]any{edited(set("custom_data.value", "1e400"))},
			[]eventResult{failed("custom_data.value is not a finite decimal number")}},
		{"custom_data.predicted_ltv not a number", []map[string]any{edited(set("custom_data.predicted_ltv", "lots"))},
			[]eventResult{failed("custom_data.predicted_ltv is not a finite decimal number")}},
		{"contents item_price not a number", []map[string]any{edited(set("custom_data.contents", []any{map[string]any{"item_price": "$14.99"}}))},
			[]eventResult{failed("custom_data.contents[0].item_price is not a finite decimal number")}},
		{"num_items and quantity 0", []map[string]any{edited(set("custom_data.num_items", 0),
			set("custom_data.contents", []any{map[string]any{"quantity": 0}}))}, nil},
		{"num_items negative", []map[string]any{edited(set("custom_data.num_items", -1))},
			[]eventResult{failed("custom_data.num_items must not be negative")}},
		{"quantity negative", []map[string]any{edited(set("custom_data.contents", []any{map[string]any{}, map[string]any{"quantity": -2}}))},
			[]eventResult{failed("custom_data.contents[1].quantity must not be negative")}},
		{"several problems", []map[string]any{edited(set("event_name", "buy"), set("event_id", ""))},
			[]eventResult{failed("event_name is not one of the supported event names; event_id must not be empty")}},
		{"failed events among processed ones", []map[string]any{validEvent("a"), edited(set("event_id", "")), validEvent("c")},
			[]eventResult{processed(), failed("event_id must not be empty"), processed()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := pinteresttest.NewServerT(t, fixedClock())
			want := tt.want
			if want == nil {
				for range tt.events {
					want = append(want, processed())
				}
			}
			res := decodeOK(t, post(t, srv, tt.events...))
			wantResp := apiResponse{NumEventsReceived: len(tt.events), Events: want}
			var wantIDs []string
			for i, r := range want {
				if r.Status == "processed" {
					wantResp.NumEventsProcessed++
					wantIDs = append(wantIDs, tt.events[i]["event_id"].(string))
				}
			}
			if diff := cmp.Diff(wantResp, res); diff != "" {
				t.Errorf("answer mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantIDs, eventIDs(srv.Events()), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("recorded events mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestHashedFields checks that every hashed user_data field must hold
// SHA-256 hex values.
func TestHashedFields(t *testing.T) {
	t.Parallel()
	srv := pinteresttest.NewServerT(t, fixedClock())
	for _, f := range []string{"em", "ph", "ge", "db", "ln", "fn", "ct", "st", "zp", "country", "external_id", "hashed_maids"} {
		t.Run(f, func(t *testing.T) {
			t.Parallel()
			good := edited(set("user_data."+f, []any{hash}))
			bad := edited(set("user_data."+f, []any{"not a hash"}))
			res := decodeOK(t, post(t, srv, good, bad))
			want := []eventResult{processed(),
				failed("user_data." + f + "[0] is not a SHA-256 hash (64 lowercase hex characters)")}
			if diff := cmp.Diff(want, res.Events); diff != "" {
				t.Errorf("events mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// namedEvents returns one event per event name of API 5.28.
func namedEvents() []map[string]any {
	names := []string{"add_payment_info", "add_to_cart", "add_to_wishlist", "app_install", "app_open",
		"checkout", "contact", "custom", "customize_product", "find_location", "initiate_checkout",
		"lead", "page_visit", "schedule", "search", "signup", "start_trial", "submit_application",
		"subscribe", "view_category", "view_content", "watch_video"}
	evs := make([]map[string]any, len(names))
	for i, n := range names {
		evs[i] = edited(set("event_name", n), set("event_id", n))
	}
	return evs
}

// TestDecodedEvent checks that a recorded event holds every wire field.
func TestDecodedEvent(t *testing.T) {
	t.Parallel()
	srv := pinteresttest.NewServerT(t, fixedClock())
	decodeOK(t, post(t, srv, fullEvent("e1")))
	got := srv.Events()
	if len(got) != 1 {
		t.Fatalf("got %d events, want 1", len(got))
	}
	// Marshaling the recorded event must give back the sent event.
	want, err := json.Marshal(fullEvent("e1"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := json.Marshal(got[0])
	if err != nil {
		t.Fatal(err)
	}
	var w, g map[string]any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(again, &g); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("recorded event mismatch (-sent +recorded):\n%s", diff)
	}
	if got[0].DeviceInfo == nil || *got[0].DeviceInfo.BatteryLevel != 78 || got[0].CustomData.Contents[0].ItemBrandID != "b1" {
		t.Errorf("typed fields not decoded: %+v", got[0])
	}

	// Events returns copies.
	got[0].UserData.Em[0] = "changed"
	*got[0].CustomData.NumItems = 99
	again2 := srv.Events()[0]
	if again2.UserData.Em[0] != hash || *again2.CustomData.NumItems != 5 {
		t.Error("Events does not return deep copies")
	}
}
